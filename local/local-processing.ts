import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventOutcome } from '../lambdas/events/domain/event-processing';
import { eventFamilies, type EventFamily } from '../lambdas/events/domain/event-types';
import type { MediaArchiveJob } from '../lambdas/crm/domain/media-archive';
import type { QueueMessage } from '../lambdas/events/domain/queue-message';
import { campaignRepositories } from '../lambdas/campaigns/adapters/campaign-repositories';
import { ActivityRepository } from '../lambdas/crm/adapters/activity-repository';
import { ContactRepository } from '../lambdas/crm/adapters/contact-repository';
import { ConversationRepository } from '../lambdas/crm/adapters/conversation-repository';
import { DeliveryHealthRepository } from '../lambdas/crm/adapters/delivery-health-repository';
import { SuppressionRepository } from '../lambdas/crm/adapters/suppression-repository';
import { EventRepository } from '../lambdas/events/adapters/event-repository';
import type { MediaArchiveQueue } from '../lambdas/crm/adapters/media-archive-queue';
import { MediaArchiver, type ArchiveOutcome } from '../lambdas/crm/adapters/media-archiver';
import type { MediaFetch } from '../lambdas/crm/adapters/pinned-media-request';
import { defaultMediaHosts } from '../lambdas/crm/domain/media-url-policy';
import type { FollowUpSettings } from '../lambdas/crm/domain/business-hours';
import { createArchiveMediaHandler } from '../lambdas/crm/archive-media/service';
import { createProcessEventsHandler, type ProcessorDeps } from '../lambdas/events/process/service';
import type { CfnTemplate } from './cfn-tables';
import { InProcessQueue, type EventSourceMappingSettings } from './in-process-queue';
import { localAwsConfig } from './local-pipeline';
import { mediaArchiveQueueSettings, tableLogicalId } from './template-reading';

/** Queues archive jobs on the in-process archive queue, as SqsMediaArchiveQueue does on SQS. */
export class InProcessMediaArchiveQueue implements MediaArchiveQueue {
  constructor(private readonly queue: InProcessQueue) {}
  async enqueue(jobs: readonly MediaArchiveJob[]): Promise<void> {
    for (const job of jobs) this.queue.send(JSON.stringify(job), { activityId: job.activityId });
  }
}

/** `http://127.0.0.1:4010/…` → its origin; a non-loopback or non-http URL is a programming error. */
function loopbackOrigin(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname))
    throw new Error(`${parsed.origin} is not a loopback http origin`);
  return parsed.origin;
}

export type ArchiveJobResult = ArchiveOutcome | { kind: 'retrying'; reason: string };

/** `[media-archive] AC… media[0] → archived as media/AC…/0-media.jpg`: ids and keys only. */
export function archiveLogLine(job: MediaArchiveJob, result: ArchiveJobResult): string {
  const outcome =
    result.kind === 'archived'
      ? `archived as ${result.key}`
      : result.kind === 'retrying'
        ? `failed: ${result.reason} (retrying)`
        : `not archived: ${result.rejection.kind}${result.rejection.kind === 'url-refused' ? ` (${result.rejection.reason})` : ''}`;
  return `[media-archive] ${job.activityId} ${job.field}[${job.index}] → ${outcome}`;
}

export interface LocalProcessingOptions {
  template: CfnTemplate;
  /** Logical id → table name, as created in DynamoDB Local. */
  tableNames: Record<string, string>;
  dynamoEndpoint: string;
  /** The family queues the ingest path fills (buildLocalIngest's `queues`). */
  familyQueues: Readonly<Record<EventFamily, InProcessQueue>>;
  s3: S3Client;
  mediaBucket: string;
  /** Business hours and reply targets, as the stack gives the processors (`replyDueSettings`). */
  followUp?: FollowUpSettings;
  /** Overrides of the archive queue's template settings (tests shorten the visibility timeout). */
  archiveQueueSettings?: Partial<EventSourceMappingSettings>;
  /** Days after a campaign send in which its recipient's messages count as replies. @default 7 */
  campaignReplyWindowDays?: number;
  /** Wraps the processors' activity repository, e.g. to inject faults in tests. */
  wrapActivities?: (activities: ActivityRepository) => ActivityRepository;
  /** The archiver's one request (tests answer it themselves). */
  fetch?: MediaFetch;
  fetchTimeoutMs?: number;
  /** Hosts the archiver may fetch media from. @default OpenPhone's media hosts */
  mediaHosts?: readonly string[];
  /** DNS for the archiver (tests name hosts that do not exist). @default the system resolver */
  resolveHost?: (hostname: string) => Promise<string[]>;
  onOutcome?: (family: EventFamily, message: QueueMessage, outcome: EventOutcome) => void;
  /** Confirmation replies to STOP and HELP, as a stage with `consentReplies.enabled` has; absent: off. */
  consentReplies?: (documents: DynamoDBDocumentClient, crmTable: string) => ProcessorDeps['consentReplies'];
  onArchiveResult?: (
    job: MediaArchiveJob,
    result: ArchiveOutcome | { kind: 'retrying'; reason: string },
  ) => void;
  logger?: Logger;
}

