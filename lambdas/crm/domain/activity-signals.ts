import { classifyConsentKeyword, type ConsentKeyword } from './consent-keywords';
import { ActivityChange } from './activity';

/** What an activity change signals beyond its record: a consent keyword, a delivery outcome. */

export interface ConsentChange {
  keyword: ConsentKeyword;
  phoneNumber: string;
  messageId: string;
  at: string;
}

/** An incoming message that is exactly a consent keyword (STOP, START, HELP…), from whom and when. */
export function consentChangeOf(change: ActivityChange): ConsentChange | undefined {
  const { facts, activityId } = change.update;
  if (facts.kind !== 'message' || facts.direction !== 'incoming' || !facts.from) return undefined;
  const keyword = classifyConsentKeyword(facts.text);
  return keyword
    ? { keyword, phoneNumber: facts.from, messageId: activityId, at: change.eventTime }
    : undefined;
}

/** An outgoing message's delivery outcome, for bounce tracking: one per recipient. */
export interface DeliveryOutcome {
  phoneNumber: string;
  messageId: string;
  outcome: 'delivered' | 'failed';
  at: string;
}

export function deliveryOutcomesOf(change: ActivityChange): DeliveryOutcome[] {
  const { facts, aspects, activityId } = change.update;
  if (facts.kind !== 'message' || facts.direction !== 'outgoing' || !aspects.status) return [];
  const outcome =
    aspects.status === 'delivered'
      ? 'delivered'
      : aspects.status === 'undelivered' || aspects.status === 'failed'
        ? 'failed'
        : undefined;
  if (!outcome) return [];
  return (facts.contactNumbers ?? []).map((phoneNumber) => ({
    phoneNumber,
    messageId: activityId,
    outcome,
    at: change.eventTime,
  }));
}
