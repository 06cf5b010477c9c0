/**
 * Whether a send reached OpenPhone after all: its message list for the recipient is searched for
 * the same content (the openphone capability's `findSentMessage`, shared with the CRM API), so a
 * send whose outcome is unknown is never sent again blindly.
 */
import { renderRecipientMessage } from '../domain/send-decision';
import type { StoredCampaign } from '../adapters/campaign-repository';
import type { StoredRecipient } from '../adapters/recipient-repository';
import { findSentMessage as findAtOpenPhone } from '../../openphone';
import type { SenderContext } from './context';

/**
 * The id of an outgoing message to the recipient with the rendered content, created after
 * `claimedAt`, the time the send's claim was taken.
 */
export async function findSentMessage(
  sender: SenderContext,
  campaign: StoredCampaign,
  recipient: StoredRecipient,
  claimedAt: string,
): Promise<string | undefined> {
  const rendered = renderRecipientMessage(campaign.campaignId, campaign.definition, recipient);
  if (rendered.kind !== 'rendered') return undefined;
  return findAtOpenPhone(sender.openPhone.current, {
    phoneNumberId: await sender.phoneNumberIds.idOf(campaign.definition.sendingNumber),
    to: recipient.phone,
    text: rendered.text,
    claimedAt,
  });
}
