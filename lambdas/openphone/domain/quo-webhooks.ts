import { z } from 'zod';

/**
 * Quo's new webhooks (the dated API version), as this product creates and reads them. Confirmed on
 * Quo's reference (see docs/openphone.md, "Quo's webhooks"): no `/v1` prefix, the version header on
 * every request, `{ data: … }` answers, numeric webhook ids, the `whsec_…` key only in the answers
 * of create and rotate, deliveries listed in cursor pages (`nextCursor`).
 */

/** The payload version a subscription is pinned to when it is created, and the header that pins it. */
export const quoApiVersion = '2026-03-30';
export const quoApiVersionHeader = 'Quo-Api-Version';

/** Every event type the new webhooks deliver (Quo's catalogue, December 2026). */
export const quoWebhookEventTypes = [
  'message.received',
  'message.delivered',
  'message.failed',
  'message.undelivered',
  'call.ringing',
  'call.answered',
  'call.completed',
  'call.forwarded',
  'call.missed',
  'call.recording.completed',
  'call.summary.completed',
  'call.transcript.completed',
  'call.voicemail.completed',
  'call.menu.selected',
  'contact.updated',
  'contact.deleted',
  'task.created',
  'task.updated',
  'task.deleted',
  'task.completed',
  'task.reopened',
  'task.assigned',
  'task.unassigned',
  'task.overdue',
  'task.linked',
  'task.unlinked',
  'task.duedate.updated',
  'task.duedate.removed',
] as const;
export type QuoWebhookEventType = (typeof quoWebhookEventTypes)[number];

const timestamp = z.string();
export const quoWebhookId = z.string().regex(/^[0-9]+$/, 'a Quo webhook id (digits)');

export const quoWebhook = z.object({
  id: quoWebhookId,
  url: z.string(),
  status: z.enum(['enabled', 'disabled']),
  // Strings, not an enum: a type Quo adds later must not make the list unreadable.
  events: z.array(z.string()),
  resourceIds: z.array(z.string()).nullable().optional(),
  label: z.string().nullable().optional(),
  apiVersion: z.string().optional(),
  /** Only in the answers of create and rotate. */
  key: z.string().optional(),
  createdAt: timestamp.optional(),
  updatedAt: timestamp.optional(),
});
export type QuoWebhook = z.infer<typeof quoWebhook>;
/** A webhook as create and rotate answer it: with its signing key. */
export const quoWebhookWithKey = quoWebhook.extend({
  key: z.string().startsWith('whsec_', 'a whsec_… signing key'),
});
export type QuoWebhookWithKey = z.infer<typeof quoWebhookWithKey>;

const phoneNumberIdOrAll = z.string().regex(/^(PN\w+|\*)$/, 'a phone number id (PN…) or "*"');

export const newQuoWebhook = z.object({
  url: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }),
  events: z
    .array(z.enum(quoWebhookEventTypes, { error: 'an event type of Quo’s catalogue' }))
    .min(1, 'at least one event type'),
  /** Message and call events only; contact and task events are workspace-wide. */
  resourceIds: z.array(phoneNumberIdOrAll).min(1).optional(),
  label: z.string().max(100).optional(),
  /** `disabled`: the key, and test events, with no traffic yet. */
  status: z.enum(['enabled', 'disabled']).optional(),
});
export type NewQuoWebhook = z.input<typeof newQuoWebhook>;

export const quoWebhookChanges = newQuoWebhook.partial();
export type QuoWebhookChanges = z.input<typeof quoWebhookChanges>;

/** One delivery of one event to one webhook (`GET /webhooks/{id}/events`). */
export const quoWebhookDelivery = z.object({
  /** The delivery id (`msg_…`): the `webhook-id` header, and the id a retry takes. */
  id: z.string(),
  /** The event's `id` (`EV…`); empty for a test event's sample. */
  eventId: z.string().nullable().optional(),
  resourceId: z.string().nullable().optional(),
  eventType: z.string(),
  /** `success` once answered 2xx; other values as Quo reports them (pending, failed…). */
  status: z.string(),
  nextAttemptAt: timestamp.nullable().optional(),
  createdAt: timestamp.optional(),
});
export type QuoWebhookDelivery = z.infer<typeof quoWebhookDelivery>;

export function cursorPageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable().optional() });
}
export interface CursorPage<T> {
  readonly data: T[];
  readonly nextCursor: string | null;
}

export const deliveryFilters = z.object({
  limit: z.number().int().min(1).max(50).optional(),
  after: z.string().min(1).optional(),
});
export type DeliveryFilters = z.input<typeof deliveryFilters>;

/** The sample payload a test event delivered (Quo answers with it). */
export const quoTestEvent = z.object({
  id: z.string().optional(),
  type: z.string(),
  apiVersion: z.string().optional(),
  createdAt: timestamp.optional(),
  data: z.record(z.string(), z.unknown()),
});
export type QuoTestEvent = z.infer<typeof quoTestEvent>;
