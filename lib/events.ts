import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { dataTable } from './data-table';
import {
  defaultSweepPolicy,
  eventsEntries,
  eventsTableKeys,
  eventFamilies,
  queueUrlVariable,
  type EventFamily,
} from '../lambdas/events';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Grant, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { environmentNames } from '../lambdas/shared/environment';
import { BridgeFunction } from './bridge-function';

export interface EventStoreProps {
  /** What happens to the table when the stack is deleted. @default RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The events table: one item per OpenPhone event id (the idempotency record and the outbox), a
 * keys-only index of routed events by arrival hour (the sweeper's way to one never handed on or
 * never finished), and a sparse index of events failed / ignored / found stuck.
 */
export class EventStore extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: EventStoreProps = {}) {
    super(scope, id);
    this.table = dataTable(this, 'EventsTable', {
      partitionKey: { name: eventsTableKeys.partitionKey, type: AttributeType.STRING },
      timeToLiveAttribute: eventsTableKeys.ttlAttribute,
      ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
    });
    this.table.addGlobalSecondaryIndex({
      indexName: eventsTableKeys.byStatusIndex,
      partitionKey: { name: eventsTableKeys.statusKey, type: AttributeType.STRING },
      sortKey: { name: eventsTableKeys.statusSortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...eventsTableKeys.byStatusAttributes],
    });
    this.table.addGlobalSecondaryIndex({
      indexName: eventsTableKeys.byArrivalIndex,
      partitionKey: { name: eventsTableKeys.arrivalKey, type: AttributeType.STRING },
      sortKey: { name: eventsTableKeys.arrivalSortKey, type: AttributeType.STRING },
      // Keys only: no attribute the close changes is projected, so closing an event writes no entry.
      projectionType: ProjectionType.KEYS_ONLY,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: eventsTableKeys.byObjectIndex,
      partitionKey: { name: eventsTableKeys.objectKey, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
  }

  /**
   * An erase: blank a person's event bodies by key (the ids their CRM records list) and those found
   * through the sparse `byObject` index.
   */
  grantPayloadErase(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query', 'dynamodb:UpdateItem'],
      resourceArns: [this.table.tableArn, `${this.table.tableArn}/index/${eventsTableKeys.byObjectIndex}`],
    });
  }
}

export interface EventQueuesProps {
  /** Timeout of the processor that consumes each queue; the visibility timeout is 6× it. @default 30 seconds */
  readonly consumerTimeout?: Duration;
  /** Receives before a message moves to its family's dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
}

export interface FamilyQueue {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
}

/** One SQS queue per event family, each with its own dead-letter queue; encrypted, TLS only. */
export class EventQueues extends Construct {
  static readonly defaultConsumerTimeout = Duration.seconds(30);
  readonly byFamily: Readonly<Record<EventFamily, FamilyQueue>>;
  readonly maxReceiveCount: number;

  constructor(scope: Construct, id: string, props: EventQueuesProps = {}) {
    super(scope, id);
    const consumerTimeout = props.consumerTimeout ?? EventQueues.defaultConsumerTimeout;
    this.maxReceiveCount = props.maxReceiveCount ?? 5;
    const byFamily = {} as Record<EventFamily, FamilyQueue>;
    for (const family of eventFamilies) {
      const name = family
        .split('-')
        .map((w) => w[0]!.toUpperCase() + w.slice(1))
        .join('');
      const deadLetterQueue = new Queue(this, `${name}DeadLetterQueue`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      const queue = new Queue(this, `${name}Queue`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(consumerTimeout.toSeconds() * 6),
        retentionPeriod: Duration.days(4),
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: this.maxReceiveCount },
      });
      byFamily[family] = { queue, deadLetterQueue };
    }
    this.byFamily = byFamily;
  }
}

export interface EventSweeperProps {
  readonly events: EventStore;
  readonly queues: EventQueues;
  /** How often the sweeper runs: an EventBridge schedule expression. @default rate(5 minutes) */
  readonly schedule?: string;
  /** Minutes after its arrival before a still-received event is handed on again. @default 10 */
  readonly stuckAfterMinutes?: number;
  /** Re-dispatches before a stuck event is failed as `undeliverable`. @default 12 */
  readonly maxRedispatches?: number;
  /** The stage's `retention.activitiesDays`: failed events' raw bodies are blanked after it. */
  readonly bodyRetentionDays?: number;
  readonly logRetention?: RetentionDays;
}

/**
 * The sweeper: a Lambda run on a schedule that hands every event still `received` past the stuck
 * age to its family queue again (counted and backed off on the event), and fails it as
 * `undeliverable` after the last try. Nothing the ingest accepted is left behind.
 */
export class EventSweeper extends Construct {
  static readonly defaultSchedule = 'rate(5 minutes)';
  readonly sweepFunction: BridgeFunction;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: EventSweeperProps) {
    super(scope, id);
    const table = props.events.table;
    this.sweepFunction = new BridgeFunction(this, 'SweepFunction', {
      entry: eventsEntries.sweep,
      description: 'Hands events stuck in received to their family queue again; fails the undeliverable',
      memorySize: 256,
      timeout: Duration.minutes(2),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      environment: {
        [environmentNames.eventsTable]: table.tableName,
        ...Object.fromEntries(
          eventFamilies.map((f) => [queueUrlVariable(f), props.queues.byFamily[f].queue.queueUrl]),
        ),
        [environmentNames.stuckEventAfterMinutes]: String(
          props.stuckAfterMinutes ?? defaultSweepPolicy.stuckAfterMinutes,
        ),
        [environmentNames.maxEventRedispatches]: String(
          props.maxRedispatches ?? defaultSweepPolicy.maxRedispatches,
        ),
        ...(props.bodyRetentionDays
          ? { [environmentNames.activityRetentionDays]: String(props.bodyRetentionDays) }
          : {}),
      },
    });
    // Find new arrivals and stuck events in the indexes, read each, count a try on it, keep the watermark.
    this.sweepFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [
          `${table.tableArn}/index/${eventsTableKeys.byStatusIndex}`,
          `${table.tableArn}/index/${eventsTableKeys.byArrivalIndex}`,
        ],
      }),
    );
    this.sweepFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
      }),
    );
    for (const family of eventFamilies)
      props.queues.byFamily[family].queue.grantSendMessages(this.sweepFunction);
    this.schedule = new Rule(this, 'Schedule', {
      description: 'Runs the event sweeper',
      schedule: Schedule.expression(props.schedule ?? EventSweeper.defaultSchedule),
      targets: [new LambdaFunction(this.sweepFunction, { retryAttempts: 0 })],
    });
  }

  /**
   * Has each run count what waits in these dead-letter queues (name → queue) into
   * `DeadLettersWaiting`: one alarm on that metric pages for all of them (lib/bridge-monitoring.ts).
   */
  watchDeadLetters(queues: Readonly<Record<string, IQueue>>): void {
    const urls = Object.fromEntries(Object.entries(queues).map(([name, queue]) => [name, queue.queueUrl]));
    this.sweepFunction.addEnvironment(environmentNames.deadLetterQueues, Stack.of(this).toJsonString(urls));
    for (const queue of Object.values(queues)) queue.grant(this.sweepFunction, 'sqs:GetQueueAttributes');
  }
}
