import { z } from 'zod';

/**
 * The shared OpenPhone request budget: a token bucket whose tokens each come back one window after
 * they were spent. Unlike a bucket that refills continuously (which lets `capacity + rate` requests
 * through in one second), this never lets more than `limit` requests into any window of
 * `windowMs`, which is what OpenPhone's gateway counts, while still allowing a burst of `limit`.
 */

/** Who is asking: an interactive send must never wait behind a history import. */
export const lanes = ['interactive', 'campaign', 'import'] as const;
export type Lane = (typeof lanes)[number];

/** Grants one request to OpenPhone: resolves when the caller may send it. Every client call goes through one. */
export interface RateLimiter {
  /** `checkFollows`: the caller runs a last check before the request and then calls `confirm`. */
  acquire(lane: Lane, options?: AcquireOptions): Promise<unknown>;
  /**
   * For a caller that did more work between the grant and its request (a last check): makes sure
   * the grant's token still counts from now, moving it if that work took long. False when the
   * token is gone (the work outlasted a whole window): take another.
   */
  confirm?(grant: unknown): Promise<boolean>;
}

export interface AcquireOptions {
  /** A last check runs between the grant and the request (`confirm` follows). @default false */
  readonly checkFollows?: boolean;
}

/** Attribute names of the rate-limit table: used by the CDK construct and the adapter. */
export const rateLimitTableKeys = {
  partitionKey: 'bucketId',
  spentAt: 'spentAt',
  version: 'version',
  activeAt: 'activeAt',
} as const;

export const tokenBucketPolicy = z
  .object({
    /** Requests allowed in any one window (OpenPhone: 10 per second per API key). */
    limit: z.number().int().min(1).max(100).default(10),
    /** Length of the window in ms; a little over a second absorbs clock skew and network jitter. */
    windowMs: z.number().int().min(1).default(1050),
    /**
     * Tokens each lane leaves for higher lanes while one of them is active: a lane takes a token
     * only while more than its reserve are free, so it gets at most `limit - reserve` per window.
     * Interactive 0, campaign 2, import 3: an import saturating the bucket (7 per second) still
     * leaves 3 tokens a window for interactive sends and campaigns; a campaign (8 per second)
     * leaves 2 for interactive sends.
     */
    laneReserves: z
      .object({
        interactive: z.number().int().min(0),
        campaign: z.number().int().min(0),
        import: z.number().int().min(0),
      })
      .default({ interactive: 0, campaign: 2, import: 3 }),
    /**
     * How long a lane's reserve is kept after a higher lane last took or asked for a token. With no
     * higher lane active for this long, the reserve is lent: an import alone uses all `limit`
     * tokens. A higher lane that then asks records its demand in the bucket, so the lanes below
     * it keep its reserve free again within one window. At least 1000: a demand is written at most
     * once per half of it, and never in a tight loop.
     */
    reserveHoldMs: z.number().int().min(1000).default(5000),
    /**
     * A grant is stamped with the time its write was sent. When the write comes back later than
     * this, the request goes out later than the stamp says, and its token would come back early
     * (OpenPhone could then see 11 requests in a second): the spend is moved to when the write
     * came back, with one more conditional write. Half the window's 50 ms margin by default.
     */
    restampAfterMs: z.number().int().min(0).default(25),
  })
  .refine((p) => lanes.every((lane) => p.laneReserves[lane] < p.limit), {
    message: 'every lane reserve must be below the limit, or that lane could never acquire',
    path: ['laneReserves'],
  });

export type TokenBucketPolicy = z.infer<typeof tokenBucketPolicy>;
export type TokenBucketPolicyInput = z.input<typeof tokenBucketPolicy>;

export const defaultTokenBucketPolicy: TokenBucketPolicy = tokenBucketPolicy.parse({});

/** What the table stores per API key: when the tokens still out were spent, and a write counter. */
export interface BucketState {
  /** Epoch ms of each token spent within the last window, ascending. */
  readonly spentAt: readonly number[];
  /** Incremented on every write; each write is conditional on the version it read. */
  readonly version: number;
  /** Epoch ms each lane last took a token or asked for one it had to wait for. */
  readonly activeAt?: Readonly<Partial<Record<Lane, number>>>;
}

export type AcquireDecision =
  | { readonly kind: 'granted'; readonly next: BucketState }
  | { readonly kind: 'wait'; readonly waitMs: number; readonly available: number };

/** Spend times still inside the window ending at `now`. */
function liveSpends(state: BucketState | undefined, now: number, windowMs: number): number[] {
  return (state?.spentAt ?? []).filter((t) => now - t < windowMs).sort((a, b) => a - b);
}

