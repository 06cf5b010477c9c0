// Lambda entry point of every family processor (EVENT_FAMILY says which): middy wiring and
// cold-start set-up around the handler factory.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import { SendTrackingRepository } from '../../campaigns';
import { OpenPhoneClient, readApiKeyParameter, SharedTokenBucket } from '../../openphone';
import {
  ActivityRepository,
  ConsentReplySender,
  type ConsentReplySettings,
  ContactRepository,
  ConversationRepository,
  DeliveryHealthRepository,
  SuppressionRepository,
  SqsMediaArchiveQueue,
} from '../../crm';
import { environmentNames, readEnvironment } from '../../shared/environment';
import { processorEnvironmentShape } from '../environment';
import { EventRepository } from '../adapters/event-repository';
import { bridgeMetrics } from '../../shared/metrics';
import { createProcessEventsHandler, type ProcessorDeps } from './service';
import { lambdaTracing } from '../../shared/tracing';

const logger = new Logger();
const tracing = lambdaTracing();
// No family dimension: one series per metric, not five ($0.30 a month each); the family is in every log line.
const metrics = new Metrics({ namespace: bridgeMetrics.namespace });
let processEvents: ReturnType<typeof createProcessEventsHandler> | undefined;

function wireFromEnvironment(): ReturnType<typeof createProcessEventsHandler> {
  const env = readEnvironment(processorEnvironmentShape);
  const dynamo = tracing.captureAWSv3Client(new DynamoDBClient({}));
  const documents = DynamoDBDocumentClient.from(dynamo, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const replySettings = env[environmentNames.consentReplies];
  const family = env[environmentNames.eventFamily];
  const crmTable = env[environmentNames.crmTable];
  logger.appendKeys({ family });
  return createProcessEventsHandler({
    family,
    deps: {
      events: new EventRepository(documents, env[environmentNames.eventsTable], {
        retentionDays: env[environmentNames.eventRetentionDays],
      }),
      activities: new ActivityRepository(documents, crmTable, {
        activityRetentionDays: env[environmentNames.activityRetentionDays],
      }),
      contacts: new ContactRepository(documents, crmTable, {
        eventRetentionDays: env[environmentNames.eventRetentionDays],
      }),
      conversations: new ConversationRepository(documents, crmTable, {
        consentRule: { extraOptInWords: env[environmentNames.consentOptInWords] },
        followUp: env[environmentNames.followUp],
      }),
      suppressions: new SuppressionRepository(documents, crmTable, {
        yesWindowHours: env[environmentNames.consentYesWindowHours],
      }),
      deliveryHealth: new DeliveryHealthRepository(documents, crmTable, {
        bounceThreshold: env[environmentNames.bounceThreshold],
      }),
      archiveQueue: new SqsMediaArchiveQueue(
        tracing.captureAWSv3Client(new SQSClient({})),
        env[environmentNames.mediaArchiveQueueUrl],
      ),
      campaigns: campaignTracking(documents, env[environmentNames.campaignTable]),
      ...(replySettings?.enabled
        ? { consentReplies: consentReplier(env, dynamo, documents, crmTable, replySettings) }
        : {}),
    },
    campaignReplyWindowDays: env[environmentNames.campaignReplyWindowDays],
    consentRule: { extraOptInWords: env[environmentNames.consentOptInWords] },
    logger,
    metrics,
  });
}

/** The campaign table's tracking, or for a family without one (only messages track campaigns) a port that refuses. */
function campaignTracking(
  documents: DynamoDBDocumentClient,
  table: string | undefined,
): ProcessorDeps['campaigns'] {
  if (table) return new SendTrackingRepository(documents, table);
  const refuse = () => Promise.reject(new Error(`the ${environmentNames.campaignTable} variable is not set`));
  return { recordDelivery: refuse, sendsTo: refuse, recordResponse: refuse };
}

/** The reply sender, its API key read from its parameter on first use (interactive lane of the shared limit). */
function consentReplier(
  env: ReturnType<typeof readEnvironment<typeof processorEnvironmentShape>>,
  dynamo: DynamoDBClient,
  documents: DynamoDBDocumentClient,
  crmTable: string,
  settings: ConsentReplySettings,
): ProcessorDeps['consentReplies'] {
  const parameterName = env[environmentNames.openPhoneApiKeyParameter];
  const rateLimitTable = env[environmentNames.rateLimitTable];
  if (!parameterName || !rateLimitTable)
    throw new Error('consent replies are on, but the API key parameter or rate limit table is not set');
  let sender: Promise<ConsentReplySender> | undefined;
  const wire = async () => {
    const parameters = new SSMProvider({
      awsSdkV3Client: tracing.captureAWSv3Client(new SSMClient({})),
    });
    const apiKey = await readApiKeyParameter(parameters, parameterName);
    return new ConsentReplySender({
      documentClient: documents,
      tableName: crmTable,
      settings,
      openPhone: new OpenPhoneClient({
        apiKey,
        baseUrl: env[environmentNames.openPhoneBaseUrl],
        lane: 'interactive',
        rateLimiter: new SharedTokenBucket({ client: dynamo, tableName: rateLimitTable, apiKey }),
      }),
    });
  };
  return {
    reply: async (request) => {
      sender ??= wire().catch((error: unknown) => {
        sender = undefined;
        throw error;
      });
      return (await sender).reply(request);
    },
  };
}

export const handler = middy(async (event: SQSEvent) => (processEvents ??= wireFromEnvironment())(event))
  .use(tracing.middleware)
  .use(injectLambdaContext(logger, { logEvent: false }))
  .use(logMetrics(metrics));
