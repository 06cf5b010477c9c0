import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { processingLogLine } from '../lambdas/events/domain/event-processing';
import { webhookPath } from '../lib/ingest';
import { startLocalCampaignSender, type LocalCampaignSchedule } from './campaign-schedule';
import { startLocalEventSweeper } from './event-sweep-schedule';
import { replyDueSettings, startLocalReplyDueTimer } from './reply-due-schedule';
import { createTables, tablesFromTemplate, type CfnTemplate } from './cfn-tables';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from './dynamodb-local';
import { adminRoutes, importAdminRoutes, inProcessQueueAdmin } from './admin-api';
import { behindAdminDoor } from './admin-door';
import { fileSigningKeys, readSigningKeysFile, writeSigningKeysFile } from './file-signing-keys';
import {
  ApiMessageRepository,
  erasureStoresBeyondTheCrm,
  ApiRequestError,
  createMessageSending,
  gatewayRoutes,
  interactiveOpenPhoneClient,
  type MessageSending,
} from '../lambdas/crm-api';
import {
  ConsentReplySender,
  consentReplySettings,
  ConversationRepository,
  DirectoryRepository,
  ErasureRepository,
  HeldSecondSweeps,
  SuppressionListRepository,
  type ConsentReplySettings,
} from '../lambdas/crm';
import { RecipientErasureRepository } from '../lambdas/campaigns';
import { EventRepository } from '../lambdas/events';
import { OpenPhoneClient, SharedTokenBucket } from '../lambdas/openphone';
import { lateOpenPhone, localCrmApi, type ScopedToken } from './crm-api';
import { buildLocalCrmEvents, crmEventAdminRoutes, type LocalCrmEvents } from './crm-events';
import { startLocalHttpApi } from './http-api';
import { LocalImports } from './local-imports';
import { buildLocalIngest, localAwsConfig, type LocalIngest } from './local-pipeline';
import { removeReplicaInfo, writeCrmApiToken, writeReplicaInfo } from './replica-info';
import { campaignSenderBudgetMs, eventSweepSettings, tableLogicalId } from './template-reading';
import { archiveLogLine, buildLocalProcessing, type LocalProcessing } from './local-processing';
import { startLocalS3, type RunningLocalS3 } from './s3-local';
import { defaultSecondSweepAfterMs, localSecondSweep } from './erase-second-sweep';
import { synthBridgeStack } from './synth';

export interface LocalReplicaOptions {
  port?: number;
  /** Webhook signing keys to accept; two fresh ones (one per scheme) when absent. */
  signingKeys?: string[];
  /** An already running DynamoDB (tests); otherwise DynamoDB Local is started, in memory unless dynamoPath is set. */
  dynamoEndpoint?: string;
  dynamoPath?: string;
  log?: (line: string) => void;
  /** The synthesized template; synthesized here when absent. */
  template?: CfnTemplate;
  /**
   * A folder (`.local` for `npm start`) where the replica writes `replica.json` for the operator CLI
   * and reads its signing keys from `signing-keys.json`, seeded with its own. Nothing is written when absent.
   */
  stateDir?: string;
  /** The bearer token the local CRM API accepts; a fresh random one when absent. */
  crmApiToken?: string;
  /** Tokens the local CRM API takes besides its own, each holding only its scopes (tests). */
  crmApiScopedTokens?: ScopedToken[];
  /** How often the event sweeper runs: `off`, or ms. @default the template's schedule (rate(5 minutes)) */
  eventSweepEveryMs?: number | 'off';
  /** How often the reply-due timer runs: `off`, or ms. @default the template's schedule (rate(1 minute)) */
  replyDueEveryMs?: number | 'off';
  /** How long after an erase its second sweep runs, ms. @default 360000, the stack's wait */
  eraseSecondSweepAfterMs?: number;
  /** Confirmation replies to STOP and HELP, sent through this OpenPhone (the stage's `consentReplies`); absent: off. */
  consentReplies?: {
    openPhone: { apiKey: string; baseUrl: string };
    settings?: Partial<ConsentReplySettings>;
  };
}

