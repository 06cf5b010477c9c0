import { familyOf, type EventFamily } from './event-types';

/** Attribute and index names of the events table: used by the CDK construct and the repository. */
export const eventsTableKeys = {
  partitionKey: 'eventId',
  ttlAttribute: 'expiresAt',
  byStatusIndex: 'byStatus',
  statusKey: 'statusKey',
  statusSortKey: 'statusSince',
  byStatusAttributes: ['type', 'family', 'status', 'failureReason', 'attempts', 'occurredAt'],
  /**
   * Keys only, written once by the ingest's put and never changed (the close writes no entry here):
   * the events received in one UTC hour, by `receivedAt`, so the sweeper finds one whose processing
   * never finished without a byStatus entry added and removed for every event.
   */
  byArrivalIndex: 'byArrival',
  arrivalKey: 'arrivalHour',
  arrivalSortKey: 'receivedAt',
  /**
   * Sparse: the events about one OpenPhone object (message, call or contact id), set by the
   * processor once it has read the payload, so an erase finds a person's raw bodies by the records
   * erased with them (one query per record, no scan).
   */
  byObjectIndex: 'byObject',
  objectKey: 'objectId',
} as const;

/** Days a closed event is kept before DynamoDB's TTL removes it, unless the stage says otherwise. */
export const defaultEventRetentionDays = 90;

/** The TTL of an event closed at `closedAt`: open events (received, failed) have none and never expire. */
export function expiresAtAfterClosing(closedAt: Date, retentionDays: number): number {
  return Math.floor(closedAt.getTime() / 1000) + retentionDays * 86_400;
}

export const eventStatuses = ['received', 'processed', 'failed', 'ignored'] as const;
export type EventStatus = (typeof eventStatuses)[number];

export type SignatureScheme = 'legacy' | 'standard-webhooks';

/** One stored webhook delivery: the idempotency record and the outbox entry in one item. */
export interface EventRecord {
  eventId: string;
  type: string;
  /** Absent for event types this product does not route. */
  family?: EventFamily;
  status: EventStatus;
  scheme: SignatureScheme;
  apiVersion?: string;
  occurredAt?: string;
  receivedAt: string;
  /** The raw body exactly as received; empty once erased (`payloadErasedAt`). */
  payload: string;
  /** When the body was blanked: a person it named was erased (docs/operations/security.md). */
  payloadErasedAt?: string;
  /** The OpenPhone object (message, call, contact) the event is about, once a processor read it. */
  objectId?: string;
  /**
   * TTL (epoch seconds), set when the event closes (processed, or ignored as a test delivery): an
   * open event never expires, nor does one of a type the bridge does not route yet (re-drivable later).
   */
  expiresAt?: number;
  /** The UTC hour it arrived in (`2026-12-07T16`), set on a routed event: its byArrival entry. */
  arrivalHour?: string;
  /**
   * Drives the sparse byStatus index: set on an event that failed, was ignored, or that the sweeper
   * found stuck in received; a received event on its way has none (no index churn per event).
   */
  statusKey?: string;
  statusSince?: string;
  attempts?: number;
  failureReason?: string;
  /** Why an `ignored` event was not routed: `unknown_event_type`, `test_delivery`. */
  ignoredReason?: string;
  processedAt?: string;
  /** Times the sweeper (or a redelivery) handed this still-received event to its queue again. */
  redispatches?: number;
  /** When the sweeper may hand it on again (ISO): the backoff after the last re-dispatch. */
  nextSweepAt?: string;
}

/** The byArrival partition of a time: its UTC hour, `2026-12-07T16`. */
export function arrivalHourOf(at: Date): string {
  return at.toISOString().slice(0, 13);
}

/** The partition of the byStatus index an open event sits in: `received#messages`, `ignored#-`. */
export function statusKeyOf(
  status: Exclude<EventStatus, 'processed'>,
  family: EventFamily | undefined,
): string {
  return `${status}#${family ?? '-'}`;
}

export interface NewEventInput {
  eventId: string;
  type: string;
  family: EventFamily | undefined;
  scheme: SignatureScheme;
  apiVersion?: string;
  occurredAt?: string;
  payload: string;
  receivedAt: Date;
  retentionDays: number;
  /** Recorded `ignored` with this reason whatever its family (e.g. a test delivery). */
  ignoredReason?: string;
}

/**
 * The record the ingest writes once per event id: open until a processor marks it processed. A
 * received event has no TTL (it must not expire while nothing has processed it); nor has one of a
 * type the bridge does not route yet: it stays listed as ignored until a version that knows the type
 * re-drives it. Only a test delivery is closed on arrival, with its TTL. A received event is filed
 * by its arrival hour (byArrival), not under byStatus: the sweeper lists it there once it is stuck.
 */
export function newEventRecord(input: NewEventInput): EventRecord {
  const family = input.ignoredReason ? undefined : input.family;
  const status: EventStatus = family ? 'received' : 'ignored';
  const receivedAt = input.receivedAt.toISOString();
  return {
    eventId: input.eventId,
    type: input.type,
    ...(family ? { family } : { ignoredReason: input.ignoredReason ?? 'unknown_event_type' }),
    status,
    scheme: input.scheme,
    ...(input.apiVersion ? { apiVersion: input.apiVersion } : {}),
    ...(input.occurredAt ? { occurredAt: input.occurredAt } : {}),
    receivedAt,
    payload: input.payload,
    ...(input.ignoredReason
      ? { expiresAt: expiresAtAfterClosing(input.receivedAt, input.retentionDays) }
      : {}),
    ...(status === 'received'
      ? { arrivalHour: receivedAt.slice(0, 13) } // arrivalHourOf(input.receivedAt), its ISO string read once
      : { statusKey: statusKeyOf(status, family), statusSince: `${receivedAt}#${input.eventId}` }),
  };
}

/**
 * The record with the family this version routes it to: an event ignored because its type was
 * unknown when it arrived gets one once the type is supported (so a re-drive can send it on); a
 * test delivery, or a type still unknown, gets none.
 */
export function withCurrentRoute(record: EventRecord): EventRecord {
  if (record.family || record.status !== 'ignored' || record.ignoredReason === 'test_delivery') return record;
  const family = familyOf(record.type);
  return family ? { ...record, family } : record;
}
