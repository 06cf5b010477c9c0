import { z } from 'zod';

/**
 * Schemas of OpenPhone webhook payloads, written from the documented shapes and tolerant of the
 * variants OpenPhone really sends: nulls for absent values, empty-string ids in test deliveries,
 * `body` for `text` in older message versions, `to` as one string or a list, and two envelopes
 * (legacy `data.object`, beta Standard Webhooks `data.resource` + `context` + `links`). Plain
 * variants of a documented shape are read into the same values rather than dropped: a URL string
 * where an object with `url` is expected, one string where a list of strings is, transcript lines
 * under `transcript.dialogue` with `speaker`/`text`, a recording object that names its `callId`.
 * One file on purpose (over 400 lines): the schemas share their tolerant primitives and the
 * envelope, and every event type's shape is read side by side with the others.
 */

/** A string that may be null, absent or blank in a delivery; blank means absent. */
const optionalText = z
  .string()
  .nullish()
  .transform((value) => (value == null || value.trim() === '' ? undefined : value.trim()));

/** An ISO 8601 (or epoch) time, normalised to `toISOString()` so times compare as strings. */
const optionalTime = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value, ctx) => {
    if (value == null || value === '') return undefined;
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: `not a date-time: ${String(value)}` });
      return z.NEVER;
    }
    return date.toISOString();
  });

/** One number or a list of numbers; blanks dropped. */
const phoneNumberList = z
  .union([z.string(), z.array(z.string().nullable())])
  .nullish()
  .transform((value) =>
    (value == null ? [] : Array.isArray(value) ? value : [value])
      .map((n) => n?.trim() ?? '')
      .filter((n) => n !== ''),
  );

const optionalNumber = z
  .number()
  .nullish()
  .transform((value) => value ?? undefined);

/** A list of strings, or one string (a list of one); blanks dropped. */
const stringList = z
  .union([z.string(), z.array(z.string().nullable())])
  .nullish()
  .transform((value) =>
    (value == null ? [] : Array.isArray(value) ? value : [value])
      .map((s) => s?.trim() ?? '')
      .filter((s) => s !== ''),
  );

export const directions = ['incoming', 'outgoing'] as const;
const direction = z
  .enum(directions)
  .nullish()
  .transform((value) => value ?? undefined);

const mediaObject = z.object({
  url: optionalText,
  type: optionalText,
  duration: optionalNumber,
});

/** A media item: an object with `url` (and `type`, `duration`), or just its URL. */
export const mediaItemSchema = z.union([
  mediaObject,
  z.string().transform((url) => mediaObject.parse({ url })),
]);
type MediaItemPayload = z.infer<typeof mediaObject>;

/** A list of media items, or one item; items without a URL dropped. */
const mediaList = z
  .union([z.array(mediaItemSchema.nullable()), mediaItemSchema])
  .nullish()
  .transform((items) =>
    (items == null ? [] : Array.isArray(items) ? items : [items]).filter(
      (m): m is MediaItemPayload => m != null && m.url !== undefined,
    ),
  );

/** A code as a string, whether it came as a number or a string; blank means absent. */
const optionalCode = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value) => (value == null || String(value).trim() === '' ? undefined : String(value).trim()));

/**
 * Why a message was not delivered. Not in OpenPhone's published schemas (*unconfirmed*): accepted
 * as `errorCode`/`errorMessage`, or `error` as a string or `{ code, message }`, whichever comes.
 */
const deliveryErrorFields = {
  errorCode: optionalCode,
  errorMessage: optionalText,
  error: z
    .union([z.string(), z.object({ code: optionalCode, message: optionalText }).passthrough()])
    .nullish()
    .catch(undefined),
};

export const messagePayloadSchema = z
  .object({
    id: optionalText,
    object: z.string().nullish(),
    from: optionalText,
    to: phoneNumberList,
    direction,
    text: z.string().nullish(),
    /** Older payload versions carry the text as `body`. */
    body: z.string().nullish(),
    /** What POST /v1/messages calls the text. */
    content: z.string().nullish(),
    status: optionalText,
    media: mediaList,
    createdAt: optionalTime,
    updatedAt: optionalTime,
    userId: optionalText,
    phoneNumberId: optionalText,
    conversationId: optionalText,
    ...deliveryErrorFields,
  })
  .transform(({ body, text, content, errorCode, errorMessage, error, ...message }) => {
    const code = errorCode ?? (typeof error === 'object' ? error?.code : undefined);
    const reason = errorMessage ?? (typeof error === 'string' ? error : error?.message);
    return {
      ...message,
      text: [text, body, content].find((t) => t != null && t !== '') ?? text ?? undefined,
      ...(code || reason
        ? { deliveryError: { ...(code ? { code } : {}), ...(reason ? { message: reason } : {}) } }
        : {}),
    };
  });
