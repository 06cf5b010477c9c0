import {
  readCampaignReport,
  type CampaignRepositories,
  type StoredCampaign,
  compareReplyRates,
  isFinished,
  ratesOf,
  recipientStates,
  significanceReadiness,
  type RecipientState,
  type SignificanceReadiness,
  type VariantCounts,
} from '../../lambdas/campaigns';
import { CommandFailure } from '../errors';
import { formatTable, plural, printData, type Output } from '../output';
import { progressBar } from '../progress-bar';
import type { Target } from '../target';
import { describeState } from './campaigns-lifecycle';

/** One variant's line of the status table: `failed` counts messages sent but reported undelivered. */
export interface VariantReportRow extends VariantCounts {
  variantId: string;
  weight: number;
  /** Refused by OpenPhone at send time (never sent). */
  sendFailed: number;
  /** Recipients skipped at send time (suppressed, unrenderable). */
  skipped: number;
}

/** Per-variant counts for the status table, from the campaign report (delivery and reply tracking included). */
export async function variantReport(
  repositories: CampaignRepositories,
  campaign: StoredCampaign,
): Promise<VariantReportRow[]> {
  const report = await readCampaignReport(repositories, campaign.campaignId);
  const weights = new Map(campaign.definition.variants.map((v) => [v.id, v.weight]));
  return (report?.variants ?? []).map((row) => ({
    variantId: row.variantId,
    weight: weights.get(row.variantId) ?? 0,
    ...row.counts,
    sendFailed: row.sendFailed,
    skipped: row.skipped,
  }));
}

const percent = (rate: number | null) => (rate === null ? '-' : `${(rate * 100).toFixed(1)}%`);

/**
 * `A vs B: reply rate 4.0% vs 2.5%, z = 1.23, p = 0.218: not significant at 95%`; while replies
 * may still arrive, the rates so far and "too early to call" instead of a verdict.
 */
export function significanceLines(
  rows: readonly VariantReportRow[],
  readiness: SignificanceReadiness = { kind: 'final' },
): string[] {
  const [first, ...others] = rows;
  if (!first || others.length === 0) return ['One variant: nothing to compare.'];
  return others.map((other) => {
    const label = `${first.variantId} vs ${other.variantId}`;
    const comparison = compareReplyRates(first, other);
    if (comparison.kind === 'nothing-sent')
      return `${label}: not compared yet (nothing sent to ${comparison.variants.map((v) => (v === 'first' ? first : other).variantId).join(' or ')})`;
    const rates = `reply rate ${percent(ratesOf(first).replyRate)} vs ${percent(ratesOf(other).replyRate)}`;
    if (readiness.kind === 'too-early')
      return `${label}: ${rates} so far: too early to call (${tooEarlyBecause(readiness)})`;
    const verdict = comparison.significantAt95 ? 'significant at 95%' : 'not significant at 95%';
    const caveat = comparison.approximationReliable
      ? ''
      : ' (under 5 replies or non-replies in a variant: rough)';
    return `${label}: ${rates}, z = ${comparison.z.toFixed(2)}, p = ${comparison.pValue.toFixed(3)}: ${verdict}${caveat}`;
  });
}

/** Why a verdict is withheld, in words: shared by the CLI and the console. */
export function tooEarlyBecause(readiness: Extract<SignificanceReadiness, { kind: 'too-early' }>): string {
  return readiness.finalAt
    ? `replies may arrive until ${readiness.finalAt}`
    : 'the campaign may still send; replies arrive for days after';
}

/** Recipients that are done: sent, failed, skipped or parked (no sender will look at them again). */
const doneStates: readonly RecipientState[] = ['sent', 'failed', 'skipped', 'parked'];

/** How many recipients are done, from the counts by state. */
export const recipientsDone = (recipients: Partial<Record<RecipientState, number>>) =>
  doneStates.reduce((sum, s) => sum + (recipients[s] ?? 0), 0);

/** The status screen: state, progress bar, recipients by state, the per-variant table, the A/B line. */
export function statusLines(
  campaign: StoredCampaign,
  recipients: Partial<Record<RecipientState, number>>,
  variants: readonly VariantReportRow[],
  now: Date = new Date(),
): string[] {
  const total = recipientStates.reduce((sum, s) => sum + (recipients[s] ?? 0), 0);
  const done = recipientsDone(recipients);
  return [
    `Campaign ${campaign.campaignId} "${campaign.definition.name}": ${describeState(campaign.state)}`,
    `${progressBar(done, total)} recipients done`,
    recipientStates.map((s) => `${s} ${recipients[s] ?? 0}`).join(' · '),
    '',
    ...formatTable(
      [
        'variant',
        'weight',
        'sent',
        'delivered',
        'undelivered',
        'send failed',
        'skipped',
        'replied',
        'opted out',
        'reply rate',
      ],
      variants.map((v) => [
        v.variantId,
        v.weight,
        v.sent,
        v.delivered,
        v.failed,
        v.sendFailed,
        v.skipped,
        v.replied,
        v.optedOut,
        percent(ratesOf(v).replyRate),
      ]),
    ),
    ...significanceLines(variants, significanceReadiness(campaign, now)),
  ];
}

async function currentStatus(target: Target, campaignId: string) {
  const campaign = await target.campaigns.campaigns.getCampaign(campaignId);
  if (!campaign) throw new CommandFailure(`no campaign ${campaignId}`);
  const [recipients, variants] = await Promise.all([
    target.campaigns.recipients.recipientStateCounts(campaignId),
    variantReport(target.campaigns, campaign),
  ]);
  return { campaign, recipients, variants, lines: statusLines(campaign, recipients, variants) };
}

/** Prints the status once, or with `watch` every `everySeconds` until the campaign is finished. */
export async function showCampaignStatus(
  target: Target,
  out: Output,
  campaignId: string,
  options: { watch?: boolean; everySeconds: number; sleep?: (ms: number) => Promise<void> },
): Promise<void> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (;;) {
    const { campaign, recipients, variants, lines } = await currentStatus(target, campaignId);
    const significance = significanceReadiness(campaign, new Date());
    printData(out, { campaign, recipients, variants, significance }, () => {
      for (const line of lines) out.line(line);
    });
    if (!options.watch || isFinished(campaign.state)) return;
    await sleep(options.everySeconds * 1000);
    out.line(`--- ${new Date().toISOString()}`);
  }
}

/** Every campaign, newest first: id, name, state, recipients, sent. */
export async function listCampaigns(target: Target, out: Output): Promise<void> {
  const campaigns = await target.campaigns.campaigns.listCampaigns();
  const items = await Promise.all(
    campaigns.map(async (c) => {
      const counts = await target.campaigns.recipients.recipientStateCounts(c.campaignId);
      const recipients = Object.values(counts).reduce((sum, n) => sum + n, 0);
      return {
        campaignId: c.campaignId,
        name: c.definition.name,
        state: c.state.status,
        recipients,
        sent: counts.sent ?? 0,
        createdAt: c.createdAt,
      };
    }),
  );
  printData(out, { items }, () => {
    if (items.length === 0) {
      out.line(
        'No campaigns. Create one with: npm run cli -- campaigns create --definition <file.json> --csv <file.csv>',
      );
      return;
    }
    const rows = items.map((c) => [c.campaignId, c.name, c.state, c.recipients, c.sent, c.createdAt]);
    for (const line of formatTable(['id', 'name', 'state', 'recipients', 'sent', 'created'], rows))
      out.line(line);
    out.line(plural(items.length, 'campaign'));
  });
}
