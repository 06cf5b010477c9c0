/**
 * Quiet hours: a campaign message goes out only while the recipient's local clock is inside the
 * sending window. TCPA allows 08:00–21:00 recipient local time; a campaign may narrow that
 * window (some states are stricter) but never widen it.
 */
import { z } from 'zod';
import { timeZoneOfAreaCode } from './area-code-zones';
import { addDays, firstInstantAtWallClock, localDateTimeIn, type LocalDate } from './zoned-time';

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
