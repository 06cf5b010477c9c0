import { z } from 'zod';
import type { ActivityUpdate } from './activity';
import type { ConsentRuleOptions } from './consent';
import { replyNeedOf } from './reply-needed';

/**
 * Conversation state: one record per OpenPhone conversation, derived from its activities.
 *
 * Each activity means one thing to its conversation (`conversationSignalOf`):
 * - `awaiting`: an inbound text that needs an answer, a missed call, a voicemail;
 * - `answer`: an outbound text, an answered call (either way);
 * - `touch`: anything else with a direction (an acknowledgement, an unanswered call-back);
 * - nothing: a ringing call (its end will say), a summary, a transcript, a recording alone.
 * The state is a join of those signals (`applySignal`): the latest answer, the awaiting
 * activities after it, the latest inbound and outbound. Every order of the same signals gives the
 * same state, so a late or replayed webhook never moves it back. Waiting = something awaits.
 */

export const awaitingKinds = ['message', 'missed-call', 'voicemail'] as const;
export type AwaitingKind = (typeof awaitingKinds)[number];
export const answerKinds = ['message', 'answered-call'] as const;
export const touchKinds = ['message', 'call'] as const;

/** One activity as its conversation remembers it. Ordered by time, then id. */
export const activityMark = z.object({
  activityId: z.string(),
  at: z.string(),
  kind: z.enum(['message', 'call', 'missed-call', 'voicemail', 'answered-call']),
  /** Who answered (`US…`), on an answer when OpenPhone says. */
  userId: z.string().optional(),
});
export type ActivityMark = z.infer<typeof activityMark>;

/** Who the conversation is between: OpenPhone's id when known, else our number and theirs. */
export interface ConversationParties {
  conversationId?: string;
  phoneNumberId?: string;
  ourNumber?: string;
  contactNumber: string;
}

export type ConversationSignal = { parties: ConversationParties; direction: 'incoming' | 'outgoing' } & (
  | { kind: 'awaiting'; mark: ActivityMark & { kind: AwaitingKind } }
  | { kind: 'answer'; mark: ActivityMark }
  | { kind: 'touch'; mark: ActivityMark }
);

/** The conversation's own part, stored as is. At most `pendingLimit` awaiting activities are kept. */
export const conversationProgress = z.object({
  lastInbound: activityMark.optional(),
  lastOutbound: activityMark.optional(),
  lastAnswer: activityMark.optional(),
  /** Awaiting activities after the last answer, oldest first: the first starts the waiting spell. */
  awaiting: z.array(activityMark),
  /** The latest awaiting activity ever seen: still says "waiting" if the list overflowed. */
  lastAwaiting: activityMark.optional(),
  /** The latest "marked done": it closes the awaiting activities up to it, without answering them. */
  closedAt: z.string().optional(),
});
export type ConversationProgress = z.infer<typeof conversationProgress>;

/** Enough for any real spell; beyond it the spell's start is approximated by its latest message. */
export const pendingLimit = 50;

export const emptyProgress: ConversationProgress = { awaiting: [] };

const orderOf = (mark: ActivityMark) => `${mark.at}#${mark.activityId}`;
/** The same call seen as ringing, missed, then with a voicemail is remembered as the strongest. */
const kindRank: Record<ActivityMark['kind'], number> = {
  message: 0,
  call: 0,
  'missed-call': 1,
  voicemail: 2,
  'answered-call': 3,
};
/** A total order of marks (time, id, kind), so a tie resolves the same in any order. */
const isAfter = (a: ActivityMark, b: ActivityMark) =>
  orderOf(a) !== orderOf(b) ? orderOf(a) > orderOf(b) : kindRank[a.kind] > kindRank[b.kind];
const later = (a: ActivityMark | undefined, b: ActivityMark) => (!a || isAfter(b, a) ? b : a);

/** The state after one more signal: commutative, associative and idempotent. */
export function applySignal(
  progress: ConversationProgress,
  signal: ConversationSignal,
): ConversationProgress {
  const { mark } = signal;
  const touched: ConversationProgress = {
    ...progress,
    ...(signal.direction === 'incoming'
      ? { lastInbound: later(progress.lastInbound, mark) }
      : { lastOutbound: later(progress.lastOutbound, mark) }),
  };
  if (signal.kind === 'touch') return touched;
  if (signal.kind === 'answer') {
    const lastAnswer = later(progress.lastAnswer, mark);
    return {
      ...touched,
      lastAnswer,
      awaiting: progress.awaiting.filter((a) => orderOf(a) > orderOf(lastAnswer)),
    };
  }
  const lastAwaiting = later(progress.lastAwaiting, mark);
  if (progress.lastAnswer && orderOf(mark) <= orderOf(progress.lastAnswer))
    return { ...touched, lastAwaiting };
  if (progress.closedAt && mark.at <= progress.closedAt) return { ...touched, lastAwaiting };
  const same = progress.awaiting.find((a) => a.activityId === mark.activityId);
  const merged = later(same, mark);
  const awaiting = [...progress.awaiting.filter((a) => a.activityId !== mark.activityId), merged]
    .sort((a, b) => (orderOf(a) < orderOf(b) ? -1 : 1))
    .slice(0, pendingLimit);
  return { ...touched, awaiting, lastAwaiting };
}

