import { z } from 'zod';
import { businessHoursOf, businessMinutesBetween, replyDueAt, type FollowUpSettings } from './business-hours';
import { activityMark, type ActivityMark } from './conversation';

/**
 * A waiting spell's timer and its end (decision 0008): when a spell starts, its reply due time is
 * computed once, in its line's hours, and the conversation joins the sparse reply-due index; the
 * scheduled timer marks it overdue once (`overdueSince`) and leaves the index; an answer ends the
 * spell and records its response time (`lastResponse`). The CRM events publisher reads those two
 * changes as `conversation.waiting` and `conversation.answered`.
 */

/** The spell's part of a conversation record. */
export const spellState = {
  /** When the spell is due an answer (its start plus the line's target, in business time); none if the line never opens. */
  replyDueAt: z.string().optional(),
  replyTargetMinutes: z.number().int().optional(),
  /** Set once by the timer when `replyDueAt` passed with the spell still waiting. */
  overdueSince: z.string().optional(),
  /** Business minutes the spell had waited when the timer marked it overdue. */
  overdueBusinessMinutes: z.number().int().optional(),
  /** The latest spell an answer ended: its first-response time. */
  lastResponse: z
    .object({
      waitingSince: z.string(),
      answeredAt: z.string(),
      answeredBy: activityMark,
      responseBusinessMinutes: z.number().int(),
      withinTarget: z.boolean(),
      replyTargetMinutes: z.number().int(),
    })
    .optional(),
};
export type SpellState = z.infer<z.ZodObject<typeof spellState>>;

/** What the spell logic reads of a record before and after a write. */
export interface SpellView extends SpellState {
  waiting: boolean;
  waitingSince?: string;
  lastAnswer?: ActivityMark;
  phoneNumberId?: string;
  ourNumber?: string;
}

const sameMark = (a?: ActivityMark, b?: ActivityMark) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The spell fields after a write that took `stored` to `next` (its waiting state already derived).
 * A spell that goes on keeps its due time and overdue mark (a late webhook moving its start earlier
 * recomputes the due time, never re-arms the timer); a new spell gets a fresh due time; a spell
 * ended by an answer records the response.
 */
export function spellAfter(
  stored: SpellView | undefined,
  next: SpellView,
  settings: FollowUpSettings,
): SpellState {
  const hours = businessHoursOf(settings, next.phoneNumberId, next.ourNumber);
  const answered =
    stored?.waiting === true &&
    stored.waitingSince !== undefined &&
    next.lastAnswer !== undefined &&
    !sameMark(stored.lastAnswer, next.lastAnswer) &&
    (!next.waiting || next.waitingSince !== stored.waitingSince);
  const lastResponse =
    answered && next.lastAnswer && stored?.waitingSince
      ? responseOf({ ...stored, waitingSince: stored.waitingSince }, next.lastAnswer, settings)
      : stored?.lastResponse;
  const kept = lastResponse ? { lastResponse } : {};
  if (!next.waiting || !next.waitingSince) return kept;
  const goesOn = stored?.waiting === true && !answered;
  if (goesOn && stored.waitingSince === next.waitingSince) return { ...kept, ...pickSpell(stored) };
  const due = replyDueAt(new Date(next.waitingSince), hours);
  return {
    ...kept,
    ...(due ? { replyDueAt: due.toISOString() } : {}),
    replyTargetMinutes: hours.replyTargetMinutes,
    ...(goesOn && stored.overdueSince
      ? { overdueSince: stored.overdueSince, overdueBusinessMinutes: stored.overdueBusinessMinutes }
      : {}),
  };
}

function pickSpell(view: SpellState): SpellState {
  const { replyDueAt: due, replyTargetMinutes, overdueSince, overdueBusinessMinutes } = view;
  return Object.fromEntries(
    Object.entries({ replyDueAt: due, replyTargetMinutes, overdueSince, overdueBusinessMinutes }).filter(
      ([, v]) => v !== undefined,
    ),
  ) as SpellState;
}

function responseOf(
  stored: SpellView & { waitingSince: string },
  answer: ActivityMark,
  settings: FollowUpSettings,
): NonNullable<SpellState['lastResponse']> {
  const hours = businessHoursOf(settings, stored.phoneNumberId, stored.ourNumber);
  const target = stored.replyTargetMinutes ?? hours.replyTargetMinutes;
  const minutes = businessMinutesBetween(new Date(stored.waitingSince), new Date(answer.at), hours);
  const due = stored.replyDueAt ?? replyDueAt(new Date(stored.waitingSince), hours)?.toISOString();
  return {
    waitingSince: stored.waitingSince,
    answeredAt: answer.at,
    answeredBy: answer,
    responseBusinessMinutes: minutes,
    // Due time first: it is what the timer fires on; a line that never opens is never late.
    withinTarget: due === undefined || new Date(answer.at).getTime() <= new Date(due).getTime(),
    replyTargetMinutes: target,
  };
}

/** The single partition of the reply-due index (shard it as `DUE#<n>` if an office ever outgrows one). */
export const replyDuePartition = 'DUE';

/** The reply-due index's key of a spell due at `dueAt`. */
export const replyDueKey = (dueAt: string, conversationKey: string) => ({
  replyDuePk: replyDuePartition,
  replyDueSk: `${dueAt}#${conversationKey}`,
});

/** Whether a record's item belongs in the reply-due index: waiting, due, not yet fired. */
export const isTimerPending = (record: { waiting: boolean } & SpellState) =>
  record.waiting && record.replyDueAt !== undefined && record.overdueSince === undefined;
