// Lambda entry point: middy wiring and cold-start set-up around the handler factory.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { environmentNames, readEnvironment } from '../shared/environment';
import { ingestEnvironmentShape, ingestQueueEnvironmentShape, sweepEnvironmentShape } from './environment';
import {
  EventRepository,
  createEventSweeper,
  lazySqsQueuePublisher,
  eventFamilies,
  queueUrlVariable,
  type EventFamily,
} from '../events';
import { bridgeMetrics } from '../shared/metrics';
import { parameterSigningKeys } from './adapters/signing-keys';
import { createIngestHandler } from './service';
import { lambdaTracing } from '../shared/tracing';

const logger = new Logger();
const tracing = lambdaTracing();
const metrics = new Metrics({ namespace: bridgeMetrics.namespace });
let ingest: ReturnType<typeof createIngestHandler> | undefined;

function wireFromEnvironment(): ReturnType<typeof createIngestHandler> {
  const env = readEnvironment(ingestEnvironmentShape);
  const documents = DynamoDBDocumentClient.from(tracing.captureAWSv3Client(new DynamoDBClient({})));
  const events = new EventRepository(documents, env[environmentNames.eventsTable]);
  const queueEnv = readEnvironment(ingestQueueEnvironmentShape);
  const queueUrls = Object.fromEntries(
    eventFamilies.map((f) => [f, queueEnv[queueUrlVariable(f)]]),
  ) as Record<EventFamily, string>;
  const sweep = readEnvironment(sweepEnvironmentShape);
  // Each new event goes to its family queue from here; a duplicate of a stuck one again.
  const stuckEvents = createEventSweeper({
    deps: {
      events,
      publisher: lazySqsQueuePublisher(queueUrls, (sqs) => tracing.captureAWSv3Client(sqs)),
    },
    policy: {
      stuckAfterMinutes: sweep[environmentNames.stuckEventAfterMinutes],
      maxRedispatches: sweep[environmentNames.maxEventRedispatches],
    },
    logger,
    metrics,
  });
  const keys = parameterSigningKeys(
    new SSMProvider({ awsSdkV3Client: tracing.captureAWSv3Client(new SSMClient({})) }),
    env[environmentNames.signingKeysParameter],
  );
  return createIngestHandler({
    deps: { ...keys, recordEventOnce: (r) => stuckEvents.recordEventOnce(r) },
    settings: {
      maxBodyBytes: env[environmentNames.maxWebhookBodyBytes],
      retentionDays: env[environmentNames.eventRetentionDays],
    },
    logger,
    metrics,
  });
}

export const handler = middy(async (event: APIGatewayProxyEventV2) =>
  (ingest ??= wireFromEnvironment())(event),
)
  .use(tracing.middleware)
  .use(injectLambdaContext(logger, { logEvent: false }))
  .use(logMetrics(metrics));
