import { z } from 'zod';
import {
  callPayloadSchema,
  callSummaryPayloadSchema,
  callTranscriptPayloadSchema,
  type CallPayload,
  type CallSummaryPayload,
  type CallTranscriptPayload,
} from './call-payloads';
import {
  callMenuSelectionPayloadSchema,
  voicemailEventPayloadSchema,
  type CallMenuSelectionPayload,
  type VoicemailEventPayload,
} from './call-lifecycle-payloads';
import { contactPayloadSchema, type ContactPayload } from './contact-payload';
import { taskPayloadSchema, type TaskPayload } from './task-payload';
import { legacyEnvelopeSchema } from './legacy-envelope';
import { messagePayloadSchema, type MessagePayload } from './message-payload';
import {
  quoContextSchema,
  quoEnvelopeSchema,
  readQuoResource,
  type ContactLookup,
  type QuoResourceKind,
} from './quo-envelope';

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
  'call.answered': 'call',
  'call.missed': 'call',
  'call.forwarded': 'call',
  'call.voicemail.completed': 'voicemail',
  'call.menu.selected': 'call-menu',
  'call.summary.completed': 'call-summary',
  'call.transcript.completed': 'call-transcript',
  'contact.updated': 'contact',
  'contact.created': 'contact',
  'contact.deleted': 'contact',
  'task.created': 'task',
  'task.updated': 'task',
  'task.deleted': 'task',
  'task.completed': 'task',
  'task.reopened': 'task',
  'task.assigned': 'task',
  'task.unassigned': 'task',
  'task.overdue': 'task',
  'task.linked': 'task',
  'task.unlinked': 'task',
  'task.duedate.updated': 'task',
  'task.duedate.removed': 'task',
} as const;
export type PayloadEventType = keyof typeof payloadKindByEventType;
type PayloadKind = (typeof payloadKindByEventType)[PayloadEventType];

/** How the new envelope's resource of each payload kind is read with its context. */
function quoResourceKindOf(type: PayloadEventType, kind: PayloadKind): QuoResourceKind {
  if (type === 'call.recording.completed') return 'call-recording';
  switch (kind) {
    case 'message':
      return 'message';
    case 'call':
      return 'call';
    case 'voicemail':
      return 'voicemail';
    case 'call-summary':
    case 'call-transcript':
    case 'call-menu':
      return 'call-intelligence';
    case 'task':
      return 'task';
    case 'contact':
      return 'as-is';
  }
}

interface EventHeader {
  eventId: string | undefined;
  type: PayloadEventType;
  apiVersion: string | undefined;
  /** When OpenPhone says the event happened; absent in some deliveries (the caller falls back to receipt time). */
  occurredAt: string | undefined;
  envelope: 'legacy' | 'standard-webhooks';
  context?: Record<string, unknown>;
  links?: Record<string, unknown>;
  /** Quo's contact lookup (new envelope only); absent when the delivery says nothing. */
  contacts?: ContactLookup;
}

export type WebhookEvent = EventHeader &
  (
    | { kind: 'message'; object: MessagePayload }
    | { kind: 'call'; object: CallPayload }
    | { kind: 'call-summary'; object: CallSummaryPayload }
    | { kind: 'call-transcript'; object: CallTranscriptPayload }
    | { kind: 'voicemail'; object: VoicemailEventPayload }
    | { kind: 'call-menu'; object: CallMenuSelectionPayload }
    | { kind: 'contact'; object: ContactPayload }
    | { kind: 'task'; object: TaskPayload }
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

const isKnownType = (type: string): type is PayloadEventType => Object.hasOwn(payloadKindByEventType, type);
const unsupported = (type: string): ParseResult<never> => ({
  ok: false,
  reason: `type: unsupported event type ${JSON.stringify(type)}`,
});

const payloadSchemas = {
  message: messagePayloadSchema,
  call: callPayloadSchema,
  'call-summary': callSummaryPayloadSchema,
  'call-transcript': callTranscriptPayloadSchema,
  contact: contactPayloadSchema,
  voicemail: voicemailEventPayloadSchema,
  'call-menu': callMenuSelectionPayloadSchema,
  task: taskPayloadSchema,
} as const;

/** The object read with its kind's schema; issues are reported under `objectPath`. */
function withObject(
  header: EventHeader,
  object: Record<string, unknown>,
  objectPath: string[],
): ParseResult<WebhookEvent> {
  const kind = payloadKindByEventType[header.type];
  const parsed = payloadSchemas[kind].safeParse(object);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error, objectPath) };
  return { ok: true, value: { ...header, kind, object: parsed.data } as WebhookEvent };
}

function isQuoEnvelope(body: unknown): boolean {
  const data = typeof body === 'object' && body !== null ? (body as { data?: unknown }).data : undefined;
  return typeof data === 'object' && data !== null && 'resource' in data;
}

function parseQuoEvent(body: unknown): ParseResult<WebhookEvent> {
  const parsed = quoEnvelopeSchema.safeParse(body);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error) };
  const { id, type, apiVersion, timestamp, createdAt, data } = parsed.data;
  if (!isKnownType(type)) return unsupported(type);
  const context = quoContextSchema.safeParse(data.context ?? {});
  if (!context.success) return { ok: false, reason: describeIssues(context.error, ['data', 'context']) };
  const reading = readQuoResource(
    quoResourceKindOf(type, payloadKindByEventType[type]),
    type,
    data.resource,
    context.data,
  );
  if (!reading.ok) return reading;
  const header: EventHeader = {
    eventId: id,
    type,
    apiVersion,
    occurredAt: createdAt ?? timestamp,
    envelope: 'standard-webhooks',
    ...(data.context ? { context: data.context } : {}),
    ...(data.links ? { links: data.links } : {}),
    ...(context.data.contacts ? { contacts: context.data.contacts } : {}),
  };
  return withObject(header, reading.object, ['data', 'resource']);
}

function parseLegacyEvent(body: unknown): ParseResult<WebhookEvent> {
  const parsed = legacyEnvelopeSchema.safeParse(body);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error) };
  const { id, type, apiVersion, createdAt, data } = parsed.data;
  if (!isKnownType(type)) return unsupported(type);
  const header: EventHeader = { eventId: id, type, apiVersion, occurredAt: createdAt, envelope: 'legacy' };
  return withObject(header, data.object, ['data', 'object']);
}

/**
 * Parses a webhook body (already JSON-decoded) in either envelope into one normalised event: the
 * same fact reads the same from either. Unknown event types, malformed payloads and events whose
 * counterpart cannot be determined are `{ ok: false, reason }`, never exceptions.
 */
export function parseWebhookEvent(body: unknown): ParseResult<WebhookEvent> {
  return isQuoEnvelope(body) ? parseQuoEvent(body) : parseLegacyEvent(body);
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
