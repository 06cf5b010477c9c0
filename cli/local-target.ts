import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { campaignRepositories, RecipientErasureRepository } from '../lambdas/campaigns';
import { ApiMessageRepository, erasureStoresBeyondTheCrm } from '../lambdas/crm-api';
import { ImportRepository } from '../lambdas/history-import';
import {
  ActivityRepository,
  ContactRepository,
  ErasureRepository,
  SuppressionListRepository,
} from '../lambdas/crm';
import { EventRepository } from '../lambdas/events';
import { localS3Client } from '../local/s3-local';
import {
  localReplicaInfoFile,
  readCrmApiToken,
  readReplicaInfo,
  type ReplicaInfo,
} from '../local/replica-info';
import { CommandFailure } from './errors';
import { LocalImportLauncher } from './local-import-launcher';
import { LocalQueueAdmin } from './local-queue-admin';
import { LocalCrmEventLog } from './local-crm-event-log';
import { targetMessageSending } from './message-sending';
import { operatorOpenPhoneClient } from './openphone-connection';
import { targetConversationActions } from './conversation-actions';
import { scannedProcessedCounts } from './processed-counts';
import { fileSigningKeyStore } from './signing-key-stores';
import type { Target } from './target';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, just not ours to signal
  }
}

/** The running `npm start`, found through the `.local/replica.json` it writes. */
export function localTarget(replicaFile = localReplicaInfoFile): Target {
  return localTargetFrom(runningReplicaInfo(replicaFile));
}

/** What the running `npm start` wrote to `replicaFile`; a failure saying what to do when none runs. */
export function runningReplicaInfo(replicaFile: string): ReplicaInfo {
  let info: ReplicaInfo | undefined;
  try {
    info = readReplicaInfo(replicaFile);
  } catch (error) {
    throw new CommandFailure((error as Error).message);
  }
  if (!info)
    throw new CommandFailure(
      `no local replica is running (no ${replicaFile}): start one with \`npm start\`, or choose a deployed stack with --stack <name>`,
    );
  if (!isRunning(info.pid))
    throw new CommandFailure(
      `the local replica that wrote ${replicaFile} (pid ${info.pid}) is not running any more: start it with \`npm start\``,
    );
  return info;
}

/** The admin API takes the CRM API's bearer token, which `npm start` keeps beside replica.json. */
function adminToken(info: ReplicaInfo): string {
  if (!info.crmApi)
    throw new CommandFailure('the running local replica predates its admin token: restart `npm start`');
  try {
    return readCrmApiToken(info.crmApi.tokenFile);
  } catch (error) {
    throw new CommandFailure(`could not read the replica's token: ${(error as Error).message}`);
  }
}

export function localTargetFrom(info: ReplicaInfo): Target {
  const dynamo = new DynamoDBClient({
    endpoint: info.dynamoEndpoint,
    region: info.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 2,
  });
  const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const base = new URL(info.adminUrl).origin;
  const admin = () => ({ baseUrl: base, token: adminToken(info) });
  return {
    name: `the local replica at ${base}`,
    events: new EventRepository(documents, info.tables.events),
    processedSince: scannedProcessedCounts(documents, info.tables.events),
    activities: new ActivityRepository(documents, info.tables.crm),
    contacts: new ContactRepository(documents, info.tables.crm),
    get erasure() {
      if (!info.mediaStore)
        throw new CommandFailure('the running local replica predates `contacts erase`: restart `npm start`');
      return new ErasureRepository(documents, info.tables.crm, {
        s3: localS3Client(info.mediaStore.endpoint),
        mediaBucket: info.mediaStore.bucket,
        otherStores: erasureStoresBeyondTheCrm({
          apiMessages: new ApiMessageRepository(documents, info.tables.crm),
          activities: new ActivityRepository(documents, info.tables.crm),
          events: new EventRepository(documents, info.tables.events),
          recipients: new RecipientErasureRepository(documents, info.tables.campaigns),
        }),
      });
    },
    suppressions: new SuppressionListRepository(documents, info.tables.crm),
    campaigns: campaignRepositories(documents, info.tables.campaigns),
    get queues() {
      return new LocalQueueAdmin(admin());
    },
    signingKeys: fileSigningKeyStore(info.signingKeysFile),
    get imports() {
      if (!info.tables.imports)
        throw new CommandFailure(
          'the running local replica predates the import commands: restart `npm start`',
        );
      return new ImportRepository(documents, info.tables.imports);
    },
    get importLauncher() {
      return new LocalImportLauncher(admin());
    },
    get crmEvents() {
      return new LocalCrmEventLog(admin());
    },
    messages() {
      return targetMessageSending({
        documents,
        crmTable: info.tables.crm,
        openPhone: () => this.openPhone(),
        defaultFrom: process.env.MESSAGES_DEFAULT_FROM ?? info.messagesDefaultFrom,
      });
    },
    conversations() {
      return targetConversationActions({
        documents,
        crmTable: info.tables.crm,
        openPhone: () => this.openPhone(),
      });
    },
    openPhone: async () => {
      const simulated = process.env.OPENPHONE_API_KEY ? undefined : info.simulatedOpenPhone;
      const apiKey = process.env.OPENPHONE_API_KEY ?? simulated?.apiKey;
      if (!apiKey)
        throw new CommandFailure(
          'no OpenPhone API key: set OPENPHONE_API_KEY (and OPENPHONE_BASE_URL for a simulated OpenPhone)',
        );
      const baseUrl =
        simulated?.baseUrl ?? (process.env.OPENPHONE_BASE_URL ? undefined : info.openPhoneBaseUrl);
      return operatorOpenPhoneClient({
        apiKey,
        ...(baseUrl ? { baseUrl } : {}),
        dynamo,
        rateLimitTable: info.tables.rateLimit,
      });
    },
  };
}