export interface WaitingState {
  waiting: boolean;
  /** When the waiting spell began: the oldest unanswered awaiting activity. */
  waitingSince?: string;
  /** What started it. */
  waitingFor?: ActivityMark;
}

/** The progress after "marked done" at `at`: what awaits up to then is closed, not answered. */
export function closeAsDone(progress: ConversationProgress, at: string): ConversationProgress {
  const closedAt = progress.closedAt && progress.closedAt > at ? progress.closedAt : at;
  return { ...progress, closedAt, awaiting: progress.awaiting.filter((a) => a.at > closedAt) };
}

/** Whether the conversation waits for us, and since when. */
export function waitingStateOf(progress: ConversationProgress): WaitingState {
  const first = progress.awaiting[0];
  if (first) return { waiting: true, waitingSince: first.at, waitingFor: first };
  const { lastAwaiting, lastAnswer, closedAt } = progress;
  if (
    lastAwaiting &&
    (!lastAnswer || orderOf(lastAwaiting) > orderOf(lastAnswer)) &&
    !(closedAt && lastAwaiting.at <= closedAt)
  )
    return { waiting: true, waitingSince: lastAwaiting.at, waitingFor: lastAwaiting };
  return { waiting: false };
}

const answeredStatuses = new Set(['answered', 'in-progress']);
const ringingStatuses = new Set(['queued', 'initiated', 'ringing', '']);
const unansweredEnds = new Set([
  'completed',
  'no-answer',
  'missed',
  'busy',
  'canceled',
  'abandoned',
  'unanswered',
  'failed',
]);

/**
 * How a call ended, from what its record says: answered (either way), missed (an inbound call that
 * ended unanswered), with a voicemail, or not known yet (ringing, or an outbound call unanswered).
 */
export function callOutcomeOf(call: {
  direction?: string;
  status?: string;
  answeredAt?: string;
  voicemail?: unknown;
}): 'answered' | 'missed' | 'voicemail' | undefined {
  const status = call.status ?? '';
  if (call.answeredAt || answeredStatuses.has(status)) return 'answered';
  if (call.direction !== 'incoming') return undefined;
  if (call.voicemail) return 'voicemail';
  return unansweredEnds.has(status) ? 'missed' : undefined;
}

/**
 * What one activity update means to its conversation, or nothing when it says too little (a
 * summary, a transcript, a recording alone: no direction, time or party).
 */
export function conversationSignalOf(
  update: ActivityUpdate,
  consentRule: ConsentRuleOptions = {},
): ConversationSignal | undefined {
  const { facts, aspects, activityId } = update;
  const contactNumber = facts.contactNumbers?.[0];
  if (!facts.direction || !facts.createdAt || !facts.kind || !contactNumber) return undefined;
  if (!facts.conversationId && !facts.phoneNumberId) return undefined;
  const ourNumber = facts.direction === 'incoming' ? facts.to?.[0] : facts.from;
  const parties: ConversationParties = {
    ...(facts.conversationId ? { conversationId: facts.conversationId } : {}),
    ...(facts.phoneNumberId ? { phoneNumberId: facts.phoneNumberId } : {}),
    ...(ourNumber ? { ourNumber } : {}),
    contactNumber,
  };
  const base = { parties, direction: facts.direction };
  const at = facts.createdAt;
  const by = facts.userId ? { userId: facts.userId } : {};
  if (facts.kind === 'message') {
    const mark = { activityId, at, kind: 'message' as const };
    if (facts.direction === 'outgoing') return { ...base, kind: 'answer', mark: { ...mark, ...by } };
    const needsAnswer = facts.media?.length || replyNeedOf(facts.text, consentRule).needsAnswer;
    return needsAnswer ? { ...base, kind: 'awaiting', mark } : { ...base, kind: 'touch', mark };
  }
  const status = aspects.status ?? '';
  const outcome = callOutcomeOf({ ...facts, status, voicemail: aspects.voicemail });
  if (outcome === 'answered')
    return { ...base, kind: 'answer', mark: { activityId, at, kind: 'answered-call', ...by } };
  if (outcome === 'voicemail')
    return { ...base, kind: 'awaiting', mark: { activityId, at, kind: 'voicemail' } };
  if (outcome === 'missed')
    return { ...base, kind: 'awaiting', mark: { activityId, at, kind: 'missed-call' } };
  // A ringing call says nothing yet: its end will, and skipping it saves a read and a write.
  if (ringingStatuses.has(status)) return undefined;
  return { ...base, kind: 'touch', mark: { activityId, at, kind: 'call' } };
}

/**
 * The id a conversation record goes by: OpenPhone's `CN…`, or, when an activity does not name
 * its conversation, our line (its `PN…` id, else its number) and theirs: `PN123~+15551234567`.
 */
export function conversationKeyOf(parties: ConversationParties): string {
  if (parties.conversationId) return parties.conversationId;
  return `${parties.phoneNumberId ?? parties.ourNumber}~${parties.contactNumber}`;
}
