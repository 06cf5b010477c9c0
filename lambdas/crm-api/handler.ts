// Lambda entry point of the CRM API: middy wiring and cold-start set-up around the handler factory.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ActivityRepository, ContactRepository, DirectoryRepository, ErasureRepository } from '../crm';
import { environmentNames, readEnvironment } from '../shared/environment';
import { MediaLinks } from './adapters/media-links';
import { crmApiEnvironmentShape } from './environment';
import { createCrmApiHandler } from './service';

const logger = new Logger();
const tracer = new Tracer();
let api: ReturnType<typeof createCrmApiHandler> | undefined;

function wireFromEnvironment(): ReturnType<typeof createCrmApiHandler> {
  const env = readEnvironment(crmApiEnvironmentShape);
  const documents = DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const s3 = tracer.captureAWSv3Client(new S3Client({}));
  const crmTable = env[environmentNames.crmTable];
  const mediaBucket = env[environmentNames.mediaBucket];
  return createCrmApiHandler({
    activities: new ActivityRepository(documents, crmTable),
    contacts: new ContactRepository(documents, crmTable),
    mediaLinks: new MediaLinks(s3, mediaBucket),
    directory: new DirectoryRepository(documents, crmTable),
    erasure: new ErasureRepository(documents, crmTable, { s3, mediaBucket }),
    logger,
  });
}

export const handler = middy(async (event: APIGatewayProxyEventV2) => (api ??= wireFromEnvironment())(event))
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(injectLambdaContext(logger, { logEvent: false }));
