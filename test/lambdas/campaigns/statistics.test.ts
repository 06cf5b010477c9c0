import fc from 'fast-check';
import {
  compareReplyRates,
  erfc,
  normalCdf,
  ratesOf,
  variantCounts,
  type VariantCounts,
} from '../../../lambdas/campaigns/domain/statistics';

const counts = (sent: number, replied: number, rest: Partial<VariantCounts> = {}): VariantCounts => ({
  sent,
  delivered: sent,
  failed: 0,
  replied,
  optedOut: 0,
  ...rest,
});

describe('ratesOf', () => {
  it('turns counts into shares of messages sent', () => {
    expect(ratesOf({ sent: 200, delivered: 190, failed: 10, replied: 30, optedOut: 4 })).toEqual({
      deliveryRate: 0.95,
      failureRate: 0.05,
      replyRate: 0.15,
      optOutRate: 0.02,
    });
  });

  it('a variant with nothing sent has no rates rather than rates of zero', () => {
    expect(ratesOf(counts(0, 0, { delivered: 0 }))).toEqual({
      deliveryRate: null,
      failureRate: null,
      replyRate: null,
      optOutRate: null,
    });
  });
});

describe('variantCounts schema', () => {
  it('accepts consistent counts', () => {
    expect(variantCounts.safeParse(counts(10, 3)).success).toBe(true);
  });

  it.each([
    ['a negative count', counts(10, -1)],
    ['a fractional count', counts(10, 1.5)],
    ['more replies than messages', counts(10, 11)],
    ['more deliveries and failures than messages', counts(10, 1, { delivered: 8, failed: 3 })],
  ])('refuses %s', (_what, value) => {
    expect(variantCounts.safeParse(value).success).toBe(false);
  });
});

describe('normal distribution', () => {
  it.each([
    [0, 0.5],
    [1.959964, 0.975],
    [-1.959964, 0.025],
    [1, 0.8413447],
    [3, 0.9986501],
  ])('Φ(%p) ≈ %p', (x, expected) => {
    expect(normalCdf(x)).toBeCloseTo(expected, 6);
  });

  it('stays accurate in the far tail', () => {
    // erfc(4) = 1.541725790e-8
    expect(erfc(4) / 1.54172579e-8).toBeCloseTo(1, 5);
  });
});

describe('compareReplyRates', () => {
  it('12% against 9% over 1000 messages each is significant at 95%', () => {
    const result = compareReplyRates(counts(1000, 120), counts(1000, 90));
    expect(result).toMatchObject({ kind: 'compared', significantAt95: true, approximationReliable: true });
    if (result.kind !== 'compared') return;
    // Worked by hand: pooled 0.105, SE = sqrt(0.105 * 0.895 * 2 / 1000) = 0.013709, z = 0.03 / SE.
    expect(result.z).toBeCloseTo(2.1883, 3);
    expect(result.pValue).toBeCloseTo(0.02865, 4);
  });

  it('12% against 10% over 200 messages each is not significant', () => {
    const result = compareReplyRates(counts(200, 24), counts(200, 20));
    expect(result).toMatchObject({ kind: 'compared', significantAt95: false });
  });

  it('z is negative when the second variant does better, and the p-value is the same', () => {
    const ahead = compareReplyRates(counts(1000, 120), counts(1000, 90));
    const behind = compareReplyRates(counts(1000, 90), counts(1000, 120));
    if (ahead.kind !== 'compared' || behind.kind !== 'compared') throw new Error('expected comparisons');
    expect(behind.z).toBeCloseTo(-ahead.z, 10);
    expect(behind.pValue).toBeCloseTo(ahead.pValue, 10);
  });

  it('no replies on either side gives z 0 and p 1, not a division by zero', () => {
    expect(compareReplyRates(counts(100, 0), counts(100, 0))).toEqual({
      kind: 'compared',
      z: 0,
      pValue: 1,
      significantAt95: false,
      approximationReliable: false,
    });
  });

  it('everyone replying on both sides gives z 0 and p 1', () => {
    expect(compareReplyRates(counts(50, 50), counts(80, 80))).toMatchObject({ z: 0, pValue: 1 });
  });

  it('a variant with nothing sent cannot be compared', () => {
    expect(compareReplyRates(counts(0, 0), counts(100, 5))).toEqual({
      kind: 'nothing-sent',
      variants: ['first'],
    });
    expect(compareReplyRates(counts(0, 0), counts(0, 0))).toEqual({
      kind: 'nothing-sent',
      variants: ['first', 'second'],
    });
  });

  it('flags small counts as a rough approximation', () => {
    expect(compareReplyRates(counts(40, 3), counts(40, 12))).toMatchObject({ approximationReliable: false });
  });

  it('always gives a finite z and a p-value in [0, 1] (property)', () => {
    const variant = fc
      .integer({ min: 1, max: 100_000 })
      .chain((sent) => fc.integer({ min: 0, max: sent }).map((replied) => counts(sent, replied)));
    fc.assert(
      fc.property(variant, variant, (a, b) => {
        const result = compareReplyRates(a, b);
        return (
          result.kind === 'compared' &&
          Number.isFinite(result.z) &&
          result.pValue >= 0 &&
          result.pValue <= 1 &&
          result.significantAt95 === result.pValue < 0.05
        );
      }),
    );
  });
});
