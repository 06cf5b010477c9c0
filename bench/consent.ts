// How well the consent rule reads real-world replies: recall of plain opt-outs, false opt-outs and
// review coverage on the labelled corpus, beside the whole-message keyword match it replaced.
import corpus from '../test/fixtures/consent-replies.json';
import { classifyReply, type ConsentClass } from '../lambdas/crm/domain/consent';
import type { BenchRow } from './report';

interface LabelledReply {
  text: string;
  label: ConsentClass;
}

/** The rule before issue 14: the whole trimmed message, in any case, exactly one CTIA keyword. */
const keywordOnlyOptOuts = new Set([
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'OPTOUT',
  'REVOKE',
]);
const keywordOnly = (text: string): ConsentClass =>
  keywordOnlyOptOuts.has(text.trim().toUpperCase()) ? 'opt-out' : 'none';

export interface ConsentScores {
  /** Share of replies labelled opt-out that the rule reads as opt-out, in %. */
  recall: number;
  /** Share of replies not labelled opt-out that the rule reads as opt-out, in %. */
  falseOptOutRate: number;
  /** Share of possible opt-outs that the rule holds for review (or better, blocks), in %. */
  reviewCoverage: number;
}

export function scoreConsentRule(
  replies: readonly LabelledReply[],
  classify: (text: string) => ConsentClass,
): ConsentScores {
  const percent = (part: number, whole: number) => (whole === 0 ? 0 : (100 * part) / whole);
  const optOuts = replies.filter((r) => r.label === 'opt-out');
  const others = replies.filter((r) => r.label !== 'opt-out');
  const possible = replies.filter((r) => r.label === 'review');
  return {
    recall: percent(optOuts.filter((r) => classify(r.text) === 'opt-out').length, optOuts.length),
    falseOptOutRate: percent(others.filter((r) => classify(r.text) === 'opt-out').length, others.length),
    reviewCoverage: percent(
      possible.filter((r) => ['review', 'opt-out'].includes(classify(r.text))).length,
      possible.length,
    ),
  };
}

export function benchConsent(): BenchRow[] {
  const replies = corpus.replies as LabelledReply[];
  const rule = scoreConsentRule(replies, (text) => classifyReply(text).kind);
  const before = scoreConsentRule(replies, keywordOnly);
  const row = (measure: string, value: number, baseline: number, higherIsBetter: boolean): BenchRow => ({
    section: 'consent',
    measure: `${measure} (${replies.length} replies)`,
    value,
    baseline,
    unit: '%',
    higherIsBetter,
    // Against a baseline of 0 % a ratio means nothing: the aim (≥ the old rule) is on recall only.
    ...(measure === 'opt-out recall' ? { aim: 1 } : {}),
    baselineLabel: 'whole-message keyword',
  });
  return [
    row('opt-out recall', rule.recall, before.recall, true),
    row('false opt-out rate', rule.falseOptOutRate, before.falseOptOutRate, false),
    row('possible opt-outs held for review', rule.reviewCoverage, before.reviewCoverage, true),
  ];
}
