import fc from 'fast-check';
import { followUpSettings } from '../../../lambdas/crm/domain/business-hours';
import type { ActivityRecord } from '../../../lambdas/crm/domain/activity';
import {
  activityWindowOf,
  nearestRankPercentile,
  responseHistoryOf,
  responseTimeReportOf,
  type ResponseTimeRequest,
} from '../../../lambdas/crm/domain/response-times';

// Lines: Chicago (UTC−6 in winter) and New York (its own hours, across the March 2026 change).
const settings = followUpSettings.parse({
  default: { timeZone: 'America/Chicago' },
  byNumber: { PNnewyork: { timeZone: 'America/New_York', replyTargetMinutes: 30 } },
});

let sequence = 0;
const customer = '+15555550101';
function message(
  at: string,
  direction: 'incoming' | 'outgoing',
  text: string,
  extra: Partial<ActivityRecord> = {},
): ActivityRecord {
  return {
    activityId: `AC${String(++sequence).padStart(4, '0')}`,
    kind: 'message',
    direction,
    createdAt: at,
    text,
    contactNumbers: [customer],
    conversationId: 'CNone',
    phoneNumberId: 'PNchicago',
    ...(direction === 'outgoing' ? { userId: 'USann' } : {}),
    ...extra,
  };
}
function call(
  at: string,
  direction: 'incoming' | 'outgoing',
  status: string,
  extra: Partial<ActivityRecord> = {},
): ActivityRecord {
  return {
    activityId: `AC${String(++sequence).padStart(4, '0')}`,
    kind: 'call',
    direction,
    createdAt: at,
    status,
    contactNumbers: [customer],
    conversationId: 'CNone',
    phoneNumberId: 'PNchicago',
    ...extra,
  };
}

const report = (records: ActivityRecord[], request: Partial<ResponseTimeRequest> = {}) =>
  responseTimeReportOf(
    responseHistoryOf(records, settings),
    { from: '2026-12-01', to: '2026-12-31', by: 'number', ...request },
    settings,
  );

