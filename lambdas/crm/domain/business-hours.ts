import { z } from 'zod';
import {
  addDays,
  firstInstantAtWallClock,
  isValidTimeZone,
  localDateTimeIn,
  type LocalDate,
} from '../../shared/zoned-time';

/**
 * Business hours and the reply target of a sending number: waiting time counts only while the
 * office is open, in the number's own time zone (daylight saving asked of the tz database).
 */

export const weekdays = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
] as const;
export type Weekday = (typeof weekdays)[number];

const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a 24-hour time HH:MM, e.g. 08:00' });
const minutesOf = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** One opening of a day, local clock times, start inclusive, end exclusive. */
export const openingInterval = z
  .object({ start: clockTime, end: clockTime })
  .refine((i) => minutesOf(i.start) < minutesOf(i.end), {
    error: 'start must be before end (an opening cannot span midnight: split it over two days)',
  });

/** A day's openings: any order, none overlapping (business time would count the overlap twice). */
const dayOpenings = z.array(openingInterval).refine(
  (openings) => {
    const sorted = openings.map((o) => [minutesOf(o.start), minutesOf(o.end)]).sort((a, b) => a[0]! - b[0]!);
    return sorted.every((o, i) => i === 0 || sorted[i - 1]![1]! <= o[0]!);
  },
  { error: 'openings overlap: make them one, or end one before the next starts' },
);

const weekdayHours = [{ start: '08:00', end: '17:00' }];

export const businessHours = z.object({
  /** IANA zone the hours are read in. @default America/New_York */
  timeZone: z
    .string()
    .refine(isValidTimeZone, { error: 'must be an IANA time zone, e.g. America/Chicago' })
    .default('America/New_York'),
  /** Openings per weekday; a day left out is closed. @default Monday–Friday 08:00–17:00 */
  openingHours: z.partialRecord(z.enum(weekdays), dayOpenings).default({
    monday: weekdayHours,
    tuesday: weekdayHours,
    wednesday: weekdayHours,
    thursday: weekdayHours,
    friday: weekdayHours,
  }),
  /** Business minutes within which a waiting conversation should be answered. @default 15 */
  replyTargetMinutes: z.number().int().min(1).max(10_080).default(15),
});
export type BusinessHours = z.infer<typeof businessHours>;

/** The stage's follow-up settings: the default hours, and per sending number (`PN…` or E.164) its own. */
export const followUpSettings = z.object({
  default: z.prefault(businessHours, {}),
  byNumber: z
    .record(
      z.string().regex(/^(\+[1-9]\d{6,14}|PN[A-Za-z0-9]+)$/, 'E.164 (+15555550123) or a PN… id'),
      businessHours,
    )
    .default({}),
});
export type FollowUpSettings = z.infer<typeof followUpSettings>;

export const defaultFollowUpSettings: FollowUpSettings = followUpSettings.parse({});

/** A number's hours: its own by `PN…` id, else by its E.164 number, else the default. */
export function businessHoursOf(
  settings: FollowUpSettings,
  phoneNumberId?: string,
  ourNumber?: string,
): BusinessHours {
  return (
    (phoneNumberId && settings.byNumber[phoneNumberId]) ||
    (ourNumber && settings.byNumber[ourNumber]) ||
    settings.default
  );
}

const weekdayOf = (day: LocalDate) =>
  weekdays[new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay()]!;
/** Openings' instants already asked of the tz database: a report times thousands of spells on the same days. */
const instantsAsked = new Map<string, Date>();
function instantAt(day: LocalDate, clock: string, zone: string): Date {
  const key = `${zone} ${day.year}-${day.month}-${day.day} ${clock}`;
  let instant = instantsAsked.get(key);
  if (!instant) {
    if (instantsAsked.size >= 10_000) instantsAsked.clear();
    instant = firstInstantAtWallClock(
      { ...day, hour: Number(clock.slice(0, 2)), minute: Number(clock.slice(3, 5)), second: 0 },
      zone,
    );
    instantsAsked.set(key, instant);
  }
  return instant;
}

/** Each opening from the local day of `from` on, as instants, in order (none when the office never opens). */
function* openingsFrom(from: Date, hours: BusinessHours): Generator<{ start: Date; end: Date }> {
  const local = localDateTimeIn(from, hours.timeZone);
  let day: LocalDate = { year: local.year, month: local.month, day: local.day };
  const openDays = weekdays.filter((d) => hours.openingHours[d]?.length);
  if (openDays.length === 0) return;
  for (;;) {
    const intervals = [...(hours.openingHours[weekdayOf(day)] ?? [])].sort(
      (a, b) => minutesOf(a.start) - minutesOf(b.start),
    );
    for (const interval of intervals)
      yield {
        start: instantAt(day, interval.start, hours.timeZone),
        end: instantAt(day, interval.end, hours.timeZone),
      };
    day = addDays(day, 1);
  }
}

/** Milliseconds of business time between two instants (0 when `to` is not after `from`). */
export function businessMillisBetween(from: Date, to: Date, hours: BusinessHours): number {
  let total = 0;
  for (const opening of openingsFrom(from, hours)) {
    if (opening.start >= to) break; // openings come in order: none later can overlap
    const overlap =
      Math.min(opening.end.getTime(), to.getTime()) - Math.max(opening.start.getTime(), from.getTime());
    if (overlap > 0) total += overlap;
  }
  return total;
}

/** Whole business minutes between two instants. */
export const businessMinutesBetween = (from: Date, to: Date, hours: BusinessHours) =>
  Math.floor(businessMillisBetween(from, to, hours) / 60_000);

/** When `since` plus the reply target in business time falls: the moment a waiting conversation is overdue. */
export function replyDueAt(since: Date, hours: BusinessHours): Date | undefined {
  let left = hours.replyTargetMinutes * 60_000;
  for (const opening of openingsFrom(since, hours)) {
    const start = Math.max(opening.start.getTime(), since.getTime());
    const open = opening.end.getTime() - start;
    if (open <= 0) continue;
    if (open >= left) return new Date(start + left);
    left -= open;
  }
  return undefined; // never open
}
