import { targetConversationActions } from './conversation-actions';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import {
  eventFamilies,
  type EventFamily,
  EventRepository,
  SqsQueueAdmin,
  type FamilyQueueUrls,
} from '../lambdas/events';
import { familyQueueOutputName, stackOutputNames } from '../lambdas/shared/stack-outputs';
import { campaignRepositories, RecipientErasureRepository } from '../lambdas/campaigns';
import { ApiMessageRepository, erasureStoresBeyondTheCrm, stateMachineSecondSweep } from '../lambdas/crm-api';
import {
  ActivityRepository,
  ContactRepository,
  ErasureRepository,
  HeldSecondSweeps,
  SuppressionListRepository,
} from '../lambdas/crm';
import { ImportRepository } from '../lambdas/history-import';
import { CommandFailure } from './errors';
import { targetMessageSending } from './message-sending';
import { operatorOpenPhoneClient } from './openphone-connection';
import { cloudWatchProcessedCounts } from './processed-counts';
import { copySecretsToParameters, plannedCopies } from './secrets-to-parameters';
import { parameterSigningKeyStore, readSecureParameter } from './signing-key-stores';
import { StepFunctionsImportLauncher } from './step-functions-launcher';
import type { Target, TargetOptions } from './target';

export interface StackClients {
  cloudFormation: CloudFormationClient;
  /** For the console's processed counts; one for the default region when absent. */
  cloudWatch?: CloudWatchClient;
  dynamo: DynamoDBClient;
  sqs: SQSClient;
  ssm: SSMClient;
  /** For `secrets copy-to-parameters` only; one for the default region when absent. */
  secrets?: SecretsManagerClient;
  stepFunctions: SFNClient;
  /** For `contacts erase`; one for the default region when absent. */
  s3?: S3Client;
}

export function awsClients(options: Pick<TargetOptions, 'profile' | 'region'>): StackClients {
  const config = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  };
  return {
    cloudFormation: new CloudFormationClient(config),
    cloudWatch: new CloudWatchClient(config),
    dynamo: new DynamoDBClient(config),
    sqs: new SQSClient(config),
    ssm: new SSMClient(config),
    secrets: new SecretsManagerClient(config),
    stepFunctions: new SFNClient(config),
    s3: new S3Client(config),
  };
}

/** Each family queue's name: the last part of its URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`). */
function queueNamesOf(urls: Record<EventFamily, FamilyQueueUrls>): Record<EventFamily, string> {
  return Object.fromEntries(
    eventFamilies.map((family) => [family, new URL(urls[family].queueUrl).pathname.split('/').pop()!]),
  ) as Record<EventFamily, string>;
}

