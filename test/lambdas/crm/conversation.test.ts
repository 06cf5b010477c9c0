import fc from 'fast-check';
import type { ActivityFacts, ActivityUpdate } from '../../../lambdas/crm/domain/activity';
import {
  applySignal,
  closeAsDone,
  conversationKeyOf,
  conversationSignalOf,
  emptyProgress,
  waitingStateOf,
  type ConversationSignal,
} from '../../../lambdas/crm/domain/conversation';

const customer = '+15551230001';
const line = '+15559870000';
const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 15, minute)).toISOString();

function update(id: string, facts: ActivityFacts, aspects: ActivityUpdate['aspects'] = {}): ActivityUpdate {
  const incoming = facts.direction === 'incoming';
  return {
    activityId: id,
    source: 'webhook',
    facts: {
      conversationId: 'CNone',
      phoneNumberId: 'PNline',
      from: incoming ? customer : line,
      to: [incoming ? line : customer],
      contactNumbers: [customer],
      ...facts,
    },
    aspects,
  };
}
const inbound = (id: string, minute: number, text = 'Can you come today?') =>
  update(id, { kind: 'message', direction: 'incoming', createdAt: at(minute), text });
const outbound = (id: string, minute: number) =>
  update(id, { kind: 'message', direction: 'outgoing', createdAt: at(minute), text: 'Yes, at 3' });
const call =
  (id: string, minute: number, direction: 'incoming' | 'outgoing', extra: Partial<ActivityFacts> = {}) =>
  (status: string, aspects: ActivityUpdate['aspects'] = {}) =>
    update(id, { kind: 'call', direction, createdAt: at(minute), ...extra }, { status, ...aspects });

const signalOf = (u: ActivityUpdate) => {
  const signal = conversationSignalOf(u);
  if (!signal) throw new Error(`${u.activityId} means nothing to its conversation`);
  return signal;
};
const stateAfter = (...updates: ActivityUpdate[]) =>
  waitingStateOf(updates.map(signalOf).reduce(applySignal, emptyProgress));

describe('what an activity means to its conversation', () => {
  it('an inbound question makes the conversation wait from its time', () => {
    expect(stateAfter(inbound('AC1', 0))).toMatchObject({ waiting: true, waitingSince: at(0) });
  });

  it('an outbound reply after it ends the wait', () => {
    expect(stateAfter(inbound('AC1', 0), outbound('AC2', 5)).waiting).toBe(false);
  });

  it('"thanks" after the reply does not make it wait again', () => {
    expect(stateAfter(inbound('AC1', 0), outbound('AC2', 5), inbound('AC3', 6, 'Thanks!')).waiting).toBe(
      false,
    );
  });

  it('"ok when are you coming?" after the reply does', () => {
    expect(stateAfter(outbound('AC2', 5), inbound('AC3', 6, 'ok when are you coming?'))).toMatchObject({
      waiting: true,
      waitingSince: at(6),
    });
  });

  it('a missed call waits; a voicemail on it is remembered as a voicemail', () => {
    const missed = call('AC9', 1, 'incoming');
    expect(stateAfter(missed('completed')).waitingFor?.kind).toBe('missed-call');
    expect(
      stateAfter(missed('completed'), missed('completed', { voicemail: { url: 'https://x/vm.mp3' } }))
        .waitingFor?.kind,
    ).toBe('voicemail');
  });

  it('an answered call, either way, answers; a ringing call or an unanswered call-back does not', () => {
    expect(
      stateAfter(inbound('AC1', 0), call('AC4', 2, 'incoming', { answeredAt: at(2) })('completed')).waiting,
    ).toBe(false);
    expect(stateAfter(inbound('AC1', 0), call('AC5', 2, 'outgoing')('answered')).waiting).toBe(false);
    expect(stateAfter(inbound('AC1', 0), call('AC6', 2, 'outgoing')('no-answer')).waiting).toBe(true);
    expect(conversationSignalOf(call('AC7', 2, 'incoming')('ringing'))).toBeUndefined();
  });

  it('the wait starts at the oldest message after the last answer', () => {
    const state = stateAfter(inbound('AC1', 0), outbound('AC2', 1), inbound('AC3', 2), inbound('AC4', 3));
    expect(state.waitingSince).toBe(at(2));
  });

  it('a late webhook of an older inbound message does not reopen an answered conversation', () => {
    expect(stateAfter(outbound('AC2', 5), inbound('AC1', 0)).waiting).toBe(false);
  });

  it('a summary or a transcript alone means nothing to the conversation', () => {
    expect(
      conversationSignalOf({ activityId: 'AC1', source: 'webhook', facts: { kind: 'call' }, aspects: {} }),
    ).toBeUndefined();
  });

  it('an activity without a conversation id is keyed by our line and their number', () => {
    const signal = signalOf({
      ...inbound('AC1', 0),
      facts: { ...inbound('AC1', 0).facts, conversationId: undefined },
    });
    expect(conversationKeyOf(signal.parties)).toBe(`PNline~${customer}`);
    expect(conversationKeyOf(signalOf(inbound('AC1', 0)).parties)).toBe('CNone');
  });
});

