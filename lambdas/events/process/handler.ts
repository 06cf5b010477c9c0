// Lambda entry point of every family processor (EVENT_FAMILY says which): middy wiring and
// cold-start set-up around the handler factory.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import { SendTrackingRepository } from '../../campaigns';
import {
  ActivityRepository,
  ContactRepository,
  DeliveryHealthRepository,
  SuppressionRepository,
  SqsMediaArchiveQueue,
} from '../../crm';
import { environmentNames, readEnvironment } from '../../shared/environment';
import { processorEnvironmentShape } from '../environment';
import { EventRepository } from '../adapters/event-repository';
import { bridgeMetrics } from '../../shared/metrics';
import { createProcessEventsHandler, type ProcessorDeps } from './service';

const logger = new Logger();
const tracer = new Tracer();
const metrics = new Metrics({ namespace: bridgeMetrics.namespace });
let processEvents: ReturnType<typeof createProcessEventsHandler> | undefined;

function wireFromEnvironment(): ReturnType<typeof createProcessEventsHandler> {
  const env = readEnvironment(processorEnvironmentShape);
  const documents = DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const family = env[environmentNames.eventFamily];
  const crmTable = env[environmentNames.crmTable];
  logger.appendKeys({ family });
  metrics.setDefaultDimensions({ family });
  return createProcessEventsHandler({
    family,
    deps: {
      events: new EventRepository(documents, env[environmentNames.eventsTable], {
        retentionDays: env[environmentNames.eventRetentionDays],
      }),
      activities: new ActivityRepository(documents, crmTable),
      contacts: new ContactRepository(documents, crmTable),
      suppressions: new SuppressionRepository(documents, crmTable),
      deliveryHealth: new DeliveryHealthRepository(documents, crmTable, {
        bounceThreshold: env[environmentNames.bounceThreshold],
      }),
      archiveQueue: new SqsMediaArchiveQueue(
        tracer.captureAWSv3Client(new SQSClient({})),
        env[environmentNames.mediaArchiveQueueUrl],
      ),
      campaigns: campaignTracking(documents, env[environmentNames.campaignTable]),
    },
    campaignReplyWindowDays: env[environmentNames.campaignReplyWindowDays],
    logger,
    metrics,
  });
}

/** The campaign table's tracking, or for a family without one (only messages track campaigns) a port that refuses. */
function campaignTracking(
  documents: DynamoDBDocumentClient,
  table: string | undefined,
): ProcessorDeps['campaigns'] {
  if (table) return new SendTrackingRepository(documents, table);
  const refuse = () => Promise.reject(new Error(`the ${environmentNames.campaignTable} variable is not set`));
  return { recordDelivery: refuse, latestSendsTo: refuse, recordResponse: refuse };
}

export const handler = middy(async (event: SQSEvent) => (processEvents ??= wireFromEnvironment())(event))
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(injectLambdaContext(logger, { logEvent: false }))
  .use(logMetrics(metrics));
