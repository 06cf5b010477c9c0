// The processors of the event families and the media archiver: functions, their queues' event
// sources, the media bucket and the archive queue, and every grant they need.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { eventsEntries, eventFamilies, type EventFamily } from '../lambdas/events';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { environmentNames } from '../lambdas/shared/environment';
import { defaultReplyWindowDays } from '../lambdas/campaigns';
import {
  archiveMediaEntry,
  defaultMaxArchiveBytes,
  defaultMediaHosts,
  defaultYesWindowHours,
  type ConsentReplySettings,
  type FollowUpSettings,
} from '../lambdas/crm';
import type { SecureParameter } from './bridge-parameters';
import type { RateLimitStore } from './openphone';
import { BridgeFunction } from './bridge-function';
import type { CampaignStore } from './campaigns';
import type { CrmStore } from './crm';
import { EventQueues, type EventStore } from './events';
import { acceptNagFinding } from './nag';

export interface EventProcessingProps {
  readonly events: EventStore;
  readonly queues: EventQueues;
  readonly crm: CrmStore;
  /** The campaign table: message events update its recipients' delivery, replies and opt-outs. */
  readonly campaigns: CampaignStore;
  /** Days after a campaign send in which its recipient's messages count as replies. @default 7 */
  readonly campaignReplyWindowDays?: number;
  /** Hours after a "reply YES" message in which a YES lifts an opt-out. @default 24 */
  readonly consentYesWindowHours?: number;
  /** Extra whole-message opt-in words beside START, UNSTOP, SUBSCRIBE, RESUME. @default [] */
  readonly consentOptInWords?: readonly string[];
  /** Business hours and reply targets (the stage's `followUp`): spells' due and response times. @default the domain's defaults */
  readonly followUp?: FollowUpSettings;
  /** Records per processor invocation. @default 10 */
  readonly batchSize?: number;
  /** Days a processed event is kept; its TTL starts when it is processed. @default 90 */
  readonly eventRetentionDays?: number;
  /** Largest media object archived, in bytes. @default 25 MiB */
  readonly maxMediaBytes?: number;
  /** Hosts the archiver may fetch media from (https only). @default OpenPhone's media hosts */
  readonly mediaHosts?: readonly string[];
  /** Receives of an archive job before it moves to the archive DLQ. @default 5 */
  readonly archiveMaxReceiveCount?: number;
  /** What happens to the media bucket when the stack is deleted. @default RETAIN */
  readonly mediaRemovalPolicy?: RemovalPolicy;
  /** Days after their creation activities expire (DynamoDB TTL). @default kept */
  readonly activityRetentionDays?: number;
  /** Days after archiving archived media under `media/` expire (S3 lifecycle rule). @default kept */
  readonly mediaRetentionDays?: number;
  readonly logRetention?: RetentionDays;
  /**
   * Confirmation replies to STOP and HELP, sent by the messages processor through the shared
   * limit's interactive lane. @default off
   */
  readonly consentReplies?: {
    readonly settings: ConsentReplySettings;
    readonly apiKey: SecureParameter;
    readonly rateLimit: RateLimitStore;
  };
}

/**
 * What a processor does to the CRM table (see lambdas/crm/adapters): keyed reads and conditional
 * writes; ConditionCheckItem for the erasure-marker checks in an activity's or contact's transaction.
 */
export const crmRecordWriteActions = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
];

/** `call-intelligence` → `CallIntelligence`: construct ids per family. */
const pascal = (family: EventFamily) =>
  family
    .split('-')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');

/**
 * The processors: one Lambda per event family fed by its queue (partial batch failures), writing
 * CRM records and marking each event processed or failed; and the media archive — a bucket, a job
 * queue with its DLQ, and the archiver Lambda that copies OpenPhone's expiring media URLs into it.
 */
export class EventProcessing extends Construct {
  static readonly archiverTimeout = Duration.seconds(60);
  readonly processors: Readonly<Record<EventFamily, BridgeFunction>>;
  readonly mediaBucket: Bucket;
  readonly archiveQueue: Queue;
  readonly archiveDeadLetterQueue: Queue;
  readonly archiveFunction: BridgeFunction;

  constructor(scope: Construct, id: string, props: EventProcessingProps) {
    super(scope, id);
    const eventsTable = props.events.table;
    const logRetention = props.logRetention ? { logRetention: props.logRetention } : {};

    this.mediaBucket = new Bucket(this, 'MediaBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      removalPolicy: props.mediaRemovalPolicy ?? RemovalPolicy.RETAIN,
      ...(props.mediaRetentionDays
        ? {
            lifecycleRules: [
              { id: 'MediaRetention', prefix: 'media/', expiration: Duration.days(props.mediaRetentionDays) },
            ],
          }
        : {}),
    });
    acceptNagFinding(
      this.mediaBucket,
      'S1',
      'Only the archiver writes here (one key per media item, overwritten idempotently); its CloudWatch logs record every write. Server access logs would add a log bucket for no extra audit value.',
    );

