import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  defaultEventRetentionDays,
  eventsTableKeys,
  expiresAtAfterClosing,
  statusKeyOf,
  type EventRecord,
  type EventStatus,
} from '../domain/event-record';
import type { EventFamily } from '../domain/event-types';
import { isConditionFailure, queryAll } from '../../shared/dynamo';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { EventRecordMissingError } from '../errors';
import { recordOfItem, storedAttributesOf } from './stored-payload';
import {
  arrivalsSweptUntil,
  countEvents,
  listArrivedBetween,
  listEvents,
  listFailedBefore,
  listReceivedBefore,
  recordArrivalsSweptUntil,
  type EventPage,
  type EventTableAccess,
} from './event-listings';

export type { OpenEventSummary } from './event-listings';

export interface FailureMark {
  family: EventFamily;
  /** Why processing failed: a validation reason or the name of a transient error. */
  reason: string;
  /** Receives so far (SQS ApproximateReceiveCount). */
  attempts: number;
  at?: Date;
  /** The OpenPhone object it is about, when the payload was read: files it for an erase (byObject). */
  objectId?: string;
}

export type RecordingOutcome = { outcome: 'recorded' } | { outcome: 'duplicate'; existing?: EventRecord };

export interface EventRepositoryOptions {
  /** Days a closed (processed) event is kept before the TTL removes it. @default 90 */
  retentionDays?: number;
}

