import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { eventFamilies, type EventFamily } from '../lambdas/events/domain/event-types';
import type { QueueMessage } from '../lambdas/events/domain/queue-message';
import { EventRepository } from '../lambdas/events/adapters/event-repository';
import type { QueuePublisher } from '../lambdas/events/adapters/queue-publisher';
import type { SweepPolicy } from '../lambdas/events/domain/event-sweep';
import { staticSigningKeys, type SigningKeySource } from '../lambdas/ingest/adapters/signing-keys';
import { createEventSweeper } from '../lambdas/events/sweep/service';
import { createIngestHandler } from '../lambdas/ingest/service';
import type { CfnTemplate } from './cfn-tables';
import { InProcessQueue } from './in-process-queue';
import { eventSweepSettings, familyQueueSettings, tableLogicalId } from './template-reading';

/** Publishes to the in-process family queues, as the SQS publisher does to SQS. */
export class InProcessQueuePublisher implements QueuePublisher {
  constructor(private readonly queues: Readonly<Record<EventFamily, InProcessQueue>>) {}
  async publish(message: QueueMessage): Promise<void> {
    this.queues[message.family].send(JSON.stringify(message), {
      eventType: message.type,
      eventId: message.eventId,
    });
  }
}

export function localAwsConfig(endpoint: string) {
  return { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
}

export interface LocalIngestOptions {
  template: CfnTemplate;
  /** Logical id → table name, as created in DynamoDB Local. */
  tableNames: Record<string, string>;
  dynamoEndpoint: string;
  signingKeys: readonly string[];
  /** Where the ingest reads its keys; fixed `signingKeys` when absent. */
  signingKeySource?: SigningKeySource;
  retentionDays?: number;
  maxBodyBytes?: number;
  /** Wraps the publisher, e.g. to inject faults in tests. */
  publisher?: (inner: QueuePublisher) => QueuePublisher;
  logger?: Logger;
  /** The sweep policy; the template's when absent. */
  sweepPolicy?: Partial<SweepPolicy>;
  /** The clock of the ingest and the sweeper (tests move it past the stuck age). */
  now?: () => Date;
}

/**
 * The ingest path of the stack, wired to local parts: the same ingest handler (which hands each new
 * event to its queue) and sweeper, DynamoDB Local tables, and in-process queues configured from the
 * synthesized template.
 */
export function buildLocalIngest(options: LocalIngestOptions) {
  const config = localAwsConfig(options.dynamoEndpoint);
  const dynamo = new DynamoDBClient(config);
  const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const eventsTableId = tableLogicalId(options.template, 'EventsTable');
  const eventsTable = options.tableNames[eventsTableId];
  if (!eventsTable) throw new Error(`no local table for ${eventsTableId}`);
  const events = new EventRepository(documents, eventsTable);
  const logger = options.logger ?? new Logger({ serviceName: 'openphone-bridge-local' });

  const settings = familyQueueSettings(options.template);
  const queues = Object.fromEntries(
    eventFamilies.map((f) => [f, new InProcessQueue(f, settings[f])]),
  ) as Record<EventFamily, InProcessQueue>;
  const basePublisher = new InProcessQueuePublisher(queues);
  const publisher = options.publisher ? options.publisher(basePublisher) : basePublisher;

  // The sweeper (fired by the replica's schedule) and the ingest's re-dispatch of a redelivered stuck event.
  const sweeper = createEventSweeper({
    deps: {
      events,
      publisher,
      // The replica's family queues keep their dead letters in memory: counted as the stack's are.
      deadLetters: {
        depths: async () =>
          eventFamilies.map((f) => ({ queue: `${f} events`, waiting: queues[f].deadLetters.length })),
      },
    },
    policy: { ...eventSweepSettings(options.template).policy, ...options.sweepPolicy },
    logger,
    ...(options.now ? { now: options.now } : {}),
  });
  const ingest = createIngestHandler({
    deps: {
      ...(options.signingKeySource ?? staticSigningKeys(options.signingKeys)),
      recordEventOnce: (r) => sweeper.recordEventOnce(r),
    },
    settings: { maxBodyBytes: options.maxBodyBytes ?? 262_144, retentionDays: options.retentionDays ?? 90 },
    logger,
    metrics: new Metrics({ namespace: 'OpenPhoneBridgeLocal', serviceName: 'openphone-bridge-local' }),
    ...(options.now ? { now: options.now } : {}),
  });
  return { ingest, sweeper, queues, publisher, events, documents, dynamo, eventsTable };
}
export type LocalIngest = ReturnType<typeof buildLocalIngest>;
