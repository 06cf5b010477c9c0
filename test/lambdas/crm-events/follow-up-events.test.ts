import { crmEventDetails, crmEventsOf, type CrmEvent } from '../../../lambdas/crm-events';

type Item = Record<string, unknown>;
const noText = { includeText: false };
const withText = { includeText: true };

function valid(events: CrmEvent[]): CrmEvent[] {
  for (const event of events) crmEventDetails[event.detailType].parse(event.detail);
  return events;
}

const conversation = (over: Item = {}): Item => ({
  entity: 'conversation',
  conversationKey: 'CN1',
  conversationId: 'CN1',
  phoneNumberId: 'PN1',
  ourNumber: '+15550002222',
  contactNumber: '+15550001111',
  awaiting: [{ activityId: 'AC1', at: '2026-12-04T21:50:00.000Z', kind: 'message' }],
  waiting: true,
  waitingSince: '2026-12-04T21:50:00.000Z',
  waitingFor: { activityId: 'AC1', at: '2026-12-04T21:50:00.000Z', kind: 'message' },
  replyDueAt: '2026-12-07T13:05:00.000Z',
  replyTargetMinutes: 15,
  replyDuePk: 'DUE',
  replyDueSk: '2026-12-07T13:05:00.000Z#CN1',
  version: 1,
  updatedAt: '2026-12-04T21:50:01.000Z',
  ...over,
});
const overdue = conversation({
  overdueSince: '2026-12-07T13:05:30.000Z',
  overdueBusinessMinutes: 15,
  replyDuePk: undefined,
  replyDueSk: undefined,
  version: 2,
});
const response = {
  waitingSince: '2026-12-04T21:50:00.000Z',
  answeredAt: '2026-12-07T13:10:00.000Z',
  answeredBy: { activityId: 'AC2', at: '2026-12-07T13:10:00.000Z', kind: 'message', userId: 'US1' },
  responseBusinessMinutes: 20,
  withinTarget: false,
  replyTargetMinutes: 15,
};
const answered = conversation({
  awaiting: [],
  waiting: false,
  waitingSince: undefined,
  waitingFor: undefined,
  replyDueAt: undefined,
  replyTargetMinutes: undefined,
  lastAnswer: response.answeredBy,
  lastResponse: response,
  version: 3,
});

describe('conversation events', () => {
  it('the timer marking a spell overdue is conversation.waiting, with its due time and wait', () => {
    const events = valid(crmEventsOf({ oldImage: conversation(), newImage: overdue }, noText));
    expect(events).toEqual([
      {
        detailType: 'conversation.waiting',
        detail: {
          eventId: expect.stringMatching(/^[0-9a-f]{32}$/),
          occurredAt: '2026-12-07T13:05:30.000Z',
          conversation: {
            id: 'CN1',
            conversationId: 'CN1',
            phoneNumberId: 'PN1',
            ourNumber: '+15550002222',
            contactNumber: '+15550001111',
            waitingSince: '2026-12-04T21:50:00.000Z',
            replyDueAt: '2026-12-07T13:05:00.000Z',
            replyTargetMinutes: 15,
            waitingFor: { activityId: 'AC1', at: '2026-12-04T21:50:00.000Z', kind: 'message' },
          },
          waitingBusinessMinutes: 15,
          changes: ['overdue'],
        },
      },
    ]);
  });

  it('a spell starting, another message in an overdue spell or a replay publishes nothing', () => {
    expect(crmEventsOf({ newImage: conversation() }, noText)).toEqual([]);
    const later = {
      ...overdue,
      awaiting: [...(overdue.awaiting as unknown[]), { activityId: 'AC3' }],
      version: 3,
    };
    expect(crmEventsOf({ oldImage: overdue, newImage: later }, noText)).toEqual([]);
    expect(crmEventsOf({ oldImage: overdue, newImage: overdue }, noText)).toEqual([]);
  });

  it('an answer ending a spell is conversation.answered with its business-minute response time', () => {
    const events = valid(crmEventsOf({ oldImage: overdue, newImage: answered }, noText));
    expect(events).toEqual([
      {
        detailType: 'conversation.answered',
        detail: {
          eventId: expect.stringMatching(/^[0-9a-f]{32}$/),
          occurredAt: '2026-12-07T13:10:00.000Z',
          conversation: {
            id: 'CN1',
            conversationId: 'CN1',
            phoneNumberId: 'PN1',
            ourNumber: '+15550002222',
            contactNumber: '+15550001111',
          },
          waitingSince: '2026-12-04T21:50:00.000Z',
          answeredAt: '2026-12-07T13:10:00.000Z',
          answeredBy: { activityId: 'AC2', kind: 'message', userId: 'US1' },
          responseBusinessMinutes: 20,
          replyTargetMinutes: 15,
          withinTarget: false,
          changes: ['answered'],
        },
      },
    ]);
    // A later write of the answered conversation (OpenPhone's assignee) says it again: no event.
    expect(crmEventsOf({ oldImage: answered, newImage: { ...answered, assignedTo: 'US2' } }, noText)).toEqual(
      [],
    );
  });

  it('the same change replayed has the same id', () => {
    const once = crmEventsOf({ oldImage: conversation(), newImage: overdue }, noText);
    const again = crmEventsOf({ oldImage: conversation(), newImage: overdue }, noText);
    expect(once[0]!.detail.eventId).toBe(again[0]!.detail.eventId);
  });
});

