// Lambda entry point of the reply-due timer (an EventBridge schedule, every minute): middy wiring.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import { ReplyDueRepository } from '../adapters/reply-due-repository';
import { replyDueEnvironmentShape } from '../environment';
import { environmentNames, readEnvironment } from '../../shared/environment';
import { bridgeMetrics } from '../../shared/metrics';
import { lambdaTracing } from '../../shared/tracing';
import { createReplyDueTimer, type ReplyDueReport, type ReplyDueTimer } from './service';

const logger = new Logger();
const tracing = lambdaTracing();
const metrics = new Metrics({ namespace: bridgeMetrics.namespace });
let timer: ReplyDueTimer | undefined;

function wireFromEnvironment(): ReplyDueTimer {
  const env = readEnvironment(replyDueEnvironmentShape);
  const documents = DynamoDBDocumentClient.from(tracing.captureAWSv3Client(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return createReplyDueTimer({
    timers: new ReplyDueRepository(documents, env[environmentNames.crmTable]),
    followUp: env[environmentNames.followUp],
    logger,
    metrics,
  });
}

export const handler = middy(async (): Promise<ReplyDueReport> => (timer ??= wireFromEnvironment()).run())
  .use(tracing.middleware)
  .use(injectLambdaContext(logger, { logEvent: false }))
  .use(logMetrics(metrics));
