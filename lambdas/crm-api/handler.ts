// Lambda entry point of the CRM API: middy wiring and cold-start set-up around the handler factory.
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  ActivityRepository,
  ContactRepository,
  ConversationRepository,
  DirectoryRepository,
  ErasureRepository,
  HeldSecondSweeps,
  SuppressionListRepository,
  SuppressionRepository,
} from '../crm';
import { RecipientErasureRepository } from '../campaigns';
import { EventRepository } from '../events';
import { readApiKeyParameter } from '../openphone';
import { environmentNames, readEnvironment } from '../shared/environment';
import { lambdaTracing } from '../shared/tracing';
import { ApiMessageRepository } from './adapters/api-message-repository';
import { erasureStoresBeyondTheCrm } from './adapters/erasure-stores';
import { interactiveOpenPhoneClient } from './adapters/interactive-client';
import { MediaLinks } from './adapters/media-links';
import { stateMachineSecondSweep } from './adapters/second-sweep-scheduler';
import { crmApiEnvironmentNames, crmApiEnvironmentShape } from './environment';
import { createMessageSending } from './sending/message-sending';
import { readSecondSweepInvocation, type SecondSweepInvocation } from './domain/second-sweep-invocation';
import { runSecondSweep } from './second-sweep';
import { createCrmApiHandler } from './service';

const logger = new Logger();
const tracing = lambdaTracing();
let wired: ReturnType<typeof wireFromEnvironment> | undefined;

function wireFromEnvironment() {
  const env = readEnvironment(crmApiEnvironmentShape);
  const dynamo = tracing.captureAWSv3Client(new DynamoDBClient({}));
  const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const crmTable = env[environmentNames.crmTable];
  // One directory (and its 60 s cache) for the names the reads fill in and the ones writes store.
  const directory = new DirectoryRepository(documents, crmTable);
  const activities = new ActivityRepository(documents, crmTable, { directory });
  const s3 = tracing.captureAWSv3Client(new S3Client({}));
  const mediaBucket = env[environmentNames.mediaBucket];
  const parameters = new SSMProvider({
    awsSdkV3Client: tracing.captureAWSv3Client(new SSMClient({})),
  });
  // Read on the first write that needs OpenPhone (reads never do), cached 5 minutes: a rotated key
  // is picked up without a redeploy.
  let client: { apiKey: string; openPhone: ReturnType<typeof interactiveOpenPhoneClient> } | undefined;
  const openPhone = async () => {
    const apiKey = await readApiKeyParameter(parameters, env[environmentNames.openPhoneApiKeyParameter]);
    if (client?.apiKey !== apiKey)
      client = {
        apiKey,
        openPhone: interactiveOpenPhoneClient({
          apiKey,
          baseUrl: env[environmentNames.openPhoneBaseUrl],
          dynamo,
          rateLimitTable: env[environmentNames.rateLimitTable],
        }),
      };
    return client.openPhone;
  };
  const defaultFrom = env[environmentNames.messagesDefaultFrom];
  const apiMessages = new ApiMessageRepository(documents, crmTable, {
    retentionDays: env[environmentNames.activityRetentionDays],
  });
  const secondSweepMachine = env[crmApiEnvironmentNames.eraseSecondSweep];
  const heldSweeps = new HeldSecondSweeps(documents, crmTable);
  const erasure = new ErasureRepository(documents, crmTable, {
    s3,
    mediaBucket,
    otherStores: erasureStoresBeyondTheCrm({
      apiMessages,
      activities,
      events: new EventRepository(documents, env[environmentNames.eventsTable]),
      recipients: new RecipientErasureRepository(documents, env[environmentNames.campaignTable]),
    }),
    ...(secondSweepMachine
      ? {
          secondSweep: stateMachineSecondSweep(
            tracing.captureAWSv3Client(new SFNClient({})),
            secondSweepMachine,
            heldSweeps,
          ),
        }
      : {}),
  });
  const api = createCrmApiHandler({
    activities,
    contacts: new ContactRepository(documents, crmTable),
    suppressionList: new SuppressionListRepository(documents, crmTable),
    openPhone: {
      createContact: async (input) => (await openPhone()).createContact(input),
      updateContact: async (id, changes) => (await openPhone()).updateContact(id, changes),
    },
    mediaLinks: new MediaLinks(s3, mediaBucket),
    directory,
    conversations: new ConversationRepository(documents, crmTable),
    openPhoneConversations: {
      mark: async (id, state) => (await openPhone()).conversationState.mark(id, state),
      createTask: async (input) => (await openPhone()).tasks.create(input),
      listTasks: async (filters) => (await openPhone()).tasks.listPage(filters),
    },
    activityDays: activities,
    followUp: env[environmentNames.followUp],
    erasure,
    messageSending: createMessageSending({
      messages: apiMessages,
      suppressions: new SuppressionRepository(documents, crmTable),
      activities,
      openPhone,
      ...(defaultFrom ? { defaultFrom } : {}),
      logger,
    }),
    logger,
  });
  return { api, erasure, heldSweeps };
}

/** An HTTP request, or the state machine's call of an erase's second sweep. */
async function handle(event: APIGatewayProxyEventV2 | SecondSweepInvocation) {
  wired ??= wireFromEnvironment();
  if ('secondSweep' in event) {
    return runSecondSweep(readSecondSweepInvocation(event), {
      erasure: wired.erasure,
      heldSweeps: wired.heldSweeps,
      logger,
    });
  }
  return wired.api(event);
}

export const handler = middy(handle)
  .use(tracing.middleware)
  .use(injectLambdaContext(logger, { logEvent: false }));
