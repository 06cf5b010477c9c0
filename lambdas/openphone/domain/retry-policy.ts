/** When and how long to wait before trying an OpenPhone request again. Pure: time and chance are passed in. */

export interface RetryPolicy {
  /** Attempts in all, the first included. @default 6 */
  readonly maxAttempts: number;
  /** Ceiling of the first backoff, doubled on every attempt. @default 250 ms */
  readonly baseDelayMs: number;
  /** Largest single backoff. @default 8 s */
  readonly maxDelayMs: number;
  /** No retry is started once this much time has passed since the first attempt. @default 30 s */
  readonly maxTotalMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxTotalMs: 30_000,
};

/**
 * Exponential backoff with full jitter: a uniform wait between 0 and `base × 2^(attempt-1)`, capped.
 * `attempt` is the number of the attempt that just failed (1 for the first).
 */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * A `Retry-After` header as a wait in ms: delta-seconds or an HTTP date. Undefined when absent or
 * unreadable, so the caller falls back to its own backoff.
 */
export function retryAfterMs(header: string | null | undefined, now: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export type RetryDecision =
  { readonly kind: 'retry'; readonly delayMs: number } | { readonly kind: 'give-up' };

/**
 * Whether to try again after a retryable failure of attempt number `attempt`: honours the server's
 * Retry-After when given, otherwise backs off; gives up when attempts or the time budget run out.
 */
export function decideRetry(input: {
  attempt: number;
  startedAt: number;
  now: number;
  retryAfterMs: number | undefined;
  policy: RetryPolicy;
  random: () => number;
}): RetryDecision {
  const { attempt, startedAt, now, policy } = input;
  if (attempt >= policy.maxAttempts) return { kind: 'give-up' };
  const delayMs = input.retryAfterMs ?? backoffDelayMs(attempt, policy, input.random);
  if (now + delayMs - startedAt > policy.maxTotalMs) return { kind: 'give-up' };
  return { kind: 'retry', delayMs };
}