export type MessagePayload = z.infer<typeof messagePayloadSchema>;

const voicemailObject = z.object({
  url: optionalText,
  type: optionalText,
  duration: optionalNumber,
  transcript: z
    .string()
    .nullish()
    .transform((value) => value ?? undefined),
});

/** A voicemail object, or just its URL. */
export const voicemailSchema = z.union([
  voicemailObject,
  z.string().transform((url) => voicemailObject.parse({ url })),
]);

/**
 * A call, or (on `call.recording.completed`) a recording object that names its call: `callId`,
 * with its own `url`, `type`, `duration`. Such an object is attached to the call, never recorded
 * under its own id.
 */
export const callPayloadSchema = z.object({
  id: optionalText,
  callId: optionalText,
  object: z.string().nullish(),
  url: optionalText,
  type: optionalText,
  duration: optionalNumber,
  from: optionalText,
  to: phoneNumberList,
  direction,
  status: optionalText,
  createdAt: optionalTime,
  answeredAt: optionalTime,
  completedAt: optionalTime,
  conversationId: optionalText,
  phoneNumberId: optionalText,
  userId: optionalText,
  media: mediaList,
  voicemail: voicemailSchema.nullish().transform((value) => (value?.url ? value : undefined)),
});
export type CallPayload = z.infer<typeof callPayloadSchema>;

export const callSummaryPayloadSchema = z
  .object({
    callId: optionalText,
    object: z.string().nullish(),
    summary: z.union([stringList, z.object({ summary: stringList, nextSteps: stringList })]),
    nextSteps: stringList,
    status: optionalText,
  })
  // A summary object nested under `summary` (as the REST API's `data`) reads the same.
  .transform(({ summary, nextSteps, ...rest }) =>
    Array.isArray(summary)
      ? { ...rest, summary, nextSteps }
      : { ...rest, summary: summary.summary, nextSteps: nextSteps.length ? nextSteps : summary.nextSteps },
  );
export type CallSummaryPayload = z.infer<typeof callSummaryPayloadSchema>;

/** One transcript line: documented as `content` + `identifier`; `text` + `speaker` read the same. */
export const dialogueLineSchema = z
  .object({
    start: optionalNumber,
    end: optionalNumber,
    content: z.string().nullish(),
    text: z.string().nullish(),
    identifier: optionalText,
    speaker: optionalText,
    userId: optionalText,
  })
  .transform(({ content, text, identifier, speaker, start, end, userId }) => ({
    ...(start !== undefined ? { start } : {}),
    ...(end !== undefined ? { end } : {}),
    content: content || text || '',
    ...((identifier ?? speaker) ? { identifier: identifier ?? speaker } : {}),
    ...(userId ? { userId } : {}),
  }));
export type DialogueLine = z.infer<typeof dialogueLineSchema>;

/** Lines with nothing said are dropped: they carry no content to keep. */
const dialogueLines = z
  .array(dialogueLineSchema.nullable())
  .nullish()
  .transform((lines) => (lines ?? []).filter((l): l is DialogueLine => l != null && l.content.trim() !== ''));

/** A transcript nested under `transcript` (as some payload versions send it). */
const nestedTranscript = z.object({
  callId: optionalText,
  dialogue: dialogueLines,
  duration: optionalNumber,
  status: optionalText,
});

export const callTranscriptPayloadSchema = z
  .object({
    callId: optionalText,
    object: z.string().nullish(),
    createdAt: optionalTime,
    dialogue: dialogueLines,
    // Under `transcript`: an object with `dialogue`, a list of lines, or the whole text as one string.
    transcript: z
      .union([
        nestedTranscript,
        dialogueLines,
        z.string().transform((text): DialogueLine[] => (text.trim() ? [{ content: text.trim() }] : [])),
      ])
      .nullish(),
    duration: optionalNumber,
    status: optionalText,
  })
  .transform(({ transcript, dialogue, ...rest }) => {
    const nested: Partial<z.infer<typeof nestedTranscript>> | undefined = Array.isArray(transcript)
      ? { dialogue: transcript }
      : (transcript ?? undefined);
    return {
      ...rest,
      callId: rest.callId ?? nested?.callId,
      dialogue: dialogue.length ? dialogue : (nested?.dialogue ?? []),
      duration: rest.duration ?? nested?.duration,
      status: rest.status ?? nested?.status,
    };
  });
export type CallTranscriptPayload = z.infer<typeof callTranscriptPayloadSchema>;

const labelledValue = z
  .object({ name: z.string().nullish(), value: z.string().nullish(), id: z.string().nullish() })
  .transform((v) => ({ name: v.name ?? undefined, value: v.value ?? undefined }));

const labelledValues = z
  .array(labelledValue.nullable())
  .nullish()
  .transform((items) =>
    (items ?? []).filter((i): i is { name: string | undefined; value: string } => i?.value != null),
  );

