// Reads of the events table's indexes (byArrival, byStatus) and the sweeper's arrival watermark:
// what the sweeper, the CLI and the console list; the writes of an event are event-repository.ts's.
import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  arrivalHourOf,
  eventsTableKeys,
  statusKeyOf,
  type EventRecord,
  type EventStatus,
} from '../domain/event-record';
import type { EventFamily } from '../domain/event-types';
import { countAll, eachPage, isConditionFailure } from '../../shared/dynamo';

/** The events table, as the listings reach it. */
export interface EventTableAccess {
  documents: DynamoDBDocumentClient;
  tableName: string;
}

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

/**
 * The one item of the events table that is not an event: the sweeper's arrival watermark. Its id
 * cannot be an OpenPhone event id (those are `EV…`), it has no status (no index, no stream dispatch).
 */
const sweepWatermarkId = 'sweep#arrivals';

/**
 * Events that arrived at or after `from` and before `to`, oldest first, at most `limit`: one range
 * query of the byArrival index per UTC hour in between (keys only: id and arrival time).
 */
export async function listArrivedBetween(
  table: EventTableAccess,
  from: Date,
  to: Date,
  limit: number,
): Promise<Array<Pick<EventRecord, 'eventId' | 'receivedAt'>>> {
  const arrivals: Array<Pick<EventRecord, 'eventId' | 'receivedAt'>> = [];
  if (to.getTime() <= from.getTime()) return arrivals;
  const hourMs = 3_600_000;
  for (let hour = Math.floor(from.getTime() / hourMs) * hourMs; hour < to.getTime(); hour += hourMs) {
    for await (const page of eachPage((startKey) =>
      table.documents.send(
        new QueryCommand({
          TableName: table.tableName,
          IndexName: eventsTableKeys.byArrivalIndex,
          // Arrival times are ISO with milliseconds: the millisecond before `to` ends the range.
          KeyConditionExpression: '#hour = :hour AND #at BETWEEN :from AND :last',
          ExpressionAttributeNames: {
            '#hour': eventsTableKeys.arrivalKey,
            '#at': eventsTableKeys.arrivalSortKey,
          },
          ExpressionAttributeValues: {
            ':hour': arrivalHourOf(new Date(hour)),
            ':from': from.toISOString(),
            ':last': new Date(to.getTime() - 1).toISOString(),
          },
          Limit: Math.min(limit - arrivals.length, 500),
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      ),
    )) {
      for (const item of page.Items ?? [])
        arrivals.push({
          eventId: String(item[eventsTableKeys.partitionKey]),
          receivedAt: String(item[eventsTableKeys.arrivalSortKey]),
        });
      if (arrivals.length >= limit) return arrivals;
    }
  }
  return arrivals;
}

/** Up to when the sweeper has looked at arrivals (ISO), or undefined before its first run. */
export async function arrivalsSweptUntil(table: EventTableAccess): Promise<string | undefined> {
  const { Item } = await table.documents.send(
    new GetCommand({
      TableName: table.tableName,
      Key: { [eventsTableKeys.partitionKey]: sweepWatermarkId },
      ConsistentRead: true,
    }),
  );
  return Item?.sweptUntil as string | undefined;
}

/** Moves the sweeper's arrival watermark forward (never back: two overlapping runs keep the later). */
export async function recordArrivalsSweptUntil(table: EventTableAccess, until: string): Promise<void> {
  try {
    await table.documents.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { [eventsTableKeys.partitionKey]: sweepWatermarkId },
        UpdateExpression: 'SET #until = :until',
        ConditionExpression: 'attribute_not_exists(#until) OR #until < :until',
        ExpressionAttributeNames: { '#until': 'sweptUntil' },
        ExpressionAttributeValues: { ':until': until },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/**
 * Ids of a family's events still `received` that arrived before `receivedBefore`, oldest first, at
 * most `limit`: the byStatus index sorts by `<receivedAt>#<eventId>`, so this is one range query.
 */
export function listReceivedBefore(
  table: EventTableAccess,
  family: EventFamily,
  receivedBefore: Date,
  limit: number,
): Promise<string[]> {
  return listInStatusBefore(table, 'received', family, receivedBefore, limit);
}

/** Ids of a family's events that failed (last) before `failedBefore`, oldest first, at most `limit`. */
export function listFailedBefore(
  table: EventTableAccess,
  family: EventFamily,
  failedBefore: Date,
  limit: number,
): Promise<string[]> {
  return listInStatusBefore(table, 'failed', family, failedBefore, limit);
}

async function listInStatusBefore(
  table: EventTableAccess,
  status: 'received' | 'failed',
  family: EventFamily,
  receivedBefore: Date,
  limit: number,
): Promise<string[]> {
  const ids: string[] = [];
  const query = byStatusQuery(table, status, family);
  for await (const page of eachPage((startKey) =>
    table.documents.send(
      new QueryCommand({
        ...query,
        KeyConditionExpression: '#k = :k AND #since < :before',
        ExpressionAttributeNames: {
          ...query.ExpressionAttributeNames,
          '#since': eventsTableKeys.statusSortKey,
          '#id': eventsTableKeys.partitionKey,
        },
        ExpressionAttributeValues: {
          ...query.ExpressionAttributeValues,
          ':before': receivedBefore.toISOString(),
        },
        ProjectionExpression: '#id',
        Limit: Math.min(limit - ids.length, 100),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    ),
  )) {
    ids.push(...(page.Items ?? []).map((item) => String(item[eventsTableKeys.partitionKey])));
    if (ids.length >= limit) break;
  }
  return ids;
}

/** Events of one family in one open status (received = not yet processed), oldest first. */
export async function listEvents(
  table: EventTableAccess,
  status: Exclude<EventStatus, 'processed'>,
  family: EventFamily | undefined,
  options: { limit?: number; cursor?: string } = {},
): Promise<EventPage> {
  const { Items, LastEvaluatedKey } = await table.documents.send(
    new QueryCommand({
      ...byStatusQuery(table, status, family),
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
export async function countEvents(
  table: EventTableAccess,
  status: Exclude<EventStatus, 'processed'>,
  family: EventFamily | undefined,
): Promise<number> {
  return countAll(table.documents, byStatusQuery(table, status, family));
}

/** The query of one partition of the sparse byStatus index. */
function byStatusQuery(
  table: EventTableAccess,
  status: Exclude<EventStatus, 'processed'>,
  family: EventFamily | undefined,
) {
  return {
    TableName: table.tableName,
    IndexName: eventsTableKeys.byStatusIndex,
    KeyConditionExpression: '#k = :k',
    ExpressionAttributeNames: { '#k': eventsTableKeys.statusKey },
    ExpressionAttributeValues: { ':k': statusKeyOf(status, family) },
  };
}
