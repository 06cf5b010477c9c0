import { z } from 'zod';
import { eventFamilies } from './event-types';
import type { EventRecord } from './event-record';

/**
 * What a family queue carries: the event's identity and, when it fits, its payload. A payload too
 * large for a queue message stays in the events table and the processor reads it from there.
 */
export const queueMessage = z.object({
  eventId: z.string().min(1),
  type: z.string().min(1),
  family: z.enum(eventFamilies),
  receivedAt: z.string(),
  occurredAt: z.string().optional(),
  payload: z.string().optional(),
});
export type QueueMessage = z.infer<typeof queueMessage>;

/** SQS allows 256 KiB per message; leave room for attributes and the envelope around the payload. */
export const maxInlinePayloadBytes = 200 * 1024;

export function queueMessageFor(record: EventRecord, maxInlineBytes = maxInlinePayloadBytes): QueueMessage {
  if (!record.family)
    throw new Error(`event ${record.eventId} of type ${record.type} has no family to route to`);
  const inline = Buffer.byteLength(record.payload, 'utf8') <= maxInlineBytes;
  return {
    eventId: record.eventId,
    type: record.type,
    family: record.family,
    receivedAt: record.receivedAt,
    ...(record.occurredAt ? { occurredAt: record.occurredAt } : {}),
    ...(inline ? { payload: record.payload } : {}),
  };
}