export const customFieldSchema = z
  .object({
    name: z.string().nullish(),
    key: z.string().nullish(),
    id: z.string().nullish(),
    type: z.string().nullish(),
    value: z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]).nullish(),
  })
  .transform((f) => ({
    name: f.name ?? undefined,
    key: f.key ?? undefined,
    type: f.type ?? undefined,
    value: f.value ?? undefined,
  }));

const defaultContactFields = z.object({
  firstName: optionalText,
  lastName: optionalText,
  company: optionalText,
  role: optionalText,
  emails: labelledValues,
  phoneNumbers: labelledValues,
});

/** Contacts arrive flat (webhooks) or with `defaultFields` (REST, newer payloads): both normalise to flat. */
export const contactPayloadSchema = z
  .object({
    id: optionalText,
    object: z.string().nullish(),
    externalId: optionalText,
    source: optionalText,
    defaultFields: defaultContactFields.nullish(),
    customFields: z
      .array(customFieldSchema.nullable())
      .nullish()
      .transform((items) => (items ?? []).filter((f) => f != null)),
    createdAt: optionalTime,
    updatedAt: optionalTime,
    deletedAt: optionalTime,
    deleted: z.boolean().nullish(),
  })
  .and(defaultContactFields.partial())
  .transform(({ defaultFields, ...contact }) => ({
    id: contact.id,
    externalId: contact.externalId,
    source: contact.source,
    firstName: defaultFields?.firstName ?? contact.firstName,
    lastName: defaultFields?.lastName ?? contact.lastName,
    company: defaultFields?.company ?? contact.company,
    role: defaultFields?.role ?? contact.role,
    emails: defaultFields?.emails.length ? defaultFields.emails : (contact.emails ?? []),
    phoneNumbers: defaultFields?.phoneNumbers.length
      ? defaultFields.phoneNumbers
      : (contact.phoneNumbers ?? []),
    customFields: contact.customFields,
    createdAt: contact.createdAt,
    updatedAt: contact.updatedAt,
    deletedAt: contact.deletedAt,
    deleted: contact.deleted ?? undefined,
  }));
export type ContactPayload = z.infer<typeof contactPayloadSchema>;

/** Which payload schema each event type's object has. */
export const payloadKindByEventType = {
  'message.received': 'message',
  'message.delivered': 'message',
  'message.undelivered': 'message',
  'message.failed': 'message',
  'message.sent': 'message',
  'call.ringing': 'call',
  'call.completed': 'call',
  'call.recording.completed': 'call',
  'call.summary.completed': 'call-summary',
  'call.transcript.completed': 'call-transcript',
  'contact.updated': 'contact',
  'contact.created': 'contact',
  'contact.deleted': 'contact',
} as const;
export type PayloadEventType = keyof typeof payloadKindByEventType;

