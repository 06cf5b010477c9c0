// Lambda entry point of the media archiver: middy wiring and cold-start set-up around the handler factory.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import { ActivityRepository } from '../adapters/activity-repository';
import { environmentNames, readEnvironment } from '../../shared/environment';
import { archiverEnvironmentShape } from '../environment';
import { MediaArchiver } from '../adapters/media-archiver';
import { createArchiveMediaHandler } from './service';
import { lambdaTracing } from '../../shared/tracing';

const logger = new Logger();
const tracing = lambdaTracing();
let archiveMedia: ReturnType<typeof createArchiveMediaHandler> | undefined;

function wireFromEnvironment(): ReturnType<typeof createArchiveMediaHandler> {
  const env = readEnvironment(archiverEnvironmentShape);
  const documents = DynamoDBDocumentClient.from(tracing.captureAWSv3Client(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return createArchiveMediaHandler({
    archiver: new MediaArchiver(tracing.captureAWSv3Client(new S3Client({})), {
      bucketName: env[environmentNames.mediaBucket],
      maxBytes: env[environmentNames.maxMediaBytes],
      urlPolicy: { allowedHosts: env[environmentNames.mediaHosts] },
    }),
    activities: new ActivityRepository(documents, env[environmentNames.crmTable]),
    logger,
  });
}

export const handler = middy(async (event: SQSEvent) => (archiveMedia ??= wireFromEnvironment())(event))
  .use(tracing.middleware)
  .use(injectLambdaContext(logger, { logEvent: false }));
