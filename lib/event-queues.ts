import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { eventFamilies, type EventFamily } from '../lambdas/events/domain/event-types';

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
