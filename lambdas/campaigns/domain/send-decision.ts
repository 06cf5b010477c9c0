/**
 * What to do with one recipient right now, decided from facts read at send time: whether the
 * number is suppressed, how much of today's cap is used, and the recipient's local clock.
 */
import type { CampaignDefinition } from './campaign-definition';
import { checkDailyCap } from './daily-cap';
import {
  nextWindowOpeningEverywhere,
  recipientCapResumesAt,
  sendingRulesFor,
  type StateSendingRules,
} from './quiet-hours';
import type { SkipReason } from './campaign-keys';
import { renderTemplate } from './template';
import { assignVariant } from './variants';

export interface SendFacts {
  campaignId: string;
  definition: CampaignDefinition;
  recipient: { phone: string; fields: Readonly<Record<string, string>> };
  /** Opted out, bouncing or manually suppressed, read at send time. */
  suppressed: boolean;
  /** Today's value of the sending number's cold-outreach counter. */
  sentToday: number;
  now: Date;
  /** States' stricter windows and 24-hour caps. @default defaultStateSendingRules */
  stateRules?: StateSendingRules;
  /** When this number was sent a campaign message in the last 24 hours (any campaign). @default none */
  recentSends?: readonly string[];
  /** The sending number's cap and the zone of its day. @default the campaign's */
  numberDay?: { cap: number; zone: string };
}

export type SendDecision =
  | { kind: 'send'; variantId: string; content: string }
  | { kind: 'skip'; reason: SkipReason; variantId: string; detail?: string }
  | { kind: 'wait-until'; at: Date; reason: 'quiet-hours' | 'daily-cap-reached' | 'state-24h-cap' };

/**
 * Suppression wins over everything (an opted-out number is never messaged); then the daily cap
 * (nothing more goes out from this number today); then the recipient's quiet hours in every zone of
 * its area code, narrowed by its state's rule; then the state's cap per 24 hours.
 */
export function decideSend(facts: SendFacts): SendDecision {
  const { campaignId, definition, recipient, now } = facts;
  const variantId = assignVariant(campaignId, recipient.phone, definition.variants);
  if (facts.suppressed) return { kind: 'skip', reason: 'suppressed', variantId };

  const cap = checkDailyCap(
    facts.sentToday,
    facts.numberDay?.cap ?? definition.dailyCap,
    now,
    facts.numberDay?.zone ?? definition.timeZone,
  );
  if (cap.kind === 'cap-reached')
    return { kind: 'wait-until', at: cap.resumesAt, reason: 'daily-cap-reached' };

  // Every zone the area code spans must be inside the window (narrowed by the state's rule).
  const rules = sendingRulesFor(
    recipient.phone,
    definition.window,
    definition.timeZone,
    facts.stateRules,
    recipient.fields,
  );
  const opening = nextWindowOpeningEverywhere(now, rules.zones, rules.window, rules.weekend);
  if (!opening) return { kind: 'skip', reason: 'no-sending-window', variantId };
  if (opening > now) return { kind: 'wait-until', at: opening, reason: 'quiet-hours' };
  const capped = recipientCapResumesAt(now, facts.recentSends ?? [], rules.maxMessagesPer24h);
  if (capped) return { kind: 'wait-until', at: capped, reason: 'state-24h-cap' };

  const rendered = renderRecipientMessage(campaignId, definition, recipient);
  return rendered.kind === 'rendered'
    ? { kind: 'send', variantId, content: rendered.text }
    : { kind: 'skip', reason: 'unrenderable', variantId, detail: rendered.problem };
}

/** The exact text a recipient gets (or got): reconciliation looks for this content. */
export function renderRecipientMessage(
  campaignId: string,
  definition: CampaignDefinition,
  recipient: { phone: string; fields: Readonly<Record<string, string>> },
): { kind: 'rendered'; variantId: string; text: string } | { kind: 'unrenderable'; problem: string } {
  const variantId = assignVariant(campaignId, recipient.phone, definition.variants);
  const variant = definition.variants.find((v) => v.id === variantId)!;
  const result = renderTemplate(variant.template, recipient.fields);
  switch (result.kind) {
    case 'rendered':
      return { kind: 'rendered', variantId, text: result.text };
    case 'unfilled-fields':
      return { kind: 'unrenderable', problem: `unfilled fields: ${result.fields.join(', ')}` };
    case 'too-long':
      return { kind: 'unrenderable', problem: `too long: ${result.length} > ${result.limit}` };
    default:
      return { kind: 'unrenderable', problem: result.kind };
  }
}

/**
 * Whether a claim (or an unknown outcome) has been left long enough that its sender must be gone:
 * only then is it reconciled, so a live sender's in-flight send is never second-guessed.
 */
export function isAbandoned(lastTouchedAt: string, now: Date, staleAfterMs: number): boolean {
  return now.getTime() - Date.parse(lastTouchedAt) >= staleAfterMs;
}
