import { z } from 'zod';
import { optionalText, optionalTime, phoneNumberList, stringList } from './payload-fields';

/**
 * Quo's new webhooks (Standard Webhooks signatures, `Quo-Api-Version` 2026-03-30): `data.resource`
 * is the business object without its parties; who sent it, to whom, on which line and conversation
 * are in `data.context` (docs/openphone.md says what was confirmed where). This file reads the
 * context and gives back the resource in the shape the legacy `data.object` has, so every processor
 * reads the same fact the same way — or the reason, naming the field, why it cannot.
 */

export const quoEnvelopeSchema = z.object({
  id: optionalText,
  type: z.string().min(1),
  apiVersion: optionalText,
  /** Beta-era deliveries carried `timestamp`; the current envelope has `createdAt` (when it happened). */
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
export type QuoEnvelope = z.infer<typeof quoEnvelopeSchema>;

/** An id given as a string or as an object that has one (`conversation: { id }`). */
const idOf = z
  .union([z.string(), z.object({ id: optionalText }).passthrough()])
  .nullish()
  .transform((value) => (typeof value === 'string' ? value.trim() || undefined : (value?.id ?? undefined)));

/** The workspace line: `{ id, number }`, or its id alone. */
const phoneNumberRef = z
  .union([
    z.string().transform((id) => ({ id: id.trim() || undefined, number: undefined })),
    z.object({ id: optionalText, number: optionalText, phoneNumber: optionalText }).passthrough(),
  ])
  .nullish()
  .transform((value) =>
    value
      ? { id: value.id, number: value.number ?? ('phoneNumber' in value ? value.phoneNumber : undefined) }
      : {},
  );

/** One participant of a call: a number, or an object naming its number (and user, line). */
const participant = z
  .union([
    z.string().transform((number) => ({ number: number.trim() || undefined })),
    z
      .object({
        phoneNumber: optionalText,
        number: optionalText,
        identifier: optionalText,
        userId: optionalText,
        phoneNumberId: optionalText,
      })
      .passthrough()
      .transform((p) => ({
        number: p.phoneNumber ?? p.number ?? p.identifier,
        userId: p.userId,
        phoneNumberId: p.phoneNumberId,
      })),
  ])
  .nullable();
export type Participant = {
  number?: string | undefined;
  userId?: string | undefined;
  phoneNumberId?: string | undefined;
};

const participantList = z
  .array(participant)
  .nullish()
  .transform((items) => (items ?? []).filter((p): p is NonNullable<typeof p> => p != null));

/** `available`: the lists are right; `unavailable`: empty lists mean unknown, not nobody. */
const participantsSchema = z.object({
  workspace: participantList,
  external: participantList,
  resolution: optionalText,
});

export const contactLookupStatuses = ['matched', 'none', 'unavailable'] as const;
/** Quo's contact lookup for the event: `unavailable` means the ids are unknown, not that there are none. */
export interface ContactLookup {
  lookupStatus: (typeof contactLookupStatuses)[number];
  ids: string[];
}
const contactsSchema = z
  .object({
    ids: stringList,
    // A status Quo adds later says nothing we know: the ids are unknown, as when unavailable.
    lookupStatus: z.enum(contactLookupStatuses).nullish().catch('unavailable'),
  })
  .passthrough()
  .transform((c): ContactLookup => ({
    // Without a status nothing says the list is complete: unknown.
    lookupStatus: c.lookupStatus ?? (c.ids.length ? 'matched' : 'unavailable'),
    ids: c.lookupStatus === 'matched' || (!c.lookupStatus && c.ids.length) ? c.ids : [],
  }));

/**
 * The context, each field read on its own: one it cannot read is unknown (absent), so an odd field
 * never costs the event its other facts (a STOP its sender and text). Where a missing fact matters,
 * `readQuoResource` fails the event naming it.
 */
export const quoContextSchema = z
  .object({
    phoneNumber: phoneNumberRef.catch({}),
    phoneNumberId: optionalText.catch(undefined),
    conversation: idOf.catch(undefined),
    conversationId: optionalText.catch(undefined),
    user: idOf.catch(undefined),
    userId: optionalText.catch(undefined),
    /** Who made a task change (task events). */
    actor: idOf.catch(undefined),
    senderIdentifier: optionalText.catch(undefined),
    recipientIdentifiers: phoneNumberList.catch([]),
    participants: participantsSchema
      .nullish()
      .transform((value) => value ?? undefined)
      .catch(undefined),
    contacts: contactsSchema
      .nullish()
      .transform((value) => value ?? undefined)
      .catch(undefined),
  })
  .passthrough()
  .transform((c) => ({
    phoneNumberId: c.phoneNumberId ?? c.phoneNumber.id,
    lineNumber: c.phoneNumber.number,
    conversationId: c.conversationId ?? c.conversation,
    userId: c.userId ?? c.user,
    actorUserId: c.actor ?? c.userId ?? c.user,
    sender: c.senderIdentifier,
    recipients: c.recipientIdentifiers,
    participants: c.participants,
    contacts: c.contacts,
  }));
export type QuoContext = z.infer<typeof quoContextSchema>;

export type ResourceReading = { ok: true; object: Record<string, unknown> } | { ok: false; reason: string };

const isPresent = (value: unknown) => value != null && !(typeof value === 'string' && value.trim() === '');
const firstPresent = (...values: unknown[]) => values.find(isPresent);
const numbersOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : isPresent(value) ? [value] : []).filter(
    (n): n is string => typeof n === 'string' && n.trim() !== '',
  );

/** Message types whose message is ours (outgoing) or theirs (incoming) when the resource omits it. */
const messageDirectionByType: Record<string, 'incoming' | 'outgoing'> = {
  'message.received': 'incoming',
  'message.delivered': 'outgoing',
  'message.failed': 'outgoing',
  'message.undelivered': 'outgoing',
  'message.sent': 'outgoing',
};

/** Call types that only incoming calls fire (Quo's payload page). */
const incomingOnlyCallTypes = new Set(['call.missed', 'call.forwarded', 'call.voicemail.completed']);

/**
 * A message resource with its parties from `context`: the sender of an incoming message and the
 * recipients of an outgoing one are the counterpart; without it the event cannot be placed.
 */
function readMessage(type: string, resource: Record<string, unknown>, context: QuoContext): ResourceReading {
  const direction = firstPresent(resource.direction, messageDirectionByType[type]);
  const from = firstPresent(context.sender, resource.from);
  const recipients = context.recipients.length ? context.recipients : numbersOf(resource.to);
  if (direction === 'incoming' && !from)
    return {
      ok: false,
      reason: 'data.context.senderIdentifier: absent, so the sender of this incoming message is unknown',
    };
  if (direction === 'outgoing' && recipients.length === 0)
    return {
      ok: false,
      reason:
        'data.context.recipientIdentifiers: empty, so the recipients of this outgoing message are unknown',
    };
  const to = recipients.length
    ? recipients
    : direction === 'incoming' && context.lineNumber
      ? [context.lineNumber]
      : [];
  return {
    ok: true,
    object: {
      ...resource,
      direction,
      from: from ?? (direction === 'outgoing' ? context.lineNumber : undefined),
      to,
      ...ids(resource, context),
    },
  };
}

function ids(resource: Record<string, unknown>, context: QuoContext, workspace: Participant[] = []) {
  return {
    phoneNumberId: firstPresent(resource.phoneNumberId, context.phoneNumberId, workspace[0]?.phoneNumberId),
    conversationId: firstPresent(resource.conversationId, context.conversationId),
    userId: firstPresent(
      resource.userId,
      resource.answeredByUserId,
      context.userId,
      workspace.find((p) => p.userId)?.userId,
    ),
  };
}

/**
 * A call resource with its parties from `context.participants`: the external participant is the
 * counterpart. A resource that names `from`/`to` itself (the voicemail) needs no participants.
 */
function readCall(type: string, resource: Record<string, unknown>, context: QuoContext): ResourceReading {
  const workspace = context.participants?.workspace ?? [];
  const external = (context.participants?.external ?? [])
    .map((p) => p.number)
    .filter((n): n is string => !!n);
  const ours = [
    ...new Set([...workspace.map((p) => p.number), context.lineNumber].filter((n): n is string => !!n)),
  ];
  const direction = firstPresent(
    resource.direction,
    incomingOnlyCallTypes.has(type) ? 'incoming' : undefined,
  );
  const ownFrom = firstPresent(resource.from);
  const ownTo = numbersOf(resource.to);
  const base = { ...resource, ...ids(resource, context, workspace) };
  if (ownFrom && ownTo.length) return { ok: true, object: { ...base, direction, from: ownFrom, to: ownTo } };
  if (external.length === 0)
    return {
      ok: false,
      reason:
        context.participants?.resolution === 'unavailable'
          ? "data.context.participants.resolution: unavailable, so the call's other party is unknown"
          : "data.context.participants.external: empty, so the call's other party is unknown",
    };
  if (direction !== 'incoming' && direction !== 'outgoing')
    return { ok: false, reason: 'data.resource.direction: absent, so who called whom is unknown' };
  const [from, to] = direction === 'incoming' ? [external[0], ours.length ? ours : []] : [ours[0], external];
  return { ok: true, object: { ...base, direction, from, to } };
}

/**
 * A voicemail names its call (`callId`) and its own `from`/`to`: with a call to attach to, its
 * parties are a bonus; without one (`callId` null) it stands alone and needs its caller.
 */
function readVoicemail(
  type: string,
  resource: Record<string, unknown>,
  context: QuoContext,
): ResourceReading {
  const placed = readCall(type, resource, context);
  if (placed.ok || !isPresent(resource.callId)) return placed;
  return { ok: true, object: { ...resource, ...ids(resource, context) } };
}

/** A task: its conversation and the actor of the change come from `context` when the resource omits them. */
function readTask(resource: Record<string, unknown>, context: QuoContext): ResourceReading {
  return {
    ok: true,
    object: {
      ...resource,
      conversationId: firstPresent(resource.conversationId, context.conversationId),
      phoneNumberId: firstPresent(resource.phoneNumberId, context.phoneNumberId),
      actorUserId: firstPresent(resource.actorUserId, context.actorUserId),
    },
  };
}

/** A summary or transcript: `processingStatus` is the legacy `status`. */
function readCallIntelligence(resource: Record<string, unknown>): ResourceReading {
  return {
    ok: true,
    object: { ...resource, status: firstPresent(resource.status, resource.processingStatus) },
  };
}

/** A recording resource names its call; its `recordings[]` are the legacy `media`. */
function readRecording(
  type: string,
  resource: Record<string, unknown>,
  context: QuoContext,
): ResourceReading {
  if (isPresent(resource.callId) && resource.callId !== resource.id)
    return { ok: true, object: { ...resource, media: firstPresent(resource.recordings, resource.media) } };
  return readCall(type, { ...resource, media: firstPresent(resource.recordings, resource.media) }, context);
}

export type QuoResourceKind =
  'message' | 'call' | 'call-recording' | 'voicemail' | 'call-intelligence' | 'task' | 'as-is';

/**
 * The resource in the legacy object's shape, its parties taken from `context` as Quo documents it;
 * `{ ok: false, reason }` (naming the field) when the counterpart cannot be determined.
 */
export function readQuoResource(
  kind: QuoResourceKind,
  type: string,
  resource: Record<string, unknown>,
  context: QuoContext,
): ResourceReading {
  switch (kind) {
    case 'message':
      return readMessage(type, resource, context);
    case 'call':
      return readCall(type, resource, context);
    case 'call-recording':
      return readRecording(type, resource, context);
    case 'voicemail':
      return readVoicemail(type, resource, context);
    case 'call-intelligence':
      return readCallIntelligence(resource);
    case 'task':
      return readTask(resource, context);
    case 'as-is':
      return { ok: true, object: resource };
  }
}
