import fc from 'fast-check';
import {
  availableTokens,
  decideAcquire,
  defaultTokenBucketPolicy,
  lanes,
  tokenBucketPolicy,
  type BucketState,
  type Lane,
} from '../../lambdas/domain/token-bucket';

const policy = tokenBucketPolicy.parse({ limit: 10, windowMs: 1000 });

function spentAt(...times: number[]): BucketState {
  return { spentAt: times, version: times.length };
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

  it('keeps each lane out of the tokens reserved for the lanes above it', () => {
    const sevenSpent = spentAt(0, 1, 2, 3, 4, 5, 6);
    expect(decideAcquire(sevenSpent, 'import', 10, policy).kind).toBe('wait');
    expect(decideAcquire(sevenSpent, 'campaign', 10, policy).kind).toBe('granted');
    const eightSpent = spentAt(0, 1, 2, 3, 4, 5, 6, 7);
    expect(decideAcquire(eightSpent, 'campaign', 10, policy).kind).toBe('wait');
    expect(decideAcquire(eightSpent, 'interactive', 10, policy).kind).toBe('granted');
  });

  it('tells a lane to wait until enough tokens for its reserve have come back', () => {
    const full = spentAt(0, 100, 200, 300, 400, 500, 600, 700, 800, 900);
    // import needs 4 free tokens: the 4th oldest spend (300) comes back at 1300.
    expect(decideAcquire(full, 'import', 950, policy)).toMatchObject({ kind: 'wait', waitMs: 350 });
  });

  it('writes the next version and drops spends older than the window', () => {
    const decision = decideAcquire({ spentAt: [0, 500], version: 7 }, 'interactive', 1200, policy);
    expect(decision).toEqual({ kind: 'granted', next: { spentAt: [500, 1200], version: 8 } });
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
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.constantFrom<Lane>(...lanes)), {
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
            }
          }
          return grants.every(
            (t, i) => grants.filter((u, j) => j >= i && u - t < policy.windowMs).length <= 10,
          );
        },
      ),
    );
  });
});
