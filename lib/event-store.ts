import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { dataTable } from './data-table';
import { eventsTableKeys } from '../lambdas/events/domain/event-record';

export interface EventStoreProps {
  /** What happens to the table when the stack is deleted. @default RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The events table: one item per OpenPhone event id (the idempotency record), a sparse index of
 * events not yet processed / failed / ignored, and a stream that is the outbox to the queues.
 */
export class EventStore extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: EventStoreProps = {}) {
    super(scope, id);
    this.table = dataTable(this, 'EventsTable', {
      partitionKey: { name: eventsTableKeys.partitionKey, type: AttributeType.STRING },
      timeToLiveAttribute: eventsTableKeys.ttlAttribute,
      stream: StreamViewType.NEW_IMAGE,
      ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
    });
    this.table.addGlobalSecondaryIndex({
      indexName: eventsTableKeys.byStatusIndex,
      partitionKey: { name: eventsTableKeys.statusKey, type: AttributeType.STRING },
      sortKey: { name: eventsTableKeys.statusSortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...eventsTableKeys.byStatusAttributes],
    });
  }
}
