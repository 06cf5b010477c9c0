/**
 * Per-variant results and an A/B comparison of reply rates. Rates are shares of messages sent;
 * a rate over nothing sent is null rather than a misleading 0.
 */
import { z } from 'zod';

const count = z.int().nonnegative();

/** Each outcome counts recipients of messages sent, so none exceeds `sent`. */
export const variantCounts = z
  .object({ sent: count, delivered: count, failed: count, replied: count, optedOut: count })
  .refine((c) => c.delivered + c.failed <= c.sent, { error: 'delivered + failed cannot exceed sent' })
  .refine((c) => c.replied <= c.sent && c.optedOut <= c.sent, {
    error: 'replied and optedOut cannot exceed sent',
  });
export type VariantCounts = z.infer<typeof variantCounts>;

export interface VariantRates {
  deliveryRate: number | null;
  failureRate: number | null;
  replyRate: number | null;
  optOutRate: number | null;
}

export function ratesOf(counts: VariantCounts): VariantRates {
  const share = (part: number) => (counts.sent === 0 ? null : part / counts.sent);
  return {
    deliveryRate: share(counts.delivered),
    failureRate: share(counts.failed),
    replyRate: share(counts.replied),
    optOutRate: share(counts.optedOut),
  };
}

export type ReplyRateComparison =
  | {
      kind: 'compared';
      /** Positive when the first variant's reply rate is higher. */
      z: number;
      /** Two-sided. */
      pValue: number;
      significantAt95: boolean;
      /** False when a group has fewer than 5 replies or non-replies: the normal approximation is rough there. */
      approximationReliable: boolean;
    }
  | { kind: 'nothing-sent'; variants: Array<'first' | 'second'> };

const significanceLevel = 0.05;
const minimumExpectedCount = 5;

/**
 * Two-proportion z-test (pooled) of reply rates: is the difference between two variants more
 * than chance? With the same rate on both sides (all zero included) z is 0 and p is 1.
 */
export function compareReplyRates(first: VariantCounts, second: VariantCounts): ReplyRateComparison {
  const empty: Array<'first' | 'second'> = [];
  if (first.sent === 0) empty.push('first');
  if (second.sent === 0) empty.push('second');
  if (empty.length > 0) return { kind: 'nothing-sent', variants: empty };

  const p1 = first.replied / first.sent;
  const p2 = second.replied / second.sent;
  const pooled = (first.replied + second.replied) / (first.sent + second.sent);
  const standardError = Math.sqrt(pooled * (1 - pooled) * (1 / first.sent + 1 / second.sent));
  const z = standardError === 0 ? 0 : (p1 - p2) / standardError;
  const pValue = Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
  const approximationReliable = [first, second].every(
    (c) => c.replied >= minimumExpectedCount && c.sent - c.replied >= minimumExpectedCount,
  );
  return { kind: 'compared', z, pValue, significantAt95: pValue < significanceLevel, approximationReliable };
}

/** Standard normal cumulative distribution function. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/**
 * Complementary error function (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7
 * everywhere), accurate in the tails where tiny p-values live.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const tail =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? tail : 2 - tail;
}
