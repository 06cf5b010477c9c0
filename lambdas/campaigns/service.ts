/**
 * The campaign sender: works through running campaigns' open recipients within a time budget.
 *
 * Per recipient: claim it (conditional write) → re-check suppression and read today's cap →
 * decide (domain) → take a daily-cap slot (atomic conditional ADD) → send: the client takes a
 * campaign-lane token from the shared limiter, then, just before the request goes out, the claim
 * is renewed and suppression read once more (an opt-out that came during the token wait withdraws
 * the send) → record the result.
 * A send whose outcome is unknown, and a claim left behind by a sender that died, are never
 * sent again blindly: OpenPhone's message list for that recipient is searched for the same
 * content first, and only a recipient whose message is not there goes back to pending.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { randomUUID } from 'node:crypto';
import type { CampaignRepository, StoredCampaign } from './adapters/campaign-repository';
import type { DailyCapRepository } from './adapters/daily-cap-repository';
import type { RecipientRepository, StoredRecipient } from './adapters/recipient-repository';
import {
  OpenPhoneApiError,
  OpenPhoneNetworkError,
  OpenPhoneNoCreditsError,
  OpenPhoneOutcomeUnknownError,
  type OpenPhoneClient,
} from '../openphone/adapters/openphone-client';
import { RateLimitWaitExceededError } from '../openphone/adapters/rate-limiter';
import {
  businessDayKey,
  campaignSenderMetrics,
  decideSend,
  isAbandoned,
  openRecipientStates,
  renderRecipientMessage,
  type PauseReason,
  type SkipReason,
} from './index';
import { maskPhoneNumber } from '../shared/phone-numbers';
import { SendWithdrawnError } from './errors';

export interface CampaignSenderPorts {
  campaigns: CampaignRepository;
  recipients: RecipientRepository;
  dailyCaps: DailyCapRepository;
  /** The CRM's suppression gate (opt-out, bounce, manual), read at send time. */
  isSuppressed: (phoneNumber: string) => Promise<boolean>;
  /** A client in the `campaign` lane of the shared rate limiter. */
  openPhone: Pick<OpenPhoneClient, 'sendMessage' | 'listMessages' | 'listPhoneNumbers'>;
}

export interface CampaignSenderSettings {
  /** A claim or unknown outcome untouched this long belongs to a sender that is gone. @default 5 min */
  staleClaimMs: number;
  /** Consecutive 401 answers that pause the campaign. @default 2 */
  unauthorizedPauseAfter: number;
  /** Reconciliation looks for messages created this long before the claim too (clock skew). @default 60 s */
  reconcileSkewMs: number;
  /** No new recipient is started with less than this left: a send may wait 30 s for a token, then 10 s for OpenPhone. @default 45 s */
  safetyMarginMs: number;
  /** Recipients read from the work index per page. @default 50 */
  pageSize: number;
  /**
   * Recipients a run works on at once, each through the same steps in the same order. One
   * recipient is about eight DynamoDB round trips and the request to OpenPhone; one at a time, a
   * run cannot keep up with the campaign lane's share of the rate limit. @default 4
   */
  concurrency: number;
}

export const defaultCampaignSenderSettings: CampaignSenderSettings = {
  staleClaimMs: 5 * 60_000,
  unauthorizedPauseAfter: 2,
  reconcileSkewMs: 60_000,
  safetyMarginMs: 45_000,
  pageSize: 50,
  concurrency: 4,
};

export interface CampaignSenderDependencies {
  ports: CampaignSenderPorts;
  settings?: Partial<CampaignSenderSettings>;
  logger: Logger;
  metrics: Metrics;
  /** @default () => new Date() */
  now?: () => Date;
  /** @default randomUUID */
  newClaimToken?: () => string;
}

export interface CampaignRunReport {
  campaignId: string;
  /** Why the run over this campaign ended. */
  ended: 'worked-through' | 'completed' | 'not-running' | 'paused' | 'daily-cap-reached' | 'out-of-time';
  sent: number;
  skipped: number;
  failed: number;
  /** Unknown outcomes and abandoned claims whose message was found at OpenPhone. */
  reconciledAsSent: number;
  /** Unknown outcomes and abandoned claims whose message was not there: back to pending. */
  reconciledAsNotSent: number;
  /** Sends whose outcome is still unknown, to be reconciled after `staleClaimMs`. */
  unknownOutcome: number;
  pauseReason?: PauseReason;
}

