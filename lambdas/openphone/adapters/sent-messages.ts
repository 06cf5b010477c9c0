/**
 * Whether a send whose outcome is unknown reached OpenPhone after all: OpenPhone has no
 * idempotency key, so every sender (campaigns, the CRM API) reconciles the same way — the
 * sending number's messages to the recipient since the send's claim are searched for the text.
 */
import { maskPhoneNumber } from '../../shared/phone-numbers';
import type { OpenPhoneClient } from './openphone-client';

export type SentMessageLookup = Pick<OpenPhoneClient, 'listMessages'>;

export interface SentMessageQuery {
  /** The sending number's id (`PN…`). */
  phoneNumberId: string;
  /** The recipient (E.164). */
  to: string;
  text: string;
  /**
   * When the send's claim was taken: a message it sent is no older, by the sender's clock. Looked
   * for from `sentMessageClockToleranceMs` before it (OpenPhone's clock and its whole seconds).
   */
  claimedAt: string;
}

/**
 * How much earlier than the claim a message may be stamped and still be the claimed send's:
 * OpenPhone stamps `createdAt` with its own clock, sometimes to the whole second, so a message
 * sent just after the claim can look older than it. Two minutes covers any sane clock skew many
 * times over; the cost of a wider window is a false match (an identical text to the same person
 * in the two minutes before the claim, which that person has already received), far less harmful
 * than a second message.
 */
export const sentMessageClockToleranceMs = 120_000;

/**
 * Text as OpenPhone may store it: Unicode NFC, one kind of line break, runs of white space as one
 * space, no white space at either end (a template that leaves a trailing space still matches).
 */
export function comparableMessageText(text: string): string {
  return text.normalize('NFC').replace(/\r\n?/g, '\n').replace(/\s+/g, ' ').trim();
}

/** The id of the outgoing message the claimed send made, or undefined when OpenPhone has none. */
export async function findSentMessage(
  openPhone: SentMessageLookup,
  query: SentMessageQuery,
): Promise<string | undefined> {
  const claimedAtMs = Date.parse(query.claimedAt);
  if (Number.isNaN(claimedAtMs))
    throw new Error('a sent message is only looked for after a known claim time');
  const earliestMs = claimedAtMs - sentMessageClockToleranceMs;
  const text = comparableMessageText(query.text);
  for await (const page of openPhone.listMessages({
    phoneNumberId: query.phoneNumberId,
    participants: [query.to],
    createdAfter: new Date(earliestMs).toISOString(),
  })) {
    // Checked here too: the window is what makes a match this send, whatever the API's filter does.
    const match = page.data.find(
      (m) =>
        m.direction === 'outgoing' &&
        comparableMessageText(m.text) === text &&
        Date.parse(m.createdAt) >= earliestMs,
    );
    if (match) return match.id;
  }
  return undefined;
}

/** A workspace number is not (or no longer) in the workspace the API key belongs to. */
export class UnknownSendingNumberError extends Error {
  override readonly name = 'UnknownSendingNumberError';
  constructor(readonly sendingNumber: string) {
    super(`sending number ${maskPhoneNumber(sendingNumber)} is not in the workspace`);
  }
}

/**
 * Sending number (E.164) → OpenPhone phone number id, read from `GET /v1/phone-numbers` once per
 * instance (concurrent callers share the one request); a `PN…` id is its own answer.
 */
export class PhoneNumberIds {
  #numbers: Promise<{ id: string; number: string }[]> | undefined;

  constructor(private readonly openPhone: () => Pick<OpenPhoneClient, 'listPhoneNumbers'>) {}

  /** Every number of the workspace; a failed read is tried again next time. */
  workspaceNumbers(): Promise<{ id: string; number: string }[]> {
    this.#numbers ??= this.openPhone()
      .listPhoneNumbers()
      .then((numbers) => numbers.map((n) => ({ id: n.id, number: n.number })))
      .catch((error: unknown) => {
        this.#numbers = undefined;
        throw error;
      });
    return this.#numbers;
  }

  async idOf(sendingNumber: string): Promise<string> {
    if (sendingNumber.startsWith('PN')) return sendingNumber;
    const cached = this.#numbers;
    let id = (await this.workspaceNumbers()).find((n) => n.number === sendingNumber)?.id;
    if (!id && cached && this.#numbers === cached) {
      // A number added since the list was read: read it once more before giving up.
      this.#numbers = undefined;
      id = (await this.workspaceNumbers()).find((n) => n.number === sendingNumber)?.id;
    }
    if (!id) throw new UnknownSendingNumberError(sendingNumber);
    return id;
  }
}