describe('response times from a line’s activities', () => {
  it('a text answered 10 business minutes later is one answered spell within the target', () => {
    // Monday 7 Dec 2026, 10:00 → 10:10 Chicago
    const r = report([
      message('2026-12-07T16:00:00.000Z', 'incoming', 'Can you come Tuesday?'),
      message('2026-12-07T16:10:00.000Z', 'outgoing', 'Yes, at 9'),
    ]);
    expect(r.rows).toEqual([
      {
        day: '2026-12-07',
        key: 'PNchicago',
        spells: 1,
        answered: 1,
        p50Minutes: 10,
        p90Minutes: 10,
        withinTarget: 1,
        targetMinutes: 15,
        missedCalls: 0,
        missedCallsReturned: 0,
        missedCallsNotReturned: 0,
      },
    ]);
  });

  it('an opt-out, an auto-reply and "ok thanks 👍" start no spell', () => {
    const r = report([
      message('2026-12-07T16:00:00.000Z', 'incoming', 'STOP'),
      message('2026-12-07T16:01:00.000Z', 'incoming', "I'm driving with Do Not Disturb on"),
      message('2026-12-07T16:02:00.000Z', 'incoming', 'ok thanks 👍'),
    ]);
    expect(r.totals.spells).toBe(0);
    expect(r.rows).toEqual([]);
  });

  it('more texts while waiting belong to the same spell, timed from the first', () => {
    const r = report([
      message('2026-12-07T16:00:00.000Z', 'incoming', 'Hello?'),
      message('2026-12-07T16:20:00.000Z', 'incoming', 'Anyone there?'),
      message('2026-12-07T16:30:00.000Z', 'outgoing', 'Sorry, here now'),
    ]);
    expect(r.totals).toMatchObject({ spells: 1, answered: 1, p50Minutes: 30, withinTarget: 0 });
  });

  it('a weekend counts nothing: Friday 16:55 answered Monday 08:05 took 10 minutes, on Friday', () => {
    const r = report([
      message('2026-12-11T22:55:00.000Z', 'incoming', 'Are you open Saturday?'),
      message('2026-12-14T14:05:00.000Z', 'outgoing', 'We are not, sorry'),
    ]);
    expect(r.rows).toMatchObject([{ day: '2026-12-11', p50Minutes: 10, withinTarget: 1 }]);
  });

  it('across the spring-forward weekend business time is still counted in real minutes', () => {
    // New York: Friday 6 March 2026 16:50 EST → Monday 9 March 08:10 EDT: 10 + 10 minutes.
    const newYork = { phoneNumberId: 'PNnewyork', conversationId: 'CNny' };
    const r = responseTimeReportOf(
      responseHistoryOf(
        [
          message('2026-03-06T21:50:00.000Z', 'incoming', 'Need a quote', newYork),
          message('2026-03-09T12:10:00.000Z', 'outgoing', 'Sure', newYork),
          // Monday 23:30 EDT is Tuesday in UTC: it counts on Monday, the line's day.
          message('2026-03-10T03:30:00.000Z', 'incoming', 'One more thing', newYork),
        ],
        settings,
      ),
      { from: '2026-03-01', to: '2026-03-31', by: 'number' },
      settings,
    );
    expect(r.rows).toMatchObject([
      { day: '2026-03-06', key: 'PNnewyork', spells: 1, p50Minutes: 20, withinTarget: 1, targetMinutes: 30 },
      { day: '2026-03-09', key: 'PNnewyork', spells: 1, answered: 0, p50Minutes: null },
    ]);
  });

  it('by user, a spell counts for who answered it; one never answered is unassigned', () => {
    const r = report(
      [
        message('2026-12-07T16:00:00.000Z', 'incoming', 'Hi, a question'),
        message('2026-12-07T16:05:00.000Z', 'outgoing', 'Go ahead', { userId: 'USbob' }),
        message('2026-12-08T16:00:00.000Z', 'incoming', 'Where are you?', { conversationId: 'CNtwo' }),
        // An answered inbound call answers too, for the user who took it.
        call('2026-12-09T16:00:00.000Z', 'incoming', 'no-answer', { conversationId: 'CNthree' }),
        call('2026-12-09T16:03:00.000Z', 'incoming', 'completed', {
          conversationId: 'CNthree',
          answeredAt: '2026-12-09T16:03:10.000Z',
          answeredBy: 'USann',
        }),
      ],
      { by: 'user' },
    );
    expect(r.rows.map((row) => [row.day, row.key, row.spells, row.answered])).toEqual([
      ['2026-12-07', 'USbob', 1, 1],
      ['2026-12-08', 'unassigned', 1, 0],
      ['2026-12-09', 'USann', 1, 1],
      ['2026-12-09', 'unassigned', 0, 0], // the missed call: nobody called back
    ]);
  });

  it('a missed call is returned by an outbound call or text; a voicemail nobody returned is listed', () => {
    const other = { conversationId: 'CNvoicemail', contactNumbers: ['+15555550199'] };
    const r = report([
      call('2026-12-07T16:00:00.000Z', 'incoming', 'no-answer'),
      call('2026-12-07T16:20:00.000Z', 'outgoing', 'no-answer', { userId: 'USann' }),
      call('2026-12-07T17:00:00.000Z', 'incoming', 'completed', {
        ...other,
        voicemail: { url: 'https://example.test/vm.mp3' },
      }),
    ]);
    expect(r.totals).toMatchObject({
      spells: 2,
      answered: 0, // a call-back nobody picked up returns the call but answers nothing
      missedCalls: 2,
      missedCallsReturned: 1,
      missedCallsNotReturned: 1,
    });
    expect(r.unreturnedMissedCalls).toEqual([
      {
        conversationId: 'CNvoicemail',
        phoneNumberId: 'PNchicago',
        contactNumber: '+15555550199',
        at: '2026-12-07T17:00:00.000Z',
        voicemail: true,
        returned: false,
      },
    ]);
  });

  it('a spell already open before the period starts no new one in it; spells outside it are left out', () => {
    const r = report(
      [
        message('2026-11-30T16:00:00.000Z', 'incoming', 'Hello?'),
        message('2026-12-01T16:00:00.000Z', 'incoming', 'Still there?'),
        message('2026-12-01T16:10:00.000Z', 'outgoing', 'Yes'),
        message('2026-12-02T16:00:00.000Z', 'incoming', 'Thanks, and the price?'),
      ],
      { from: '2026-12-01', to: '2026-12-01' },
    );
    expect(r.totals.spells).toBe(0);
  });

  it('reads a week before the period and a week after it, never beyond now', () => {
    const request: ResponseTimeRequest = { from: '2026-12-10', to: '2026-12-11', by: 'number' };
    expect(activityWindowOf(request, new Date('2027-01-01T00:00:00Z'))).toEqual({
      start: new Date('2026-12-02T00:00:00Z'),
      end: new Date('2026-12-20T00:00:00Z'),
    });
    expect(activityWindowOf(request, new Date('2026-12-12T09:00:00Z')).end).toEqual(
      new Date('2026-12-12T09:00:00Z'),
    );
  });
});

