import { asksToReplyYes, classifyReply, maskedExcerpt, type ConsentRuleOptions } from './consent';
import { deliveryFailureKind, type DeliveryFailureKind } from './delivery-health';
import { ActivityChange, type DeliveryError } from './activity';

/** What an activity change signals beyond its record: a consent reply, a delivery outcome. */

/**
 * What a message means for consent:
 * - from an incoming reply: `opt-out`, `review` (a possible opt-out), `opt-in`, `yes`, `help`;
 * - from an outgoing message that asks its one recipient to reply YES: `yes-prompt`.
 */
export type ConsentSignal = 'opt-out' | 'review' | 'opt-in' | 'yes' | 'help' | 'yes-prompt';

export interface ConsentChange {
  keyword: ConsentSignal;
  /** The person's number: the sender of a reply, the recipient of a prompt. */
  phoneNumber: string;
  messageId: string;
  at: string;
  /** The normalised phrase that decided it ("stop", "remove me"), when there is one. */
  matched?: string;
  /** A short excerpt of the text, digits masked, for the audit trail only (never logged). */
  excerpt?: string;
}

/**
 * An incoming message read by the consent rule (lambdas/crm/domain/consent.ts), from whom and
 * when; or an outgoing message that asks for a YES, for whom. Undefined when it means nothing for consent.
 */
export function consentChangeOf(
  change: ActivityChange,
  options: ConsentRuleOptions = {},
): ConsentChange | undefined {
  const { facts, activityId } = change.update;
  if (facts.kind !== 'message') return undefined;
  if (facts.direction === 'outgoing') {
    const [recipient, ...others] = facts.contactNumbers ?? [];
    if (!recipient || others.length > 0 || !asksToReplyYes(facts.text)) return undefined;
    return { keyword: 'yes-prompt', phoneNumber: recipient, messageId: activityId, at: change.eventTime };
  }
  if (facts.direction !== 'incoming' || !facts.from) return undefined;
  const reading = classifyReply(facts.text, options);
  if (reading.kind === 'none') return undefined;
  const excerpt = maskedExcerpt(facts.text);
  return {
    keyword: reading.kind,
    phoneNumber: facts.from,
    messageId: activityId,
    // The message's own time: the same in a legacy and a new delivery, whatever their envelopes say.
    at: facts.createdAt ?? change.eventTime,
    ...(reading.matched ? { matched: reading.matched } : {}),
    ...(excerpt ? { excerpt } : {}),
  };
}

/** An outgoing message's delivery outcome, for bounce tracking: one per recipient. */
export interface DeliveryOutcome {
  phoneNumber: string;
  messageId: string;
  outcome: 'delivered' | 'failed';
  at: string;
  /** For a failure: whether its error says the number cannot receive SMS (`hard`). */
  failureKind?: DeliveryFailureKind;
  error?: DeliveryError;
}

export function deliveryOutcomesOf(change: ActivityChange): DeliveryOutcome[] {
  const { facts, aspects, activityId, deliveryError } = change.update;
  if (facts.kind !== 'message' || facts.direction !== 'outgoing' || !aspects.status) return [];
  const outcome =
    aspects.status === 'delivered'
      ? 'delivered'
      : aspects.status === 'undelivered' || aspects.status === 'failed'
        ? 'failed'
        : undefined;
  if (!outcome) return [];
  const failure =
    outcome === 'failed'
      ? {
          failureKind: deliveryFailureKind(deliveryError),
          ...(deliveryError ? { error: deliveryError } : {}),
        }
      : {};
  return (facts.contactNumbers ?? []).map((phoneNumber) => ({
    phoneNumber,
    messageId: activityId,
    outcome,
    at: change.eventTime,
    ...failure,
  }));
}
