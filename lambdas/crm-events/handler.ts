// Lambda entry point of the CRM events publisher: middy wiring and cold-start set-up around the factory.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { environmentNames, readEnvironment } from '../shared/environment';
import { bridgeMetrics } from '../shared/metrics';
import { lambdaTracing } from '../shared/tracing';
import { EventBridgeBus } from './adapters/event-bus';
import { crmEventsEnvironmentShape } from './environment';
import { createCrmEventsPublisher } from './service';

const logger = new Logger();
const tracing = lambdaTracing();
const metrics = new Metrics({ namespace: bridgeMetrics.namespace });
let publish: ReturnType<typeof createCrmEventsPublisher> | undefined;

function wireFromEnvironment(): ReturnType<typeof createCrmEventsPublisher> {
  const env = readEnvironment(crmEventsEnvironmentShape);
  return createCrmEventsPublisher(
    {
      bus: new EventBridgeBus(
        tracing.captureAWSv3Client(new EventBridgeClient({})),
        env[environmentNames.crmEventBus],
      ),
      logger,
      metrics,
    },
    { settings: { includeText: env[environmentNames.crmEventsIncludeText] } },
  );
}

export const handler = middy(async (event: DynamoDBStreamEvent) => (publish ??= wireFromEnvironment())(event))
  .use(tracing.middleware)
  .use(injectLambdaContext(logger, { logEvent: false }));
