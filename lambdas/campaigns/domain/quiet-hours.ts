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

/**
 * A weekend day's own window, or `none` (no messages that day at all). Weekdays use the main
 * window. Days are the recipient's local days.
 */
export const dayWindow = z.union([sendingWindow, z.literal('none')]);
export type DayWindow = z.infer<typeof dayWindow>;
export interface WeekendWindows {
  saturday?: DayWindow;
  sunday?: DayWindow;
}

/** The window of one local day: Saturday's and Sunday's own where given, else `window`. */
function windowOn(day: LocalDate, window: SendingWindow, weekend: WeekendWindows): SendingWindow | undefined {
  const weekday = new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay();
  const own = weekday === 6 ? weekend.saturday : weekday === 0 ? weekend.sunday : undefined;
  return own === 'none' ? undefined : (own ?? window);
}

export function isWithinSendingWindow(
  now: Date,
  zone: string,
  window: SendingWindow = defaultSendingWindow,
  weekend: WeekendWindows = {},
): boolean {
  const local = localDateTimeIn(now, zone);
  const today = windowOn(local, window, weekend);
  if (!today) return false;
  const secondOfDay = (local.hour * 60 + local.minute) * 60 + local.second;
  return secondOfDay >= minutesOf(today.start) * 60 && secondOfDay < minutesOf(today.end) * 60;
}

/**
 * When a recipient may next be messaged: `now` itself inside the window, otherwise the next
 * time the recipient's clock reads the window's start (today's if it is still to come, else that
 * of the next day that has a window).
 */
export function nextWindowOpening(
  now: Date,
  zone: string,
  window: SendingWindow = defaultSendingWindow,
  weekend: WeekendWindows = {},
): Date {
  if (isWithinSendingWindow(now, zone, window, weekend)) return now;
  const local = localDateTimeIn(now, zone);
  const today = { year: local.year, month: local.month, day: local.day };
  for (let ahead = 0; ahead <= 7; ahead++) {
    const day = addDays(today, ahead);
    const open = windowOn(day, window, weekend);
    if (!open) continue;
    const startMinutes = minutesOf(open.start);
    const opening = firstInstantAtWallClock(
      { ...day, hour: Math.floor(startMinutes / 60), minute: startMinutes % 60, second: 0 },
      zone,
    );
    if (opening > now) return opening;
  }
  // Every day 'none' cannot be configured (weekdays always have a window); a week on, to be safe.
  return new Date(now.getTime() + 7 * 86_400_000);
}

/**
 * A state's rule stricter than the federal one: a narrower window and a cap on messages to one
 * number per rolling 24 hours. Keyed by the recipient area code's state (two letters).
 */
export const stateSendingRule = z.object({
  window: sendingWindow.optional(),
  /** Saturday's own window, or `none`. @default the same as the other days */
  saturday: dayWindow.optional(),
  /** Sunday's own window, or `none` (no solicitation on Sundays). @default the same as the other days */
  sunday: dayWindow.optional(),
  maxMessagesPer24h: z.number().int().min(1).max(100).optional(),
  /** Where the rule comes from (statute, date read): shown in the docs, never used. */
  source: z.string().optional(),
});
export type StateSendingRule = z.infer<typeof stateSendingRule>;
export const stateSendingRules = z.record(z.string().regex(/^[A-Z]{2}$/), stateSendingRule);
export type StateSendingRules = z.infer<typeof stateSendingRules>;

const eightToEight = { start: '08:00', end: '20:00' } as const;

/**
 * The default table: every state whose own law on telephone solicitation (texts included) is
 * stricter than the federal 08:00–21:00, as two compliance references list them (November and
 * July 2025; docs/campaigns.md names them and the statutes). Where they differ, the stricter
 * reading. Holidays are not in it (see the docs). Replaced whole by the stage's `campaignStateRules`.
 */
