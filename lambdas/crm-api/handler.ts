// Lambda entry point of the CRM API: middy wiring and cold-start set-up around the handler factory.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ActivityRepository, ContactRepository, SuppressionListRepository } from '../crm';
import { OpenPhoneClient, readApiKeySecret, SharedTokenBucket } from '../openphone';
import { environmentNames, readEnvironment } from '../shared/environment';
import { MediaLinks } from './adapters/media-links';
import { crmApiEnvironmentShape } from './environment';
import { createCrmApiHandler } from './service';

const logger = new Logger();
const tracer = new Tracer();
let api: ReturnType<typeof createCrmApiHandler> | undefined;

function wireFromEnvironment(): ReturnType<typeof createCrmApiHandler> {
  const env = readEnvironment(crmApiEnvironmentShape);
  const dynamo = tracer.captureAWSv3Client(new DynamoDBClient({}));
  const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const crmTable = env[environmentNames.crmTable];
  // The API key is read on the first write that needs OpenPhone (reads never do), then cached.
  let client: Promise<OpenPhoneClient> | undefined;
  const openPhone = () =>
    (client ??= (async () => {
      const secretId = env[environmentNames.openPhoneApiKeySecret];
      const secrets = new SecretsProvider({
        awsSdkV3Client: tracer.captureAWSv3Client(new SecretsManagerClient({})),
      });
      const apiKey = await readApiKeySecret(secrets, secretId);
      return new OpenPhoneClient({
        apiKey,
        baseUrl: env[environmentNames.openPhoneBaseUrl],
        lane: 'interactive',
        rateLimiter: new SharedTokenBucket({
          client: dynamo,
          tableName: env[environmentNames.rateLimitTable],
          apiKey,
        }),
      });
    })().catch((error: unknown) => {
      client = undefined;
      throw error;
    }));
  return createCrmApiHandler({
    activities: new ActivityRepository(documents, crmTable),
    contacts: new ContactRepository(documents, crmTable),
    suppressionList: new SuppressionListRepository(documents, crmTable),
    openPhone: {
      createContact: async (input) => (await openPhone()).createContact(input),
      updateContact: async (id, changes) => (await openPhone()).updateContact(id, changes),
    },
    mediaLinks: new MediaLinks(
      tracer.captureAWSv3Client(new S3Client({})),
      env[environmentNames.mediaBucket],
    ),
    logger,
  });
}

export const handler = middy(async (event: APIGatewayProxyEventV2) => (api ??= wireFromEnvironment())(event))
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(injectLambdaContext(logger, { logEvent: false }));
