// Lambda entry point of the media archiver: middy wiring and cold-start set-up around the handler factory.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
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

const logger = new Logger();
const tracer = new Tracer();
let archiveMedia: ReturnType<typeof createArchiveMediaHandler> | undefined;

function wireFromEnvironment(): ReturnType<typeof createArchiveMediaHandler> {
  const env = readEnvironment(archiverEnvironmentShape);
  const documents = DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return createArchiveMediaHandler({
    archiver: new MediaArchiver(tracer.captureAWSv3Client(new S3Client({})), {
      bucketName: env[environmentNames.mediaBucket],
      maxBytes: env[environmentNames.maxMediaBytes],
    }),
    activities: new ActivityRepository(documents, env[environmentNames.crmTable]),
    logger,
  });
}

export const handler = middy(async (event: SQSEvent) => (archiveMedia ??= wireFromEnvironment())(event))
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(injectLambdaContext(logger, { logEvent: false }));
