import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { eventsTableKeys, statusKeyOf, type EventRecord, type EventStatus } from '../domain/event-record';
import type { EventFamily } from '../domain/event-types';

export type OpenEventSummary = Pick<
  EventRecord,
  'eventId' | 'type' | 'family' | 'status' | 'failureReason' | 'attempts' | 'occurredAt'
> & {
  statusSince: string;
};

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
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as { name?: string }).name === 'ConditionalCheckFailedException'
      ) {
        return 'duplicate';
      }
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

  /** Events of one family in one open status (received = not yet processed), oldest first. */
  async listEvents(
    status: Exclude<EventStatus, 'processed'>,
    family: EventFamily | undefined,
    options: { limit?: number; cursor?: string } = {},
  ): Promise<EventPage> {
    const { Items, LastEvaluatedKey } = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: eventsTableKeys.byStatusIndex,
        KeyConditionExpression: '#k = :k',
        ExpressionAttributeNames: { '#k': eventsTableKeys.statusKey },
        ExpressionAttributeValues: { ':k': statusKeyOf(status, family) },
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
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: eventsTableKeys.byStatusIndex,
          KeyConditionExpression: '#k = :k',
          ExpressionAttributeNames: { '#k': eventsTableKeys.statusKey },
          ExpressionAttributeValues: { ':k': statusKeyOf(status, family) },
          Select: 'COUNT',
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      count += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return count;
  }
}
