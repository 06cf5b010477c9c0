/**
 * The cold-outreach cap: at most N campaign messages per sending number per business day.
 * A day is the business's calendar day in its own time zone, so the counter resets at local
 * midnight, and one counter item is keyed per sending number per day.
 */
import { addDays, firstInstantAtWallClock, formatLocalDate, localDateTimeIn } from '../../shared/zoned-time';

export const defaultDailyCap = 125;

/** `YYYY-MM-DD` of the business day `now` falls on in the business's time zone. */
export function businessDayKey(now: Date, businessZone: string): string {
  return formatLocalDate(localDateTimeIn(now, businessZone));
}

/** The key of one sending number's counter for one business day, e.g. `PNabc123#2026-03-08`. */
export function dailyCapCounterKey(sendingNumber: string, businessDay: string): string {
  return `${sendingNumber}#${businessDay}`;
}

/** Local midnight that starts the next business day: when a capped campaign may go on. */
export function nextBusinessDayStart(now: Date, businessZone: string): Date {
  const tomorrow = addDays(localDateTimeIn(now, businessZone), 1);
  return firstInstantAtWallClock({ ...tomorrow, hour: 0, minute: 0, second: 0 }, businessZone);
}

export type DailyCapDecision =
  { kind: 'within-cap'; remaining: number } | { kind: 'cap-reached'; resumesAt: Date };

/** Whether one more message may go out today, given how many the counter already holds. */
export function checkDailyCap(
  sentToday: number,
  cap: number,
  now: Date,
  businessZone: string,
): DailyCapDecision {
  const remaining = cap - sentToday;
  return remaining > 0
    ? { kind: 'within-cap', remaining }
    : { kind: 'cap-reached', resumesAt: nextBusinessDayStart(now, businessZone) };
}
