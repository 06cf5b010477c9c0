/**
 * The campaign sender: works through running campaigns' open recipients within a time budget.
 * This file holds the factory and the run loop; each recipient goes through the steps in
 * sender/: a pending one is sent to (send.ts, failures in failure.ts), a claim left behind or an
 * unknown outcome is reconciled first (reconcile.ts). All of them work on one `RunContext`
 * (sender/context.ts): the injected deps, the settings, and the run's report and state.
 */
import { isAbandoned } from './domain/send-decision';
import { campaignSenderMetrics } from './domain/sender-metrics';
import { countSenderTrouble } from './sender/trouble';
import { openRecipientStates } from './domain/campaign-keys';
import type { StoredCampaign } from './adapters/campaign-repository';
import type { StoredRecipient } from './adapters/recipient-repository';
import {
  runContext,
  senderContext,
  type CampaignRunReport,
  type CampaignSenderDeps,
  type RecipientOutcome,
  type RunContext,
} from './sender/context';
import { reconcile } from './sender/reconcile';
import { correlationIdKey } from '../shared/correlation';
import { sendTo } from './sender/send';

export {
  defaultCampaignSenderSettings,
  type CampaignRunReport,
  type CampaignSenderDeps,
  type CampaignSenderSettings,
} from './sender/context';

/** Outcomes after which nothing more is sent for this campaign in this run. */
const stoppingOutcomes = new Set<RecipientOutcome>([
  'daily-cap-reached',
  'paused',
  'not-running',
  'out-of-time',
]);
/**
 * Outcomes after which this pass has nothing left open: finished, or owned by another live sender
 * (which checks for completion itself after recording its own result).
 */
const closingOutcomes = new Set<RecipientOutcome>(['sent', 'skipped', 'failed', 'parked', 'busy']);

export function createCampaignSender(deps: CampaignSenderDeps) {
  const sender = senderContext(deps);
  const { campaigns, logger } = deps;
  const { now, settings } = sender;

  /** Works every running campaign until `deadline` (epoch ms). */
  async function sendRunningCampaigns(deadline: number): Promise<CampaignRunReport[]> {
    await startDueCampaigns();
    const reports: CampaignRunReport[] = [];
    for (const campaignId of await campaigns.runningCampaignIds()) {
      if (now().getTime() > deadline - settings.safetyMarginMs) break;
      // One campaign's error (its table item, its number) does not hold up the others.
      reports.push(
        await sendCampaign(campaignId, deadline).catch((error: unknown) => {
          countSenderTrouble(deps.metrics, campaignSenderMetrics.campaignRunsFailed);
          logger.error('campaign run failed', { [correlationIdKey]: campaignId, campaignId, error });
          return { ...runContext(sender, campaignId, deadline).report, ended: 'failed' as const };
        }),
      );
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
      if (result.kind === 'transitioned')
        logger.info('scheduled campaign started', { [correlationIdKey]: campaignId, campaignId });
    }
  }

  /** One pass over a campaign's open recipients; completes the campaign when none is left. */
  async function sendCampaign(campaignId: string, deadline: number): Promise<CampaignRunReport> {
    const run = runContext(sender, campaignId, deadline);
    const { report } = run;
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
        const page = await deps.recipients.openRecipientsPage(campaignId, settings.pageSize, startKey);
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
      // Before completion is decided, and whatever ended the pass: unspent slots go back.
      await run.capSlots.returnUnspent();
    }
    if (failure) throw failure.error;
    if (stopped) {
      report.ended = stopped;
      return report;
    }

    // The consistent (whole-partition) read only when this pass left nothing open itself.
    if (!leftOpen && (await deps.recipients.allRecipients(campaignId)).every((r) => !isOpen(r))) {
      const completed = await campaigns.transitionCampaign(
        campaignId,
        { type: 'complete' },
        now().toISOString(),
      );
      if (completed.kind === 'transitioned') {
        report.ended = 'completed';
        run.deps.logger.info('campaign completed', { campaignId });
      }
    }
    return report;
  }

  return { sendRunningCampaigns, sendCampaign };
}

export type CampaignSender = ReturnType<typeof createCampaignSender>;

/** A pending recipient is sent to; a claim or unknown outcome, once abandoned, is reconciled. */
async function workOn(
  run: RunContext,
  campaign: StoredCampaign,
  recipient: StoredRecipient,
): Promise<RecipientOutcome> {
  const { now, settings } = run;
  if (now().getTime() > run.deadline - settings.safetyMarginMs) return 'out-of-time';
  if (recipient.state === 'pending') return sendTo(run, campaign, recipient);
  const touchedAt = recipient.touchedAt ?? recipient.claimedAt;
  if (touchedAt && !isAbandoned(touchedAt, now(), settings.staleClaimMs)) return 'busy';
  return reconcile(run, campaign, recipient);
}

function isOpen(recipient: StoredRecipient): boolean {
  return openRecipientStates.includes(recipient.state);
}