export interface LocalReplica {
  webhookUrl: string;
  /** The CRM API (`/v1/…`) and the bearer token it takes in place of IAM. */
  crmApi: { url: string; token: string };
  signingKeys: string[];
  ingest: LocalIngest;
  /** The processors, the archiver and the repositories they write (the CRM is readable from here). */
  processing: LocalProcessing;
  /** The s3rver standing in for the media bucket. */
  mediaStore: RunningLocalS3 & { bucket: string };
  /** The CRM events publisher and the local stand-in for the bridge's bus (`crmEvents.bus.list()`). */
  crmEvents: LocalCrmEvents;
  /** The campaign table's local name. */
  campaignTable: string;
  /**
   * Fires the campaign sender every `everyMs`, as the stack's schedule does, against this OpenPhone
   * (the simulator, or the real API). `stop()` ends it too.
   */
  startCampaignSender(input: {
    openPhone: { apiKey: string; baseUrl: string };
    everyMs: number;
    settings?: LocalCampaignSenderSettings;
  }): void;
  /** The import workflow: `connect` it to an OpenPhone API, then the CLI and `scheduleSync` start runs. */
  imports: LocalImports;
  /**
   * Where the CRM API's sends (`POST /v1/messages`, from `defaultFrom` when a message names none)
   * and contact writes go: the simulator or the real API; until connected they answer 503.
   */
  connectCrmApiToOpenPhone(openPhone: { apiKey: string; baseUrl: string; defaultFrom?: string }): void;
  stop(): Promise<void>;
}

type LocalCampaignSenderSettings = Parameters<typeof startLocalCampaignSender>[0]['settings'];

export function freshSigningKeys(): string[] {
  return [randomBytes(32).toString('base64'), `whsec_${randomBytes(32).toString('base64')}`];
}

/** The local name of the media bucket in s3rver. */
export const localMediaBucket = 'openphone-bridge-media';

/**
 * The whole bridge on one machine: DynamoDB Local with the synthesized tables, the HTTP API, the
 * stream relay, the family queues with their event-source-mapping semantics, the processors, and
 * the media archiver writing to s3rver.
 */
