import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { crmEventsEntry } from '../lambdas/crm-events';
import { environmentNames } from '../lambdas/shared/environment';
import { BridgeFunction } from './bridge-function';
import type { CampaignStore } from './campaigns';
import type { CrmStore } from './crm';
import { acceptNagFinding } from './nag';

export interface CrmEventsProps {
  /** The CRM table: its stream is the outbox of activity, contact and consent events. */
  readonly crm: CrmStore;
  /** The campaign table: its stream is the outbox of `campaign.completed`. */
  readonly campaigns: CampaignStore;
  /** Message text, summaries and transcripts in activity events. @default false */
  readonly includeText?: boolean;
  readonly logRetention?: RetentionDays;
}

/** The CRM item kinds whose writes can make an event: everything else is filtered out before the Lambda. */
const publishedCrmEntities = [
  'activity',
  'contact',
  'suppression',
  'erasure-audit',
  'erased-activity',
  'conversation',
];

/**
 * The bridge's own EventBridge bus and its publisher (docs/crm-events.md): the CRM and campaign
 * tables' streams (new and old images) are the outbox; one Lambda maps each write to CRM events
 * and puts them on the bus, at least once. A stream batch it cannot publish is retried until it
 * ages out (24 h), then its place in the stream goes to `publishFailures`.
 */
export class CrmEvents extends Construct {
  readonly bus: EventBus;
  readonly publishFunction: BridgeFunction;
  /** Stream batches whose events could not be published after every retry (a pointer to the stream range). */
  readonly publishFailures: Queue;

  constructor(scope: Construct, id: string, props: CrmEventsProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', {
      description: 'CRM events of the OpenPhone Bridge: activities, contacts, consent, messages, campaigns',
    });
    this.publishFunction = new BridgeFunction(this, 'PublishFunction', {
      entry: crmEventsEntry,
      description: 'Publishes CRM events from the CRM and campaign table streams to the bridge bus',
      memorySize: 256,
      timeout: Duration.seconds(30),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      environment: {
        [environmentNames.crmEventBus]: this.bus.eventBusName,
        [environmentNames.crmEventsIncludeText]: String(props.includeText ?? false),
      },
    });
    // events:PutEvents on this bus only.
    this.bus.grantPutEventsTo(this.publishFunction);

    this.publishFailures = new Queue(this, 'PublishFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acceptNagFinding(
      this.publishFunction,
      'IAM5[Resource::*]',
      'dynamodb:ListStreams (granted with the stream event source) supports no resource-level permissions.',
    );
    acceptNagFinding(
      this.publishFailures,
      'SQS3',
      'This queue is itself the on-failure destination of the stream mappings.',
    );
    this.readStream(props.crm.table, {
      dynamodb: { NewImage: { entity: { S: FilterRule.or(...publishedCrmEntities) } } },
    });
    this.readStream(props.campaigns.table, {
      dynamodb: {
        NewImage: {
          entity: { S: FilterRule.isEqual('campaign') },
          state: { M: { status: { S: FilterRule.isEqual('completed') } } },
        },
      },
    });
  }

  private readStream(table: ITable, pattern: Record<string, unknown>): void {
    this.publishFunction.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        // Retry until the record ages out of the stream (24 h): an event is late rather than lost.
        retryAttempts: -1,
        maxRecordAge: Duration.hours(24),
        // One batch at a time per shard: events of one record reach the bus in the order written.
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.publishFailures),
        filters: [FilterCriteria.filter({ eventName: FilterRule.or('INSERT', 'MODIFY'), ...pattern })],
      }),
    );
  }
}
