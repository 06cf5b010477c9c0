/**
 * Wall-clock time in an IANA time zone, with nothing but Intl: the runtime's tz database
 * answers every offset, so daylight-saving changes are handled by asking, never by rules here.
 */

export interface LocalDateTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const dayMs = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** True for any zone name the runtime's tz database knows, links such as `America/St_Thomas` included. */
export function isValidTimeZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

export function localDateTimeIn(instant: Date, zone: string): LocalDateTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? NaN,
    month: parts.month ?? NaN,
    day: parts.day ?? NaN,
    hour: parts.hour ?? NaN,
    minute: parts.minute ?? NaN,
    second: parts.second ?? NaN,
  };
}

/** `YYYY-MM-DD` of a local date. */
export function formatLocalDate(date: LocalDate): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * dayMs);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** A wall-clock reading as if it were UTC: lets wall clocks be compared and subtracted as numbers. */
function wallClockMs(local: LocalDateTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
}

function offsetMsAt(instantMs: number, zone: string): number {
  const wholeSecond = Math.floor(instantMs / 1000) * 1000;
  return wallClockMs(localDateTimeIn(new Date(wholeSecond), zone)) - wholeSecond;
}

/**
 * The first instant at which the zone's clocks read `wallClock` or later. When the reading
 * happens twice (clocks go back) that is the earlier one; when it never happens (clocks
 * spring forward over it) it is the moment the clocks jump past it.
 */
export function firstInstantAtWallClock(wallClock: LocalDateTime, zone: string): Date {
  const target = wallClockMs(wallClock);
  const offsets = new Set([target - dayMs, target, target + dayMs].map((ms) => offsetMsAt(ms, zone)));
  const candidates = [...offsets].map((offset) => target - offset);
  const exact = candidates.filter((ms) => wallClockMs(localDateTimeIn(new Date(ms), zone)) === target);
  if (exact.length > 0) return new Date(Math.min(...exact));

  // In a gap: the wall clock is monotonic across it, so search for where it first passes the target.
  let before = Math.min(...candidates);
  let after = Math.max(...candidates);
  while (after - before > 1000) {
    const middle = before + Math.floor((after - before) / 2000) * 1000;
    if (wallClockMs(localDateTimeIn(new Date(middle), zone)) >= target) after = middle;
    else before = middle;
  }
  return new Date(after);
}
