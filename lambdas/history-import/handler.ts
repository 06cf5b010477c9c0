// Lambda entry point: middy wiring and cold-start set-up around the import's page worker.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { ActivityRepository, ContactRepository, ConversationRepository, DirectoryRepository } from '../crm';
import { readEnvironment } from '../shared/environment';
import { importEnvironmentNames as names, importEnvironmentShape } from './environment';
import { ImportRepository } from './adapters/import-repository';
import {
  OpenPhoneClient,
  countThrottledResponses,
  meteredRateLimiter,
  readApiKeyParameter,
  SharedTokenBucket,
} from '../openphone';
import { bridgeMetrics } from '../shared/metrics';
import { handleImportTask, type ImportDeps, type ImportTaskEvent } from './service';
import { lambdaTracing } from '../shared/tracing';

const logger = new Logger();
const tracing = lambdaTracing();
const metrics = new Metrics({ namespace: bridgeMetrics.namespace });
let wired: Promise<Omit<ImportDeps, 'remainingTimeMs'>> | undefined;

async function wireFromEnvironment(): Promise<Omit<ImportDeps, 'remainingTimeMs'>> {
  const env = readEnvironment(importEnvironmentShape);
  const dynamo = tracing.captureAWSv3Client(new DynamoDBClient({}));
  const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const parameters = new SSMProvider({
    awsSdkV3Client: tracing.captureAWSv3Client(new SSMClient({})),
  });
  const readApiKey = (forceFetch: boolean) =>
    readApiKeyParameter(parameters, env[names.apiKeyParameter], { forceFetch });
  const clientWith = (apiKey: string) =>
    new OpenPhoneClient({
      apiKey,
      rateLimiter: meteredRateLimiter(
        new SharedTokenBucket({ client: dynamo, tableName: env[names.rateLimitTable], apiKey }),
        metrics,
      ),
      baseUrl: env[names.openPhoneBaseUrl],
      lane: 'import',
      onResponse: countThrottledResponses(metrics),
    });
  let apiKey = await readApiKey(false);
  let openPhone = clientWith(apiKey);
  // One directory: the one the run's sync replaces is the one that names the activities it writes.
  const directory = new DirectoryRepository(documents, env[names.crmTable]);
  const activities = new ActivityRepository(documents, env[names.crmTable], {
    activityRetentionDays: env[names.activityRetentionDays],
    directory,
  });
  return {
    get openPhone() {
      return openPhone;
    },
    // A 401 after a rotation: the parameter read past its cache; a new client (kept) only for a new key.
    reloadOpenPhone: async () => {
      const latest = await readApiKey(true);
      if (latest === apiKey) return undefined;
      apiKey = latest;
      openPhone = clientWith(latest);
      return openPhone;
    },
    store: new ImportRepository(documents, env[names.importTable]),
    activities,
    deletedConversations: activities,
    contacts: new ContactRepository(documents, env[names.crmTable]),
    conversations: new ConversationRepository(documents, env[names.crmTable]),
    directory,
    settings: { reserveMs: env[names.reserveMs], messageListing: env[names.messageListing] },
    logger,
    metrics,
  };
}

export const handler = middy(async (event: ImportTaskEvent, context: Context) => {
  wired ??= wireFromEnvironment().catch((error: unknown) => {
    wired = undefined;
    throw error;
  });
  return handleImportTask(event, {
    ...(await wired),
    remainingTimeMs: () => context.getRemainingTimeInMillis(),
  });
})
  .use(tracing.middleware)
  .use(injectLambdaContext(logger, { logEvent: false }))
  .use(logMetrics(metrics));
