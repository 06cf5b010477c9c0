/**
 * Campaign tracking, decided without I/O: what a processed message event says about a campaign
 * send (a delivery outcome of our message, or a response from its recipient), and whether a
 * response falls inside the reply window of the latest campaign send to that number.
 */
import type { ActivityChange, ConsentChange, DeliveryOutcome } from '../../crm';

/** Days after a campaign send in which an inbound message from its recipient is attributed to it. */
export const defaultReplyWindowDays = 7;
/** The longest window a stage may configure; tracking lookups are kept a while beyond it. */
export const maxReplyWindowDays = 30;

export type DeliveryStatus = 'delivered' | 'failed';
/** `optedOut`: the message is an opt-out keyword (STOP…). Anything else inbound is a reply. */
export type CampaignResponse = 'replied' | 'optedOut';

export type CampaignSignal =
  | { kind: 'delivery'; messageId: string; status: DeliveryStatus; at: string }
  | {
      kind: 'response';
      response: CampaignResponse;
      /** The recipient's number (E.164). */
      from: string;
      /** Our side of the message: its phone number id and number, either of which a campaign may name. */
      ourNumbers: string[];
      at: string;
    };

/**
 * The campaign signals of one message event: a delivered/failed outcome of an outgoing message
 * (one per message id), or an incoming message from someone (a reply, or an opt-out when the
 * consent-keyword rules say so — a STOP is not counted as a reply).
 */
export function campaignSignalsOf(plan: {
  change: ActivityChange;
  consent?: ConsentChange;
  deliveryOutcomes: readonly DeliveryOutcome[];
}): CampaignSignal[] {
  const { facts } = plan.change.update;
  if (facts.kind !== 'message') return [];
  if (facts.direction === 'outgoing') {
    const first = plan.deliveryOutcomes[0];
    return first
      ? [{ kind: 'delivery', messageId: first.messageId, status: first.outcome, at: first.at }]
      : [];
  }
  if (facts.direction !== 'incoming' || !facts.from) return [];
  const ourNumbers = [...new Set([facts.phoneNumberId, ...(facts.to ?? [])])].filter((n): n is string => !!n);
  if (ourNumbers.length === 0) return [];
  return [
    {
      kind: 'response',
      response: plan.consent?.keyword === 'opt-out' ? 'optedOut' : 'replied',
      from: facts.from,
      ourNumbers,
      at: facts.createdAt ?? plan.change.eventTime,
    },
  ];
}

const dayMs = 24 * 3600 * 1000;

/** A response at `at` belongs to a send at `sentAt` when it came after it and within `windowDays`. */
export function isWithinReplyWindow(sentAt: string, at: string, windowDays: number): boolean {
  const elapsed = Date.parse(at) - Date.parse(sentAt);
  return Number.isFinite(elapsed) && elapsed >= 0 && elapsed <= windowDays * dayMs;
}

/**
 * The send a response is attributed to: of the latest sends to the number from our numbers, the
 * latest one before the response — if the response is inside its window. Otherwise none.
 */
export function attributedSend<S extends { sentAt: string }>(
  sends: readonly S[],
  at: string,
  windowDays: number,
): S | undefined {
  const before = sends.filter((s) => Date.parse(s.sentAt) <= Date.parse(at));
  const latest = before.reduce<S | undefined>(
    (best, s) => (!best || Date.parse(s.sentAt) > Date.parse(best.sentAt) ? s : best),
    undefined,
  );
  return latest && isWithinReplyWindow(latest.sentAt, at, windowDays) ? latest : undefined;
}
