import {
  backoffDelayMs,
  decideRetry,
  defaultRetryPolicy,
  retryAfterMs,
} from '../../../lambdas/openphone/domain/retry-policy';

describe('retry policy', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs('0.5', now)).toBe(500);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000);
    expect(retryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect(backoffDelayMs(1, defaultRetryPolicy, () => 0.999)).toBe(249);
    expect(backoffDelayMs(3, defaultRetryPolicy, () => 0.5)).toBe(500);
    expect(backoffDelayMs(20, defaultRetryPolicy, () => 0.999)).toBe(7992);
    expect(backoffDelayMs(3, defaultRetryPolicy, () => 0)).toBe(0);
  });

  it('gives up when attempts or the time budget run out, and prefers the server’s Retry-After', () => {
    const base = { startedAt: 0, now: 1000, policy: defaultRetryPolicy, random: () => 0.5 };
    expect(decideRetry({ ...base, attempt: 1, retryAfterMs: 4000 })).toEqual({
      kind: 'retry',
      delayMs: 4000,
    });
    expect(decideRetry({ ...base, attempt: 6, retryAfterMs: undefined })).toEqual({ kind: 'give-up' });
    expect(decideRetry({ ...base, attempt: 1, retryAfterMs: 60_000 })).toEqual({ kind: 'give-up' });
  });
});
