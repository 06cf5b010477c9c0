import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { bridgeMetrics } from '../../shared/metrics';
import {
  attemptOf,
  planStoredEvent,
  type EventOutcome,
  readQueueMessage,
  type ProcessingPlan,
} from '../domain/event-processing';
import type { EventFamily } from '../domain/event-types';
import {
  consentReplyKindOf,
  mediaArchiveJobsOf,
  type ConsentReplySender,
  type ActivityRepository,
  type ContactRepository,
  type DeliveryHealthRepository,
  type SuppressionRepository,
  type MediaArchiveQueue,
  type ConsentRuleOptions,
  type ConversationRepository,
} from '../../crm';
import type { QueueMessage } from '../domain/queue-message';
import { maskPhoneNumber } from '../../shared/phone-numbers';
import { correlated, type LogLines } from '../../shared/correlation';
import {
  attributedSend,
  campaignSignalsOf,
  defaultReplyWindowDays,
  type CampaignSignal,
  type SendTrackingRepository,
} from '../../campaigns';
import { type EventRepository } from '../adapters/event-repository';
import { EventRecordMissingError } from '../errors';
import { UnreadableQueueMessageError } from '../errors';

export interface ProcessorDeps {
  events: Pick<EventRepository, 'getEvent' | 'markProcessed' | 'markFailed' | 'erasePayload'>;
  activities: Pick<ActivityRepository, 'upsertActivity'>;
  contacts: Pick<ContactRepository, 'upsertContact' | 'markContactDeleted'>;
  suppressions: Pick<SuppressionRepository, 'applyConsentChange'>;
  deliveryHealth: Pick<DeliveryHealthRepository, 'recordDeliveryOutcome'>;
  archiveQueue: MediaArchiveQueue;
  /** Conversation state (who waits for an answer); not kept when absent. */
  conversations?: Pick<ConversationRepository, 'recordActivity'>;
  /** Campaign tracking: delivery outcomes of campaign messages, replies and opt-outs of their recipients. */
  campaigns: Pick<SendTrackingRepository, 'recordDelivery' | 'sendsTo' | 'recordResponse'>;
  /**
   * Confirmation replies to STOP and HELP (the stage's `consentReplies`); absent when they are off.
   * Sent after the suppression is written; a send whose outcome is unknown fails the event, and
   * the retry (all writes before it idempotent) reconciles instead of sending twice.
   */
  consentReplies?: Pick<ConsentReplySender, 'reply'>;
}

export interface ProcessorOptions {
  /** The family whose queue feeds this processor. */
  family: EventFamily;
  deps: ProcessorDeps;
  /** Days after a campaign send in which its recipient's messages count as replies. @default 7 */
  campaignReplyWindowDays?: number;
  /** How replies are read for consent: extra opt-in words. @default {} */
  consentRule?: ConsentRuleOptions;
  logger: Logger;
  /** Counts EventsProcessed, EventsRejected (the alarm's), EventsRetried and DuplicateDeliveries. */
  metrics?: Metrics;
  now?: () => Date;
  /** Told of every event's outcome (the local replica prints a line per event). */
  onOutcome?: (message: QueueMessage, outcome: EventOutcome) => void;
}

const metricOf: Record<EventOutcome['status'], string> = {
  processed: bridgeMetrics.processing.processed,
  duplicate: bridgeMetrics.processing.duplicate,
  failed: bridgeMetrics.processing.rejected,
  retrying: bridgeMetrics.processing.retried,
};

/** The OpenPhone object an event is about: its activity or contact id. */
const objectIdOf = (plan: Exclude<ProcessingPlan, { kind: 'rejected' }>): string =>
  plan.kind === 'activity'
    ? plan.change.update.activityId
    : plan.change.kind === 'upsert'
      ? plan.change.contact.contactId
      : plan.change.contactId;

/** A name for a transient failure that holds no data: the error's class name. */
const transientReasonOf = (error: unknown) => `transient: ${(error as Error).name || 'Error'}`;

/**
 * A family processor: an SQS batch in, CRM records out, each event marked processed or failed.
 * Invalid payloads are recorded as failed and not retried; transient errors are recorded and
 * reported as batch item failures, so SQS retries only those records (then dead-letters them).
 */
