export interface RateLimitOptions {
  /** Requests allowed per window per API key. Default 10 (OpenPhone's limit). */
  readonly limit?: number;
  /** Window length in ms. Default 1000. */
  readonly windowMs?: number;
  /** Send `Retry-After` (whole seconds) with 429s. Default false: OpenPhone does not promise it. */
  readonly retryAfter?: boolean;
}

/**
 * A strict rolling window: a request is admitted only if fewer than `limit` requests were
 * admitted in the `windowMs` before it. Refused requests do not count.
 */
export class RollingWindowLimiter {
  readonly limit: number;
  readonly windowMs: number;
  private readonly admitted = new Map<string, number[]>();

  constructor(options: RateLimitOptions = {}) {
    this.limit = options.limit ?? 10;
    this.windowMs = options.windowMs ?? 1000;
  }

  /** Admits the request (true) or says how many ms until a slot frees (a number). */
  tryAdmit(key: string, now: number): true | number {
    const times = this.admitted.get(key) ?? [];
    while (times.length > 0 && times[0]! <= now - this.windowMs) times.shift();
    if (times.length >= this.limit) {
      this.admitted.set(key, times);
      return times[0]! + this.windowMs - now;
    }
    times.push(now);
    this.admitted.set(key, times);
    return true;
  }
}