/** The events table: idempotency records and the outbox. */
export class EventRepository {
  private readonly retentionDays: number;

  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: EventRepositoryOptions = {},
  ) {
    this.retentionDays = options.retentionDays ?? defaultEventRetentionDays;
  }

  /** Stores the event unless its id is already there: the one write that makes delivery idempotent. */
  async recordEventOnce(record: EventRecord): Promise<'recorded' | 'duplicate'> {
    return (await this.recordEventOrFind(record)).outcome;
  }

  /**
   * `recordEventOnce`, answering a duplicate with the stored record (returned by the refused put
   * itself, so a duplicate costs no extra read; a GetItem only where the store does not return it).
   */
  async recordEventOrFind(record: EventRecord): Promise<RecordingOutcome> {
    try {
      // Written as attribute values: the document client's marshall of the item cost the ingest ~0.5× a bare HMAC.
      await this.documents.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: storedAttributesOf(record),
          ConditionExpression: 'attribute_not_exists(#id)',
          ExpressionAttributeNames: { '#id': eventsTableKeys.partitionKey },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { outcome: 'recorded' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const returned = (error as { Item?: Record<string, unknown> }).Item;
      const existing = returned
        ? recordOfItem(unmarshall(returned as never))
        : await this.getEvent(record.eventId);
      return { outcome: 'duplicate', ...(existing ? { existing } : {}) };
    }
  }

  /**
   * Blanks the raw bodies of an erased person's events: those their records list (`eventIds`, by
   * key) and those filed under the records' objects (byObject: events that failed once their
   * object was known, and every event closed before records listed their ids).
   * The payload becomes empty and `payloadErasedAt` says when; id, type, status and times stay, so
   * a redelivery is still a duplicate. Answers how many bodies were blanked.
   */
  async erasePayloadsAbout(
    objectIds: readonly string[],
    erasedAt: string,
    listedEventIds: readonly string[] = [],
  ): Promise<number> {
    const eventIds = new Set(listedEventIds);
    for (const objectId of new Set(objectIds)) {
      const events = await queryAll(this.documents, {
        TableName: this.tableName,
        IndexName: eventsTableKeys.byObjectIndex,
        KeyConditionExpression: '#object = :object',
        ExpressionAttributeNames: { '#object': eventsTableKeys.objectKey },
        ExpressionAttributeValues: { ':object': objectId },
      });
      for (const event of events) eventIds.add(String(event[eventsTableKeys.partitionKey]));
    }
    let erased = 0;
    for (const eventId of eventIds) if (await this.erasePayload(eventId, erasedAt)) erased++;
    return erased;
  }

  /** Blanks one event's raw body; false when it is gone or was blanked before. */
  async erasePayload(eventId: string, erasedAt: string): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [eventsTableKeys.partitionKey]: eventId },
          UpdateExpression: 'SET #payload = :empty, #erasedAt = :at',
          ConditionExpression: 'attribute_exists(#id) AND attribute_not_exists(#erasedAt)',
          ExpressionAttributeNames: {
            '#id': eventsTableKeys.partitionKey,
            '#payload': 'payload',
            '#erasedAt': 'payloadErasedAt',
          },
          ExpressionAttributeValues: { ':empty': '', ':at': erasedAt },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
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
    return Item ? recordOfItem(Item) : undefined;
  }

  /**
   * Closes an event in one write: `processed` with its time, filed under the OpenPhone object it is
   * about when given (byObject, for an erase: only when no CRM record lists it), out of the byStatus index if it was listed there, and its TTL
   * starts now. Also ends a previously failed event, whose earlier reason is dropped. Its byArrival
   * entry is keys only and its keys do not change, so the close writes nothing there.
   */
  async markProcessed(eventId: string, at: Date = new Date(), objectId?: string): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [eventsTableKeys.partitionKey]: eventId },
          UpdateExpression: `SET #status = :processed, #processedAt = :at, #expiresAt = :expiresAt${
            objectId ? ', #object = :object' : ''
          } REMOVE #statusKey, #statusSince, #reason, #nextSweepAt`,
          ConditionExpression: 'attribute_exists(#id)',
          ExpressionAttributeNames: {
            '#id': eventsTableKeys.partitionKey,
            '#status': 'status',
            '#processedAt': 'processedAt',
            '#statusKey': eventsTableKeys.statusKey,
            '#statusSince': eventsTableKeys.statusSortKey,
            '#reason': 'failureReason',
            '#expiresAt': eventsTableKeys.ttlAttribute,
            '#nextSweepAt': 'nextSweepAt',
            ...(objectId ? { '#object': eventsTableKeys.objectKey } : {}),
          },
          ExpressionAttributeValues: {
            ':processed': 'processed',
            ':at': at.toISOString(),
            ':expiresAt': expiresAtAfterClosing(at, this.retentionDays),
            ...(objectId ? { ':object': objectId } : {}),
          },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new EventRecordMissingError(eventId);
      throw error;
    }
  }

  /**
   * Records a failed attempt: `failed` with the reason and the attempt count, listed under
   * `failed#<family>`, with no TTL (an open event never expires; records written before the TTL
   * moved to closing lose theirs here). An event already processed stays processed (`already-processed`).
   */
  async markFailed(eventId: string, failure: FailureMark): Promise<'marked' | 'already-processed'> {
    const at = (failure.at ?? new Date()).toISOString();
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [eventsTableKeys.partitionKey]: eventId },
          UpdateExpression: `SET #status = :failed, #statusKey = :statusKey, #statusSince = :since, #reason = :reason, #attempts = :attempts${
            failure.objectId ? ', #object = :object' : ''
          } REMOVE #expiresAt, #nextSweepAt`,
          ConditionExpression: 'attribute_exists(#id) AND #status <> :processed',
          ExpressionAttributeNames: {
            ...(failure.objectId ? { '#object': eventsTableKeys.objectKey } : {}),
            '#id': eventsTableKeys.partitionKey,
            '#status': 'status',
            '#statusKey': eventsTableKeys.statusKey,
            '#statusSince': eventsTableKeys.statusSortKey,
            '#reason': 'failureReason',
            '#attempts': 'attempts',
            '#expiresAt': eventsTableKeys.ttlAttribute,
            '#nextSweepAt': 'nextSweepAt',
          },
          ExpressionAttributeValues: {
            ':failed': 'failed',
            ':processed': 'processed',
            ':statusKey': statusKeyOf('failed', failure.family),
            ':since': `${at}#${eventId}`,
            ':reason': failure.reason,
            ':attempts': failure.attempts,
            ...(failure.objectId ? { ':object': failure.objectId } : {}),
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

  /**
   * Counts one more re-dispatch of a still-received event and when the next may happen, only while
   * it is still `received` with the count the caller read (two sweeps never both hand it on), and
   * lists it under `received#<family>` in byStatus: a stuck event is listed, one on its way is not.
   * `stale`: it was processed, failed or re-dispatched meanwhile.
   */
  async recordRedispatch(
    eventId: string,
    change: { previous: number; nextSweepAt: Date; family: EventFamily; receivedAt: string },
  ): Promise<'recorded' | 'stale'> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [eventsTableKeys.partitionKey]: eventId },
          UpdateExpression:
            'SET #redispatches = :next, #nextSweepAt = :nextSweepAt, #statusKey = :statusKey, #statusSince = :since REMOVE #expiresAt',
          ConditionExpression:
            change.previous === 0
              ? '#status = :received AND attribute_not_exists(#redispatches)'
              : '#status = :received AND #redispatches = :previous',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#redispatches': 'redispatches',
            '#nextSweepAt': 'nextSweepAt',
            '#expiresAt': eventsTableKeys.ttlAttribute,
            '#statusKey': eventsTableKeys.statusKey,
            '#statusSince': eventsTableKeys.statusSortKey,
          },
          ExpressionAttributeValues: {
            ':received': 'received',
            ':statusKey': statusKeyOf('received', change.family),
            ':since': `${change.receivedAt}#${eventId}`,
            ':next': change.previous + 1,
            ':nextSweepAt': change.nextSweepAt.toISOString(),
            ...(change.previous === 0 ? {} : { ':previous': change.previous }),
          },
        }),
      );
      return 'recorded';
    } catch (error) {
      if (isConditionFailure(error)) return 'stale';
      throw error;
    }
  }

  /**
   * Gives up on a received event no queue would take: `failed` with `reason`, listed under
   * `failed#<family>` for a re-drive, only while it is still `received`.
   */
  async markUndeliverable(
    eventId: string,
    failure: { family: EventFamily; reason: string; at: Date },
  ): Promise<'marked' | 'stale'> {
    const at = failure.at.toISOString();
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [eventsTableKeys.partitionKey]: eventId },
          UpdateExpression:
            'SET #status = :failed, #statusKey = :statusKey, #statusSince = :since, #reason = :reason REMOVE #expiresAt, #nextSweepAt',
          ConditionExpression: '#status = :received',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#statusKey': eventsTableKeys.statusKey,
            '#statusSince': eventsTableKeys.statusSortKey,
            '#reason': 'failureReason',
            '#expiresAt': eventsTableKeys.ttlAttribute,
            '#nextSweepAt': 'nextSweepAt',
          },
          ExpressionAttributeValues: {
            ':failed': 'failed',
            ':received': 'received',
            ':statusKey': statusKeyOf('failed', failure.family),
            ':since': `${at}#${eventId}`,
            ':reason': failure.reason,
          },
        }),
      );
      return 'marked';
    } catch (error) {
      if (isConditionFailure(error)) return 'stale';
      throw error;
    }
  }

  /** The events table as the listings (event-listings.ts) reach it. */
  private get table(): EventTableAccess {
    return { documents: this.documents, tableName: this.tableName };
  }

  /** Events that arrived in [from, to), oldest first, at most `limit` (the byArrival index). */
  listArrivedBetween(
    from: Date,
    to: Date,
    limit: number,
  ): Promise<Array<Pick<EventRecord, 'eventId' | 'receivedAt'>>> {
    return listArrivedBetween(this.table, from, to, limit);
  }

  /** Up to when the sweeper has looked at arrivals (ISO), or undefined before its first run. */
  arrivalsSweptUntil(): Promise<string | undefined> {
    return arrivalsSweptUntil(this.table);
  }

  /** Moves the sweeper's arrival watermark forward (never back). */
  recordArrivalsSweptUntil(until: string): Promise<void> {
    return recordArrivalsSweptUntil(this.table, until);
  }

  /** Ids of a family's events still `received` (stuck, listed) before `receivedBefore`, oldest first. */
  listReceivedBefore(family: EventFamily, receivedBefore: Date, limit: number): Promise<string[]> {
    return listReceivedBefore(this.table, family, receivedBefore, limit);
  }

  /** Ids of a family's events that failed (last) before `failedBefore`, oldest first. */
  listFailedBefore(family: EventFamily, failedBefore: Date, limit: number): Promise<string[]> {
    return listFailedBefore(this.table, family, failedBefore, limit);
  }

  /** Events of one family in one open status, oldest first, a page at a time. */
  listEvents(
    status: Exclude<EventStatus, 'processed'>,
    family: EventFamily | undefined,
    options: { limit?: number; cursor?: string } = {},
  ): Promise<EventPage> {
    return listEvents(this.table, status, family, options);
  }

  /** How many events of one family sit in one open status. */
  countEvents(status: Exclude<EventStatus, 'processed'>, family: EventFamily | undefined): Promise<number> {
    return countEvents(this.table, status, family);
  }
}