/** The stack's outputs by name; a stack that does not exist is a failure naming it. */
export async function stackOutputs(cloudFormation: CloudFormationClient, stackName: string) {
  try {
    const { Stacks = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    return Object.fromEntries(
      (Stacks[0]?.Outputs ?? []).flatMap((o) => (o.OutputKey ? [[o.OutputKey, o.OutputValue ?? '']] : [])),
    ) as Record<string, string>;
  } catch (error) {
    if (
      (error as { name?: string }).name === 'ValidationError' &&
      /does not exist/.test(String((error as Error).message))
    )
      throw new CommandFailure(`stack ${stackName} was not found (check --stack, --region and --profile)`);
    throw error;
  }
}

/** A deployed stack, its resources found from its CloudFormation outputs (read here unless given). */
export async function stackTarget(
  stackName: string,
  clients: StackClients,
  outputs?: Record<string, string>,
): Promise<Target> {
  outputs ??= await stackOutputs(clients.cloudFormation, stackName);
  const output = (name: string) => {
    const value = outputs[name];
    if (!value)
      throw new CommandFailure(
        `stack ${stackName} has no output ${name}: deploy this version of the bridge first`,
      );
    return value;
  };
  const queueUrls = Object.fromEntries(
    eventFamilies.map((family) => [
      family,
      {
        queueUrl: output(familyQueueOutputName(family, 'QueueUrl')),
        deadLetterQueueUrl: output(familyQueueOutputName(family, 'DeadLetterQueueUrl')),
      },
    ]),
  ) as Record<EventFamily, FamilyQueueUrls>;
  const documents = DynamoDBDocumentClient.from(clients.dynamo, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const rateLimitTable = output(stackOutputNames.rateLimitTableName);
  const openPhone = async () => {
    const apiKey =
      process.env.OPENPHONE_API_KEY ??
      (await apiKeyFromParameter(clients.ssm, output(stackOutputNames.apiKeyParameterName)));
    return operatorOpenPhoneClient({ apiKey, dynamo: clients.dynamo, rateLimitTable });
  };
  return {
    name: `stack ${stackName}`,
    events: new EventRepository(documents, output(stackOutputNames.eventsTableName)),
    processedSince: cloudWatchProcessedCounts(
      clients.cloudWatch ?? new CloudWatchClient({}),
      queueNamesOf(queueUrls),
    ),
    // Looked up when a command needs it, so the other commands work on a stack deployed before it.
    get activities() {
      return new ActivityRepository(documents, output(stackOutputNames.crmTableName));
    },
    get contacts() {
      return new ContactRepository(documents, output(stackOutputNames.crmTableName));
    },
    get erasure() {
      const crmTable = output(stackOutputNames.crmTableName);
      return new ErasureRepository(documents, crmTable, {
        s3: clients.s3 ?? new S3Client({}),
        mediaBucket: output(stackOutputNames.mediaBucketName),
        otherStores: erasureStoresBeyondTheCrm({
          apiMessages: new ApiMessageRepository(documents, crmTable),
          activities: new ActivityRepository(documents, crmTable),
          events: new EventRepository(documents, output(stackOutputNames.eventsTableName)),
          recipients: new RecipientErasureRepository(documents, output(stackOutputNames.campaignTableName)),
        }),
        secondSweep: stateMachineSecondSweep(
          clients.stepFunctions,
          output(stackOutputNames.eraseSecondSweepArn),
          new HeldSecondSweeps(documents, crmTable),
        ),
      });
    },
    get suppressions() {
      return new SuppressionListRepository(documents, output(stackOutputNames.crmTableName));
    },
    get campaigns() {
      return campaignRepositories(documents, output(stackOutputNames.campaignTableName));
    },
    queues: new SqsQueueAdmin(clients.sqs, queueUrls),
    get signingKeys() {
      return parameterSigningKeyStore(clients.ssm, output(stackOutputNames.signingKeysParameterName));
    },
    secretsUpgrade: {
      plan: (given) => plannedCopies(stackName, outputs, given),
      copy: (copies, options) =>
        copySecretsToParameters(
          { secrets: clients.secrets ?? new SecretsManagerClient({}), ssm: clients.ssm },
          copies,
          options,
        ),
    },
    get imports() {
      return new ImportRepository(documents, output(stackOutputNames.importTableName));
    },
    get importLauncher() {
      return new StepFunctionsImportLauncher(
        output(stackOutputNames.importStateMachineArn),
        clients.stepFunctions,
      );
    },
    crmEvents: {
      list: async () => {
        throw new CommandFailure(
          `stack ${stackName} keeps no copy of its CRM events: they go to the EventBridge bus ${output(stackOutputNames.crmEventBusName)}; subscribe with a rule (docs/crm-events.md)`,
        );
      },
    },
    messages() {
      return targetMessageSending({
        documents,
        crmTable: output(stackOutputNames.crmTableName),
        openPhone,
        defaultFrom: process.env.MESSAGES_DEFAULT_FROM,
      });
    },
    conversations() {
      return targetConversationActions({
        documents,
        crmTable: output(stackOutputNames.crmTableName),
        openPhone,
      });
    },
    openPhone,
  };
}

const apiKeyValue = z.object({ apiKey: z.string() });

async function apiKeyFromParameter(ssm: SSMClient, parameterName: string): Promise<string> {
  const text = await readSecureParameter(ssm, parameterName);
  let apiKey: string | undefined;
  try {
    apiKey = apiKeyValue.parse(JSON.parse(text ?? '')).apiKey;
  } catch {
    apiKey = undefined;
  }
  if (!apiKey)
    throw new CommandFailure(
      `no OpenPhone API key in the parameter ${parameterName}: put {"apiKey": "…"} there, or set OPENPHONE_API_KEY`,
    );
  return apiKey;
}
