/**
 * A campaign's report: its recipients counted by state and outcome, the per-variant table and its
 * A/B tests, counted from the recipient rows (each carries its variant and what tracking stamped
 * on it): each variant's reply rate is compared with the control's (the first variant).
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
import { defaultReplyWindowDays, type DeliveryStatus } from './tracking';

/** A variant's counts, read from its recipients' rows (`variantStatisticsOf`). */
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
   * non-control variant): with two variants, the same as `significantAt95`. Always false while
   * the test is too early to call (see `SignificanceReadiness`).
   */
  significantAfterCorrection: boolean;
  /** What to tell a person: the verdict, or that replies are still arriving. */
  verdict: 'significant' | 'not-significant' | 'too-early' | 'not-compared';
}

/**
 * Whether an A/B verdict may be read yet. Replies keep arriving for the reply window after each
 * send, and an operator who looks every hour at a live z-test will, sooner or later, see a false
 * winner: so significance is reported only once the campaign has stopped sending and the reply
 * window of its last send has closed (the campaign's completion or cancellation bounds its last
 * send); before that the report says "too early", with the rates so far.
 */
export type SignificanceReadiness =
  | { kind: 'final' }
  /** `finalAt`: when the verdict may be read; null while the campaign may still send. */
  | { kind: 'too-early'; finalAt: string | null };

export function significanceReadiness(
  campaign: { state: CampaignState; stateChangedAt?: string },
  now: Date,
  replyWindowDays: number = defaultReplyWindowDays,
): SignificanceReadiness {
  const stopped = campaign.state.status === 'completed' || campaign.state.status === 'cancelled';
  if (!stopped || !campaign.stateChangedAt) return { kind: 'too-early', finalAt: null };
  const finalAt = Date.parse(campaign.stateChangedAt) + replyWindowDays * 86_400_000;
  return now.getTime() >= finalAt
    ? { kind: 'final' }
    : { kind: 'too-early', finalAt: new Date(finalAt).toISOString() };
}

export interface VariantReport {
  variants: VariantReportRow[];
  comparisons: ReplyRateTest[];
  significance: SignificanceReadiness;
}

/**
 * Rows in the definition's order (variants no longer in the definition but counted come last), and
 * one test per variant against the first (control). Testing k − 1 variants against a control
 * rather than every pair keeps the number of tests, and so the chance of a false "winner", down.
 */
export function variantReport(
  definitionVariantIds: readonly string[],
  tallies: Readonly<Record<string, VariantTally>>,
  significance: SignificanceReadiness = { kind: 'final' },
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
  if (!control) return { variants, comparisons: [], significance };
  const correctedLevel = 0.05 / Math.max(1, others.length);
  const comparisons = others.map((row): ReplyRateTest => {
    const comparison = compareReplyRates(row.counts, control.counts);
    const significant =
      significance.kind === 'final' && comparison.kind === 'compared' && comparison.pValue < correctedLevel;
    return {
      variantId: row.variantId,
      controlVariantId: control.variantId,
      comparison,
      significantAfterCorrection: significant,
      verdict:
        comparison.kind !== 'compared'
          ? 'not-compared'
          : significance.kind !== 'final'
            ? 'too-early'
            : significant
              ? 'significant'
              : 'not-significant',
    };
  });
  return { variants, comparisons, significance };
}

/** What a report reads of a recipient: its state and what tracking stamped on it. */
export interface ReportedRecipient {
  state: RecipientState;
  /** Set when it left the open states (sent, failed or skipped) for a variant. */
  variantId?: string;
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
    stateChangedAt?: string;
  },
  recipients: readonly ReportedRecipient[],
  statistics: Readonly<Record<string, VariantStatistics>>,
  now: Date = new Date(),
  replyWindowDays: number = defaultReplyWindowDays,
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
      significanceReadiness(campaign, now, replyWindowDays),
    ),
  };
}

const emptyStatistics = (): VariantStatistics => ({
  sent: 0,
  failed: 0,
  skipped: 0,
  delivered: 0,
  deliveryFailed: 0,
  replied: 0,
  optedOut: 0,
});

/**
 * Each variant's counts from its recipients' rows: the update that finishes a recipient (or stamps
 * a delivery, reply or opt-out on it) is what counts it, so no counter item is written beside it.
 */
export function variantStatisticsOf(
  recipients: readonly ReportedRecipient[],
): Record<string, VariantStatistics> {
  const byVariant: Record<string, VariantStatistics> = {};
  for (const r of recipients) {
    if (r.variantId === undefined) continue;
    const counts = (byVariant[r.variantId] ??= emptyStatistics());
    if (r.state === 'sent') counts.sent++;
    if (r.state === 'failed') counts.failed++;
    if (r.state === 'skipped') counts.skipped++;
    if (r.state !== 'sent') continue;
    if (r.delivery === 'delivered') counts.delivered++;
    if (r.delivery === 'failed') counts.deliveryFailed++;
    if (r.repliedAt !== undefined) counts.replied++;
    if (r.optedOutAt !== undefined) counts.optedOut++;
  }
  return byVariant;
}
