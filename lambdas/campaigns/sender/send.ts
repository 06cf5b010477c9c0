/**
 * Sending to one pending recipient: re-check suppression and read today's cap and the number's
 * 24-hour sends → decide (domain) → take a daily-cap slot (from the pass's lease: one conditional
 * ADD takes several, sender/cap-slots.ts) → send: the
 * client takes a campaign-lane token from the shared limiter, then, just before each attempt goes
 * out, the recipient is claimed (the first time: one conditional write pending → claimed) or its
 * claim renewed, and suppression, the campaign's status and the recipient's window are checked
 * once more (what changed during the token wait withdraws the send) → record the result. The
 * claim is taken at the last moment, so one write both claims and stamps the send's start; a
 * recipient that waits (quiet hours, the cap) is never written at all.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { sendingNumberDay, type SendingNumberDay } from '../domain/sending-numbers';
import { OpenPhoneApiError, RateLimitWaitExceededError, UnknownSendingNumberError } from '../../openphone';
import { clientAfterRejection } from './api-key';
import { campaignSenderMetrics } from '../domain/sender-metrics';
import { decideSend } from '../domain/send-decision';
import { type SkipReason } from '../domain/campaign-keys';
import type { StoredCampaign } from '../adapters/campaign-repository';
import type { StoredRecipient } from '../adapters/recipient-repository';
import { SendWithdrawnError } from '../errors';
import { maskPhoneNumber } from '../../shared/phone-numbers';
import type { RecipientOutcome, RunContext } from './context';
import { handleSendFailure, pause, sendingNumberRefusal } from './failure';

export async function sendTo(
  run: RunContext,
  campaign: StoredCampaign,
  recipient: StoredRecipient,
): Promise<RecipientOutcome> {
  const { campaigns, recipients, dailyCaps, isSuppressed, logger, metrics, recentSends } = run.deps;
  const { stateRules } = run.settings;
  const { campaignId, report, now } = run;
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
    stateRules,
  });
  if (early.kind === 'wait-until') return 'waiting';

  const token = run.newClaimToken();
  /** Set by the last check's claim: until then nothing was written and nothing is to release. */
  let claimedAt: string | undefined;

  let day: SendingNumberDay;
  const listedWith = run.openPhone.current;
  try {
    day = sendingNumberDay(
      await numberOf(run, definition.sendingNumber),
      definition,
      run.settings.sendingNumbers,
      now(),
    );
  } catch (error) {
    // The workspace's numbers could not be read: nothing was sent (nor claimed).
    if (error instanceof OpenPhoneApiError && error.status === 401) {
      if (await clientAfterRejection(run, listedWith)) return sendTo(run, campaign, recipient);
      run.consecutiveUnauthorized++;
      return run.consecutiveUnauthorized >= run.settings.unauthorizedPauseAfter
        ? pause(run, { kind: 'api-key-rejected' })
        : 'released';
    }
    const refusal = sendingNumberRefusal(error);
    if (refusal) return pause(run, refusal);
    throw error;
  }
  const { counterKey, businessDay } = day;
  const [suppressed, sentToday, recent] = await Promise.all([
    isSuppressed(phone),
    // This pass's own unspent leased slots are on the counter but not sent.
    dailyCaps
      .dailyCapCount(counterKey, businessDay)
      .then((counted) => counted - run.capSlots.unspent(counterKey, businessDay)),
    recentSends ? recentSends.recentSendsTo(phone, now(), campaignId) : Promise.resolve([]),
  ]);
  const decisionFacts = {
    campaignId,
    definition,
    recipient,
    suppressed,
    stateRules,
    recentSends: recent,
    numberDay: { cap: day.cap, zone: day.zone },
  };
  const decision = decideSend({ ...decisionFacts, sentToday, now: now() });
  if (decision.kind === 'skip') return skip(run, phone, undefined, decision.variantId, decision.reason);
  if (decision.kind === 'wait-until')
    return decision.reason === 'daily-cap-reached' ? 'daily-cap-reached' : 'waiting';

  if (!(await run.capSlots.take(counterKey, businessDay, day.cap, now()))) return 'daily-cap-reached';
  const giveSlotBack = async () => run.capSlots.giveBack(counterKey, businessDay);
  // The last check, after the request's token (which may take a while to come) and before each
  // attempt goes out (again after a retry's wait): the recipient is claimed (or its claim renewed)
  // so no other sender or reconciler takes over a send in flight, and whatever changed meanwhile
  // withdraws the send — an opt-out, a pause or cancel, or the recipient's window closing (decided
  // again on the clock of this moment).
  const claimOrTouch = async (at: string) => {
    if (claimedAt !== undefined) return recipients.touchClaim(campaignId, phone, token, at);
    const claimed = await recipients.claimRecipient(campaignId, phone, token, at);
    if (claimed) claimedAt = at;
    return claimed;
  };
  const lastCheck = async () => {
    // Settled together: a claim that was written is known (and released) even when a read failed.
    const [claim, suppression, read] = await Promise.allSettled([
      claimOrTouch(now().toISOString()),
      isSuppressed(phone),
      campaigns.getCampaign(campaignId),
    ]);
    const touched = checked(claim);
    const suppressedNow = checked(suppression);
    const current = checked(read);
    if (!touched) throw new SendWithdrawnError('claim-taken-over');
    if (suppressedNow) throw new SendWithdrawnError('suppressed');
    if (current?.state.status !== 'running') throw new SendWithdrawnError('campaign-not-running');
    const still = decideSend({ ...decisionFacts, sentToday: 0, now: now() });
    if (still.kind !== 'send') throw new SendWithdrawnError('outside-window');
  };

  const client = run.openPhone.current;
  const sendStartedAt = now().toISOString();
  // A client that answered without running the last check (a fake) still leaves the send claimed.
  const claimIfNot = async () => claimedAt !== undefined || (await claimOrTouch(sendStartedAt));
  try {
    const message = await client.sendMessage(
      {
        content: decision.content,
        from: definition.sendingNumber,
        to: [phone],
        // Absent on campaigns stored before the option existed: those are marked done too.
        ...(definition.markConversationDone === false ? {} : { setInboxStatus: 'done' as const }),
      },
      { beforeSend: lastCheck },
    );
    run.consecutiveUnauthorized = 0;
    await claimIfNot();
    const recorded = await recipients.markSent(campaignId, phone, token, {
      variantId: decision.variantId,
      messageId: message.id,
      at: now().toISOString(),
      reconciled: false,
      sendingNumber: definition.sendingNumber,
    });
    // Not recorded: whoever took the claim over reconciles, finds this message and records it.
    if (!recorded)
      logger.warn('sent, but the claim had been taken over', { campaignId, to: maskPhoneNumber(phone) });
    report.sent++;
    metrics.addMetric(campaignSenderMetrics.messagesSent, MetricUnit.Count, 1);
    return 'sent';
  } catch (error) {
    if (error instanceof RateLimitWaitExceededError && claimedAt === undefined) {
      // The token did not come in time: nothing was written (no claim) and nothing sent.
      await giveSlotBack();
      return 'out-of-time';
    }
    if (!(error instanceof SendWithdrawnError)) {
      if (!(await claimIfNot())) return 'busy';
      const outcome = await handleSendFailure(run, campaign, recipient, {
        token,
        claimedAt: claimedAt ?? sendStartedAt,
        client,
        variantId: decision.variantId,
        error,
        giveSlotBack,
      });
      // Released by the 401, with a newer key to try: sent (or decided) afresh under a new claim.
      return outcome === 'retry-with-new-key' ? sendTo(run, campaign, recipient) : outcome;
    }
    await giveSlotBack();
    const owned = claimedAt === undefined ? undefined : token;
    if (error.reason === 'suppressed') return skip(run, phone, owned, decision.variantId, 'suppressed');
    if (error.reason === 'claim-taken-over') return 'busy';
    if (owned) await recipients.releaseRecipient(campaignId, phone, owned);
    if (error.reason === 'campaign-not-running') return 'not-running';
    if (error.reason === 'outside-window') return 'waiting';
    throw error.cause;
  }
}

