import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { processingLogLine } from '../lambdas/domain/event-processing';
import { webhookPath } from '../lib/webhook-ingest';
import { createTables, tablesFromTemplate, type CfnTemplate } from './cfn-tables';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from './dynamodb-local';
import { startLocalHttpApi } from './http-api';
import { buildLocalIngest, localAwsConfig, type LocalIngest } from './local-pipeline';
import { archiveLogLine, buildLocalProcessing, type LocalProcessing } from './local-processing';
import { startLocalS3, type RunningLocalS3 } from './s3-local';
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
}

export interface LocalReplica {
  webhookUrl: string;
  signingKeys: string[];
  ingest: LocalIngest;
  /** The processors, the archiver and the repositories they write (the CRM is readable from here). */
  processing: LocalProcessing;
  /** The s3rver standing in for the media bucket. */
  mediaStore: RunningLocalS3 & { bucket: string };
  stop(): Promise<void>;
}

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
  const tableNames = await createTables(
    new DynamoDBClient(localAwsConfig(endpoint)),
    tablesFromTemplate(template, (id) => `local-${id}`),
  );
  const signingKeys = options.signingKeys ?? freshSigningKeys();
  const logger = new Logger({
    serviceName: 'openphone-bridge-local',
    logLevel: (process.env.POWERTOOLS_LOG_LEVEL as 'WARN' | undefined) ?? 'WARN',
  });
  const ingest = buildLocalIngest({
    template,
    tableNames,
    dynamoEndpoint: endpoint,
    signingKeys,
    logger,
  });

  const mediaStore = await startLocalS3([localMediaBucket]);
  const processing = buildLocalProcessing({
    template,
    tableNames,
    dynamoEndpoint: endpoint,
    familyQueues: ingest.queues,
    s3: mediaStore.client(),
    mediaBucket: localMediaBucket,
    logger,
    // One line per event: type, id and outcome; never message text or phone numbers.
    onOutcome: (family, message, outcome) => log(processingLogLine(family, message, outcome)),
    onArchiveResult: (job, result) => log(archiveLogLine(job, result)),
  });
  processing.start();
  ingest.poller.start(ingest.dispatch);
  const api = await startLocalHttpApi({
    port: options.port ?? 3000,
    routes: { [`POST ${webhookPath}`]: ingest.ingest },
  });

  return {
    webhookUrl: `${api.url}${webhookPath}`,
    signingKeys,
    ingest,
    processing,
    mediaStore: { ...mediaStore, bucket: localMediaBucket },
    stop: async () => {
      await api.stop();
      await ingest.poller.stop();
      await processing.stop();
      await mediaStore.stop();
      await dynamo?.stop();
    },
  };
}
