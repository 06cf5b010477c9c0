/**
 * A/B variant assignment. A recipient's variant is a pure function of the campaign id and the
 * recipient's number, so a retry, a restarted sender or a second worker always picks the same
 * one, and no assignment needs storing before the send.
 */
import { createHash } from 'node:crypto';
import { InvalidVariantWeightsError } from '../errors';

export interface WeightedVariant {
  id: string;
  /** A positive integer: the variant gets weight / (sum of weights) of the recipients. */
  weight: number;
}

const bucketBits = 48;
const bucketRange = 2 ** bucketBits;

/**
 * A number in [0, 1) derived from the campaign and recipient. The separator keeps
 * ("ab", "+1…") and ("a", "b+1…") apart.
 */
export function assignmentPoint(campaignId: string, recipientE164: string): number {
  const digest = createHash('sha256').update(`${campaignId}\u0000${recipientE164}`).digest();
  return digest.readUIntBE(0, bucketBits / 8) / bucketRange;
}

/**
 * The variant a recipient gets. Variants are ordered by id first, so the order they are listed
 * in does not matter; changing weights or ids mid-campaign does move recipients.
 */
export function assignVariant(
  campaignId: string,
  recipientE164: string,
  variants: readonly WeightedVariant[],
): string {
  if (variants.length === 0) throw new InvalidVariantWeightsError('a campaign needs at least one variant');
  for (const v of variants) {
    if (!Number.isSafeInteger(v.weight) || v.weight <= 0) {
      throw new InvalidVariantWeightsError(
        `variant ${v.id}: weight must be a positive integer, got ${v.weight}`,
      );
    }
  }
  const ordered = [...variants].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const total = ordered.reduce((sum, v) => sum + v.weight, 0);
  const target = Math.floor(assignmentPoint(campaignId, recipientE164) * total);
  let cumulative = 0;
  for (const variant of ordered) {
    cumulative += variant.weight;
    if (target < cumulative) return variant.id;
  }
  // Unreachable: target < total and the last cumulative is total.
  return ordered[ordered.length - 1]!.id;
}