/** `token`: the claim it is skipped under; none for a recipient still pending (never claimed). */
/** A last check's value, or the send withdrawn because the check could not be made. */
function checked<T>(settled: PromiseSettledResult<T>): T {
  if (settled.status === 'rejected') throw new SendWithdrawnError('check-failed', settled.reason);
  return settled.value;
}

async function skip(
  run: RunContext,
  phone: string,
  token: string | undefined,
  variantId: string,
  reason: SkipReason,
): Promise<RecipientOutcome> {
  const skipped = { variantId, reason, at: run.now().toISOString() };
  const marked = await (token === undefined
    ? run.deps.recipients.skipPendingRecipient(run.campaignId, phone, skipped)
    : run.deps.recipients.markSkipped(run.campaignId, phone, token, skipped));
  // Taken by another sender meanwhile: theirs to finish.
  if (!marked) return 'busy';
  run.report.skipped++;
  run.deps.logger.info('recipient skipped', {
    campaignId: run.campaignId,
    to: maskPhoneNumber(phone),
    reason,
  });
  return 'skipped';
}

/** The workspace number a campaign names (by id or E.164), from the list the sender reads once. */
async function numberOf(run: RunContext, sendingNumber: string): Promise<{ id: string; number: string }> {
  const numbers = await run.phoneNumberIds.workspaceNumbers();
  const found = numbers.find((n) => n.id === sendingNumber || n.number === sendingNumber);
  if (!found) throw new UnknownSendingNumberError(sendingNumber);
  return found;
}