export const defaultStateSendingRules: StateSendingRules = {
  AL: { window: eightToEight, sunday: 'none', source: 'Ala. PSC telephone solicitation rules' },
  CT: { window: { start: '09:00', end: '20:00' }, source: 'Conn. Gen. Stat. § 42-288a (2023)' },
  FL: { window: eightToEight, maxMessagesPer24h: 3, source: 'Fla. Stat. § 501.616(6) (2021)' },
  KY: { window: { start: '10:00', end: '21:00' }, source: 'Ky. Rev. Stat. § 367.46955' },
  LA: { window: eightToEight, sunday: 'none', source: 'La. R.S. 45:811; PSC Gen. Order R-29617' },
  MA: { window: eightToEight, source: 'Mass. Gen. Laws c. 159C § 3' },
  MD: { window: eightToEight, maxMessagesPer24h: 3, source: 'Md. Stop the Spam Calls Act (2023)' },
  MI: { window: { start: '09:00', end: '21:00' }, source: 'Mich. Comp. Laws § 445.111b' },
  MN: { window: { start: '09:00', end: '21:00' }, source: 'Minn. Stat. § 325E.27' },
  MS: { window: eightToEight, sunday: 'none', source: 'Miss. Code § 77-3-725' },
  NM: { window: { start: '09:00', end: '21:00' }, source: 'N.M. Stat. § 57-12-22' },
  NV: { window: { start: '09:00', end: '20:00' }, source: 'Nev. Rev. Stat. § 228.590' },
  OK: { window: eightToEight, maxMessagesPer24h: 3, source: 'Okla. Stat. tit. 15 § 775C.4 (2022)' },
  RI: {
    window: { start: '09:00', end: '18:00' },
    saturday: { start: '10:00', end: '17:00' },
    sunday: 'none',
    source: 'R.I. Gen. Laws § 5-61-3.5',
  },
  TX: {
    window: { start: '09:00', end: '21:00' },
    sunday: { start: '12:00', end: '21:00' },
    source: 'Tex. Bus. & Com. Code § 301.051',
  },
  WA: { window: eightToEight, source: 'Wash. Rev. Code § 80.36.390' },
};

/** What governs sending to one recipient: the zones it may be in, the window, the state's cap. */
export interface RecipientSendingRules {
  zones: readonly string[];
  window: SendingWindow;
  /** The state's own weekend windows, each narrowed by the campaign's window. */
  weekend: WeekendWindows;
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
  const weekendDay = (own: DayWindow | undefined): DayWindow | undefined =>
    own === undefined || own === 'none' ? own : narrowed(campaignWindow, own);
  const saturday = weekendDay(rule?.saturday);
  const sunday = weekendDay(rule?.sunday);
  return {
    zones: zones.length > 0 ? zones : [fallbackZone],
    window: narrowed(campaignWindow, rule?.window),
    weekend: { ...(saturday ? { saturday } : {}), ...(sunday ? { sunday } : {}) },
    ...(state ? { state } : {}),
    ...(rule?.maxMessagesPer24h ? { maxMessagesPer24h: rule.maxMessagesPer24h } : {}),
  };
}

/** Inside the window in every one of the zones. */
export function isWithinSendingWindowEverywhere(
  now: Date,
  zones: readonly string[],
  window: SendingWindow,
  weekend: WeekendWindows = {},
): boolean {
  return zones.every((zone) => isWithinSendingWindow(now, zone, window, weekend));
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
  weekend: WeekendWindows = {},
): Date | undefined {
  if (minutesOf(window.start) >= minutesOf(window.end)) return undefined;
  let candidate = now;
  for (let attempt = 0; attempt < 8; attempt++) {
    const openings = zones.map((zone) => nextWindowOpening(candidate, zone, window, weekend));
    const latest = new Date(Math.max(...openings.map((d) => d.getTime())));
    if (isWithinSendingWindowEverywhere(latest, zones, window, weekend)) return latest;
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
