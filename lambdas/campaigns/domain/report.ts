/**
 * A campaign's report: its recipients counted by state and outcome, the per-variant table and its
 * A/B tests, from the stored counters: each variant's reply rate is compared with the control's
 * (the first variant of the definition).
 */
import type { CampaignDefinition } from './campaign-definition';
import { recipientStates, type RecipientState } from './campaign-keys';
import type { CampaignState } from './campaign-state';
import {
  compareReplyRates,
  ratesOf,
  type ReplyRateComparison,
  type VariantCounts,
  type VariantRates,
} from './statistics';
import type { DeliveryStatus } from './tracking';

/** A variant's counters as the variant statistics item stores them. */
export interface VariantStatistics {
  sent: number;
  /** Refused by OpenPhone at send time (never sent). */
  failed: number;
  skipped: number;
  delivered: number;
  /** Sent, then reported undelivered/failed by a message webhook. */
  deliveryFailed: number;
  replied: number;
  optedOut: number;
}

/** A variant's stored counters; any may be missing (nothing counted yet). */
export interface VariantTally {
  sent?: number;
  /** Refused by OpenPhone at send time (never sent): not part of the rates. */
  sendFailed?: number;
  skipped?: number;
  delivered?: number;
  /** Sent, then reported undelivered/failed by a webhook. */
  deliveryFailed?: number;
  replied?: number;
  optedOut?: number;
}

export interface VariantReportRow {
  variantId: string;
  /** Outcomes of messages sent (`failed` = delivery failures), as `ratesOf` and `compareReplyRates` take them. */
  counts: VariantCounts;
  sendFailed: number;
  skipped: number;
  rates: VariantRates;
}

export interface ReplyRateTest {
  variantId: string;
  controlVariantId: string;
  comparison: ReplyRateComparison;
  /**
   * Significant at 95% after a Bonferroni correction for the number of tests (one per
   * non-control variant): with two variants, the same as `significantAt95`.
   */
  significantAfterCorrection: boolean;
}

export interface VariantReport {
  variants: VariantReportRow[];
  comparisons: ReplyRateTest[];
}

/**
 * Rows in the definition's order (variants no longer in the definition but counted come last), and
 * one test per variant against the first (control). Testing k − 1 variants against a control
 * rather than every pair keeps the number of tests, and so the chance of a false "winner", down.
 */
export function variantReport(
  definitionVariantIds: readonly string[],
  tallies: Readonly<Record<string, VariantTally>>,
): VariantReport {
  const ids = [...new Set([...definitionVariantIds, ...Object.keys(tallies).sort()])];
  const variants = ids.map((variantId): VariantReportRow => {
    const t = tallies[variantId] ?? {};
    const counts: VariantCounts = {
      sent: t.sent ?? 0,
      delivered: t.delivered ?? 0,
      failed: t.deliveryFailed ?? 0,
      replied: t.replied ?? 0,
      optedOut: t.optedOut ?? 0,
    };
    return {
      variantId,
      counts,
      sendFailed: t.sendFailed ?? 0,
      skipped: t.skipped ?? 0,
      rates: ratesOf(counts),
    };
  });
  const [control, ...others] = variants;
  if (!control) return { variants, comparisons: [] };
  const correctedLevel = 0.05 / Math.max(1, others.length);
  const comparisons = others.map((row): ReplyRateTest => {
    const comparison = compareReplyRates(row.counts, control.counts);
    return {
      variantId: row.variantId,
      controlVariantId: control.variantId,
      comparison,
      significantAfterCorrection: comparison.kind === 'compared' && comparison.pValue < correctedLevel,
    };
  });
  return { variants, comparisons };
}

/** What a report reads of a recipient: its state and what tracking stamped on it. */
export interface ReportedRecipient {
  state: RecipientState;
  delivery?: DeliveryStatus;
  repliedAt?: string;
  optedOutAt?: string;
}

/** Progress by recipient state, the per-variant table and the A/B tests. */
export interface CampaignReport extends VariantReport {
  campaignId: string;
  name: string;
  state: CampaignState;
  recipients: {
    total: number;
    byState: Record<RecipientState, number>;
    delivered: number;
    deliveryFailed: number;
    replied: number;
    optedOut: number;
  };
}

/**
 * The campaign's recipients counted by state (and delivered/replied/opted out), one row per
 * variant (sent, delivered, failed, replied, opted out, rates) and each variant's reply rate
 * tested against the control (the definition's first variant).
 */
export function campaignReport(
  campaign: {
    campaignId: string;
    definition: Pick<CampaignDefinition, 'name' | 'variants'>;
    state: CampaignState;
  },
  recipients: readonly ReportedRecipient[],
  statistics: Readonly<Record<string, VariantStatistics>>,
): CampaignReport {
  const byState = Object.fromEntries(recipientStates.map((s) => [s, 0])) as Record<RecipientState, number>;
  for (const r of recipients) byState[r.state]++;
  const count = (test: (r: ReportedRecipient) => boolean) => recipients.filter(test).length;
  const tallies = Object.fromEntries(
    Object.entries(statistics).map(([variantId, { failed, ...rest }]) => [
      variantId,
      { ...rest, sendFailed: failed },
    ]),
  );
  return {
    campaignId: campaign.campaignId,
    name: campaign.definition.name,
    state: campaign.state,
    recipients: {
      total: recipients.length,
      byState,
      delivered: count((r) => r.delivery === 'delivered'),
      deliveryFailed: count((r) => r.delivery === 'failed'),
      replied: count((r) => r.repliedAt !== undefined),
      optedOut: count((r) => r.optedOutAt !== undefined),
    },
    ...variantReport(
      campaign.definition.variants.map((v) => v.id),
      tallies,
    ),
  };
}
