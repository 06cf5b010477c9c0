import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { eventsTableKeys, statusKeyOf, type EventRecord, type EventStatus } from '../domain/event-record';
import type { EventFamily } from '../domain/event-types';
import { countAll, isConditionFailure } from '../../shared/dynamo';
import { EventRecordMissingError } from '../errors';

export type OpenEventSummary = Pick<
  EventRecord,
  'eventId' | 'type' | 'family' | 'status' | 'failureReason' | 'attempts' | 'occurredAt'
> & {
  statusSince: string;
};

export interface FailureMark {
  family: EventFamily;
  /** Why processing failed: a validation reason or the name of a transient error. */
  reason: string;
  /** Receives so far (SQS ApproximateReceiveCount). */
  attempts: number;
  at?: Date;
}

export interface EventPage {
  events: OpenEventSummary[];
  cursor?: string;
}

/** The events table: idempotency records and the outbox. */
export class EventRepository {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Stores the event unless its id is already there: the one write that makes delivery idempotent. */
  async recordEventOnce(record: EventRecord): Promise<'recorded' | 'duplicate'> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: record,
          ConditionExpression: 'attribute_not_exists(#id)',
          ExpressionAttributeNames: { '#id': eventsTableKeys.partitionKey },
        }),
      );
      return 'recorded';
    } catch (error) {
      if (isConditionFailure(error)) return 'duplicate';
      throw error;
    }
  }

  async getEvent(eventId: string): Promise<EventRecord | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [eventsTableKeys.partitionKey]: eventId },
        ConsistentRead: true,
      }),
    );
    return Item as EventRecord | undefined;
  }

  /**
   * Closes an event: `processed` with its time, out of the byStatus index (open events only live
   * there). Also ends a previously failed event, whose earlier reason is dropped.
   */
  async markProcessed(eventId: string, at: Date = new Date()): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [eventsTableKeys.partitionKey]: eventId },
          UpdateExpression:
            'SET #status = :processed, #processedAt = :at REMOVE #statusKey, #statusSince, #reason',
          ConditionExpression: 'attribute_exists(#id)',
          ExpressionAttributeNames: {
            '#id': eventsTableKeys.partitionKey,
            '#status': 'status',
            '#processedAt': 'processedAt',
            '#statusKey': eventsTableKeys.statusKey,
            '#statusSince': eventsTableKeys.statusSortKey,
            '#reason': 'failureReason',
          },
          ExpressionAttributeValues: { ':processed': 'processed', ':at': at.toISOString() },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new EventRecordMissingError(eventId);
      throw error;
    }
  }

  /**
   * Records a failed attempt: `failed` with the reason and the attempt count, listed under
   * `failed#<family>`. An event already processed stays processed (`already-processed`).
   */
  async markFailed(eventId: string, failure: FailureMark): Promise<'marked' | 'already-processed'> {
    const at = (failure.at ?? new Date()).toISOString();
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [eventsTableKeys.partitionKey]: eventId },
          UpdateExpression:
            'SET #status = :failed, #statusKey = :statusKey, #statusSince = :since, #reason = :reason, #attempts = :attempts',
          ConditionExpression: 'attribute_exists(#id) AND #status <> :processed',
          ExpressionAttributeNames: {
            '#id': eventsTableKeys.partitionKey,
            '#status': 'status',
            '#statusKey': eventsTableKeys.statusKey,
            '#statusSince': eventsTableKeys.statusSortKey,
            '#reason': 'failureReason',
            '#attempts': 'attempts',
          },
          ExpressionAttributeValues: {
            ':failed': 'failed',
            ':processed': 'processed',
            ':statusKey': statusKeyOf('failed', failure.family),
            ':since': `${at}#${eventId}`,
            ':reason': failure.reason,
            ':attempts': failure.attempts,
          },
        }),
      );
      return 'marked';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      if (await this.getEvent(eventId)) return 'already-processed';
      throw new EventRecordMissingError(eventId);
    }
  }

  /** Events of one family in one open status (received = not yet processed), oldest first. */
  async listEvents(
    status: Exclude<EventStatus, 'processed'>,
    family: EventFamily | undefined,
    options: { limit?: number; cursor?: string } = {},
  ): Promise<EventPage> {
    const { Items, LastEvaluatedKey } = await this.documents.send(
      new QueryCommand({
        ...this.byStatus(status, family),
        Limit: options.limit ?? 50,
        ...(options.cursor
          ? { ExclusiveStartKey: JSON.parse(Buffer.from(options.cursor, 'base64url').toString()) }
          : {}),
      }),
    );
    return {
      events: (Items ?? []) as OpenEventSummary[],
      ...(LastEvaluatedKey
        ? { cursor: Buffer.from(JSON.stringify(LastEvaluatedKey)).toString('base64url') }
        : {}),
    };
  }

  /** How many events of one family sit in one open status (a query of the sparse index, counted). */
  async countEvents(
    status: Exclude<EventStatus, 'processed'>,
    family: EventFamily | undefined,
  ): Promise<number> {
    return countAll(this.documents, this.byStatus(status, family));
  }

  /** The query of one partition of the sparse byStatus index. */
  private byStatus(status: Exclude<EventStatus, 'processed'>, family: EventFamily | undefined) {
    return {
      TableName: this.tableName,
      IndexName: eventsTableKeys.byStatusIndex,
      KeyConditionExpression: '#k = :k',
      ExpressionAttributeNames: { '#k': eventsTableKeys.statusKey },
      ExpressionAttributeValues: { ':k': statusKeyOf(status, family) },
    };
  }
}