export async function startLocalReplica(options: LocalReplicaOptions = {}): Promise<LocalReplica> {
  const log = options.log ?? ((line: string) => console.log(line));
  const template = options.template ?? synthBridgeStack().template;
  let dynamo: RunningDynamoDbLocal | undefined;
  const endpoint =
    options.dynamoEndpoint ??
    (dynamo = await startDynamoDbLocal(options.dynamoPath ? { path: options.dynamoPath } : {})).endpoint;
  // Its own DynamoDB Local keeps the plain names (kept data is found again); a shared one (tests)
  // gets a prefix per replica, so replicas side by side never read each other's tables.
  const tablePrefix = options.dynamoEndpoint ? `local-${randomBytes(4).toString('hex')}-` : 'local-';
  const tableNames = await createTables(
    new DynamoDBClient(localAwsConfig(endpoint)),
    tablesFromTemplate(template, (id) => `${tablePrefix}${id}`),
  );
  const signingKeys = options.signingKeys ?? freshSigningKeys();
  const stateDir = options.stateDir && resolve(options.stateDir);
  const signingKeysFile = stateDir && join(stateDir, 'signing-keys.json');
  if (signingKeysFile)
    writeSigningKeysFile(signingKeysFile, [...readSigningKeysFile(signingKeysFile), ...signingKeys]);
  const logger = new Logger({
    serviceName: 'openphone-bridge-local',
    logLevel: (process.env.POWERTOOLS_LOG_LEVEL as 'WARN' | undefined) ?? 'WARN',
  });
  const ingest = buildLocalIngest({
    template,
    tableNames,
    dynamoEndpoint: endpoint,
    signingKeys,
    ...(signingKeysFile ? { signingKeySource: fileSigningKeys(signingKeysFile) } : {}),
    logger,
  });

  const mediaStore = await startLocalS3([localMediaBucket]);
  // As the processor Lambda wires it: the interactive lane of the shared bucket, its default wait.
  const consentReplies = options.consentReplies && {
    openPhone: new OpenPhoneClient({
      ...options.consentReplies.openPhone,
      lane: 'interactive',
      rateLimiter: new SharedTokenBucket({
        client: new DynamoDBClient(localAwsConfig(endpoint)),
        tableName: tableNames[tableLogicalId(template, 'RateLimitTable')]!,
        apiKey: options.consentReplies.openPhone.apiKey,
      }),
    }),
    settings: consentReplySettings.parse({ ...options.consentReplies.settings, enabled: true }),
  };
  const replyDue = replyDueSettings(template);
  const processing = buildLocalProcessing({
    template,
    followUp: replyDue.followUp,
    tableNames,
    dynamoEndpoint: endpoint,
    familyQueues: ingest.queues,
    s3: mediaStore.client(),
    mediaBucket: localMediaBucket,
    logger,
    ...(consentReplies
      ? {
          consentReplies: (documents: DynamoDBDocumentClient, tableName: string) =>
            new ConsentReplySender({ documentClient: documents, tableName, ...consentReplies }),
        }
      : {}),
    // One line per event: type, id and outcome; never message text or phone numbers.
    onOutcome: (family, message, outcome) => log(processingLogLine(family, message, outcome)),
    onArchiveResult: (job, result) => log(archiveLogLine(job, result)),
  });
  processing.start();
  const crmEvents = buildLocalCrmEvents({ template, tableNames, dynamoEndpoint: endpoint, logger });
  crmEvents.start();
  const sweepEveryMs = options.eventSweepEveryMs ?? eventSweepSettings(template).everyMs ?? 'off';
  const sweepSchedule =
    sweepEveryMs === 'off'
      ? undefined
      : startLocalEventSweeper({ sweeper: ingest.sweeper, everyMs: sweepEveryMs, log });
  const replyDueEveryMs = options.replyDueEveryMs ?? replyDue.everyMs ?? 'off';
  const replyDueSchedule =
    replyDueEveryMs === 'off'
      ? undefined
      : startLocalReplyDueTimer({
          documents: processing.documents,
          crmTable: processing.crmTable,
          followUp: replyDue.followUp,
          everyMs: replyDueEveryMs,
          log,
        });
  const imports = new LocalImports({
    template,
    dynamoEndpoint: endpoint,
    tables: {
      imports: tableNames[tableLogicalId(template, 'ImportTable')]!,
      crm: tableNames[tableLogicalId(template, 'CrmTable')]!,
      rateLimit: tableNames[tableLogicalId(template, 'RateLimitTable')]!,
    },
    log,
  });
  // `POST /v1/messages` answers 503 until `connectCrmApiToOpenPhone` names the OpenPhone to send through.
  let messageSending: MessageSending | undefined;
  const connectedSending = () => {
    if (!messageSending)
      throw new ApiRequestError(
        503,
        'openphone_not_connected',
        'the replica has no OpenPhone to send through yet',
      );
    return messageSending;
  };
  const crmApiOpenPhone = lateOpenPhone();
  const heldSweeps = new HeldSecondSweeps(processing.documents, processing.crmTable);
  const secondSweep = localSecondSweep(
    () => ({ erasure, heldSweeps, logger }),
    options.eraseSecondSweepAfterMs ?? defaultSecondSweepAfterMs,
    log,
  );
  const erasure = new ErasureRepository(processing.documents, processing.crmTable, {
    s3: mediaStore.client(),
    mediaBucket: localMediaBucket,
    otherStores: erasureStoresBeyondTheCrm({
      apiMessages: new ApiMessageRepository(processing.documents, processing.crmTable),
      activities: processing.activities,
      events: new EventRepository(processing.documents, ingest.eventsTable),
      recipients: new RecipientErasureRepository(
        processing.documents,
        tableNames[tableLogicalId(template, 'CampaignTable')]!,
      ),
    }),
    secondSweep,
  });
  const crmApi = localCrmApi({
    activities: processing.activities,
    messageSending: {
      send: (key, body) => connectedSending().send(key, body),
      show: (id, includeText) => connectedSending().show(id, includeText),
    },
    contacts: processing.contacts,
    suppressionList: new SuppressionListRepository(processing.documents, processing.crmTable),
    openPhone: crmApiOpenPhone.client,
    openPhoneConversations: crmApiOpenPhone.conversations,
    directory: new DirectoryRepository(processing.documents, processing.crmTable),
    conversations: new ConversationRepository(processing.documents, processing.crmTable),
    activityDays: processing.activities,
    erasure,
    s3: mediaStore.client(),
    mediaBucket: localMediaBucket,
    ...(options.crmApiToken ? { token: options.crmApiToken } : {}),
    ...(options.crmApiScopedTokens ? { scopedTokens: options.crmApiScopedTokens } : {}),
    logger,
  });
  let apiPort = 0; // known once the server listens
  const api = await startLocalHttpApi({
    port: options.port ?? 3000,
    routes: {
      [`POST ${webhookPath}`]: ingest.ingest,
      // Every route of the routes table, as lib/crm-api.ts gives API Gateway (others are its 404).
      ...Object.fromEntries(
        gatewayRoutes().map((route) => [`${route.method} ${route.path}`, crmApi.handler]),
      ),
      ...behindAdminDoor(
        {
          ...adminRoutes(inProcessQueueAdmin(ingest.queues, ingest.publisher)),
          ...importAdminRoutes(imports),
          ...crmEventAdminRoutes(crmEvents.bus),
        },
        { token: crmApi.token, port: () => apiPort },
      ),
    },
  });
  apiPort = Number(new URL(api.url).port);
  const tableOf = (fragment: string) => tableNames[tableLogicalId(template, fragment)]!;
  const campaignTable = tableOf('CampaignTable');
  const replicaInfoFile = stateDir && join(stateDir, 'replica.json');
  const crmApiTokenFile = stateDir && join(stateDir, 'crm-api-token');
  if (crmApiTokenFile) writeCrmApiToken(crmApiTokenFile, crmApi.token);
  if (replicaInfoFile && signingKeysFile && crmApiTokenFile)
    writeReplicaInfo(replicaInfoFile, {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      webhookUrl: `${api.url}${webhookPath}`,
      adminUrl: `${api.url}/local/admin`,
      dynamoEndpoint: endpoint,
      region: localAwsConfig(endpoint).region,
      tables: {
        events: ingest.eventsTable,
        rateLimit: tableOf('RateLimitTable'),
        crm: tableOf('CrmTable'),
        campaigns: campaignTable,
        imports: imports.store.tableName,
      },
      signingKeysFile,
      crmApi: { url: `${api.url}/v1`, tokenFile: crmApiTokenFile },
      mediaStore: { endpoint: mediaStore.endpoint, bucket: localMediaBucket },
      ...(process.env.OPENPHONE_BASE_URL ? { openPhoneBaseUrl: process.env.OPENPHONE_BASE_URL } : {}),
    });

  let campaignSchedule: LocalCampaignSchedule | undefined;
  return {
    webhookUrl: `${api.url}${webhookPath}`,
    crmApi: { url: `${api.url}/v1`, token: crmApi.token },
    signingKeys,
    ingest,
    processing,
    crmEvents,
    mediaStore: { ...mediaStore, bucket: localMediaBucket },
    campaignTable,
    startCampaignSender: ({ openPhone, everyMs, settings }) => {
      const dynamoClient = new DynamoDBClient(localAwsConfig(endpoint));
      campaignSchedule = startLocalCampaignSender({
        dynamo: dynamoClient,
        documents: DynamoDBDocumentClient.from(dynamoClient, {
          marshallOptions: { removeUndefinedValues: true },
        }),
        campaignTable,
        rateLimitTable: tableOf('RateLimitTable'),
        suppressions: processing.suppressions,
        openPhone,
        everyMs,
        budgetMs: campaignSenderBudgetMs(template),
        log,
        ...(settings ? { settings } : {}),
      });
    },
    imports,
    connectCrmApiToOpenPhone: ({ apiKey, baseUrl, defaultFrom }) => {
      // One interactive-lane client, as the Lambda has, for sends and contact writes.
      const openPhone = interactiveOpenPhoneClient({
        apiKey,
        baseUrl,
        dynamo: new DynamoDBClient(localAwsConfig(endpoint)),
        rateLimitTable: tableOf('RateLimitTable'),
      });
      crmApiOpenPhone.connect(openPhone);
      // The same sending code as the Lambda, through the replica's shared limiter (interactive lane).
      messageSending = createMessageSending({
        messages: new ApiMessageRepository(processing.documents, processing.crmTable),
        suppressions: processing.suppressions,
        activities: processing.activities,
        openPhone: async () => openPhone,
        ...(defaultFrom ? { defaultFrom } : {}),
        logger,
      });
    },
    stop: async () => {
      await campaignSchedule?.stop();
      await sweepSchedule?.stop();
      await replyDueSchedule?.stop();
      secondSweep.stop();
      if (replicaInfoFile) removeReplicaInfo(replicaInfoFile);
      if (crmApiTokenFile) removeReplicaInfo(crmApiTokenFile);
      // Keep the keys registered with OpenPhone (`webhooks register`); drop this run's own.
      if (signingKeysFile)
        writeSigningKeysFile(
          signingKeysFile,
          readSigningKeysFile(signingKeysFile).filter((k) => !signingKeys.includes(k)),
        );
      await api.stop();
      await imports.stop();
      await crmEvents.stop();
      await processing.stop();
      await mediaStore.stop();
      await dynamo?.stop();
    },
  };
}
