/**
 * Where a recipient's clock is, for quiet hours. A North American number is judged by its area
 * code (area-code-zones.ts); any other number by its country's zone when the country keeps one
 * clock (the UK, France, India), and a country with several clocks (Spain with the Canaries,
 * Australia, Brazil) needs the recipient file to say which: a `timeZone` column with an IANA zone
 * name. That column, where given, decides for any number.
 */
import { getCountry } from 'countries-and-timezones';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { isValidTimeZone } from '../../shared/zoned-time';

/** The recipient-file column (a template field like any other) that names a recipient's zone. */
export const recipientTimeZoneField = 'timeZone';

export type RecipientZone =
  /** Judged by this zone. */
  | { kind: 'zone'; zone: string }
  /** A North American number: judged by its area code's zones. */
  | { kind: 'area-code' }
  /** A country with several clocks and no zone given. */
  | { kind: 'ambiguous'; country: string; zones: string[] }
  /** The file names a zone that does not exist. */
  | { kind: 'unknown-zone'; zone: string }
  /** No country (international numbers such as +800): judged by the business's zone. */
  | { kind: 'business-zone' };

export function recipientZone(e164: string, fields: Readonly<Record<string, string>> = {}): RecipientZone {
  const given = fields[recipientTimeZoneField]?.trim();
  if (given)
    return isValidTimeZone(given) ? { kind: 'zone', zone: given } : { kind: 'unknown-zone', zone: given };
  if (e164.startsWith('+1')) return { kind: 'area-code' };
  const parsed = parsePhoneNumberFromString(e164);
  // A number the metadata cannot pin to one country (+44 is also Guernsey, Jersey, Man): all of them.
  const countries = parsed?.country ? [parsed.country] : (parsed?.getPossibleCountries() ?? []);
  const zones = clocksOf(countries.flatMap((c) => getCountry(c)?.timezones ?? []));
  if (zones.length === 0) return { kind: 'business-zone' };
  return zones.length === 1
    ? { kind: 'zone', zone: zones[0]! }
    : { kind: 'ambiguous', country: countries.join('/'), zones };
}

/** Sample instants in winter and summer (both hemispheres): zones that agree on both keep one clock. */
const samples = [Date.UTC(2026, 0, 15, 12), Date.UTC(2026, 6, 15, 12)];

/**
 * One zone per distinct clock: Germany's Berlin and Büsingen (Europe/Zurich) read the same all
 * year, so Germany keeps one clock; Spain's Madrid and Canary do not.
 */
function clocksOf(zones: readonly string[]): string[] {
  const byClock = new Map<string, string>();
  for (const zone of zones) {
    const clock = samples.map((at) => offsetName(zone, at)).join('|');
    if (!byClock.has(clock)) byClock.set(clock, zone);
  }
  return [...byClock.values()];
}

function offsetName(zone: string, at: number): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    timeZoneName: 'longOffset',
  }).formatToParts(at);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? zone;
}
