/**
 * Quiet hours: a campaign message goes out only while the recipient's local clock is inside the
 * sending window. TCPA allows 08:00–21:00 recipient local time; a campaign may narrow that
 * window (some states are stricter) but never widen it.
 */
import { z } from 'zod';
import { stateOfAreaCode, timeZoneOfAreaCode, timeZonesOfAreaCode } from './area-code-zones';
import { recipientZone } from './recipient-zones';
import { addDays, firstInstantAtWallClock, localDateTimeIn, type LocalDate } from '../../shared/zoned-time';

const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a 24-hour time HH:MM, e.g. 08:00' });

/** The widest window the law allows; the default. */
export const legalSendingWindow = { start: '08:00', end: '21:00' } as const;

/** Local clock times, start inclusive, end exclusive, inside one day. */
export const sendingWindow = z
  .object({ start: clockTime, end: clockTime })
  .refine((w) => minutesOf(w.start) < minutesOf(w.end), {
    error: 'start must be before end (a window cannot span midnight)',
  })
  .refine(
    (w) =>
      minutesOf(w.start) >= minutesOf(legalSendingWindow.start) &&
      minutesOf(w.end) <= minutesOf(legalSendingWindow.end),
    {
      error: `must lie within ${legalSendingWindow.start}–${legalSendingWindow.end} recipient local time (TCPA)`,
    },
  );
export type SendingWindow = z.infer<typeof sendingWindow>;

export const defaultSendingWindow: SendingWindow = { ...legalSendingWindow };

function minutesOf(clock: string): number {
  const [hours = '0', minutes = '0'] = clock.split(':');
  return Number(hours) * 60 + Number(minutes);
}

const nanpNumber = /^\+1([2-9]\d{2})[2-9]\d{6}$/;

/**
 * The time zone to judge quiet hours by: the zone of a US/Canadian number's area code, or the
 * business's own zone for anything else (other countries, toll-free, unknown area codes).
 */
export function recipientTimeZone(e164: string, fallbackZone: string): string {
  const areaCode = nanpNumber.exec(e164)?.[1];
  return (areaCode && timeZoneOfAreaCode(areaCode)) || fallbackZone;
}

export function isWithinSendingWindow(
  now: Date,
  zone: string,
  window: SendingWindow = defaultSendingWindow,
): boolean {
  const local = localDateTimeIn(now, zone);
  const secondOfDay = (local.hour * 60 + local.minute) * 60 + local.second;
  return secondOfDay >= minutesOf(window.start) * 60 && secondOfDay < minutesOf(window.end) * 60;
}

/**
 * When a recipient may next be messaged: `now` itself inside the window, otherwise the next
 * time the recipient's clock reads the window's start (today's if it is still to come).
 */
export function nextWindowOpening(
  now: Date,
  zone: string,
  window: SendingWindow = defaultSendingWindow,
): Date {
  if (isWithinSendingWindow(now, zone, window)) return now;
  const local = localDateTimeIn(now, zone);
  const startMinutes = minutesOf(window.start);
  const today = { year: local.year, month: local.month, day: local.day };
  const openingOn = (day: LocalDate) =>
    firstInstantAtWallClock(
      { ...day, hour: Math.floor(startMinutes / 60), minute: startMinutes % 60, second: 0 },
      zone,
    );
  const todays = openingOn(today);
  return todays > now ? todays : openingOn(addDays(today, 1));
}

/**
 * A state's rule stricter than the federal one: a narrower window and a cap on messages to one
 * number per rolling 24 hours. Keyed by the recipient area code's state (two letters).
 */
export const stateSendingRule = z.object({
  window: sendingWindow.optional(),
  maxMessagesPer24h: z.number().int().min(1).max(100).optional(),
});
export type StateSendingRule = z.infer<typeof stateSendingRule>;
export const stateSendingRules = z.record(z.string().regex(/^[A-Z]{2}$/), stateSendingRule);
export type StateSendingRules = z.infer<typeof stateSendingRules>;

/**
 * The default table: Florida's Telephone Solicitation Act (2021), Oklahoma's (2022) and
 * Maryland's Stop the Spam Calls Act (2023) each allow 08:00–20:00 and at most three messages
 * to one number in 24 hours. Replaced whole by the stage's `campaignStateRules`.
 */
