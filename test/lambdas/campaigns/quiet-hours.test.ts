import fc from 'fast-check';
import { listedAreaCodes, timeZoneOfAreaCode } from '../../../lambdas/campaigns/domain/area-code-zones';
import {
  defaultSendingWindow,
  isWithinSendingWindow,
  nextWindowOpening,
  recipientTimeZone,
  sendingWindow,
} from '../../../lambdas/campaigns/domain/quiet-hours';
import { isValidTimeZone, localDateTimeIn } from '../../../lambdas/shared/zoned-time';

const at = (iso: string) => new Date(iso);

describe('recipientTimeZone', () => {
  it.each([
    ['212', '+12125550100', 'America/New_York'],
    ['312', '+13125550100', 'America/Chicago'],
    ['303', '+13035550100', 'America/Denver'],
    ['602', '+16025550100', 'America/Phoenix'],
    ['415', '+14155550100', 'America/Los_Angeles'],
    ['907', '+19075550100', 'America/Anchorage'],
    ['808', '+18085550100', 'Pacific/Honolulu'],
    ['787', '+17875550100', 'America/Puerto_Rico'],
    ['416', '+14165550100', 'America/Toronto'],
    ['514', '+15145550100', 'America/Toronto'],
    ['604', '+16045550100', 'America/Vancouver'],
    ['403', '+14035550100', 'America/Edmonton'],
    ['306', '+13065550100', 'America/Regina'],
    ['902', '+19025550100', 'America/Halifax'],
    ['709', '+17095550100', 'America/St_Johns'],
  ])('a number in area code %s gets %s', (_code, e164, zone) => {
    expect(recipientTimeZone(e164, 'UTC')).toBe(zone);
  });

  it.each([
    ['850 (Florida panhandle)', '+18505550100', 'America/Chicago'],
    ['915 (El Paso)', '+19155550100', 'America/Denver'],
    ['219 (north-west Indiana)', '+12195550100', 'America/Chicago'],
    ['317 (Indianapolis)', '+13175550100', 'America/New_York'],
    ['208 (Idaho)', '+12085550100', 'America/Denver'],
  ])('a multi-zone area code %s gets its majority zone', (_code, e164, zone) => {
    expect(recipientTimeZone(e164, 'UTC')).toBe(zone);
  });

  it('a toll-free number gets the business time zone', () => {
    expect(recipientTimeZone('+18005550100', 'America/Chicago')).toBe('America/Chicago');
  });

  it('a number outside North America gets the business time zone', () => {
    expect(recipientTimeZone('+442079460958', 'Europe/London')).toBe('Europe/London');
  });

  it('a malformed number gets the business time zone', () => {
    expect(recipientTimeZone('2125550100', 'America/Denver')).toBe('America/Denver');
  });
});

describe('the area code table', () => {
  it('lists no area code twice', () => {
    const codes = listedAreaCodes().map((entry) => entry.areaCode);
    expect(codes.length).toBe(new Set(codes).size);
  });

  it('holds only three-digit NANP area codes', () => {
    for (const { areaCode } of listedAreaCodes()) expect(areaCode).toMatch(/^[2-9][0-8]\d$/);
  });

  it('names only zones the runtime knows', () => {
    for (const zone of new Set(listedAreaCodes().map((entry) => entry.zone))) {
      expect(isValidTimeZone(zone)).toBe(true);
    }
  });

  it('covers the US and Canada broadly', () => {
    expect(listedAreaCodes().length).toBeGreaterThan(400);
  });

  it('leaves non-geographic codes out', () => {
    for (const code of ['800', '833', '844', '855', '866', '877', '888', '900', '500']) {
      expect(timeZoneOfAreaCode(code)).toBeUndefined();
    }
  });
});

describe('isWithinSendingWindow', () => {
  const newYork = 'America/New_York';

  it('08:00 local time is inside the default window', () => {
    expect(isWithinSendingWindow(at('2026-06-15T12:00:00Z'), newYork)).toBe(true);
  });

  it('07:59:59 local time is outside', () => {
    expect(isWithinSendingWindow(at('2026-06-15T11:59:59Z'), newYork)).toBe(false);
  });

  it('20:59:59 is inside and 21:00 is outside', () => {
    expect(isWithinSendingWindow(at('2026-06-16T00:59:59Z'), newYork)).toBe(true);
    expect(isWithinSendingWindow(at('2026-06-16T01:00:00Z'), newYork)).toBe(false);
  });

  it('judges by the recipient zone, not UTC', () => {
    const noonUtc = at('2026-01-15T16:00:00Z'); // 11:00 in New York, 06:00 in Honolulu
    expect(isWithinSendingWindow(noonUtc, newYork)).toBe(true);
    expect(isWithinSendingWindow(noonUtc, 'Pacific/Honolulu')).toBe(false);
  });

  it('follows daylight saving: 12:30 UTC is 07:30 in winter and 08:30 in summer in New York', () => {
    expect(isWithinSendingWindow(at('2026-01-15T12:30:00Z'), newYork)).toBe(false);
    expect(isWithinSendingWindow(at('2026-07-15T12:30:00Z'), newYork)).toBe(true);
  });

  it('Arizona keeps no daylight saving', () => {
    // 08:30 MST all year: 15:30 UTC both in January and July.
    expect(isWithinSendingWindow(at('2026-01-15T15:30:00Z'), 'America/Phoenix')).toBe(true);
    expect(isWithinSendingWindow(at('2026-07-15T15:30:00Z'), 'America/Phoenix')).toBe(true);
    expect(isWithinSendingWindow(at('2026-07-15T14:30:00Z'), 'America/Phoenix')).toBe(false);
  });

  it('honours a narrower configured window', () => {
    const window = { start: '09:00', end: '20:00' };
    expect(isWithinSendingWindow(at('2026-06-15T12:30:00Z'), newYork, window)).toBe(false); // 08:30
    expect(isWithinSendingWindow(at('2026-06-15T13:00:00Z'), newYork, window)).toBe(true); // 09:00
    expect(isWithinSendingWindow(at('2026-06-16T00:00:00Z'), newYork, window)).toBe(false); // 20:00
  });

  it('handles a half-hour zone (Newfoundland)', () => {
    // 08:00 NDT is 10:30 UTC.
    expect(isWithinSendingWindow(at('2026-07-15T10:29:00Z'), 'America/St_Johns')).toBe(false);
    expect(isWithinSendingWindow(at('2026-07-15T10:30:00Z'), 'America/St_Johns')).toBe(true);
  });
});

