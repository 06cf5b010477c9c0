import { z } from 'zod';

const objectPayload = z.record(z.string(), z.unknown());

/** Legacy envelope: `{ id: "EV…", object: "event", apiVersion, createdAt, type, data: { object } }`. */
export const legacyEnvelope = z.object({
  id: z.string().min(1).max(200),
  object: z.literal('event').optional(),
  apiVersion: z.string().max(40).optional(),
  createdAt: z.string().max(64).optional(),
  type: z.string().min(1).max(100),
  data: z.object({ object: objectPayload }),
});

/** Standard Webhooks envelope: `{ type, timestamp?, data: { resource, context?, links? } }`; the id may be absent. */
export const standardEnvelope = z.object({
  id: z.string().min(1).max(200).optional(),
  type: z.string().min(1).max(100),
  apiVersion: z.string().max(40).optional(),
  timestamp: z.string().max(64).optional(),
  createdAt: z.string().max(64).optional(),
  data: z.object({
    resource: objectPayload,
    context: objectPayload.optional(),
    links: objectPayload.optional(),
  }),
});

export interface EnvelopeSummary {
  eventId: string;
  type: string;
  apiVersion?: string;
  occurredAt?: string;
}

export type EnvelopeParse = { ok: true; envelope: EnvelopeSummary } | { ok: false; reason: string };

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'not an event envelope';
}

/**
 * What the ingest needs from a delivery's body: its event id, type, version and time. The event id is
 * the body's `id`; a Standard Webhooks delivery without one uses its `webhook-id` (stable across retries).
 */
export function readEnvelope(body: unknown, deliveryId?: string): EnvelopeParse {
  const legacy = legacyEnvelope.safeParse(body);
  if (legacy.success) {
    const { id, type, apiVersion, createdAt } = legacy.data;
    return {
      ok: true,
      envelope: {
        eventId: id,
        type,
        ...(apiVersion ? { apiVersion } : {}),
        ...(createdAt ? { occurredAt: createdAt } : {}),
      },
    };
  }
  const standard = standardEnvelope.safeParse(body);
  if (standard.success) {
    const { id, type, apiVersion, timestamp, createdAt } = standard.data;
    const eventId = id ?? deliveryId;
    if (!eventId) return { ok: false, reason: 'id: an event needs a body id or a webhook-id header' };
    const occurredAt = timestamp ?? createdAt;
    return {
      ok: true,
      envelope: {
        eventId,
        type,
        ...(apiVersion ? { apiVersion } : {}),
        ...(occurredAt ? { occurredAt } : {}),
      },
    };
  }
  const hasResource =
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { data?: { resource?: unknown } }).data?.resource === 'object';
  return { ok: false, reason: describe(hasResource ? standard.error : legacy.error) };
}