/**
 * Requests per second a lane sustains at most when it must leave `reserve` tokens free: `limit −
 * reserve` per window. With no reserve (any lane alone, its reserve lent), the bucket's ceiling.
 */
export function sustainedRequestsPerSecond(policy: TokenBucketPolicy, reserve = 0): number {
  return ((policy.limit - reserve) * 1000) / policy.windowMs;
}

/** Tokens free at `now`: the limit minus the tokens spent within the last window. */
export function availableTokens(
  state: BucketState | undefined,
  now: number,
  policy: TokenBucketPolicy,
): number {
  return Math.max(0, policy.limit - liveSpends(state, now, policy.windowMs).length);
}

/** Whether a lane above `lane` took or asked for a token within the last `reserveHoldMs`. */
export function higherLaneActive(
  state: BucketState | undefined,
  lane: Lane,
  now: number,
  policy: TokenBucketPolicy,
): boolean {
  return lanes
    .slice(0, lanes.indexOf(lane))
    .some((higher) => now - (state?.activeAt?.[higher] ?? Number.NEGATIVE_INFINITY) < policy.reserveHoldMs);
}

/** The tokens `lane` must leave free at `now`: its reserve while a higher lane is active, else none. */
export function effectiveReserve(
  state: BucketState | undefined,
  lane: Lane,
  now: number,
  policy: TokenBucketPolicy,
): number {
  return higherLaneActive(state, lane, now, policy) ? policy.laneReserves[lane] : 0;
}

function withActivity(state: BucketState | undefined, lane: Lane, now: number) {
  return { ...state?.activeAt, [lane]: now };
}

/**
 * Whether `lane` may spend a token at `now` given the stored state; if so, the state to write
 * (conditional on `state.version`), otherwise how long until enough tokens have come back. The
 * spend is stamped `stampAt`: later than `now` when the request will go out later (after a last
 * check), so its token comes back a window after the request, never sooner.
 */
export function decideAcquire(
  state: BucketState | undefined,
  lane: Lane,
  now: number,
  policy: TokenBucketPolicy,
  stampAt = now,
): AcquireDecision {
  const live = liveSpends(state, now, policy.windowMs);
  const available = policy.limit - live.length;
  const reserve = effectiveReserve(state, lane, now, policy);
  if (available > reserve) {
    return {
      kind: 'granted',
      next: {
        spentAt: [...live, Math.max(now, stampAt)].sort((a, b) => a - b),
        version: (state?.version ?? 0) + 1,
        activeAt: withActivity(state, lane, now),
      },
    };
  }
  // The lane needs `reserve + 1` free tokens: wait for that many of the oldest spends to expire.
  const mustExpire = reserve + 1 - available;
  const expiringAt = live[mustExpire - 1]! + policy.windowMs;
  return { kind: 'wait', waitMs: Math.max(1, expiringAt - now), available: Math.max(0, available) };
}

/**
 * A lane that must wait while a lower lane may be using its reserve: the state that records its
 * demand (written like a grant, conditional on the version), so every lower lane sees it on its
 * next write and leaves the reserve free. None when no lower lane holds a reserve for it, or when
 * its activity is recent enough that the lower lanes already do.
 */
export function announceDemand(
  state: BucketState | undefined,
  lane: Lane,
  now: number,
  policy: TokenBucketPolicy,
): BucketState | undefined {
  const lowerLanesReserve = lanes
    .slice(lanes.indexOf(lane) + 1)
    .some((lower) => policy.laneReserves[lower] > 0);
  if (!state || !lowerLanesReserve) return undefined;
  const last = state.activeAt?.[lane];
  if (last !== undefined && now - last < policy.reserveHoldMs / 2) return undefined;
  return { spentAt: state.spentAt, version: state.version + 1, activeAt: withActivity(state, lane, now) };
}

/**
 * The state with one spend stamped `from` moved to `to` (later: the token comes back later, never
 * sooner), written conditional on `state.version`. None when that spend is no longer in the state
 * (it expired and was pruned: the grant came back later than a whole window).
 */
export function restampSpend(state: BucketState, from: number, to: number): BucketState | undefined {
  const at = state.spentAt.indexOf(from);
  if (at < 0) return undefined;
  const spentAt = state.spentAt.filter((_, i) => i !== at);
  return {
    ...state,
    spentAt: [...spentAt, Math.max(from, to)].sort((a, b) => a - b),
    version: state.version + 1,
  };
}
