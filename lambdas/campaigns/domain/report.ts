/**
 * A campaign's per-variant table and its A/B tests, from the stored counters: each variant's reply
 * rate is compared with the control's (the first variant of the definition).
 */
import {
  compareReplyRates,
  ratesOf,
  type ReplyRateComparison,
  type VariantCounts,
  type VariantRates,
} from './statistics';

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
