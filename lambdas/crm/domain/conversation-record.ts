import { z } from 'zod';
import type { Conversation as OpenPhoneConversation } from '../../openphone';
import { normalisePhoneNumber } from '../../shared/phone-numbers';
import { defaultFollowUpSettings, type FollowUpSettings } from './business-hours';
import { waitingKey } from './crm-keys';
import { isTimerPending, replyDueKey, spellAfter, spellState } from './reply-due';
import {
  activityMark,
  applySignal,
  closeAsDone,
  conversationKeyOf,
  conversationProgress,
  emptyProgress,
  waitingStateOf,
  type ConversationProgress,
  type ConversationSignal,
} from './conversation';

/**
 * A conversation as the CRM holds it: who it is between, its progress (conversation.ts), the
 * waiting state derived from it, and OpenPhone's own state where the API gives it. Done/open/read
 * is write-only at OpenPhone: `inboxStatus` is only what the bridge itself last set.
 */
export const conversationRecord = conversationProgress.extend({
  conversationKey: z.string(),
  conversationId: z.string().optional(),
  phoneNumberId: z.string().optional(),
  ourNumber: z.string().optional(),
  contactNumber: z.string(),
  waiting: z.boolean(),
  waitingSince: z.string().optional(),
  waitingFor: activityMark.optional(),
  assignedTo: z.string().optional(),
  snoozedUntil: z.string().optional(),
  mutedUntil: z.string().optional(),
  inboxStatus: z.enum(['done', 'open', 'read']).optional(),
  inboxStatusAt: z.string().optional(),
  /** OpenPhone's `updatedAt` of the conversation the assignee and snooze/mute were read from. */
  openPhoneStateAt: z.string().optional(),
  ...spellState,
  /** Bumped by every write: the condition of the next one. */
  version: z.number().int(),
  updatedAt: z.string(),
});
export type ConversationRecord = z.infer<typeof conversationRecord>;

const progressFields = [
  'lastInbound',
  'lastOutbound',
  'lastAnswer',
  'awaiting',
  'lastAwaiting',
  'closedAt',
] as const;

function progressOf(record: ConversationRecord | undefined): ConversationProgress {
  if (!record) return emptyProgress;
  return conversationProgress.parse(Object.fromEntries(progressFields.map((f) => [f, record[f]])));
}

/**
 * The record after one more signal, or undefined when the signal changes nothing (a replay, a
 * delivery status, an older touch): then nothing is written.
 */
export function recordAfterSignal(
  stored: ConversationRecord | undefined,
  signal: ConversationSignal,
  now: string,
  followUp: FollowUpSettings = defaultFollowUpSettings,
): ConversationRecord | undefined {
  const before = progressOf(stored);
  const after = applySignal(before, signal);
  if (stored && JSON.stringify(after) === JSON.stringify(before)) return undefined;
  const { parties } = signal;
  const waiting = waitingStateOf(after);
  const lines = {
    phoneNumberId: stored?.phoneNumberId ?? parties.phoneNumberId,
    ourNumber: stored?.ourNumber ?? parties.ourNumber,
  };
  const spell = spellAfter(stored, { ...lines, ...waiting, lastAnswer: after.lastAnswer }, followUp);
  return conversationRecord.parse({
    ...stored,
    // Facts fill in where absent: the first activity to know the line's id or number gives it.
    conversationKey: stored?.conversationKey ?? conversationKeyOf(parties),
    conversationId: stored?.conversationId ?? parties.conversationId,
    phoneNumberId: stored?.phoneNumberId ?? parties.phoneNumberId,
    ourNumber: stored?.ourNumber ?? parties.ourNumber,
    contactNumber: stored?.contactNumber ?? parties.contactNumber,
    ...Object.fromEntries(progressFields.map((f) => [f, undefined])),
    ...after,
    waiting: waiting.waiting,
    waitingSince: waiting.waitingSince,
    waitingFor: waiting.waitingFor,
    ...Object.fromEntries(Object.keys(spellState).map((f) => [f, undefined])),
    ...spell,
    version: (stored?.version ?? 0) + 1,
    updatedAt: now,
  });
}

