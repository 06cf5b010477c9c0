import type { Logger } from '@aws-lambda-powertools/logger';
import { newEventRecord } from '../../lambdas/events/domain/event-record';
import { familyOf } from '../../lambdas/events/domain/event-types';
import { queueMessageFor } from '../../lambdas/events/domain/queue-message';
import type { LocalProcessing } from '../../local/local-processing';
import { legacyEvent } from './openphone-payloads';
import { batchOf, sqsRecord } from './sqs';
import { buildLocalIngest } from '../../local/local-pipeline';
import { buildLocalProcessing, type LocalProcessingOptions } from '../../local/local-processing';
import type { RunningLocalS3 } from '../../local/s3-local';
import { bridgeTemplate, createBridgeTables } from './dynamo';

/**
 * Fresh tables, the local ingest (accepting `signingKeys`) and the processors behind its queues,
 * archiving into `bucket` of a running local S3.
 */
export async function localIngestAndProcessing(
  options: {
    signingKeys: string[];
    s3: RunningLocalS3;
    bucket: string;
    logger: Logger;
  } & Partial<
    Omit<
      LocalProcessingOptions,
      'template' | 'tableNames' | 'dynamoEndpoint' | 'familyQueues' | 's3' | 'mediaBucket'
    >
  >,
) {
  const { signingKeys, s3, bucket, ...processingOptions } = options;
  const tableNames = await createBridgeTables();
  const ingest = buildLocalIngest({
    template: bridgeTemplate(),
    tableNames,
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT!,
    signingKeys,
    logger: options.logger,
  });
  const processing = buildLocalProcessing({
    template: bridgeTemplate(),
    tableNames,
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT!,
    familyQueues: ingest.queues,
    s3: s3.client(),
    mediaBucket: bucket,
    ...processingOptions,
  });
  return { tableNames, ingest, processing };
}

/**
 * One legacy webhook as the ingest would have recorded and queued it, through its family's
 * processor; answers the batch response (expect no item failures).
 */
export async function processWebhook(
  processing: {
    events: Pick<LocalProcessing['events'], 'recordEventOnce'>;
    processors: Partial<LocalProcessing['processors']>;
  },
  event: { eventId: string; type: string; object: Record<string, unknown>; createdAt: string },
) {
  const { eventId, type, object, createdAt } = event;
  const record = newEventRecord({
    eventId,
    type,
    family: familyOf(type),
    scheme: 'legacy',
    payload: JSON.stringify(legacyEvent(type, object, createdAt, { id: eventId })),
    receivedAt: new Date(createdAt),
    retentionDays: 90,
  });
  await processing.events.recordEventOnce(record);
  const processor = processing.processors[familyOf(type)!];
  if (!processor) throw new Error(`no processor for ${type}`);
  return processor(batchOf(sqsRecord(JSON.stringify(queueMessageFor(record)))));
}
