import fc from 'fast-check';
import {
  announceDemand,
  availableTokens,
  decideAcquire,
  defaultTokenBucketPolicy,
  lanes,
  restampSpend,
  tokenBucketPolicy,
  type BucketState,
  type Lane,
} from '../../../lambdas/openphone/domain/token-bucket';

const policy = tokenBucketPolicy.parse({ limit: 10, windowMs: 1000 });

function spentAt(...times: number[]): BucketState {
  return { spentAt: times, version: times.length };
}

/** The same spends, with every lane active at `at` (so each keeps its reserve). */
function allActive(state: BucketState, at: number): BucketState {
  return { ...state, activeAt: { interactive: at, campaign: at, import: at } };
}

describe('token bucket decisions', () => {
  it('grants a full burst of the limit to a fresh bucket, then makes the next caller wait', () => {
    let state: BucketState | undefined;
    for (let i = 0; i < 10; i++) {
      const decision = decideAcquire(state, 'interactive', 1_000, policy);
      expect(decision.kind).toBe('granted');
      if (decision.kind === 'granted') state = decision.next;
    }
    expect(decideAcquire(state, 'interactive', 1_000, policy)).toEqual({
      kind: 'wait',
      waitMs: 1000,
      available: 0,
    });
  });

  it('gives a token back exactly one window after it was spent', () => {
    const state = spentAt(0, 100, 200, 300, 400, 500, 600, 700, 800, 900);
    expect(availableTokens(state, 999, policy)).toBe(0);
    expect(availableTokens(state, 1000, policy)).toBe(1);
    expect(decideAcquire(state, 'interactive', 950, policy)).toMatchObject({ kind: 'wait', waitMs: 50 });
  });

  it('keeps each lane out of the tokens reserved for the lanes above it while those are active', () => {
    const sevenSpent = allActive(spentAt(0, 1, 2, 3, 4, 5, 6), 0);
    expect(decideAcquire(sevenSpent, 'import', 10, policy).kind).toBe('wait');
    expect(decideAcquire(sevenSpent, 'campaign', 10, policy).kind).toBe('granted');
    const eightSpent = allActive(spentAt(0, 1, 2, 3, 4, 5, 6, 7), 0);
    expect(decideAcquire(eightSpent, 'campaign', 10, policy).kind).toBe('wait');
    expect(decideAcquire(eightSpent, 'interactive', 10, policy).kind).toBe('granted');
  });

  it("lends an idle lane's reserve to the lanes below it, and takes it back once it is active again", () => {
    const ninePlusActivity = (activeAt: BucketState['activeAt']): BucketState => ({
      ...spentAt(0, 100, 200, 300, 400, 500, 600, 700, 800),
      activeAt,
    });
    // Nobody above the import asked within reserveHoldMs (5 s): it may take the last token.
    expect(decideAcquire(ninePlusActivity({ import: 800 }), 'import', 900, policy).kind).toBe('granted');
    expect(decideAcquire(ninePlusActivity({ interactive: 900 - 5000 }), 'import', 900, policy).kind).toBe(
      'granted',
    );
    // An interactive request or a campaign send within the hold: the import keeps its 3 free.
    expect(decideAcquire(ninePlusActivity({ interactive: 900 - 4999 }), 'import', 900, policy).kind).toBe(
      'wait',
    );
    expect(decideAcquire(ninePlusActivity({ campaign: 850 }), 'import', 900, policy).kind).toBe('wait');
    // The campaign lane defers only to interactive requests, not to imports.
    expect(decideAcquire(ninePlusActivity({ import: 850 }), 'campaign', 900, policy).kind).toBe('granted');
    expect(decideAcquire(ninePlusActivity({ interactive: 850 }), 'campaign', 900, policy).kind).toBe('wait');
  });

  it("records a waiting lane's demand so the lanes below it leave its reserve free", () => {
    const full = { ...spentAt(0, 100, 200, 300, 400, 500, 600, 700, 800, 900), activeAt: { import: 900 } };
    const demand = announceDemand(full, 'interactive', 950, policy);
    expect(demand).toEqual({
      spentAt: full.spentAt,
      version: 11,
      activeAt: { import: 900, interactive: 950 },
    });
    // The import, seeing it, now waits for 4 free tokens instead of 1.
    expect(decideAcquire(full, 'import', 950, policy)).toMatchObject({ kind: 'wait', waitMs: 50 });
    expect(decideAcquire(demand, 'import', 950, policy)).toMatchObject({ kind: 'wait', waitMs: 350 });
    // Announced once per half hold; nothing to announce for the lowest lane.
    expect(announceDemand(demand, 'interactive', 950 + 2499, policy)).toBeUndefined();
    expect(announceDemand(demand, 'interactive', 950 + 2500, policy)).toBeDefined();
    expect(announceDemand(full, 'import', 950, policy)).toBeUndefined();
  });

  it('tells a lane to wait until enough tokens for its reserve have come back', () => {
    const full = allActive(spentAt(0, 100, 200, 300, 400, 500, 600, 700, 800, 900), 900);
    // import needs 4 free tokens: the 4th oldest spend (300) comes back at 1300.
    expect(decideAcquire(full, 'import', 950, policy)).toMatchObject({ kind: 'wait', waitMs: 350 });
  });

  it('writes the next version and drops spends older than the window', () => {
    const decision = decideAcquire({ spentAt: [0, 500], version: 7 }, 'interactive', 1200, policy);
    expect(decision).toEqual({
      kind: 'granted',
      next: { spentAt: [500, 1200], version: 8, activeAt: { interactive: 1200 } },
    });
  });

  it('refuses a reserveHoldMs under a second: demands would be written back to back', () => {
    expect(() => tokenBucketPolicy.parse({ reserveHoldMs: 0 })).toThrow(/reserveHoldMs/);
    expect(tokenBucketPolicy.parse({ reserveHoldMs: 1000 }).reserveHoldMs).toBe(1000);
  });

  it('refuses lane reserves that would shut a lane out forever', () => {
    expect(() =>
      tokenBucketPolicy.parse({ limit: 3, laneReserves: { interactive: 0, campaign: 1, import: 3 } }),
    ).toThrow(/reserve/);
    expect(defaultTokenBucketPolicy).toMatchObject({
      limit: 10,
      laneReserves: { interactive: 0, campaign: 2, import: 3 },
    });
  });

  it('never grants more than the limit within any window, whatever the order of requests', () => {
    fc.assert(
      fc.property(
        // At least 30 steps: fast-check's default size stops arrays near 10, fewer than the limit + 1.
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.constantFrom<Lane>(...lanes)), {
          minLength: 30,
          maxLength: 200,
        }),
        (steps) => {
          let state: BucketState | undefined;
          let now = 0;
          const grants: number[] = [];
          for (const [advance, lane] of steps) {
            now += advance;
            const decision = decideAcquire(state, lane, now, policy);
            if (decision.kind === 'granted') {
              state = decision.next;
              grants.push(now);
            } else {
              state = announceDemand(state, lane, now, policy) ?? state;
            }
          }
          return grants.every(
            (t, i) => grants.filter((u, j) => j >= i && u - t < policy.windowMs).length <= 10,
          );
        },
      ),
    );
  });

  it('never lets more than 10 requests a second out when grants are stamped ahead for a last check that then takes any time', () => {
    const bucket = defaultTokenBucketPolicy;
    const restampAfter = bucket.restampAfterMs;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            advance: fc.integer({ min: 0, max: 60 }),
            lane: fc.constantFrom<Lane>(...lanes),
            leadMs: fc.integer({ min: 0, max: 250 }),
            checkMs: fc.integer({ min: 0, max: 1500 }),
          }),
          { minLength: 30, maxLength: 200 },
        ),
        (steps) => {
          let state: BucketState | undefined;
          let now = 0;
          const sent: number[] = [];
          let checks: { endsAt: number; stamp: number }[] = [];
          // A check that ends confirms its grant: kept when within the margin, else moved or lost.
          const endChecksUntil = (at: number) => {
            const ending = checks.filter((c) => c.endsAt <= at).sort((a, b) => a.endsAt - b.endsAt);
            checks = checks.filter((c) => c.endsAt > at);
            for (const check of ending) {
              if (check.endsAt - check.stamp <= restampAfter) sent.push(check.endsAt);
              else {
                const moved = state && restampSpend(state, check.stamp, check.endsAt);
                if (moved) {
                  state = moved;
                  sent.push(check.endsAt);
                }
              }
            }
          };
          for (const { advance, lane, leadMs, checkMs } of steps) {
            now += advance;
            endChecksUntil(now);
            const decision = decideAcquire(state, lane, now, bucket, now + leadMs);
            if (decision.kind === 'granted') {
              state = decision.next;
              checks.push({ endsAt: now + checkMs, stamp: now + leadMs });
            } else {
              state = announceDemand(state, lane, now, bucket) ?? state;
            }
          }
          endChecksUntil(Number.POSITIVE_INFINITY);
          sent.sort((a, b) => a - b);
          return sent.every((t, i) => sent.filter((u, j) => j >= i && u - t < 1000).length <= 10);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('moving a late grant only ever makes its token come back later', () => {
    const state: BucketState = { spentAt: [900, 1000, 1000], version: 4, activeAt: { import: 1000 } };
    expect(restampSpend(state, 1000, 1180)).toEqual({
      spentAt: [900, 1000, 1180],
      version: 5,
      activeAt: { import: 1000 },
    });
    expect(restampSpend(state, 1000, 950)?.spentAt).toEqual([900, 1000, 1000]);
    expect(restampSpend(state, 800, 1180)).toBeUndefined();
  });
});