    this.archiveDeadLetterQueue = new Queue(this, 'ArchiveDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.archiveQueue = new Queue(this, 'ArchiveQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(EventProcessing.archiverTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: {
        queue: this.archiveDeadLetterQueue,
        maxReceiveCount: props.archiveMaxReceiveCount ?? 5,
      },
    });

    const processors = {} as Record<EventFamily, BridgeFunction>;
    for (const family of eventFamilies) {
      const fn = new BridgeFunction(this, `${pascal(family)}Processor`, {
        entry: eventsEntries.process,
        description: `Processes OpenPhone ${family} events into CRM records`,
        memorySize: 512,
        timeout: EventQueues.defaultConsumerTimeout,
        ...logRetention,
        environment: {
          [environmentNames.eventFamily]: family,
          [environmentNames.eventsTable]: eventsTable.tableName,
          [environmentNames.eventRetentionDays]: String(props.eventRetentionDays ?? 90),
          [environmentNames.crmTable]: props.crm.table.tableName,
          [environmentNames.mediaArchiveQueueUrl]: this.archiveQueue.queueUrl,
          ...(props.followUp ? { [environmentNames.followUp]: JSON.stringify(props.followUp) } : {}),
          ...(props.activityRetentionDays
            ? { [environmentNames.activityRetentionDays]: String(props.activityRetentionDays) }
            : {}),
          // Only message events carry campaign deliveries, replies and opt-outs.
          ...(family === 'messages'
            ? {
                [environmentNames.campaignTable]: props.campaigns.table.tableName,
                [environmentNames.campaignReplyWindowDays]: String(
                  props.campaignReplyWindowDays ?? defaultReplyWindowDays,
                ),
                [environmentNames.consentYesWindowHours]: String(
                  props.consentYesWindowHours ?? defaultYesWindowHours,
                ),
                ...(props.consentOptInWords?.length
                  ? { [environmentNames.consentOptInWords]: props.consentOptInWords.join(',') }
                  : {}),
                ...(props.consentReplies?.settings.enabled
                  ? {
                      [environmentNames.consentReplies]: JSON.stringify(props.consentReplies.settings),
                      [environmentNames.openPhoneApiKeyParameter]: props.consentReplies.apiKey.parameterName,
                      [environmentNames.rateLimitTable]: props.consentReplies.rateLimit.table.tableName,
                    }
                  : {}),
              }
            : {}),
        },
      });
      // The event's own record only: read it (idempotency, payload by reference) and mark it.
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
          resources: [eventsTable.tableArn],
        }),
      );
      // Item writes by key only (upserts, transactions of Put/Delete, conditional updates); no index reads.
      fn.addToRolePolicy(
        new PolicyStatement({ actions: crmRecordWriteActions, resources: [props.crm.table.tableArn] }),
      );
      if (family === 'messages') props.campaigns.grantTrackingAccess(fn);
      if (family === 'messages' && props.consentReplies?.settings.enabled) {
        props.consentReplies.apiKey.grantRead(fn);
        props.consentReplies.rateLimit.grantAcquire(fn);
      }
      this.archiveQueue.grantSendMessages(fn);
      fn.addEventSource(
        new SqsEventSource(props.queues.byFamily[family].queue, {
          batchSize: props.batchSize ?? 10,
          maxBatchingWindow: Duration.seconds(1),
          reportBatchItemFailures: true,
        }),
      );
      processors[family] = fn;
    }
    this.processors = processors;

    this.archiveFunction = new BridgeFunction(this, 'ArchiveFunction', {
      entry: archiveMediaEntry,
      description: 'Copies OpenPhone media, recordings and voicemails into the media bucket',
      memorySize: 512,
      timeout: EventProcessing.archiverTimeout,
      ...logRetention,
      environment: {
        [environmentNames.crmTable]: props.crm.table.tableName,
        [environmentNames.mediaBucket]: this.mediaBucket.bucketName,
        [environmentNames.maxMediaBytes]: String(props.maxMediaBytes ?? defaultMaxArchiveBytes),
        [environmentNames.mediaHosts]: (props.mediaHosts ?? defaultMediaHosts).join(','),
      },
    });
    // Put objects under media/ and set the key beside the URL; delete a copy whose activity an
    // erase made a tombstone meanwhile: nothing else.
    this.archiveFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:DeleteObject'],
        resources: [this.mediaBucket.arnForObjects('media/*')],
      }),
    );
    acceptNagFinding(
      this.archiveFunction,
      `IAM5[Resource::<${Stack.of(this).getLogicalId(this.mediaBucket.node.defaultChild as CfnBucket)}.Arn>/media/*]`,
      'Objects are keyed per activity under media/ (media/<activityId>/<index>-<kind>.<ext>): the archiver may put any of them (and delete its own copy of an activity erased meanwhile).',
    );
    this.archiveFunction.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:UpdateItem'], resources: [props.crm.table.tableArn] }),
    );
    this.archiveFunction.addEventSource(
      new SqsEventSource(this.archiveQueue, {
        batchSize: 5,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
      }),
    );
  }
}
