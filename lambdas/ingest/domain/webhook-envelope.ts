import * as z from '../../shared/zod-mini';

const { isObject, isPlainObject, codePointLength } = z.util;
const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
/** Read when it is a string of at most `max` characters, else left out: never a reason to refuse. */
const lenient = (max: number) => z.catch(z.optional(text(0, max)), undefined);

/** Legacy envelope: `{ id: "EV…", object: "event", apiVersion, createdAt, type, data: { object } }`. */
const legacyEnvelopeOf = <P extends z.ZodMiniType<Record<string, unknown>>>(payload: P) =>
  z.object({
    id: text(1, 200),
    object: z.optional(z.literal('event')),
    apiVersion: z.optional(text(0, 40)),
    createdAt: z.optional(text(0, 64)),
    type: text(1, 100),
    data: z.object({ object: payload }),
  });

/** Standard Webhooks envelope: `{ type, timestamp?, data: { resource, context?, links? } }`; the id may be absent. */
const standardEnvelopeOf = <P extends z.ZodMiniType<Record<string, unknown>>>(payload: P) =>
  z.object({
    id: z.optional(text(1, 200)),
    type: text(1, 100),
    apiVersion: z.optional(text(0, 40)),
    timestamp: z.optional(text(0, 64)),
    createdAt: z.optional(text(0, 64)),
    data: z.object({
      resource: payload,
      context: z.optional(payload),
      links: z.optional(payload),
    }),
  });

type RecordEnvelopes = {
  legacy: ReturnType<typeof legacyEnvelopeOf>;
  standard: ReturnType<typeof standardEnvelopeOf>;
};
let recordEnvelopes: RecordEnvelopes | undefined;
/** The envelopes with their payload a record: built at the first refusal (whose issue they quote), not at load. */
export function envelopeSchemas(): RecordEnvelopes {
  if (!recordEnvelopes) {
    const payload = z.record(z.string(), z.unknown());
    recordEnvelopes = { legacy: legacyEnvelopeOf(payload), standard: standardEnvelopeOf(payload) };
  }
  return recordEnvelopes;
}
/*
 * The envelopes read field by field, as plain checks: a zod parse of each costs the ingest about half
 * a bare HMAC per delivery. Each accepts exactly the JSON its schema accepts (a property test holds
 * them to it); zod still parses a refused body, for the issue the answer quotes.
 */
// Measured as zod measures it, in code points; counted only where UTF-16 units leave it in doubt.
const within = (value: unknown, min: number, max: number): value is string => {
  if (typeof value !== 'string') return false;
  const units = value.length;
  const length = units > max || (units >= min && units < min * 2) ? codePointLength(value) : units;
  return length >= min && length <= max;
};
const optionalWithin = (value: unknown, max: number) => value === undefined || within(value, 0, max);
const optionalPayload = (value: unknown) => value === undefined || isPlainObject(value);

/** `envelopeSchemas().legacy.safeParse(body).success`. */
export function isLegacyEnvelope(body: Record<string, unknown>): boolean {
  const data = body.data;
  return (
    within(body.id, 1, 200) &&
    (body.object === undefined || body.object === 'event') &&
    optionalWithin(body.apiVersion, 40) &&
    optionalWithin(body.createdAt, 64) &&
    within(body.type, 1, 100) &&
    isObject(data) &&
    isPlainObject((data as Record<string, unknown>).object)
  );
}

/** `envelopeSchemas().standard.safeParse(body).success`. */
export function isStandardEnvelope(body: Record<string, unknown>): boolean {
  const data = body.data;
  if (!isObject(data)) return false;
  const { resource, context, links } = data as Record<string, unknown>;
  return (
    (body.id === undefined || within(body.id, 1, 200)) &&
    within(body.type, 1, 100) &&
    optionalWithin(body.apiVersion, 40) &&
    optionalWithin(body.timestamp, 64) &&
    optionalWithin(body.createdAt, 64) &&
    isPlainObject(resource) &&
    optionalPayload(context) &&
    optionalPayload(links)
  );
}

const lenientWithin = (value: unknown, max: number) => (within(value, 0, max) ? value : undefined);

/** `anyEnvelope.safeParse(body)`'s data when it succeeds, else undefined (zod then says why). */
export function anyEnvelopeOf(body: unknown): z.infer<typeof anyEnvelope> | undefined {
  if (!isObject(body)) return undefined;
  const fields = body as Record<string, unknown>;
  if (!within(fields.type, 1, 100)) return undefined;
  return {
    id: lenientWithin(fields.id, 200),
    type: fields.type,
    apiVersion: lenientWithin(fields.apiVersion, 40),
    timestamp: lenientWithin(fields.timestamp, 64),
    createdAt: lenientWithin(fields.createdAt, 64),
  };
}

/**
 * What every delivery must have, whatever its type: a `type`, and (checked below) an id from the
 * body or the `webhook-id` header. Other fields are read when they are strings and never refused.
 */
export const anyEnvelope = z.object({
  id: lenient(200),
  type: text(1, 100),
  apiVersion: lenient(40),
  timestamp: lenient(64),
  createdAt: lenient(64),
});

export interface EnvelopeSummary {
  eventId: string;
  type: string;
  apiVersion?: string;
  occurredAt?: string;
}

/**
 * `event`: a delivery to record under its id. `test`: a signed delivery whose event id is empty
 * (OpenPhone's sample and test deliveries carry all-empty ids): answered, recorded under a
 * generated id, never routed.
 */
export type EnvelopeParse =
  { ok: true; kind: 'event' | 'test'; envelope: EnvelopeSummary } | { ok: false; reason: string };

function describe(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'not an event envelope';
}

/**
 * What the ingest needs from a delivery's body: its event id, type, version and time. The event id is
 * the body's `id`; a delivery without one uses its `webhook-id` (stable across retries). Only a type
 * the bridge routes (`routed`) must have the shape its processors read (`data.object` or
 * `data.resource`); any other type is recorded as ignored whatever its `data`.
 */
export function readEnvelope(
  body: unknown,
  deliveryId: string | undefined,
  routed: (type: string) => boolean,
): EnvelopeParse {
  const read = anyEnvelopeOf(body);
  if (!read) {
    const refused = anyEnvelope.safeParse(body);
    return { ok: false, reason: refused.error ? describe(refused.error) : 'not an event envelope' };
  }
  const { id, type, apiVersion, timestamp, createdAt } = read;
  const eventId = id ?? deliveryId;
  if (eventId === undefined)
    return { ok: false, reason: 'id: an event needs a body id or a webhook-id header' };
  // The header is held to the body id's limit: a longer key would fail DynamoDB's put on every retry.
  if (id === undefined && eventId.length > 200 && [...eventId].length > 200)
    return { ok: false, reason: 'webhook-id: an event id of at most 200 characters' };
  const occurredAt = timestamp ?? createdAt;
  const envelope = {
    eventId,
    type,
    ...(apiVersion ? { apiVersion } : {}),
    ...(occurredAt ? { occurredAt } : {}),
  };
  if (eventId.trim() === '') return { ok: true, kind: 'test', envelope };
  if (!routed(type)) return { ok: true, kind: 'event', envelope };
  const fields = body as Record<string, unknown>;
  if (isLegacyEnvelope(fields) || isStandardEnvelope(fields)) return { ok: true, kind: 'event', envelope };
  const hasResource = typeof (fields.data as { resource?: unknown } | null)?.resource === 'object';
  const schemas = envelopeSchemas();
  const error = (hasResource ? schemas.standard : schemas.legacy).safeParse(body).error;
  return { ok: false, reason: error ? describe(error) : 'not an event envelope' };
}
