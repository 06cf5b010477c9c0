// Lambda entry point of the sweeper (an EventBridge schedule): middy wiring and cold-start set-up.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import { eventFamilies, type EventFamily } from '../domain/event-types';
import { environmentNames, readEnvironment } from '../../shared/environment';
import { bridgeMetrics } from '../../shared/metrics';
import {
  handOnEnvironmentShape,
  queueUrlVariable,
  sweepEnvironmentShape,
  watchedDeadLetterQueues,
} from '../hand-on-environment';
import { SqsDeadLetterWatch } from '../adapters/dead-letter-watch';
import { EventRepository } from '../adapters/event-repository';
import { SqsQueuePublisher } from '../adapters/queue-publisher';
import { createEventSweeper, type SweepReport } from './service';
import { lambdaTracing } from '../../shared/tracing';

const logger = new Logger();
const tracing = lambdaTracing();
const metrics = new Metrics({ namespace: bridgeMetrics.namespace });
let sweeper: ReturnType<typeof createEventSweeper> | undefined;

function wireFromEnvironment(): ReturnType<typeof createEventSweeper> {
  const env = readEnvironment(handOnEnvironmentShape);
  const policy = readEnvironment(sweepEnvironmentShape);
  const documents = DynamoDBDocumentClient.from(tracing.captureAWSv3Client(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const urls = Object.fromEntries(eventFamilies.map((f) => [f, env[queueUrlVariable(f)]])) as Record<
    EventFamily,
    string
  >;
  const sqs = tracing.captureAWSv3Client(new SQSClient({}));
  return createEventSweeper({
    deps: {
      events: new EventRepository(documents, env[environmentNames.eventsTable]!),
      publisher: new SqsQueuePublisher(sqs, urls),
      deadLetters: new SqsDeadLetterWatch(sqs, watchedDeadLetterQueues()),
    },
    policy: {
      stuckAfterMinutes: policy[environmentNames.stuckEventAfterMinutes],
      maxRedispatches: policy[environmentNames.maxEventRedispatches],
    },
    ...(policy[environmentNames.activityRetentionDays]
      ? { bodyRetentionDays: policy[environmentNames.activityRetentionDays] }
      : {}),
    logger,
    metrics,
  });
}

export const handler = middy(async (): Promise<SweepReport> => {
  const report = await (sweeper ??= wireFromEnvironment()).sweep();
  logger.info('sweep done', { ...report });
  return report;
})
  .use(tracing.middleware)
  .use(injectLambdaContext(logger, { logEvent: false }))
  .use(logMetrics(metrics));