describe('percentiles are nearest-rank', () => {
  it('p50 and p90 of 1..10 are 5 and 9; of one value, that value; of none, null', () => {
    const values = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    expect(nearestRankPercentile(values, 50)).toBe(5);
    expect(nearestRankPercentile(values, 90)).toBe(9);
    expect(nearestRankPercentile([42], 90)).toBe(42);
    expect(nearestRankPercentile([], 50)).toBeNull();
  });
});

describe('the report of any timeline', () => {
  const minute = 60_000;
  const start = Date.parse('2026-12-07T14:00:00.000Z');
  const activity = fc.record({
    offset: fc.integer({ min: 0, max: 5 * 24 * 60 }),
    conversation: fc.constantFrom('CNa', 'CNb', 'CNc'),
    what: fc.constantFrom('question', 'thanks', 'reply', 'missed', 'voicemail', 'call-back', 'answered'),
  });
  const recordOf = (a: { offset: number; conversation: string; what: string }, i: number): ActivityRecord => {
    const at = new Date(start + a.offset * minute).toISOString();
    const base = { activityId: `AC${String(i).padStart(4, '0')}`, conversationId: a.conversation };
    switch (a.what) {
      case 'question':
        return message(at, 'incoming', 'When can you come?', base);
      case 'thanks':
        return message(at, 'incoming', 'thanks!', base);
      case 'reply':
        return message(at, 'outgoing', 'Tomorrow', base);
      case 'missed':
        return call(at, 'incoming', 'no-answer', base);
      case 'voicemail':
        return call(at, 'incoming', 'completed', { ...base, voicemail: { url: 'https://x.test/v' } });
      case 'call-back':
        return call(at, 'outgoing', 'no-answer', base);
      default:
        return call(at, 'incoming', 'completed', { ...base, answeredAt: at });
    }
  };

  it('is the same in any order, and its counts add up', () => {
    fc.assert(
      fc.property(fc.array(activity, { maxLength: 40 }), fc.boolean(), (activities, byUser) => {
        const records = activities.map(recordOf);
        const by = byUser ? 'user' : 'number';
        const r = report(records, { by });
        expect(report([...records].reverse(), { by })).toEqual(r);
        for (const row of [...r.rows, r.totals]) {
          expect(row.answered).toBeLessThanOrEqual(row.spells);
          expect(row.withinTarget).toBeLessThanOrEqual(row.answered);
          expect(row.missedCallsReturned + row.missedCallsNotReturned).toBe(row.missedCalls);
          if (row.p50Minutes !== null) expect(row.p50Minutes).toBeLessThanOrEqual(row.p90Minutes!);
        }
        expect(r.rows.reduce((n, row) => n + row.spells, 0)).toBe(r.totals.spells);
        expect(r.unreturnedMissedCalls).toHaveLength(r.totals.missedCallsNotReturned);
      }),
    );
  });
});
