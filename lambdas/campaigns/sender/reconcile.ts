/**
 * A send whose outcome is unknown, or a claim left behind by a sender that died, is never sent
 * again blindly: after taking the recipient over, OpenPhone's message list for it is searched for
 * the same content first, and only a recipient whose message is not there goes back to pending
 * (and is sent to at once). A recipient whose look-up keeps failing is parked, never resent.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { campaignSenderMetrics } from '../domain/sender-metrics';
import { countSenderTrouble } from './trouble';
import { renderRecipientMessage } from '../domain/send-decision';
import type { StoredCampaign } from '../adapters/campaign-repository';
import type { StoredRecipient } from '../adapters/recipient-repository';
import { maskPhoneNumber } from '../../shared/phone-numbers';
import type { RecipientOutcome, RunContext } from './context';
import { sendTo } from './send';
import { pause, sendingNumberRefusal } from './failure';
import { clientAfterRejection } from './api-key';
import { OpenPhoneApiError } from '../../openphone';
import { findSentMessage } from './sent-message';

export async function reconcile(
  run: RunContext,
  campaign: StoredCampaign,
  recipient: StoredRecipient,
): Promise<RecipientOutcome> {
  const { recipients, logger, metrics } = run.deps;
  const { campaignId, report, now } = run;
  const phone = recipient.phone;
  const token = run.newClaimToken();
  // The abandoned send's claim: its message, if it left, is no older (takeover keeps claimedAt).
  const claimedAt = recipient.claimedAt ?? recipient.touchedAt;
  if (
    !recipient.claimToken ||
    !claimedAt ||
    !(await recipients.takeOverForReconciliation(
      campaignId,
      phone,
      recipient.claimToken,
      token,
      now().toISOString(),
    ))
  )
    return 'busy';
  const rendered = renderRecipientMessage(campaignId, campaign.definition, recipient);
  let found: string | undefined;
  try {
    found =
      rendered.kind === 'rendered' ? await findSentMessage(run, campaign, recipient, claimedAt) : undefined;
  } catch (error) {
    return lookUpFailed(run, recipient, token, error);
  }
  metrics.addMetric(campaignSenderMetrics.recipientsReconciled, MetricUnit.Count, 1);
  if (found && rendered.kind === 'rendered') {
    await recipients.markSent(campaignId, phone, token, {
      variantId: rendered.variantId,
      messageId: found,
      at: now().toISOString(),
      reconciled: true,
      sendingNumber: campaign.definition.sendingNumber,
    });
    report.reconciledAsSent++;
    logger.info('reconciled: message found', { campaignId, to: maskPhoneNumber(phone) });
    return 'sent';
  }
  if (!(await recipients.releaseRecipient(campaignId, phone, token))) return 'busy';
  report.reconciledAsNotSent++;
  logger.info('reconciled: no message, back to pending', { campaignId, to: maskPhoneNumber(phone) });
  const { claimToken: _t, claimedAt: _c, touchedAt: _u, ...rest } = recipient;
  return sendTo(run, campaign, { ...rest, state: 'pending' });
}

/**
 * OpenPhone could not be asked whether the message left. A refusal of the key or the sending
 * number pauses the campaign (the recipient waits, unknown-outcome, for the resume); anything
 * else is counted on the recipient, which is parked after `reconcileAttempts` such failures: never
 * sent again blindly, and no longer holding the campaign open.
 */
async function lookUpFailed(
  run: RunContext,
  recipient: StoredRecipient,
  token: string,
  error: unknown,
): Promise<RecipientOutcome> {
  const { recipients, logger, metrics } = run.deps;
  const { campaignId, now, settings } = run;
  const to = maskPhoneNumber(recipient.phone);
  const refusal = sendingNumberRefusal(error);
  if (refusal) return pause(run, refusal);
  if (error instanceof OpenPhoneApiError && error.status === 401) {
    if (await clientAfterRejection(run, run.openPhone.current)) return 'released';
    return pause(run, { kind: 'api-key-rejected' });
  }
  const failures = (recipient.reconcileFailures ?? 0) + 1;
  const reason = `reconciliation-failed: ${(error as Error).name || 'Error'}`;
  if (failures < settings.reconcileAttempts) {
    await recipients.recordReconcileFailure(
      campaignId,
      recipient.phone,
      token,
      failures,
      now().toISOString(),
    );
    logger.warn('reconciliation could not ask OpenPhone: trying again later', {
      campaignId,
      to,
      failures,
      error,
    });
    return 'unknown-outcome';
  }
  await recipients.markParked(campaignId, recipient.phone, token, { reason, at: now().toISOString() });
  run.report.parked++;
  countSenderTrouble(metrics, campaignSenderMetrics.recipientsParked);
  logger.error('recipient parked: whether its message left is unknown', { campaignId, to, failures, error });
  return 'parked';
}