describe('conversation state is order independent', () => {
  const activities = [
    inbound('AC1', 0),
    inbound('AC2', 1, 'hello?'),
    outbound('AC3', 2),
    inbound('AC4', 3, 'ok thanks'),
    call('AC5', 4, 'incoming')('completed'),
    call('AC5', 4, 'incoming')('completed', { voicemail: { url: 'https://x/vm.mp3' } }),
    outbound('AC6', 6),
    inbound('AC7', 7, 'One more thing: the gate code is 1234'),
    call('AC8', 8, 'outgoing')('no-answer'),
    inbound('AC9', 9, 'Liked “see you at 3”'),
  ].map(signalOf);

  it('every order of the same events, replays included, gives the same final state', () => {
    const inOrder = activities.reduce(applySignal, emptyProgress);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(activities, { minLength: activities.length }),
        fc.array(fc.nat(activities.length - 1), { maxLength: 5 }),
        (shuffled: ConversationSignal[], replays: number[]) => {
          const withReplays = [...shuffled, ...replays.map((i) => activities[i]!)];
          expect(withReplays.reduce(applySignal, emptyProgress)).toEqual(inOrder);
        },
      ),
    );
    expect(waitingStateOf(inOrder)).toMatchObject({ waiting: true, waitingSince: at(7) });
  });

  it('any subset of the events gives the same state read forwards or backwards', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(activities), (subset: ConversationSignal[]) => {
        const forwards = subset.reduce(applySignal, emptyProgress);
        const backwards = [...subset].reverse().reduce(applySignal, emptyProgress);
        expect(backwards).toEqual(forwards);
      }),
    );
  });
});

describe('marking a conversation done', () => {
  const activities = [
    inbound('AC1', 0),
    outbound('AC2', 2),
    inbound('AC3', 3, 'When will you be here?'),
    call('AC4', 4, 'incoming')('no-answer'),
    inbound('AC7', 7, 'Hello? Still waiting'),
  ].map(signalOf);
  type Step = ConversationSignal | { done: string };
  const apply = (steps: Step[]) =>
    steps.reduce((p, s) => ('done' in s ? closeAsDone(p, s.done) : applySignal(p, s)), emptyProgress);

  it('ends the waiting spell without making an answer of it', () => {
    const progress = apply([...activities, { done: at(10) }]);
    expect(waitingStateOf(progress)).toEqual({ waiting: false });
    expect(progress.lastAnswer?.activityId).toBe('AC2');
  });

  it('keeps what arrived after it waiting, in whatever order the events and the mark arrive', () => {
    const done = { done: at(5) };
    const inOrder = apply([...activities.slice(0, 4), done, activities[4]!]);
    expect(waitingStateOf(inOrder)).toMatchObject({ waiting: true, waitingSince: at(7) });
    fc.assert(
      fc.property(
        fc.shuffledSubarray<Step>([...activities, done], { minLength: activities.length + 1 }),
        (steps) => {
          expect(apply(steps)).toEqual(inOrder);
        },
      ),
    );
  });

  it('an older mark arriving after a newer one changes nothing', () => {
    const newer = apply([...activities, { done: at(10) }]);
    expect(closeAsDone(newer, at(5))).toEqual(newer);
  });
});
