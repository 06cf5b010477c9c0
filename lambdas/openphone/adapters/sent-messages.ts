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
   * When the send's claim was taken: a message it sent is no older. Never earlier: an identical
   * message sent before (a re-run campaign, the same text sent twice) is not this send.
   */
  claimedAt: string;
}

/** The id of the outgoing message the claimed send made, or undefined when OpenPhone has none. */
export async function findSentMessage(
  openPhone: SentMessageLookup,
  query: SentMessageQuery,
): Promise<string | undefined> {
  const claimedAtMs = Date.parse(query.claimedAt);
  if (Number.isNaN(claimedAtMs))
    throw new Error('a sent message is only looked for after a known claim time');
  for await (const page of openPhone.listMessages({
    phoneNumberId: query.phoneNumberId,
    participants: [query.to],
    createdAfter: query.claimedAt,
  })) {
    // Checked here too: the window is what makes a match this send, whatever the API's filter does.
    const match = page.data.find(
      (m) => m.direction === 'outgoing' && m.text === query.text && Date.parse(m.createdAt) >= claimedAtMs,
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
