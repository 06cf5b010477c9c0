/**
 * What a failed send means for its recipient and campaign: an unknown outcome is reconciled, a
 * send certainly not made is released (its daily-cap slot given back), a refusal for good is
 * recorded, and errors that stop every send (no credits, a rejected key, a refused sending
 * number) pause the campaign with the recipient released. A
 * rejected key is read again once first (a rotation): the send is then retried with the new one.
 */
import { campaignSenderMetrics } from '../domain/sender-metrics';
import { countSenderTrouble } from './trouble';
import { type PauseReason } from '../domain/campaign-state';
import type { StoredCampaign } from '../adapters/campaign-repository';
import type { StoredRecipient } from '../adapters/recipient-repository';
import {
  OpenPhoneApiError,
  OpenPhoneNetworkError,
  OpenPhoneNoCreditsError,
  OpenPhoneOutcomeUnknownError,
  RateLimitWaitExceededError,
  UnknownSendingNumberError,
} from '../../openphone';
import { maskPhoneNumber } from '../../shared/phone-numbers';
import { clientAfterRejection } from './api-key';
import type { CampaignOpenPhone, RecipientOutcome, RunContext } from './context';
import { findSentMessage } from './sent-message';

export interface FailedSend {
  /** The claim the send was made under. */
  token: string;
  /** When that claim was taken: a message it sent is no older. */
  claimedAt: string;
  /** The client that made the send. */
  client: CampaignOpenPhone;
  variantId: string;
  error: unknown;
  /** Returns the send's daily-cap slot. */
  giveSlotBack: () => Promise<void>;
}

export async function handleSendFailure(
  run: RunContext,
  campaign: StoredCampaign,
  recipient: StoredRecipient,
  { token, claimedAt, client, variantId, error, giveSlotBack }: FailedSend,
): Promise<RecipientOutcome | 'retry-with-new-key'> {
  const { recipients, logger, metrics } = run.deps;
  const { campaignId, report, now, settings } = run;
  const phone = recipient.phone;
  const to = maskPhoneNumber(phone);
  if (error instanceof OpenPhoneOutcomeUnknownError) {
    await recipients.markUnknownOutcome(campaignId, phone, token, now().toISOString());
    countSenderTrouble(metrics, campaignSenderMetrics.sendOutcomeUnknown);
    logger.warn('send outcome unknown: reconciling', { campaignId, to, reason: error.reason });
    // The message may already be listed; if not, it is looked for again once the claim is stale.
    const found = await findSentMessage(run, campaign, recipient, claimedAt).catch(() => undefined);
    if (found) {
      await recipients.markSent(campaignId, phone, token, {
        variantId,
        messageId: found,
        at: now().toISOString(),
        reconciled: true,
        sendingNumber: campaign.definition.sendingNumber,
      });
      report.reconciledAsSent++;
      return 'sent';
    }
    report.unknownOutcome++;
    return 'unknown-outcome';
  }
  if (error instanceof OpenPhoneNoCreditsError) {
    await recipients.releaseRecipient(campaignId, phone, token);
    await giveSlotBack();
    return pause(run, { kind: 'no-credits' });
  }
  if (
    error instanceof RateLimitWaitExceededError ||
    (error instanceof OpenPhoneApiError && error.status === 429)
  ) {
    // Certainly not sent: the shared budget is exhausted for now; a later run goes on.
    await recipients.releaseRecipient(campaignId, phone, token);
    await giveSlotBack();
    return 'out-of-time';
  }
  if (error instanceof OpenPhoneNetworkError) {
    // The client raises this only when nothing was sent (a send that may have left is outcome-unknown).
    await recipients.releaseRecipient(campaignId, phone, token);
    await giveSlotBack();
    return 'released';
  }
  if (error instanceof OpenPhoneApiError && error.status === 401) {
    await recipients.releaseRecipient(campaignId, phone, token);
    await giveSlotBack();
    if (await clientAfterRejection(run, client)) return 'retry-with-new-key';
    run.consecutiveUnauthorized++;
    return run.consecutiveUnauthorized >= settings.unauthorizedPauseAfter
      ? pause(run, { kind: 'api-key-rejected' })
      : 'released';
  }
  const senderRefusal = sendingNumberRefusal(error);
  if (senderRefusal) {
    // About the sending number, not this recipient: every other send would meet it too.
    await recipients.releaseRecipient(campaignId, phone, token);
    await giveSlotBack();
    return pause(run, senderRefusal);
  }
  if (
    error instanceof OpenPhoneApiError &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 429
  ) {
    // OpenPhone refused this message for good (e.g. 400 invalid number): not sent, not retried.
    await recipients.markFailed(campaignId, phone, token, {
      variantId,
      reason: `openphone-${error.status}${error.code ? `-${error.code}` : ''}`,
      at: now().toISOString(),
    });
    await giveSlotBack();
    report.failed++;
    logger.warn('send refused', { campaignId, to, status: error.status, code: error.code });
    return 'failed';
  }
  // Anything else leaves the claim as it is: a later run reconciles it once it is stale.
  throw error;
}

/** OpenPhone's code for "the organization is not approved for A2P" (400 on POST /v1/messages). */
const a2pNotApprovedCode = '0206400';

/**
 * A refusal that is about the sending number or the account, not the recipient: 403 (the key's
 * user may not use the number), 404 (no such number) and 400 A2P registration not approved on a
 * send, or the number missing from the workspace when it is looked up.
 */
export function sendingNumberRefusal(error: unknown): PauseReason | undefined {
  if (error instanceof UnknownSendingNumberError) return { kind: 'sending-number-unavailable' };
  if (!(error instanceof OpenPhoneApiError)) return undefined;
  const aboutTheSender =
    error.status === 403 ||
    error.status === 404 ||
    (error.status === 400 && error.code === a2pNotApprovedCode);
  return aboutTheSender
    ? {
        kind: 'sending-number-unavailable',
        status: error.status,
        ...(error.code ? { code: error.code } : {}),
      }
    : undefined;
}

/** Pauses the run's campaign with `reason`, once per run however many recipients meet the error. */
export async function pause(run: RunContext, reason: PauseReason): Promise<RecipientOutcome> {
  // Recipients in flight together may each meet the error: the campaign is paused (and counted) once.
  if (run.report.pauseReason) return 'paused';
  run.report.pauseReason = reason;
  const at = run.now().toISOString();
  for (let attempt = 0; attempt < 3; attempt++) {
    const result = await run.deps.campaigns.transitionCampaign(run.campaignId, { type: 'pause', reason }, at);
    if (result.kind !== 'conflict') break;
  }
  countSenderTrouble(run.deps.metrics, campaignSenderMetrics.pausedByError);
  run.deps.logger.error('campaign paused', { campaignId: run.campaignId, reason: reason.kind });
  return 'paused';
}
