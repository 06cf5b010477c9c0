import {
  businessDayKey,
  checkDailyCap,
  dailyCapCounterKey,
  defaultDailyCap,
  nextBusinessDayStart,
} from '../../../lambdas/campaigns/domain/daily-cap';

const at = (iso: string) => new Date(iso);

describe('business day', () => {
  it('is the calendar date in the business time zone, not in UTC', () => {
    // 03:30 UTC on the 9th is still the evening of the 8th in New York.
    expect(businessDayKey(at('2026-06-09T03:30:00Z'), 'America/New_York')).toBe('2026-06-08');
    expect(businessDayKey(at('2026-06-09T04:00:00Z'), 'America/New_York')).toBe('2026-06-09');
  });

  it('a zone east of UTC is already on the next day', () => {
    expect(businessDayKey(at('2026-06-08T23:30:00Z'), 'Europe/Berlin')).toBe('2026-06-09');
  });

  it('keys one counter per sending number per day', () => {
    expect(dailyCapCounterKey('PNabc123', '2026-06-08')).toBe('PNabc123#2026-06-08');
    expect(dailyCapCounterKey('+12125550100', '2026-06-08')).not.toBe(
      dailyCapCounterKey('+12125550100', '2026-06-09'),
    );
  });

  it('the next business day starts at local midnight', () => {
    expect(nextBusinessDayStart(at('2026-06-08T15:00:00Z'), 'America/Chicago').toISOString()).toBe(
      '2026-06-09T05:00:00.000Z',
    );
  });

  it('the day before clocks spring forward is 23 hours long and the next day still starts at midnight', () => {
    // 2026-03-08 in New York: midnight is EST, the following midnight is EDT.
    const start = nextBusinessDayStart(at('2026-03-07T12:00:00Z'), 'America/New_York');
    const end = nextBusinessDayStart(start, 'America/New_York');
    expect(start.toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(end.toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(businessDayKey(start, 'America/New_York')).toBe('2026-03-08');
  });
});

describe('checkDailyCap', () => {
  const now = at('2026-06-08T15:00:00Z');

  it('defaults to 125 messages a day', () => {
    expect(defaultDailyCap).toBe(125);
  });

  it('allows a send below the cap and says how many remain', () => {
    expect(checkDailyCap(0, 125, now, 'America/New_York')).toEqual({ kind: 'within-cap', remaining: 125 });
    expect(checkDailyCap(124, 125, now, 'America/New_York')).toEqual({ kind: 'within-cap', remaining: 1 });
  });

  it('stops at the cap until the next business day', () => {
    expect(checkDailyCap(125, 125, now, 'America/New_York')).toEqual({
      kind: 'cap-reached',
      resumesAt: at('2026-06-09T04:00:00Z'),
    });
  });

  it('treats a counter over the cap (a lowered cap) as reached', () => {
    expect(checkDailyCap(200, 125, now, 'America/New_York').kind).toBe('cap-reached');
  });
});