const call = (over: Item = {}): Item => ({
  entity: 'activity',
  activityId: 'ACcall1',
  kind: 'call',
  direction: 'incoming',
  from: '+15550001111',
  to: ['+15550002222'],
  contactNumbers: ['+15550001111'],
  phoneNumberId: 'PN1',
  createdAt: '2026-11-30T10:00:00.000Z',
  status: 'ringing',
  ...over,
});

describe('call.missed', () => {
  const missed = call({ status: 'no-answer', statusAt: '2026-11-30T10:00:30.000Z' });

  it('an inbound call ending unanswered is call.missed once, keyed by our line and their number', () => {
    const events = valid(crmEventsOf({ oldImage: call(), newImage: missed }, noText));
    const missedEvent = events.find((e) => e.detailType === 'call.missed');
    expect(missedEvent?.detail).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f]{32}$/),
      occurredAt: '2026-11-30T10:00:30.000Z',
      activityId: 'ACcall1',
      callId: 'ACcall1',
      conversation: {
        id: 'PN1~+15550001111',
        phoneNumberId: 'PN1',
        ourNumber: '+15550002222',
        contactNumber: '+15550001111',
      },
      at: '2026-11-30T10:00:00.000Z',
      voicemail: false,
      changes: ['missed'],
    });
    // The voicemail that comes afterwards is activity.updated only.
    const withVoicemail = { ...missed, voicemail: { url: 'https://m/v.mp3', transcript: 'Call me back' } };
    const later = crmEventsOf({ oldImage: missed, newImage: withVoicemail }, withText);
    expect(later.map((e) => e.detailType)).toEqual(['activity.updated']);
  });

  it('a voicemail known when the call ends is in it; its transcript only when the stage allows text', () => {
    const voicemail = call({
      status: 'completed',
      voicemail: { url: 'https://m/v.mp3', transcript: 'Leak!' },
    });
    const quiet = crmEventsOf({ oldImage: call(), newImage: voicemail }, noText).find(
      (e) => e.detailType === 'call.missed',
    );
    expect(quiet?.detail).toMatchObject({ voicemail: true });
    expect(quiet?.detail).not.toHaveProperty('voicemailTranscript');
    const told = crmEventsOf({ oldImage: call(), newImage: voicemail }, withText).find(
      (e) => e.detailType === 'call.missed',
    );
    expect(valid([told!])[0]!.detail).toMatchObject({ voicemail: true, voicemailTranscript: 'Leak!' });
  });

  it('an answered call, an outbound call and a ringing call are not missed', () => {
    const types = (newImage: Item) =>
      crmEventsOf({ oldImage: call(), newImage }, noText).map((e) => e.detailType);
    expect(types(call({ status: 'completed', answeredAt: '2026-11-30T10:00:05.000Z' }))).not.toContain(
      'call.missed',
    );
    expect(types(call({ direction: 'outgoing', status: 'no-answer' }))).not.toContain('call.missed');
    expect(types(call({ status: 'ringing', statusAt: 'x' }))).not.toContain('call.missed');
  });
});
