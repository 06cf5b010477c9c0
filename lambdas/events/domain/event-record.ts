import type { EventFamily } from './event-types';

/** Attribute and index names of the events table: used by the CDK construct and the repository. */
export const eventsTableKeys = {
  partitionKey: 'eventId',
  ttlAttribute: 'expiresAt',
  byStatusIndex: 'byStatus',
  statusKey: 'statusKey',
  statusSortKey: 'statusSince',
  byStatusAttributes: ['type', 'family', 'status', 'failureReason', 'attempts', 'occurredAt'],
} as const;

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
  /** The raw body exactly as received. */
  payload: string;
  expiresAt: number;
  /** Present while the event is open (received, failed, ignored): drives the byStatus index. */
  statusKey?: string;
  statusSince?: string;
  attempts?: number;
  failureReason?: string;
  /** Why an `ignored` event was not routed: `unknown_event_type`, `test_delivery`. */
  ignoredReason?: string;
  processedAt?: string;
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

/** The record the ingest writes once per event id: open until a processor marks it processed. */
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
    expiresAt: Math.floor(input.receivedAt.getTime() / 1000) + input.retentionDays * 86_400,
    statusKey: statusKeyOf(status, family),
    statusSince: `${receivedAt}#${input.eventId}`,
  };
}