describe('nextWindowOpening', () => {
  const newYork = 'America/New_York';

  it('inside the window it is now', () => {
    const now = at('2026-06-15T15:00:00Z');
    expect(nextWindowOpening(now, newYork)).toEqual(now);
  });

  it('before the window it is 08:00 the same day', () => {
    expect(nextWindowOpening(at('2026-06-15T09:00:00Z'), newYork).toISOString()).toBe(
      '2026-06-15T12:00:00.000Z',
    );
  });

  it('after the window it is 08:00 the next day', () => {
    expect(nextWindowOpening(at('2026-06-16T02:00:00Z'), newYork).toISOString()).toBe(
      '2026-06-16T12:00:00.000Z',
    );
  });

  it('at midnight UTC it still uses the recipient local date', () => {
    // 2026-06-15T23:30Z is 16:30 in Los Angeles (inside) and 19:30 in New York (inside); 01:30 next day in London.
    expect(nextWindowOpening(at('2026-06-15T23:30:00Z'), 'Europe/London').toISOString()).toBe(
      '2026-06-16T07:00:00.000Z',
    );
  });

  it('on the night clocks spring forward it opens at 08:00 daylight time', () => {
    // 01:30 EST on 2026-03-08; clocks jump to 03:00 EDT at 07:00 UTC.
    expect(nextWindowOpening(at('2026-03-08T06:30:00Z'), newYork).toISOString()).toBe(
      '2026-03-08T12:00:00.000Z',
    );
  });

  it('on the night clocks fall back it opens at 08:00 standard time', () => {
    // 01:30 EDT on 2026-11-01; clocks fall back to 01:00 EST at 06:00 UTC.
    expect(nextWindowOpening(at('2026-11-01T05:30:00Z'), newYork).toISOString()).toBe(
      '2026-11-01T13:00:00.000Z',
    );
  });

  it('after the window on the evening before a change it opens at the new offset', () => {
    // 22:00 EST on 2026-03-07; next morning is EDT.
    expect(nextWindowOpening(at('2026-03-08T03:00:00Z'), newYork).toISOString()).toBe(
      '2026-03-08T12:00:00.000Z',
    );
  });

  it('honours a configured start', () => {
    const window = { start: '10:15', end: '18:00' };
    expect(nextWindowOpening(at('2026-06-15T23:00:00Z'), 'America/Chicago', window).toISOString()).toBe(
      '2026-06-16T15:15:00.000Z',
    );
  });

  const zones = [
    'America/New_York',
    'America/Chicago',
    'America/Phoenix',
    'America/St_Johns',
    'Pacific/Honolulu',
  ];

  it('always lands inside the window, at its start, no earlier than now and within a day (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: at('2020-01-01T00:00:00Z'), max: at('2035-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        (now, zone) => {
          const opening = nextWindowOpening(now, zone, defaultSendingWindow);
          if (!isWithinSendingWindow(opening, zone)) return false;
          if (opening < now || opening.getTime() - now.getTime() > 25 * 3_600_000) return false;
          if (opening.getTime() === now.getTime()) return true;
          const local = localDateTimeIn(opening, zone);
          return local.hour === 8 && local.minute === 0 && local.second === 0;
        },
      ),
    );
  });

  it('nothing between now and the opening is inside the window (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: at('2024-01-01T00:00:00Z'), max: at('2027-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (now, zone, fraction) => {
          const opening = nextWindowOpening(now, zone);
          const between = new Date(
            now.getTime() + Math.floor((opening.getTime() - now.getTime()) * fraction),
          );
          return between.getTime() === opening.getTime() || !isWithinSendingWindow(between, zone);
        },
      ),
    );
  });
});

describe('sendingWindow schema', () => {
  it('defaults to 08:00–21:00', () => {
    expect(defaultSendingWindow).toEqual({ start: '08:00', end: '21:00' });
  });

  it('accepts a window inside the legal hours', () => {
    expect(sendingWindow.safeParse({ start: '09:30', end: '17:00' }).success).toBe(true);
  });

  it.each([
    ['starts before 08:00', { start: '07:00', end: '20:00' }],
    ['ends after 21:00', { start: '09:00', end: '22:00' }],
    ['starts after it ends', { start: '18:00', end: '09:00' }],
    ['is empty', { start: '09:00', end: '09:00' }],
    ['is not HH:MM', { start: '9am', end: '20:00' }],
  ])('refuses a window that %s', (_what, window) => {
    expect(sendingWindow.safeParse(window).success).toBe(false);
  });
});
