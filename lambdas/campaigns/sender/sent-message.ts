/**
 * Whether a send reached OpenPhone after all: its message list for the recipient is searched for
 * the same content, so a send whose outcome is unknown is never sent again blindly.
 */
import { renderRecipientMessage } from '../domain/send-decision';
import type { StoredCampaign } from '../adapters/campaign-repository';
import type { StoredRecipient } from '../adapters/recipient-repository';
import { maskPhoneNumber } from '../../shared/phone-numbers';
import type { SenderContext } from './context';

/**
 * The id of an outgoing message to the recipient with the rendered content, created after
 * `claimedAt`, the time the send's claim was taken. Never earlier: an identical message sent
 * before (a re-run campaign, a recurring template) is not this send.
 */
export async function findSentMessage(
  sender: SenderContext,
  campaign: StoredCampaign,
  recipient: StoredRecipient,
  claimedAt: string,
): Promise<string | undefined> {
  const rendered = renderRecipientMessage(campaign.campaignId, campaign.definition, recipient);
  if (rendered.kind !== 'rendered') return undefined;
  const claimedAtMs = Date.parse(claimedAt);
  if (Number.isNaN(claimedAtMs))
    throw new Error('a sent message is only looked for after a known claim time');
  const phoneNumberId = await phoneNumberIdOf(sender, campaign.definition.sendingNumber);
  for await (const page of sender.openPhone.current.listMessages({
    phoneNumberId,
    participants: [recipient.phone],
    createdAfter: claimedAt,
  })) {
    // Checked here too: the window is what makes a match this send, whatever the API's filter does.
    const match = page.data.find(
      (m) => m.direction === 'outgoing' && m.text === rendered.text && Date.parse(m.createdAt) >= claimedAtMs,
    );
    if (match) return match.id;
  }
  return undefined;
}

async function phoneNumberIdOf(sender: SenderContext, sendingNumber: string): Promise<string> {
  if (sendingNumber.startsWith('PN')) return sendingNumber;
  let id = sender.phoneNumberIds.get(sendingNumber);
  if (!id) {
    const numbers = await sender.openPhone.current.listPhoneNumbers();
    id = numbers.find((n) => n.number === sendingNumber)?.id;
    if (!id) throw new Error(`sending number ${maskPhoneNumber(sendingNumber)} is not in the workspace`);
    sender.phoneNumberIds.set(sendingNumber, id);
  }
  return id;
}
