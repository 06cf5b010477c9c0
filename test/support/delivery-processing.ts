import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { campaignRepositories } from '../../lambdas/campaigns/adapters/campaign-repositories';
import { ActivityRepository } from '../../lambdas/crm/adapters/activity-repository';
import { ContactRepository } from '../../lambdas/crm/adapters/contact-repository';
import { DeliveryHealthRepository } from '../../lambdas/crm/adapters/delivery-health-repository';
import { SuppressionRepository } from '../../lambdas/crm/adapters/suppression-repository';
import { EventRepository } from '../../lambdas/events/adapters/event-repository';
import { newEventRecord } from '../../lambdas/events/domain/event-record';
import { eventFamilies, familyOf, type EventFamily } from '../../lambdas/events/domain/event-types';
import { queueMessageFor } from '../../lambdas/events/domain/queue-message';
import { createProcessEventsHandler } from '../../lambdas/events/process/service';
import { createBridgeTables, localDocumentClient, tableNamed } from './dynamo';
import { batchOf, sqsRecord } from './sqs';

/**
 * Every family's processor on fresh DynamoDB Local tables, and `processDelivery`: a webhook body
 * (either envelope) recorded as the ingest would, then run through its family's processor.
 */
export async function processorsOnLocalTables() {
  const tables = await createBridgeTables();
  const documents = localDocumentClient();
  const crmTable = tableNamed(tables, 'CrmTable');
  const activities = new ActivityRepository(documents, crmTable);
  const contacts = new ContactRepository(documents, crmTable);
  const suppressions = new SuppressionRepository(documents, crmTable);
  const events = new EventRepository(documents, tableNamed(tables, 'EventsTable'));
  const campaigns = campaignRepositories(documents, tableNamed(tables, 'CampaignTable'));
  const processors = Object.fromEntries(
    eventFamilies.map((family) => [
      family,
      createProcessEventsHandler({
        family,
        deps: {
          events,
          activities,
          contacts,
          suppressions,
          deliveryHealth: new DeliveryHealthRepository(documents, crmTable),
          campaigns: campaigns.sendTracking,
          archiveQueue: { enqueue: async () => undefined },
        },
        logger: new Logger({ logLevel: 'SILENT' }),
      }),
    ]),
  ) as Record<EventFamily, (event: SQSEvent) => Promise<SQSBatchResponse>>;

  /** Records the delivery and processes it; answers the stored event afterwards. */
  async function processDelivery(body: Record<string, unknown>) {
    const type = String(body.type);
    const family = familyOf(type)!;
    const record = newEventRecord({
      eventId: String(body.id),
      type,
      family,
      scheme: body.data && 'resource' in (body.data as object) ? 'standard-webhooks' : 'legacy',
      payload: JSON.stringify(body),
      receivedAt: new Date('2026-11-20T10:00:02.000Z'),
      retentionDays: 90,
    });
    await events.recordEventOnce(record);
    const response = await processors[family](batchOf(sqsRecord(JSON.stringify(queueMessageFor(record)))));
    if (response.batchItemFailures.length) throw new Error(`${type} ${record.eventId} was retried`);
    return events.getEvent(record.eventId);
  }

  return { tables, activities, contacts, suppressions, events, campaigns, processors, processDelivery };
}
