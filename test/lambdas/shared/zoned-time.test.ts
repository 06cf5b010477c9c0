import {
  addDays,
  firstInstantAtWallClock,
  formatLocalDate,
  isValidTimeZone,
  localDateTimeIn,
} from '../../../lambdas/shared/zoned-time';

const wall = (year: number, month: number, day: number, hour: number, minute = 0) => ({
  year,
  month,
  day,
  hour,
  minute,
  second: 0,
});

describe('zoned time', () => {
  it('reads the wall clock of an instant in a zone', () => {
    expect(localDateTimeIn(new Date('2026-07-04T16:05:09Z'), 'America/Los_Angeles')).toEqual({
      year: 2026,
      month: 7,
      day: 4,
      hour: 9,
      minute: 5,
      second: 9,
    });
  });

  it('midnight reads as hour 0, not 24', () => {
    expect(localDateTimeIn(new Date('2026-07-04T04:00:00Z'), 'America/New_York').hour).toBe(0);
  });

  it('converts an ordinary wall clock time to its instant', () => {
    expect(firstInstantAtWallClock(wall(2026, 1, 15, 8), 'America/Chicago').toISOString()).toBe(
      '2026-01-15T14:00:00.000Z',
    );
  });

  it('a wall clock time skipped by spring forward maps to the moment of the jump', () => {
    // 02:30 never happens in New York on 2026-03-08: clocks go from 02:00 EST to 03:00 EDT (07:00 UTC).
    expect(firstInstantAtWallClock(wall(2026, 3, 8, 2, 30), 'America/New_York').toISOString()).toBe(
      '2026-03-08T07:00:00.000Z',
    );
  });

  it('a wall clock time repeated by fall back maps to its first occurrence', () => {
    // 01:30 happens twice in New York on 2026-11-01: first in EDT (05:30 UTC).
    expect(firstInstantAtWallClock(wall(2026, 11, 1, 1, 30), 'America/New_York').toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });

  it('adds days across month and year ends', () => {
    expect(addDays({ year: 2026, month: 12, day: 31 }, 1)).toEqual({ year: 2027, month: 1, day: 1 });
    expect(addDays({ year: 2028, month: 2, day: 28 }, 1)).toEqual({ year: 2028, month: 2, day: 29 });
  });

  it('formats a date as YYYY-MM-DD', () => {
    expect(formatLocalDate({ year: 2026, month: 3, day: 8 })).toBe('2026-03-08');
  });

  it('knows valid and invalid zone names', () => {
    expect(isValidTimeZone('America/New_York')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
