import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { eventFamilies } from '../lambdas/domain/event-types';
import { queueMessage } from '../lambdas/domain/queue-message';
import { webhookPath } from '../lib/webhook-ingest';
import { createTables, tablesFromTemplate, type CfnTemplate } from './cfn-tables';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from './dynamodb-local';
import { startLocalHttpApi } from './http-api';
import { buildLocalIngest, localAwsConfig, type LocalIngest } from './local-pipeline';
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
  stop(): Promise<void>;
}

export function freshSigningKeys(): string[] {
  return [randomBytes(32).toString('base64'), `whsec_${randomBytes(32).toString('base64')}`];
}

/**
 * The whole ingest path on one machine: DynamoDB Local with the synthesized tables, the HTTP API,
 * the stream relay and the family queues with their event-source-mapping semantics.
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
  const ingest = buildLocalIngest({
    template,
    tableNames,
    dynamoEndpoint: endpoint,
    signingKeys,
    logger: new Logger({
      serviceName: 'openphone-bridge-local',
      logLevel: (process.env.POWERTOOLS_LOG_LEVEL as 'WARN' | undefined) ?? 'WARN',
    }),
  });

  // Until the processors exist, each family's consumer reports what it received, without message text.
  for (const family of eventFamilies) {
    ingest.queues[family].start(async (event) => {
      for (const record of event.Records) {
        const message = queueMessage.parse(JSON.parse(record.body));
        const payload = message.payload
          ? `${Buffer.byteLength(message.payload)} bytes inline`
          : 'payload by reference';
        log(
          `[${family}] ${message.type} ${message.eventId} (receive ${record.attributes.ApproximateReceiveCount}, ${payload})`,
        );
      }
    });
  }
  ingest.poller.start(ingest.dispatch);
  const api = await startLocalHttpApi({
    port: options.port ?? 3000,
    routes: { [`POST ${webhookPath}`]: ingest.ingest },
  });

  return {
    webhookUrl: `${api.url}${webhookPath}`,
    signingKeys,
    ingest,
    stop: async () => {
      await api.stop();
      await ingest.poller.stop();
      await Promise.all(eventFamilies.map((f) => ingest.queues[f].stop()));
      await dynamo?.stop();
    },
  };
}
