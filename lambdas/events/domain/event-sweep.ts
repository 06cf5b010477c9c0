import type { EventRecord } from './event-record';

/**
 * When a received event counts as stuck and what the sweeper does about it, decided without I/O.
 * The dispatcher normally hands an event to its queue within a second of its arrival; one still
 * `received` after `stuckAfterMinutes` was not dispatched (SQS refused it past the stream's retry
 * window, the dispatcher is failing) or its queue message was lost: it is handed on again, with a
 * backoff between tries, and after `maxRedispatches` tries it is failed as `undeliverable`.
 */
export interface SweepPolicy {
  /** Minutes after its arrival before a still-received event is handed on again. @default 10 */
  stuckAfterMinutes: number;
  /** Re-dispatches before the event is failed as undeliverable. @default 12 */
  maxRedispatches: number;
  /** Longest wait between two re-dispatches, in minutes. @default 120 */
  maxBackoffMinutes: number;
}

export const defaultSweepPolicy: SweepPolicy = {
  stuckAfterMinutes: 10,
  maxRedispatches: 12,
  maxBackoffMinutes: 120,
};

/** The failure reason of an event no re-dispatch got processed. */
export const undeliverableReason = 'undeliverable';

export type SweepDecision =
  /** Not received any more, or not old enough: nothing to do. */
  | { kind: 'not-stuck' }
  /** Re-dispatched before and its backoff has not run out. */
  | { kind: 'waiting'; until: string }
  | { kind: 'redispatch'; previous: number; nextSweepAt: Date }
  | { kind: 'give-up'; reason: string };

/** The receipt time before which a received event is stuck. */
export function stuckBefore(now: Date, policy: SweepPolicy): Date {
  return new Date(now.getTime() - policy.stuckAfterMinutes * 60_000);
}

export function isStuck(
  record: Pick<EventRecord, 'status' | 'receivedAt'>,
  now: Date,
  policy: SweepPolicy,
): boolean {
  return record.status === 'received' && Date.parse(record.receivedAt) < stuckBefore(now, policy).getTime();
}

/** The wait after the `n`th re-dispatch (1-based): the stuck age, doubling, capped. */
export function backoffAfter(redispatches: number, policy: SweepPolicy): number {
  const minutes = policy.stuckAfterMinutes * 2 ** Math.max(0, redispatches - 1);
  return Math.min(minutes, policy.maxBackoffMinutes) * 60_000;
}

/**
 * What to do with one event the sweeper found. `ignoreBackoff`: OpenPhone delivered it again,
 * which is worth a try whatever the backoff says (it still counts).
 */
export function decideSweep(
  record: Pick<EventRecord, 'status' | 'receivedAt' | 'redispatches' | 'nextSweepAt'>,
  now: Date,
  policy: SweepPolicy,
  options: { ignoreBackoff?: boolean } = {},
): SweepDecision {
  if (!isStuck(record, now, policy)) return { kind: 'not-stuck' };
  const previous = record.redispatches ?? 0;
  if (!options.ignoreBackoff && record.nextSweepAt && Date.parse(record.nextSweepAt) > now.getTime())
    return { kind: 'waiting', until: record.nextSweepAt };
  if (previous >= policy.maxRedispatches && !options.ignoreBackoff)
    return { kind: 'give-up', reason: undeliverableReason };
  return {
    kind: 'redispatch',
    previous,
    nextSweepAt: new Date(now.getTime() + backoffAfter(previous + 1, policy)),
  };
}