/**
 * The processing half of the stack on local parts: the same processor and archiver handlers, fed
 * by in-process queues with the template's settings, writing to DynamoDB Local and s3rver.
 */
export function buildLocalProcessing(options: LocalProcessingOptions) {
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient(localAwsConfig(options.dynamoEndpoint)), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const tableName = (fragment: string) => {
    const id = tableLogicalId(options.template, fragment);
    const name = options.tableNames[id];
    if (!name) throw new Error(`no local table for ${id}`);
    return name;
  };
  const events = new EventRepository(documents, tableName('EventsTable'));
  const crmTable = tableName('CrmTable');
  const activities = new ActivityRepository(documents, crmTable);
  const contacts = new ContactRepository(documents, crmTable);
  const suppressions = new SuppressionRepository(documents, crmTable);
  const deliveryHealth = new DeliveryHealthRepository(documents, crmTable);
  const campaigns = campaignRepositories(documents, tableName('CampaignTable'));
  const logger = options.logger ?? new Logger({ serviceName: 'openphone-bridge-local' });
  const consentReplies = options.consentReplies?.(documents, crmTable);
  const archiveQueue = new InProcessQueue('media-archive', {
    ...mediaArchiveQueueSettings(options.template),
    ...options.archiveQueueSettings,
  });
  const processors = Object.fromEntries(
    eventFamilies.map((family) => [
      family,
      createProcessEventsHandler({
        family,
        deps: {
          events,
          activities: options.wrapActivities ? options.wrapActivities(activities) : activities,
          contacts,
          conversations: new ConversationRepository(documents, crmTable, {
            ...(options.followUp ? { followUp: options.followUp } : {}),
          }),
          suppressions,
          deliveryHealth,
          archiveQueue: new InProcessMediaArchiveQueue(archiveQueue),
          campaigns: campaigns.sendTracking,
          ...(consentReplies ? { consentReplies } : {}),
        },
        ...(options.campaignReplyWindowDays
          ? { campaignReplyWindowDays: options.campaignReplyWindowDays }
          : {}),
        logger,
        ...(options.onOutcome
          ? {
              onOutcome: (message: QueueMessage, outcome: EventOutcome) =>
                options.onOutcome!(family, message, outcome),
            }
          : {}),
      }),
    ]),
  ) as Record<EventFamily, ReturnType<typeof createProcessEventsHandler>>;
  // Local origins are added by allowLocalMediaOrigin only: code, never a webhook or the stage config.
  const localMediaOrigins: string[] = [];
  const archiveMedia = createArchiveMediaHandler({
    archiver: new MediaArchiver(options.s3, {
      bucketName: options.mediaBucket,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
      fetchTimeoutMs: options.fetchTimeoutMs ?? 5_000,
      urlPolicy: { allowedHosts: options.mediaHosts ?? defaultMediaHosts, localOrigins: localMediaOrigins },
    }),
    activities,
    logger,
    ...(options.onArchiveResult ? { onResult: options.onArchiveResult } : {}),
  });
  return {
    processors,
    archiveMedia,
    archiveQueue,
    events,
    activities,
    contacts,
    suppressions,
    deliveryHealth,
    crmTable,
    campaigns,
    documents,
    /**
     * Lets the archiver fetch media over http from one loopback origin (the simulated OpenPhone, a
     * test's media server); anything else throws.
     */
    allowLocalMediaOrigin(url: string): void {
      localMediaOrigins.push(loopbackOrigin(url));
    },
    /** Starts every consumer, like enabled event source mappings. */
    start(): void {
      for (const family of eventFamilies) options.familyQueues[family].start(processors[family]);
      archiveQueue.start(archiveMedia);
    },
    async stop(): Promise<void> {
      await Promise.all([...eventFamilies.map((f) => options.familyQueues[f].stop()), archiveQueue.stop()]);
    },
  };
}
export type LocalProcessing = ReturnType<typeof buildLocalProcessing>;
