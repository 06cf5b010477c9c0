/**
 * Whether a send reached OpenPhone after all: its message list for the recipient is searched for
 * the same content, so a send whose outcome is unknown is never sent again blindly.
 */
import { renderRecipientMessage } from '../domain/send-decision';
import type { StoredCampaign } from '../adapters/campaign-repository';
import type { StoredRecipient } from '../adapters/recipient-repository';
import { maskPhoneNumber } from '../../shared/phone-numbers';
import type { SenderContext } from './context';

/** The id of an outgoing message to the recipient with the rendered content, created after the claim. */
export async function findSentMessage(
  sender: SenderContext,
  campaign: StoredCampaign,
  recipient: StoredRecipient,
): Promise<string | undefined> {
  const rendered = renderRecipientMessage(campaign.campaignId, campaign.definition, recipient);
  if (rendered.kind !== 'rendered') return undefined;
  const claimedAt = Date.parse(recipient.claimedAt ?? new Date(0).toISOString());
  const phoneNumberId = await phoneNumberIdOf(sender, campaign.definition.sendingNumber);
  for await (const page of sender.deps.openPhone.listMessages({
    phoneNumberId,
    participants: [recipient.phone],
    createdAfter: new Date(claimedAt - sender.settings.reconcileSkewMs).toISOString(),
  })) {
    const match = page.data.find((m) => m.direction === 'outgoing' && m.text === rendered.text);
    if (match) return match.id;
  }
  return undefined;
}

async function phoneNumberIdOf(sender: SenderContext, sendingNumber: string): Promise<string> {
  if (sendingNumber.startsWith('PN')) return sendingNumber;
  let id = sender.phoneNumberIds.get(sendingNumber);
  if (!id) {
    const numbers = await sender.deps.openPhone.listPhoneNumbers();
    id = numbers.find((n) => n.number === sendingNumber)?.id;
    if (!id) throw new Error(`sending number ${maskPhoneNumber(sendingNumber)} is not in the workspace`);
    sender.phoneNumberIds.set(sendingNumber, id);
  }
  return id;
}
