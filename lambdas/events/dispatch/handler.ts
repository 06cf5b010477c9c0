// Lambda entry point: middy wiring and cold-start set-up around the handler factory.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { eventFamilies, type EventFamily } from '../domain/event-types';
import { readEnvironment } from '../../shared/environment';
import { dispatchEnvironmentShape, queueUrlVariable } from '../environment';
import { SqsQueuePublisher } from '../adapters/queue-publisher';
import { createDispatchHandler } from './service';
import { lambdaTracing } from '../../shared/tracing';

const logger = new Logger();
const tracing = lambdaTracing();
let dispatch: ReturnType<typeof createDispatchHandler> | undefined;

function wireFromEnvironment(): ReturnType<typeof createDispatchHandler> {
  const env = readEnvironment(dispatchEnvironmentShape);
  const urls = Object.fromEntries(eventFamilies.map((f) => [f, env[queueUrlVariable(f)]])) as Record<
    EventFamily,
    string
  >;
  return createDispatchHandler({
    publisher: new SqsQueuePublisher(tracing.captureAWSv3Client(new SQSClient({})), urls),
    logger,
  });
}

export const handler = middy(async (event: DynamoDBStreamEvent) =>
  (dispatch ??= wireFromEnvironment())(event),
)
  .use(tracing.middleware)
  .use(injectLambdaContext(logger, { logEvent: false }));