export function createProcessEventsHandler(options: ProcessorOptions) {
  const { family, deps, logger } = options;
  const now = options.now ?? (() => new Date());
  const replyWindowDays = options.campaignReplyWindowDays ?? defaultReplyWindowDays;
  const processor = new BatchProcessor(EventType.SQS);
  const report = (message: QueueMessage, outcome: EventOutcome) => {
    options.metrics?.addMetric(metricOf[outcome.status], MetricUnit.Count, 1);
    options.onOutcome?.(message, outcome);
  };

  /**
   * Answers whether the event is erased history (of a person erased since: no record was written)
   * and whether the record it wrote lists its id (`eventIds`, the erase's way to its body).
   */
  async function apply(
    plan: Exclude<ProcessingPlan, { kind: 'rejected' }>,
    message: QueueMessage,
    log: LogLines,
  ): Promise<{ erasedHistory: boolean; listed: boolean }> {
    if (plan.kind === 'contact') {
      const { change } = plan;
      const result =
        change.kind === 'upsert'
          ? await deps.contacts.upsertContact(change.contact, message.eventId)
          : await deps.contacts.markContactDeleted(change.contactId, change.at, message.eventId);
      log.info('contact written', {
        eventId: message.eventId,
        change: change.kind,
        outcome: result.outcome,
      });
      // A stale write lists its event too (or says the contact was erased).
      return { erasedHistory: result.outcome === 'erased', listed: result.outcome !== 'erased' };
    }
    const { update, eventTime } = plan.change;
    const upsert = await deps.activities.upsertActivity(update, eventTime, message.eventId);
    if (upsert.outcome !== 'erased') await deps.conversations?.recordActivity(update);
    if (plan.consent) {
      const consent = await deps.suppressions.applyConsentChange(plan.consent);
      // HELP changes nothing; it is flagged here for whoever answers the line.
      log.info(plan.consent.keyword === 'help' ? 'HELP requested' : 'consent keyword applied', {
        eventId: message.eventId,
        keyword: plan.consent.keyword,
        from: maskPhoneNumber(plan.consent.phoneNumber),
        outcome: consent.outcome,
      });
      const kind = consentReplyKindOf(plan.consent.keyword);
      // The line's id, or (a new envelope whose context names none) the number the STOP was sent to.
      const ourNumber =
        update.facts.phoneNumberId ??
        (update.facts.direction === 'incoming' ? update.facts.to?.[0] : undefined);
      // A stale opt-out (a later START already lifted it) gets no "you're unsubscribed".
      if (deps.consentReplies && kind && ourNumber && consent.outcome !== 'stale') {
        const reply = await deps.consentReplies.reply({
          kind,
          phoneNumber: plan.consent.phoneNumber,
          messageId: plan.consent.messageId,
          phoneNumberId: ourNumber,
        });
        log.info('consent reply', {
          eventId: message.eventId,
          kind,
          to: maskPhoneNumber(plan.consent.phoneNumber),
          outcome: reply,
        });
      }
    }
    for (const outcome of plan.deliveryOutcomes) {
      const result = await deps.deliveryHealth.recordDeliveryOutcome(outcome);
      if (result.suppressed)
        log.warn('recipient suppressed as bouncing', {
          recipient: maskPhoneNumber(outcome.phoneNumber),
          consecutiveFailures: result.consecutiveFailures,
          hardBounce: result.hardBounce,
        });
    }
    for (const signal of campaignSignalsOf(plan)) await trackCampaign(signal, message, log);
    const jobs = mediaArchiveJobsOf(plan.change, upsert.appliedAspects, message.eventId);
    if (jobs.length > 0) await deps.archiveQueue.enqueue(jobs);
    log.info('activity written', {
      eventId: message.eventId,
      activityId: update.activityId,
      outcome: upsert.outcome,
      archiveJobs: jobs.length,
    });
    return { erasedHistory: upsert.outcome === 'erased', listed: upsert.listsEvent };
  }

  /** After the CRM writes (so a STOP suppresses whatever happens here); idempotent, so a retry is safe. */
  async function trackCampaign(signal: CampaignSignal, message: QueueMessage, log: LogLines) {
    if (signal.kind === 'delivery') {
      const result = await deps.campaigns.recordDelivery(signal.messageId, signal.status, signal.at);
      if (result.kind !== 'not-a-campaign-message')
        log.info('campaign delivery tracked', {
          eventId: message.eventId,
          campaignId: result.campaignId,
          variantId: result.variantId,
          status: signal.status,
          outcome: result.kind,
        });
      return;
    }
    const sends = await deps.campaigns.sendsTo(signal.from, signal.ourNumbers);
    const send = attributedSend(sends, signal.at, replyWindowDays);
    if (!send) return;
    const counted = await deps.campaigns.recordResponse(send, signal.response, signal.at);
    log.info('campaign response tracked', {
      eventId: message.eventId,
      campaignId: send.campaignId,
      variantId: send.variantId,
      from: maskPhoneNumber(signal.from),
      response: signal.response,
      outcome: counted ? 'counted' : 'already-counted',
    });
  }

  /**
   * `filed.objectId` is set once the payload is read, so a failure files the event for an erase
   * (byObject): its record may not list it, the CRM write not having happened.
   */
  async function processEvent(
    message: QueueMessage,
    attempts: number,
    log: LogLines,
    filed: { objectId?: string },
  ): Promise<EventOutcome> {
    const stored = await deps.events.getEvent(message.eventId);
    if (!stored) throw new EventRecordMissingError(message.eventId);
    if (stored.status === 'processed') return { status: 'duplicate' };
    const plan = planStoredEvent(stored, family, options.consentRule);
    if (plan.kind === 'rejected') {
      await deps.events.markFailed(message.eventId, { family, reason: plan.reason, attempts, at: now() });
      return { status: 'failed', reason: plan.reason };
    }
    filed.objectId = objectIdOf(plan);
    const { erasedHistory, listed } = await apply(plan, message, log);
    // Its person was erased: the body is not kept either (docs/operations/security.md).
    if (erasedHistory) await deps.events.erasePayload(message.eventId, now().toISOString());
    // One write closes it; filed under its object (byObject) only when no record lists its id.
    await deps.events.markProcessed(
      message.eventId,
      now(),
      listed || erasedHistory ? undefined : filed.objectId,
    );
    return { status: 'processed' };
  }

  async function processRecord(record: SQSRecord): Promise<void> {
    const reading = readQueueMessage(record.body);
    if (!reading.ok) {
      // The dispatcher's message attribute still names the event when the body cannot be read.
      const eventId = record.messageAttributes?.eventId?.stringValue;
      (eventId ? correlated(logger, eventId) : logger).error('unreadable queue message', {
        messageId: record.messageId,
        reason: reading.reason,
      });
      throw new UnreadableQueueMessageError(reading.reason);
    }
    const { message } = reading;
    const log = correlated(logger, message.eventId);
    const attempts = attemptOf(record.attributes.ApproximateReceiveCount);
    let outcome: EventOutcome;
    const filed: { objectId?: string } = {};
    try {
      outcome = await processEvent(message, attempts, log, filed);
    } catch (error) {
      const reason = transientReasonOf(error);
      try {
        await deps.events.markFailed(message.eventId, {
          family,
          reason,
          attempts,
          at: now(),
          ...(filed.objectId ? { objectId: filed.objectId } : {}),
        });
      } catch (markError) {
        log.error('could not mark event failed', { eventId: message.eventId, error: markError as Error });
      }
      log.warn('event processing failed, SQS will retry', {
        eventId: message.eventId,
        eventType: message.type,
        attempts,
        error: error as Error,
      });
      report(message, { status: 'retrying', reason, attempts });
      throw error;
    }
    if (outcome.status === 'failed')
      log.warn('event rejected', {
        eventId: message.eventId,
        eventType: message.type,
        reason: outcome.reason,
      });
    report(message, outcome);
  }

  return async (event: SQSEvent): Promise<SQSBatchResponse> =>
    processPartialResponse(event, processRecord, processor, { throwOnFullBatchFailure: false });
}
