// Lambda entry point of the CRM events publisher: middy wiring and cold-start set-up around the factory.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { environmentNames, readEnvironment } from '../shared/environment';
import { EventBridgeBus } from './adapters/event-bus';
import { crmEventsEnvironmentShape } from './environment';
import { createCrmEventsPublisher } from './service';

const logger = new Logger();
const tracer = new Tracer();
let publish: ReturnType<typeof createCrmEventsPublisher> | undefined;

function wireFromEnvironment(): ReturnType<typeof createCrmEventsPublisher> {
  const env = readEnvironment(crmEventsEnvironmentShape);
  return createCrmEventsPublisher(
    {
      bus: new EventBridgeBus(
        tracer.captureAWSv3Client(new EventBridgeClient({})),
        env[environmentNames.crmEventBus],
      ),
      logger,
    },
    { settings: { includeText: env[environmentNames.crmEventsIncludeText] } },
  );
}

export const handler = middy(async (event: DynamoDBStreamEvent) => (publish ??= wireFromEnvironment())(event))
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(injectLambdaContext(logger, { logEvent: false }));