type RecipientOutcome =
  | 'sent'
  | 'skipped'
  | 'failed'
  | 'waiting'
  | 'busy'
  | 'released'
  | 'unknown-outcome'
  | 'daily-cap-reached'
  | 'paused'
  | 'out-of-time';

/** Outcomes after which nothing more is sent for this campaign in this run. */
const stoppingOutcomes = new Set<RecipientOutcome>(['daily-cap-reached', 'paused', 'out-of-time']);
/**
 * Outcomes after which this pass has nothing left open: finished, or owned by another live sender
 * (which checks for completion itself after recording its own result).
 */
const closingOutcomes = new Set<RecipientOutcome>(['sent', 'skipped', 'failed', 'busy']);

export function createCampaignSender(deps: CampaignSenderDependencies) {
  const settings = { ...defaultCampaignSenderSettings, ...deps.settings };
  const { campaigns, recipients, dailyCaps, isSuppressed, openPhone } = deps.ports;
  const { logger, metrics } = deps;
  const now = deps.now ?? (() => new Date());
  const newClaimToken = deps.newClaimToken ?? randomUUID;
  const phoneNumberIds = new Map<string, string>();

  /** Works every running campaign until `deadline` (epoch ms). */
  async function sendRunningCampaigns(deadline: number): Promise<CampaignRunReport[]> {
    await startDueCampaigns();
    const reports: CampaignRunReport[] = [];
    for (const campaignId of await campaigns.runningCampaignIds()) {
      if (now().getTime() > deadline - settings.safetyMarginMs) break;
      reports.push(await sendCampaign(campaignId, deadline));
    }
    return reports;
  }

  /**
   * Starts scheduled campaigns whose time has come. A conflict (an operator changed it meanwhile)
   * or a refusal (cancelled, unscheduled) leaves it as the operator made it.
   */
  async function startDueCampaigns(): Promise<void> {
    for (const campaignId of await campaigns.dueScheduledCampaignIds(now())) {
      // The index may lag a reschedule: decide on the campaign itself.
      const state = (await campaigns.getCampaign(campaignId))?.state;
      if (state?.status !== 'scheduled' || Date.parse(state.startAt) > now().getTime()) continue;
      const result = await campaigns.transitionCampaign(campaignId, { type: 'start' }, now().toISOString());
      if (result.kind === 'transitioned') logger.info('scheduled campaign started', { campaignId });
    }
  }

  /** One pass over a campaign's open recipients; completes the campaign when none is left. */
  async function sendCampaign(campaignId: string, deadline: number): Promise<CampaignRunReport> {
    const report: CampaignRunReport = {
      campaignId,
      ended: 'worked-through',
      sent: 0,
      skipped: 0,
      failed: 0,
      reconciledAsSent: 0,
      reconciledAsNotSent: 0,
      unknownOutcome: 0,
    };
    const run = { campaignId, deadline, report, consecutiveUnauthorized: 0 };
    if ((await campaigns.getCampaign(campaignId))?.state.status !== 'running') {
      report.ended = 'not-running';
      return report;
    }
    // Up to `concurrency` recipients at once. A stopping outcome (or an error) starts no new
    // recipient; the ones in flight finish and record their outcome before the run ends.
    const inFlight = new Set<Promise<void>>();
    let stopped: CampaignRunReport['ended'] | undefined;
    let failure: { error: unknown } | undefined;
    let leftOpen = false;
    const workOnNext = async (recipient: StoredRecipient) => {
      // Read per recipient, so an operator's pause (or another sender's) takes effect at once.
      const campaign = await campaigns.getCampaign(campaignId);
      if (campaign?.state.status !== 'running') stopped ??= 'not-running';
      if (stopped || failure || !campaign) return;
      const outcome = await workOn(run, campaign, recipient);
      if (!closingOutcomes.has(outcome)) leftOpen = true;
      if (stoppingOutcomes.has(outcome)) stopped ??= outcome as CampaignRunReport['ended'];
    };
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const page = await recipients.openRecipientsPage(campaignId, settings.pageSize, startKey);
        for (const recipient of page.recipients) {
          while (inFlight.size >= settings.concurrency) await Promise.race(inFlight);
          if (stopped || failure) break;
          const task: Promise<void> = workOnNext(recipient)
            .catch((error: unknown) => {
              failure ??= { error };
            })
            .finally(() => inFlight.delete(task));
          inFlight.add(task);
        }
        startKey = page.next;
      } while (startKey && !stopped && !failure);
    } finally {
      await Promise.all(inFlight);
    }
    if (failure) throw failure.error;
    if (stopped) {
      report.ended = stopped;
      return report;
    }

    // The consistent (whole-partition) read only when this pass left nothing open itself.
    if (!leftOpen && (await recipients.allRecipients(campaignId)).every((r) => !isOpen(r))) {
      const completed = await campaigns.transitionCampaign(
        campaignId,
        { type: 'complete' },
        now().toISOString(),
      );
      if (completed.kind === 'transitioned') {
        report.ended = 'completed';
        logger.info('campaign completed', { campaignId });
      }
    }
    return report;
  }

  interface Run {
    campaignId: string;
    deadline: number;
    report: CampaignRunReport;
    consecutiveUnauthorized: number;
  }

  async function workOn(
    run: Run,
    campaign: StoredCampaign,
    recipient: StoredRecipient,
  ): Promise<RecipientOutcome> {
    if (now().getTime() > run.deadline - settings.safetyMarginMs) return 'out-of-time';
    if (recipient.state === 'pending') return sendTo(run, campaign, recipient);
    const touchedAt = recipient.touchedAt ?? recipient.claimedAt;
    if (touchedAt && !isAbandoned(touchedAt, now(), settings.staleClaimMs)) return 'busy';
    return reconcile(run, campaign, recipient);
  }

  async function sendTo(
    run: Run,
    campaign: StoredCampaign,
    recipient: StoredRecipient,
  ): Promise<RecipientOutcome> {
    const { campaignId, report } = run;
    const { definition } = campaign;
    const phone = recipient.phone;
    // Out-of-hours recipients are not even claimed: most of a run's recipients may be waiting.
    const early = decideSend({
      campaignId,
      definition,
      recipient,
      suppressed: false,
      sentToday: 0,
      now: now(),
    });
    if (early.kind === 'wait-until') return 'waiting';

    const token = newClaimToken();
    if (!(await recipients.claimRecipient(campaignId, phone, token, now().toISOString()))) return 'busy';

    const businessDay = businessDayKey(now(), definition.timeZone);
    const [suppressed, sentToday] = await Promise.all([
      isSuppressed(phone),
      dailyCaps.dailyCapCount(definition.sendingNumber, businessDay),
    ]);
    const decision = decideSend({ campaignId, definition, recipient, suppressed, sentToday, now: now() });
    if (decision.kind === 'skip') return skip(run, phone, token, decision.variantId, decision.reason);
    if (decision.kind === 'wait-until') {
      await recipients.releaseRecipient(campaignId, phone, token);
      return decision.reason === 'daily-cap-reached' ? 'daily-cap-reached' : 'waiting';
    }

    const slot = await dailyCaps.takeDailyCapSlot(
      definition.sendingNumber,
      businessDay,
      definition.dailyCap,
      now(),
    );
    if (slot.kind === 'cap-reached') {
      await recipients.releaseRecipient(campaignId, phone, token);
      return 'daily-cap-reached';
    }
    const giveSlotBack = () => dailyCaps.returnDailyCapSlot(definition.sendingNumber, businessDay);
    // The last check, after the request's token (which may take a while to come) and just before
    // it goes out: an opt-out recorded meanwhile is seen here, and the claim is renewed so no
    // reconciler takes over a send in flight.
    const lastCheck = async () => {
      const [touched, suppressedNow] = await Promise.all([
        recipients.touchClaim(campaignId, phone, token, now().toISOString()),
        isSuppressed(phone),
      ]).catch((error: unknown) => {
        throw new SendWithdrawnError('check-failed', error);
      });
      if (!touched) throw new SendWithdrawnError('claim-taken-over');
      if (suppressedNow) throw new SendWithdrawnError('suppressed');
    };

    try {
      const message = await openPhone.sendMessage(
        { content: decision.content, from: definition.sendingNumber, to: [phone] },
        { beforeSend: lastCheck },
      );
      run.consecutiveUnauthorized = 0;
      const recorded = await recipients.markSent(campaignId, phone, token, {
        variantId: decision.variantId,
        messageId: message.id,
        at: now().toISOString(),
        reconciled: false,
        sendingNumber: definition.sendingNumber,
      });
      if (!recorded)
        logger.warn('sent, but the claim had been taken over', { campaignId, to: maskPhoneNumber(phone) });
      report.sent++;
      metrics.addMetric(campaignSenderMetrics.messagesSent, MetricUnit.Count, 1);
      return 'sent';
    } catch (error) {
      if (!(error instanceof SendWithdrawnError))
        return handleSendFailure(run, campaign, recipient, token, decision.variantId, error, giveSlotBack);
      await giveSlotBack();
      if (error.reason === 'suppressed') return skip(run, phone, token, decision.variantId, 'suppressed');
      if (error.reason === 'claim-taken-over') return 'busy';
      await recipients.releaseRecipient(campaignId, phone, token);
      throw error.cause;
    }
  }

  async function skip(
    run: Run,
    phone: string,
    token: string,
    variantId: string,
    reason: SkipReason,
  ): Promise<RecipientOutcome> {
    await recipients.markSkipped(run.campaignId, phone, token, {
      variantId,
      reason,
      at: now().toISOString(),
    });
    run.report.skipped++;
    logger.info('recipient skipped', { campaignId: run.campaignId, to: maskPhoneNumber(phone), reason });
    return 'skipped';
  }

  async function handleSendFailure(
    run: Run,
    campaign: StoredCampaign,
    recipient: StoredRecipient,
    token: string,
    variantId: string,
    error: unknown,
    giveSlotBack: () => Promise<void>,
  ): Promise<RecipientOutcome> {
    const { campaignId, report } = run;
    const phone = recipient.phone;
    const to = maskPhoneNumber(phone);
    if (error instanceof OpenPhoneOutcomeUnknownError) {
      await recipients.markUnknownOutcome(campaignId, phone, token, now().toISOString());
      metrics.addMetric(campaignSenderMetrics.sendOutcomeUnknown, MetricUnit.Count, 1);
      logger.warn('send outcome unknown: reconciling', { campaignId, to, reason: error.reason });
      // The message may already be listed; if not, it is looked for again once the claim is stale.
      const found = await findSentMessage(campaign, recipient).catch(() => undefined);
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
      run.consecutiveUnauthorized++;
      return run.consecutiveUnauthorized >= settings.unauthorizedPauseAfter
        ? pause(run, { kind: 'api-key-rejected' })
        : 'released';
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

  async function reconcile(
    run: Run,
    campaign: StoredCampaign,
    recipient: StoredRecipient,
  ): Promise<RecipientOutcome> {
    const { campaignId, report } = run;
    const phone = recipient.phone;
    const token = newClaimToken();
    if (
      !recipient.claimToken ||
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
    const found = rendered.kind === 'rendered' ? await findSentMessage(campaign, recipient) : undefined;
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

  /** The id of an outgoing message to the recipient with the rendered content, created after the claim. */
  async function findSentMessage(
    campaign: StoredCampaign,
    recipient: StoredRecipient,
  ): Promise<string | undefined> {
    const rendered = renderRecipientMessage(campaign.campaignId, campaign.definition, recipient);
    if (rendered.kind !== 'rendered') return undefined;
    const claimedAt = Date.parse(recipient.claimedAt ?? new Date(0).toISOString());
    const phoneNumberId = await phoneNumberIdOf(campaign.definition.sendingNumber);
    for await (const page of openPhone.listMessages({
      phoneNumberId,
      participants: [recipient.phone],
      createdAfter: new Date(claimedAt - settings.reconcileSkewMs).toISOString(),
    })) {
      const match = page.data.find((m) => m.direction === 'outgoing' && m.text === rendered.text);
      if (match) return match.id;
    }
    return undefined;
  }

  async function phoneNumberIdOf(sendingNumber: string): Promise<string> {
    if (sendingNumber.startsWith('PN')) return sendingNumber;
    let id = phoneNumberIds.get(sendingNumber);
    if (!id) {
      const numbers = await openPhone.listPhoneNumbers();
      id = numbers.find((n) => n.number === sendingNumber)?.id;
      if (!id) throw new Error(`sending number ${maskPhoneNumber(sendingNumber)} is not in the workspace`);
      phoneNumberIds.set(sendingNumber, id);
    }
    return id;
  }

  async function pause(run: Run, reason: PauseReason): Promise<RecipientOutcome> {
    // Recipients in flight together may each meet the error: the campaign is paused (and counted) once.
    if (run.report.pauseReason) return 'paused';
    run.report.pauseReason = reason;
    const at = now().toISOString();
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await campaigns.transitionCampaign(run.campaignId, { type: 'pause', reason }, at);
      if (result.kind !== 'conflict') break;
    }
    metrics.addMetric(campaignSenderMetrics.pausedByError, MetricUnit.Count, 1);
    logger.error('campaign paused', { campaignId: run.campaignId, reason: reason.kind });
    return 'paused';
  }

  return { sendRunningCampaigns, sendCampaign };
}

export type CampaignSender = ReturnType<typeof createCampaignSender>;

function isOpen(recipient: StoredRecipient): boolean {
  return openRecipientStates.includes(recipient.state);
}