const legacyEnvelopeSchema = z.object({
  id: optionalText,
  object: z.string().nullish(),
  apiVersion: optionalText,
  createdAt: optionalTime,
  type: z.string().min(1),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

const standardEnvelopeSchema = z.object({
  id: optionalText,
  type: z.string().min(1),
  apiVersion: optionalText,
  timestamp: optionalTime,
  createdAt: optionalTime,
  data: z.object({
    resource: z.record(z.string(), z.unknown()),
    context: z
      .record(z.string(), z.unknown())
      .nullish()
      .transform((value) => value ?? undefined),
    links: z
      .record(z.string(), z.unknown())
      .nullish()
      .transform((value) => value ?? undefined),
  }),
});

interface EventHeader {
  eventId: string | undefined;
  type: PayloadEventType;
  apiVersion: string | undefined;
  /** When OpenPhone says the event happened; absent in some deliveries (the caller falls back to receipt time). */
  occurredAt: string | undefined;
  envelope: 'legacy' | 'standard-webhooks';
  context?: Record<string, unknown>;
  links?: Record<string, unknown>;
}

export type WebhookEvent = EventHeader &
  (
    | { kind: 'message'; object: MessagePayload }
    | { kind: 'call'; object: CallPayload }
    | { kind: 'call-summary'; object: CallSummaryPayload }
    | { kind: 'call-transcript'; object: CallTranscriptPayload }
    | { kind: 'contact'; object: ContactPayload }
  );

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** `data.object.to: Invalid input; …` — path and message of each issue, joined. */
export function describeIssues(error: z.ZodError, prefix: readonly (string | number)[] = []): string {
  return error.issues
    .map((issue) => {
      const path = [...prefix, ...issue.path.map(String)].join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** Ids, user ids and conversation ids the beta envelope may carry in `context` rather than the resource. */
const contextFallbackFields = ['conversationId', 'phoneNumberId', 'userId'] as const;

function withContextFallbacks(
  resource: Record<string, unknown>,
  context: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (!context) return resource;
  const filled = { ...resource };
  for (const field of contextFallbackFields) {
    if ((filled[field] == null || filled[field] === '') && typeof context[field] === 'string') {
      filled[field] = context[field];
    }
  }
  return filled;
}

/**
 * Parses a webhook body (already JSON-decoded) in either envelope into one normalised event.
 * Unknown event types and malformed payloads are `{ ok: false, reason }`, never exceptions.
 */
export function parseWebhookEvent(body: unknown): ParseResult<WebhookEvent> {
  const isStandard =
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { data?: unknown }).data === 'object' &&
    (body as { data: object | null }).data !== null &&
    'resource' in (body as { data: object }).data;

  let header: Omit<EventHeader, 'type'> & { type: string };
  let object: Record<string, unknown>;
  let objectPath: string[];
  if (isStandard) {
    const parsed = standardEnvelopeSchema.safeParse(body);
    if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error) };
    const { data } = parsed.data;
    header = {
      eventId: parsed.data.id,
      type: parsed.data.type,
      apiVersion: parsed.data.apiVersion,
      occurredAt: parsed.data.timestamp ?? parsed.data.createdAt,
      envelope: 'standard-webhooks',
      ...(data.context ? { context: data.context } : {}),
      ...(data.links ? { links: data.links } : {}),
    };
    object = withContextFallbacks(data.resource, data.context);
    objectPath = ['data', 'resource'];
  } else {
    const parsed = legacyEnvelopeSchema.safeParse(body);
    if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error) };
    header = {
      eventId: parsed.data.id,
      type: parsed.data.type,
      apiVersion: parsed.data.apiVersion,
      occurredAt: parsed.data.createdAt,
      envelope: 'legacy',
    };
    object = parsed.data.data.object;
    objectPath = ['data', 'object'];
  }

  if (!Object.hasOwn(payloadKindByEventType, header.type)) {
    return { ok: false, reason: `type: unsupported event type ${JSON.stringify(header.type)}` };
  }
  const type = header.type as PayloadEventType;
  const withType = { ...header, type };
  const kind = payloadKindByEventType[type];
  const fail = (error: z.ZodError): ParseResult<WebhookEvent> => ({
    ok: false,
    reason: describeIssues(error, objectPath),
  });
  switch (kind) {
    case 'message': {
      const parsed = messagePayloadSchema.safeParse(object);
      return parsed.success
        ? { ok: true, value: { ...withType, kind, object: parsed.data } }
        : fail(parsed.error);
    }
    case 'call': {
      const parsed = callPayloadSchema.safeParse(object);
      return parsed.success
        ? { ok: true, value: { ...withType, kind, object: parsed.data } }
        : fail(parsed.error);
    }
    case 'call-summary': {
      const parsed = callSummaryPayloadSchema.safeParse(object);
      return parsed.success
        ? { ok: true, value: { ...withType, kind, object: parsed.data } }
        : fail(parsed.error);
    }
    case 'call-transcript': {
      const parsed = callTranscriptPayloadSchema.safeParse(object);
      return parsed.success
        ? { ok: true, value: { ...withType, kind, object: parsed.data } }
        : fail(parsed.error);
    }
    case 'contact': {
      const parsed = contactPayloadSchema.safeParse(object);
      return parsed.success
        ? { ok: true, value: { ...withType, kind, object: parsed.data } }
        : fail(parsed.error);
    }
  }
}

/** Parses a raw webhook body: invalid JSON is a reason too. */
export function parseWebhookBody(rawBody: string): ParseResult<WebhookEvent> {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch (error) {
    return { ok: false, reason: `body: not JSON (${(error as Error).message})` };
  }
  return parseWebhookEvent(body);
}

/** REST objects from GET /v1/messages and GET /v1/calls (the import's view of the same activities). */
export const apiMessageSchema = z.object({
  id: z.string().min(1),
  to: phoneNumberList,
  from: optionalText,
  text: z.string().nullish(),
  phoneNumberId: optionalText,
  direction,
  userId: optionalText,
  status: optionalText,
  createdAt: optionalTime,
  updatedAt: optionalTime,
});
export type ApiMessage = z.infer<typeof apiMessageSchema>;

export const apiCallSchema = z.object({
  id: z.string().min(1),
  answeredAt: optionalTime,
  answeredBy: optionalText,
  initiatedBy: optionalText,
  direction,
  status: optionalText,
  completedAt: optionalTime,
  createdAt: optionalTime,
  duration: optionalNumber,
  forwardedFrom: optionalText,
  forwardedTo: optionalText,
  phoneNumberId: optionalText,
  participants: phoneNumberList,
  updatedAt: optionalTime,
  userId: optionalText,
});
export type ApiCall = z.infer<typeof apiCallSchema>;

export const apiContactSchema = contactPayloadSchema;
