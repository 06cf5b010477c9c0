import * as z from '../../shared/zod-mini';
import { eventFamilies } from './event-types';
import type { EventRecord } from './event-record';

/**
 * What a family queue carries: the event's identity and, when it fits, its payload. A payload too
 * large for a queue message stays in the events table and the processor reads it from there.
 */
export const queueMessage = z.object({
  eventId: z.string().check(z.minLength(1)),
  type: z.string().check(z.minLength(1)),
  family: z.enum(eventFamilies),
  receivedAt: z.string(),
  occurredAt: z.optional(z.string()),
  payload: z.optional(z.string()),
});
export type QueueMessage = z.infer<typeof queueMessage>;

/**
 * SQS allows 256 KiB per message, body and attributes together; leave room for the attributes.
 * Measured on the serialised message, as sent: the payload is JSON inside JSON, so every quote and
 * backslash in it doubles (a 190 KiB transcript full of quotes is over 256 KiB once sent).
 */
export const maxInlinePayloadBytes = 200 * 1024;

/** The bytes SQS counts for a message body. */
export function serialisedQueueMessageBytes(message: QueueMessage): number {
  return Buffer.byteLength(JSON.stringify(message), 'utf8');
}

export function queueMessageFor(record: EventRecord, maxInlineBytes = maxInlinePayloadBytes): QueueMessage {
  if (!record.family)
    throw new Error(`event ${record.eventId} of type ${record.type} has no family to route to`);
  const byReference: QueueMessage = {
    eventId: record.eventId,
    type: record.type,
    family: record.family,
    receivedAt: record.receivedAt,
    ...(record.occurredAt ? { occurredAt: record.occurredAt } : {}),
  };
  const inline: QueueMessage = { ...byReference, payload: record.payload };
  // Above the limit the processor reads the payload from the events table instead.
  return serialisedQueueMessageBytes(inline) <= maxInlineBytes ? inline : byReference;
}