/**
 * The record after the bridge put the conversation in `status` at OpenPhone, at `at`: done closes
 * the waiting spell (not an answer: nothing records a response); open and read change no wait.
 */
export function recordWithInboxStatus(
  stored: ConversationRecord,
  status: 'done' | 'open' | 'read',
  at: string,
): ConversationRecord {
  const progress = status === 'done' ? closeAsDone(progressOf(stored), at) : progressOf(stored);
  const waiting = waitingStateOf(progress);
  return conversationRecord.parse({
    ...stored,
    ...progress,
    waiting: waiting.waiting,
    waitingSince: waiting.waitingSince,
    waitingFor: waiting.waitingFor,
    inboxStatus: status,
    inboxStatusAt: at,
    version: stored.version + 1,
    updatedAt: at,
  });
}

/** What OpenPhone's conversation object says of its state (GET /v1/conversations). */
export interface OpenPhoneState {
  conversationId: string;
  phoneNumberId?: string;
  contactNumber: string;
  assignedTo?: string;
  snoozedUntil?: string;
  mutedUntil?: string;
  /** Its `updatedAt`: an older reading never replaces a newer one. */
  at?: string;
}

/** The state of a one-to-one conversation object; none for a group thread. */
export function openPhoneStateOf(conversation: OpenPhoneConversation): OpenPhoneState | undefined {
  const [participant, ...others] = conversation.participants;
  if (!participant || others.length) return undefined;
  const defined = <T>(value: T | null | undefined) => value ?? undefined;
  return Object.fromEntries(
    Object.entries({
      conversationId: conversation.id,
      phoneNumberId: defined(conversation.phoneNumberId),
      contactNumber: normalisePhoneNumber(participant),
      assignedTo: defined(conversation.assignedTo),
      snoozedUntil: defined(conversation.snoozedUntil),
      mutedUntil: defined(conversation.mutedUntil),
      at: defined(conversation.updatedAt) ?? defined(conversation.createdAt),
    }).filter(([, v]) => v !== undefined),
  ) as unknown as OpenPhoneState;
}

const openPhoneFields = ['assignedTo', 'snoozedUntil', 'mutedUntil'] as const;

/**
 * The record with OpenPhone's assignee and snooze/mute as `state` says them (an absent one is
 * cleared), or undefined when the stored reading is newer or says the same.
 */
export function recordWithOpenPhoneState(
  stored: ConversationRecord | undefined,
  state: OpenPhoneState,
  now: string,
): ConversationRecord | undefined {
  if (stored?.openPhoneStateAt && state.at && stored.openPhoneStateAt >= state.at) return undefined;
  if (stored && openPhoneFields.every((f) => stored[f] === state[f])) return undefined;
  return conversationRecord.parse({
    ...(stored ?? {
      conversationKey: state.conversationId,
      conversationId: state.conversationId,
      phoneNumberId: state.phoneNumberId,
      contactNumber: state.contactNumber,
      ...emptyProgress,
      waiting: false,
    }),
    assignedTo: state.assignedTo,
    snoozedUntil: state.snoozedUntil,
    mutedUntil: state.mutedUntil,
    openPhoneStateAt: state.at ?? stored?.openPhoneStateAt,
    version: (stored?.version ?? 0) + 1,
    updatedAt: now,
  });
}

/** The item to put: the record, its entity, its waiting index key while it waits and its reply-due key until the timer fires. */
export function conversationItem(record: ConversationRecord): Record<string, unknown> {
  return {
    entity: 'conversation',
    ...record,
    ...(record.waiting && record.waitingSince ? waitingKey(record.waitingSince, record.conversationKey) : {}),
    ...(isTimerPending(record) ? replyDueKey(record.replyDueAt!, record.conversationKey) : {}),
  };
}

/** A stored item read back as a record (index keys and entity dropped). */
export function conversationRecordOf(item: Record<string, unknown>): ConversationRecord {
  return conversationRecord.parse(item);
}