export const defaultStateSendingRules: StateSendingRules = {
  FL: { window: { start: '08:00', end: '20:00' }, maxMessagesPer24h: 3 },
  OK: { window: { start: '08:00', end: '20:00' }, maxMessagesPer24h: 3 },
  MD: { window: { start: '08:00', end: '20:00' }, maxMessagesPer24h: 3 },
};

/** What governs sending to one recipient: the zones it may be in, the window, the state's cap. */
export interface RecipientSendingRules {
  zones: readonly string[];
  window: SendingWindow;
  state?: string;
  maxMessagesPer24h?: number;
}

/** The later start and the earlier end of two windows (empty when they do not overlap). */
function narrowed(a: SendingWindow, b: SendingWindow | undefined): SendingWindow {
  if (!b) return a;
  const start = minutesOf(a.start) >= minutesOf(b.start) ? a.start : b.start;
  const end = minutesOf(a.end) <= minutesOf(b.end) ? a.end : b.end;
  return { start, end };
}

/**
 * A recipient's rules: the zones its clock may be in (the recipient file's `timeZone` where given;
 * else every zone of a North American area code, or the zone of a country with one clock; else
 * the business's zone; every clock of a country with several when none is given), the campaign's
 * window narrowed by its state's, and its state's cap.
 */
export function sendingRulesFor(
  e164: string,
  campaignWindow: SendingWindow,
  fallbackZone: string,
  stateRules: StateSendingRules = defaultStateSendingRules,
  fields: Readonly<Record<string, string>> = {},
): RecipientSendingRules {
  const areaCode = nanpNumber.exec(e164)?.[1];
  const state = areaCode ? stateOfAreaCode(areaCode) : undefined;
  const rule = state ? stateRules[state] : undefined;
  const place = recipientZone(e164, fields);
  // A country of several clocks with no zone given (imported before zones were checked): all of them.
  const zones =
    place.kind === 'zone'
      ? [place.zone]
      : place.kind === 'ambiguous'
        ? place.zones
        : areaCode && place.kind === 'area-code'
          ? timeZonesOfAreaCode(areaCode)
          : [];
  return {
    zones: zones.length > 0 ? zones : [fallbackZone],
    window: narrowed(campaignWindow, rule?.window),
    ...(state ? { state } : {}),
    ...(rule?.maxMessagesPer24h ? { maxMessagesPer24h: rule.maxMessagesPer24h } : {}),
  };
}

/** Inside the window in every one of the zones. */
export function isWithinSendingWindowEverywhere(
  now: Date,
  zones: readonly string[],
  window: SendingWindow,
): boolean {
  return zones.every((zone) => isWithinSendingWindow(now, zone, window));
}

/**
 * The first instant from `now` at which the window is open in every zone: the latest of the
 * zones' next openings, checked again (a later zone's opening may fall after an earlier zone's
 * close). Undefined when the zones' windows never overlap (a window narrower than the zones'
 * spread), so the caller can say so instead of waiting forever.
 */
export function nextWindowOpeningEverywhere(
  now: Date,
  zones: readonly string[],
  window: SendingWindow,
): Date | undefined {
  if (minutesOf(window.start) >= minutesOf(window.end)) return undefined;
  let candidate = now;
  for (let attempt = 0; attempt < 8; attempt++) {
    const openings = zones.map((zone) => nextWindowOpening(candidate, zone, window));
    const latest = new Date(Math.max(...openings.map((d) => d.getTime())));
    if (isWithinSendingWindowEverywhere(latest, zones, window)) return latest;
    candidate = new Date(latest.getTime() + 60_000);
  }
  return undefined;
}

/**
 * Under a state's cap of messages per rolling 24 hours, given the times of the sends to the
 * number in the last day: undefined when one more may go, else when the oldest counted send ages out.
 */
export function recipientCapResumesAt(
  now: Date,
  recentSends: readonly string[],
  maxMessagesPer24h: number | undefined,
): Date | undefined {
  if (maxMessagesPer24h === undefined) return undefined;
  const dayAgo = now.getTime() - 86_400_000;
  const counted = recentSends
    .map((at) => Date.parse(at))
    .filter((ms) => ms > dayAgo)
    .sort((a, b) => a - b);
  if (counted.length < maxMessagesPer24h) return undefined;
  return new Date(counted[counted.length - maxMessagesPer24h]! + 86_400_000);
}
