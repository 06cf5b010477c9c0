import { defaultFollowUpSettings, followUpSettings } from '../../../lambdas/crm/domain/business-hours';
import type { ConversationSignal } from '../../../lambdas/crm/domain/conversation';
import { conversationItem, recordAfterSignal } from '../../../lambdas/crm/domain/conversation-record';

const parties = { conversationId: 'CN1', phoneNumberId: 'PN1', contactNumber: '+15550001111' };
const inbound = (id: string, at: string): ConversationSignal => ({
  parties,
  direction: 'incoming',
  kind: 'awaiting',
  mark: { activityId: id, at, kind: 'message' },
});
const reply = (id: string, at: string): ConversationSignal => ({
  parties,
  direction: 'outgoing',
  kind: 'answer',
  mark: { activityId: id, at, kind: 'message' },
});

describe('a waiting spell’s due time (business time, the line’s hours)', () => {
  // Friday 4 December 2026, 16:50 in New York; the office opens Monday 08:00.
  const fridayLate = '2026-12-04T21:50:00.000Z';

  it('a Friday 16:50 text with a 15-minute target is due Monday 08:05 and joins the reply-due index', () => {
    const record = recordAfterSignal(undefined, inbound('AC1', fridayLate), fridayLate)!;
    expect(record).toMatchObject({ replyDueAt: '2026-12-07T13:05:00.000Z', replyTargetMinutes: 15 });
    expect(conversationItem(record)).toMatchObject({
      replyDuePk: 'DUE',
      replyDueSk: '2026-12-07T13:05:00.000Z#CN1',
    });
  });

  it('a Monday 08:10 answer took 20 business minutes (the weekend not counted) and missed the target', () => {
    const waiting = recordAfterSignal(undefined, inbound('AC1', fridayLate), fridayLate)!;
    const answered = recordAfterSignal(waiting, reply('AC2', '2026-12-07T13:10:00.000Z'), 'now')!;
    expect(answered.lastResponse).toEqual({
      waitingSince: fridayLate,
      answeredAt: '2026-12-07T13:10:00.000Z',
      answeredBy: { activityId: 'AC2', at: '2026-12-07T13:10:00.000Z', kind: 'message' },
      responseBusinessMinutes: 20,
      withinTarget: false,
      replyTargetMinutes: 15,
    });
    expect(answered.replyDueAt).toBeUndefined();
    expect(conversationItem(answered)).not.toHaveProperty('replyDuePk');
  });

  it('uses the line’s own hours and target', () => {
    const settings = followUpSettings.parse({
      byNumber: {
        PN1: {
          timeZone: 'UTC',
          openingHours: { friday: [{ start: '21:00', end: '23:00' }] },
          replyTargetMinutes: 30,
        },
      },
    });
    const record = recordAfterSignal(undefined, inbound('AC1', fridayLate), fridayLate, settings)!;
    expect(record).toMatchObject({ replyDueAt: '2026-12-04T22:20:00.000Z', replyTargetMinutes: 30 });
  });

  it('a line that never opens has no due time: the timer never fires for it', () => {
    const settings = followUpSettings.parse({ default: { openingHours: {} } });
    const record = recordAfterSignal(undefined, inbound('AC1', fridayLate), fridayLate, settings)!;
    expect(record.replyDueAt).toBeUndefined();
    expect(conversationItem(record)).not.toHaveProperty('replyDuePk');
  });

  it('a second text in the spell keeps the due time computed when it began', () => {
    const first = recordAfterSignal(
      undefined,
      inbound('AC1', fridayLate),
      fridayLate,
      defaultFollowUpSettings,
    )!;
    const second = recordAfterSignal(first, inbound('AC3', '2026-12-07T13:00:00.000Z'), 'now')!;
    expect(second.replyDueAt).toBe(first.replyDueAt);
  });
});
