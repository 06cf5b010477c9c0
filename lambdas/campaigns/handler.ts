// Lambda entry point (EventBridge schedule): middy wiring and cold-start set-up around the sender.
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
import { campaignRepositories } from './adapters/campaign-repositories';
import { SuppressionRepository } from '../crm';
import { environmentNames, readEnvironment } from '../shared/environment';
import { campaignSenderEnvironmentShape } from './environment';
import {
  OpenPhoneClient,
  countThrottledResponses,
  readApiKeyParameter,
  meteredRateLimiter,
  SharedTokenBucket,
} from '../openphone';
import { campaignSenderMetrics } from './domain/sender-metrics';
import { createCampaignSender, type CampaignSender } from './service';
import { lambdaTracing } from '../shared/tracing';

const logger = new Logger();
const tracing = lambdaTracing();
const metrics = new Metrics({ namespace: campaignSenderMetrics.namespace });
let sender: Promise<CampaignSender> | undefined;

async function wireFromEnvironment(): Promise<CampaignSender> {
  const env = readEnvironment(campaignSenderEnvironmentShape);
  const dynamo = tracing.captureAWSv3Client(new DynamoDBClient({}));
  const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const parameters = new SSMProvider({
    awsSdkV3Client: tracing.captureAWSv3Client(new SSMClient({})),
  });
  const parameterName = env[environmentNames.openPhoneApiKeyParameter];
  const readApiKey = (forceFetch: boolean) => readApiKeyParameter(parameters, parameterName, { forceFetch });
  const clientWith = (apiKey: string) =>
    new OpenPhoneClient({
      apiKey,
      baseUrl: env[environmentNames.openPhoneBaseUrl],
      lane: 'campaign',
      rateLimiter: meteredRateLimiter(
        new SharedTokenBucket({ client: dynamo, tableName: env[environmentNames.rateLimitTable], apiKey }),
        metrics,
      ),
      onResponse: countThrottledResponses(metrics),
    });
  let apiKey = await readApiKey(false);
  const suppressions = new SuppressionRepository(documents, env[environmentNames.crmTable]);
  return createCampaignSender({
    ...campaignRepositories(documents, env[environmentNames.campaignTable], {
      retentionDays: env[environmentNames.activityRetentionDays],
    }),
    isSuppressed: (phone) => suppressions.isSuppressed(phone),
    openPhone: clientWith(apiKey),
    // A 401 after a rotation: the parameter is read past the cache; a new client only for a new key.
    reloadOpenPhone: async () => {
      const latest = await readApiKey(true);
      if (latest === apiKey) return undefined;
      apiKey = latest;
      return clientWith(latest);
    },
    settings: {
      stateRules: env[environmentNames.campaignStateRules],
      sendingNumbers: env[environmentNames.campaignSendingNumbers],
    },
    logger,
    metrics,
  });
}

export const handler = middy(async (_event: unknown, context: Context) => {
  sender ??= wireFromEnvironment().catch((error: unknown) => {
    sender = undefined; // a failed set-up (e.g. the API key parameter) is tried again on the next run
    throw error;
  });
  const reports = await (await sender).sendRunningCampaigns(Date.now() + context.getRemainingTimeInMillis());
  logger.info('campaign sender run', { reports });
  return reports;
})
  .use(tracing.middleware)
  .use(injectLambdaContext(logger, { logEvent: false }))
  .use(logMetrics(metrics));
