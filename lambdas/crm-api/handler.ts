// Lambda entry point of the CRM API: middy wiring and cold-start set-up around the handler factory.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ActivityRepository, ContactRepository } from '../crm';
import { environmentNames, readEnvironment } from '../shared/environment';
import { MediaLinks } from './adapters/media-links';
import { crmApiEnvironmentShape } from './environment';
import { createCrmApiHandler } from './service';
import { lambdaTracing } from '../shared/tracing';

const logger = new Logger();
const tracing = lambdaTracing();
let api: ReturnType<typeof createCrmApiHandler> | undefined;

function wireFromEnvironment(): ReturnType<typeof createCrmApiHandler> {
  const env = readEnvironment(crmApiEnvironmentShape);
  const documents = DynamoDBDocumentClient.from(tracing.captureAWSv3Client(new DynamoDBClient({})));
  return createCrmApiHandler({
    activities: new ActivityRepository(documents, env[environmentNames.crmTable]),
    contacts: new ContactRepository(documents, env[environmentNames.crmTable]),
    mediaLinks: new MediaLinks(
      tracing.captureAWSv3Client(new S3Client({})),
      env[environmentNames.mediaBucket],
    ),
    logger,
  });
}

export const handler = middy(async (event: APIGatewayProxyEventV2) => (api ??= wireFromEnvironment())(event))
  .use(tracing.middleware)
  .use(injectLambdaContext(logger, { logEvent: false }));
