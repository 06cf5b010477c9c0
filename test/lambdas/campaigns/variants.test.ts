import fc from 'fast-check';
import { assignmentPoint, assignVariant } from '../../../lambdas/campaigns/domain/variants';
import { InvalidVariantWeightsError } from '../../../lambdas/campaigns/errors';

const phoneNumber = fc
  .tuple(fc.integer({ min: 200, max: 999 }), fc.integer({ min: 2_000_000, max: 9_999_999 }))
  .map(([area, line]) => `+1${area}${line}`);

const recipients = (count: number) =>
  Array.from({ length: count }, (_, i) => `+1212${String(2_000_000 + i * 7).padStart(7, '0')}`);

describe('assignVariant', () => {
  const variants = [
    { id: 'A', weight: 1 },
    { id: 'B', weight: 1 },
  ];

  it('a recipient is always assigned the same variant', () => {
    fc.assert(
      fc.property(fc.string(), phoneNumber, (campaignId, phone) => {
        return assignVariant(campaignId, phone, variants) === assignVariant(campaignId, phone, variants);
      }),
    );
  });

  it('the order variants are listed in does not change the assignment', () => {
    fc.assert(
      fc.property(fc.string(), phoneNumber, (campaignId, phone) => {
        const listed = [
          { id: 'A', weight: 3 },
          { id: 'B', weight: 1 },
          { id: 'C', weight: 2 },
        ];
        return (
          assignVariant(campaignId, phone, listed) === assignVariant(campaignId, phone, [...listed].reverse())
        );
      }),
    );
  });

  it('is fixed by campaign id and number alone: known values guard against an accidental change of hash', () => {
    expect(assignmentPoint('cmp_1', '+12125550100')).toBe(0.5946578640389077);
    expect(assignVariant('cmp_1', '+12125550100', variants)).toBe('B');
    expect(assignVariant('cmp_1', '+12125550102', variants)).toBe('A');
  });

  it('the same recipient can land in different variants in different campaigns', () => {
    const phone = '+12125550100';
    const assigned = new Set(
      Array.from({ length: 50 }, (_, i) => assignVariant(`cmp_${i}`, phone, variants)),
    );
    expect(assigned).toEqual(new Set(['A', 'B']));
  });

  it('a single variant gets everyone', () => {
    fc.assert(
      fc.property(phoneNumber, (phone) => assignVariant('c', phone, [{ id: 'only', weight: 5 }]) === 'only'),
    );
  });

  it('splits 1:1 close to half and half over 20 000 recipients', () => {
    const counts = countAssignments('cmp_even', recipients(20_000), variants);
    expect(counts.get('A')! / 20_000).toBeCloseTo(0.5, 1);
    expect(Math.abs(counts.get('A')! - 10_000)).toBeLessThan(4 * Math.sqrt(20_000 * 0.25));
  });

  it('follows 70:20:10 weights within four standard deviations', () => {
    const weighted = [
      { id: 'control', weight: 70 },
      { id: 'short', weight: 20 },
      { id: 'emoji', weight: 10 },
    ];
    const n = 30_000;
    const counts = countAssignments('cmp_weighted', recipients(n), weighted);
    for (const { id, weight } of weighted) {
      const share = weight / 100;
      const expected = n * share;
      expect(Math.abs((counts.get(id) ?? 0) - expected)).toBeLessThan(4 * Math.sqrt(n * share * (1 - share)));
    }
  });

  it('assignment points are spread evenly over [0, 1) (chi-square over 10 buckets)', () => {
    const n = 10_000;
    const buckets = new Array<number>(10).fill(0);
    for (const phone of recipients(n)) buckets[Math.floor(assignmentPoint('cmp_uniform', phone) * 10)]! += 1;
    const chiSquare = buckets.reduce((sum, observed) => sum + (observed - n / 10) ** 2 / (n / 10), 0);
    expect(chiSquare).toBeLessThan(27.88); // 99.9th percentile of chi-square with 9 degrees of freedom
  });

  it.each([
    ['no variants', []],
    ['a zero weight', [{ id: 'A', weight: 0 }]],
    ['a negative weight', [{ id: 'A', weight: -1 }]],
    ['a fractional weight', [{ id: 'A', weight: 0.5 }]],
  ])('refuses %s with a named error', (_what, list) => {
    expect(() => assignVariant('c', '+12125550100', list)).toThrow(InvalidVariantWeightsError);
  });
});

function countAssignments(
  campaignId: string,
  phones: string[],
  variants: Array<{ id: string; weight: number }>,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const phone of phones) {
    const id = assignVariant(campaignId, phone, variants);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}
