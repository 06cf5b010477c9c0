import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { CrmEventBus } from './adapters/event-bus';
import { crmEventsOf, type CrmEventSettings, type Item } from './domain/crm-event-mapping';
import type { CrmEvent } from './domain/crm-event-schemas';
import { bridgeMetrics } from '../shared/metrics';

export interface CrmEventsPublisherDeps {
  bus: CrmEventBus;
  logger: Logger;
  /** Response times and missed calls, from the events put on the bus (published only when there are some). */
  metrics?: Metrics;
}

export interface CrmEventsPublisherOptions {
  settings: CrmEventSettings;
  /** Times entries the bus refused are put again within one invocation. @default 3 */
  retries?: number;
  /** Pause before the first retry, doubled each time, ms. @default 100 */
  retryDelayMs?: number;
}

const imageOf = (image: unknown): Item | undefined =>
  image ? (unmarshall(image as Record<string, AttributeValue> as never) as Item) : undefined;

/**
 * The outbox relay of CRM events: a batch of CRM (or campaign) table stream records → the events
 * their writes make → the bus, in order. Entries the bus refuses are put again; what is still
 * refused fails its stream record (reported as a batch item failure), so the stream delivers it
 * again and nothing is lost. A retry may publish an event twice: consumers de-duplicate on the
 * event's `eventId`, which is the same for the same change.
 */
export function createCrmEventsPublisher(deps: CrmEventsPublisherDeps, options: CrmEventsPublisherOptions) {
  const retries = options.retries ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 100;

  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const failedRecords = new Set<number>();
    const pending: { event: CrmEvent; record: number }[] = [];
    event.Records.forEach((record: DynamoDBRecord, index) => {
      try {
        const events = crmEventsOf(
          { oldImage: imageOf(record.dynamodb?.OldImage), newImage: imageOf(record.dynamodb?.NewImage) },
          options.settings,
        );
        for (const crmEvent of events) pending.push({ event: crmEvent, record: index });
      } catch (error) {
        deps.logger.error('stream record not mapped', {
          sequenceNumber: record.dynamodb?.SequenceNumber,
          error,
        });
        failedRecords.add(index);
      }
    });

    let unsent = pending;
    let reason = '';
    for (let attempt = 0; unsent.length > 0 && attempt <= retries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, retryDelayMs * 2 ** (attempt - 1)));
      try {
        const outcomes = await deps.bus.put(unsent.map((p) => p.event));
        const refusal = outcomes.find((o) => !o.ok);
        if (refusal && !refusal.ok) reason = refusal.reason;
        unsent = unsent.filter((_p, i) => !outcomes[i]?.ok);
      } catch (error) {
        reason = (error as Error).name || 'PutEvents failed';
        deps.logger.warn('CRM events not put', { events: unsent.length, attempt, error });
      }
    }
    for (const { record } of unsent) failedRecords.add(record);

    const published = pending.length - unsent.length;
    if (deps.metrics)
      countFollowUp(
        deps.metrics,
        pending.filter((p) => !unsent.includes(p)).map((p) => p.event),
      );
    if (published > 0 || unsent.length > 0)
      deps.logger.info('CRM events published', {
        records: event.Records.length,
        published,
        refused: unsent.length,
        ...(unsent.length > 0 ? { reason } : {}),
        types: countBy(pending.map((p) => p.event.detailType)),
      });
    return {
      batchItemFailures: [...failedRecords]
        .sort((a, b) => a - b)
        .map((index) => ({ itemIdentifier: event.Records[index]!.dynamodb?.SequenceNumber ?? '' })),
    };
  };
}

/**
 * The follow-up's metrics, once per event put on the bus (a stream retry may count one twice, as it
 * may publish it twice): each answer's business minutes (its SampleCount is the answers), answers
 * within target, missed calls.
 */
function countFollowUp(metrics: Metrics, events: CrmEvent[]): void {
  const { followUp } = bridgeMetrics;
  let counted = false;
  for (const event of events) {
    if (event.detailType === 'conversation.answered') {
      metrics.addMetric(
        followUp.responseBusinessMinutes,
        MetricUnit.NoUnit,
        event.detail.responseBusinessMinutes,
      );
      metrics.addMetric(followUp.answeredWithinTarget, MetricUnit.Count, event.detail.withinTarget ? 1 : 0);
      counted = true;
    } else if (event.detailType === 'call.missed') {
      metrics.addMetric(followUp.callsMissed, MetricUnit.Count, 1);
      counted = true;
    }
  }
  if (counted) metrics.publishStoredMetrics();
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
