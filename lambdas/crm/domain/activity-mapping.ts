import { normalisePhoneNumber } from '../../shared/phone-numbers';
import type {
  ApiCall,
  ApiMessage,
  CallPayload,
  CallSummaryPayload,
  CallTranscriptPayload,
  MessagePayload,
  VoicemailEventPayload,
  WebhookEvent,
} from '../../openphone';
import { taskChangeOf } from './task-mapping';
import {
  defined,
  ActivityAspects,
  ActivityFacts,
  ActivityMapping,
  ActivityMappingFailure,
  Direction,
  MediaItem,
} from './activity';

/** The pure mapping of webhook events and imported REST objects onto activity updates (see activity.ts). */
// ---- numbers ----------------------------------------------------------------------------------

const sortedUnique = (numbers: string[]) => [...new Set(numbers)].sort();

interface Parties {
  from?: string;
  to: string[];
  participants: string[];
  contactNumbers: string[];
}

/** Incoming: the contact is `from`; outgoing: the contacts are `to`. */
function partiesOf(direction: Direction | undefined, rawFrom: string | undefined, rawTo: string[]): Parties {
  const from = rawFrom === undefined ? undefined : normalisePhoneNumber(rawFrom);
  const to = rawTo.map((n) => normalisePhoneNumber(n));
  const contacts = direction === 'incoming' ? (from ? [from] : []) : direction === 'outgoing' ? to : [];
  return {
    ...(from ? { from } : {}),
    to,
    participants: sortedUnique([...(from ? [from] : []), ...to]),
    contactNumbers: sortedUnique(contacts),
  };
}

function partyFacts(parties: Parties): ActivityFacts {
  return {
    ...(parties.from ? { from: parties.from } : {}),
    ...(parties.to.length ? { to: parties.to } : {}),
    ...(parties.participants.length ? { participants: parties.participants } : {}),
    ...(parties.contactNumbers.length ? { contactNumbers: parties.contactNumbers } : {}),
  };
}

// ---- webhooks -----------------------------------------------------------------------------------

function messageFacts(
  message: MessagePayload | ApiMessage,
  conversationId: string | undefined,
): ActivityFacts {
  const media =
    'media' in message
      ? message.media.map((m) => defined({ url: m.url!, type: m.type }))
      : ([] as MediaItem[]);
  return defined({
    kind: 'message' as const,
    direction: message.direction,
    ...partyFacts(partiesOf(message.direction, message.from, message.to)),
    conversationId,
    userId: message.userId,
    phoneNumberId: message.phoneNumberId,
    createdAt: message.createdAt,
    text: message.text ?? undefined,
    media: media.length ? media : undefined,
  });
}

function callFacts(call: CallPayload): ActivityFacts {
  return defined({
    kind: 'call' as const,
    direction: call.direction,
    ...partyFacts(partiesOf(call.direction, call.from, call.to)),
    conversationId: call.conversationId,
    userId: call.userId,
    phoneNumberId: call.phoneNumberId,
    createdAt: call.createdAt,
    answeredAt: call.answeredAt,
    completedAt: call.completedAt,
    answeredBy: call.answeredByUserId ?? call.answeredBy,
    forwardedFrom: call.forwardedFrom,
    forwardedTo: call.forwardedTo,
  });
}

/** The status a lifecycle event means when its resource does not say (`call.missed` is only ids and times). */
const callStatusByType: Record<string, string> = {
  'call.answered': 'answered',
  'call.missed': 'missed',
  'call.forwarded': 'forwarded',
};

function callAspects(call: CallPayload): ActivityAspects {
  const recordings = call.media.map((m) => defined({ url: m.url!, type: m.type, duration: m.duration }));
  return defined({
    status: call.status,
    // An empty list says nothing (a recording may still be processing), so it never clears one.
    recordings: recordings.length ? recordings : undefined,
    voicemail: call.voicemail
      ? defined({
          url: call.voicemail.url!,
          type: call.voicemail.type,
          duration: call.voicemail.duration,
          transcript: call.voicemail.transcript,
        })
      : undefined,
  });
}

/** A recording object (not the call) on `call.recording.completed`: attached to its `callId`. */
function isRecordingObject(object: CallPayload): boolean {
  return (
    (object.callId !== undefined && object.callId !== object.id) ||
    /^(call[-_]?)?recording$/i.test(object.object ?? '') ||
    (object.id?.startsWith('CR') ?? false)
  );
}

function recordingAspects(recording: CallPayload): ActivityAspects {
  const recordings = [
    ...(recording.url ? [{ url: recording.url, type: recording.type, duration: recording.duration }] : []),
    ...recording.media,
  ].map((m) => defined({ url: m.url!, type: m.type, duration: m.duration }));
  return defined({ recordings: recordings.length ? recordings : undefined });
}

/**
 * A voicemail (`call.voicemail.completed`) on its call's record, whichever of it and
 * `call.completed` comes first; one without a call (`callId` null) is a voicemail activity of its own.
 */
function voicemailChange(
  voicemail: VoicemailEventPayload,
):
  | { activityId: string | undefined; facts: ActivityFacts; aspects: ActivityAspects }
  | ActivityMappingFailure {
  if (!voicemail.url) return 'missing-recording-url';
  const parties = partyFacts(partiesOf('incoming', voicemail.from, voicemail.to));
  const standsAlone = !voicemail.callId;
  if (standsAlone && !parties.contactNumbers?.length) return 'missing-counterpart';
  return {
    activityId: voicemail.callId ?? voicemail.voicemailId ?? voicemail.id,
    facts: defined({
      kind: 'call' as const,
      direction: 'incoming' as const,
      ...parties,
      conversationId: voicemail.conversationId,
      phoneNumberId: voicemail.phoneNumberId,
      userId: voicemail.userId,
      // On a call, the call's own creation time orders it; the voicemail's would be later.
      createdAt: standsAlone ? voicemail.createdAt : undefined,
    }),
    aspects: {
      voicemail: defined({
        url: voicemail.url,
        type: voicemail.type,
        duration: voicemail.duration,
        transcript: voicemail.transcript,
      }),
    },
  };
}

/** Statuses that say there is no content to come (documented for summaries and transcripts). */
const noContentStatuses = new Set(['absent', 'failed']);

function summaryAspects(summary: CallSummaryPayload): ActivityAspects {
  return {
    summary: defined({ summary: summary.summary, nextSteps: summary.nextSteps, status: summary.status }),
  };
}

function transcriptAspects(transcript: CallTranscriptPayload): ActivityAspects {
  return {
    transcript: defined({
      dialogue: transcript.dialogue.map((line) => defined(line)),
      duration: transcript.duration,
      status: transcript.status,
    }),
  };
}

/**
 * The activity change a webhook event makes. `receivedAt` stands in for the event time when the
 * delivery carries none. Contact events are not activities. An event whose content cannot be
 * read (a received message with neither text nor media, a recording without a URL, a summary or
 * transcript without content, nothing to attach to) is a failure naming what was missing: the
 * event is kept failed for a re-drive rather than recorded with its content gone.
 */
export function activityChangeFromWebhook(event: WebhookEvent, receivedAt: string): ActivityMapping {
  const eventTime = event.occurredAt ?? receivedAt;
  const fail = (reason: ActivityMappingFailure): ActivityMapping => ({ ok: false, reason });
  const change = (
    activityId: string | undefined,
    facts: ActivityFacts,
    aspects: ActivityAspects,
    missingId: ActivityMappingFailure = 'missing-object-id',
  ): ActivityMapping =>
    activityId
      ? { ok: true, change: { eventTime, update: { activityId, source: 'webhook', facts, aspects } } }
      : fail(missingId);
  // Quo's own contact match, kept only when it is one: `none` and `unavailable` say nothing here.
  const matchedContacts =
    event.contacts?.lookupStatus === 'matched' && event.contacts.ids.length
      ? { openPhoneContactIds: event.contacts.ids }
      : {};
  const facts0: ActivityFacts = {};
  switch (event.kind) {
    case 'message': {
      const facts = { ...messageFacts(event.object, event.object.conversationId), ...matchedContacts };
      if (event.type === 'message.received' && !facts.text?.trim() && !facts.media?.length)
        return fail('missing-text-and-media');
      // Without the other party the message is on no timeline and a STOP suppresses nobody.
      if (!facts.contactNumbers?.length) return fail('missing-counterpart');
      const status = event.object.status ?? messageStatusByType[event.type];
      const mapped = change(event.object.id, facts, defined({ status }));
      const deliveryError = event.object.deliveryError && {
        ...event.object.deliveryError,
        terminal: event.type !== 'message.failed',
      };
      return mapped.ok && deliveryError
        ? { ok: true, change: { ...mapped.change, update: { ...mapped.change.update, deliveryError } } }
        : mapped;
    }
    case 'call': {
      if (isRecordingObject(event.object)) {
        const aspects = recordingAspects(event.object);
        if (!aspects.recordings) return fail('missing-recording-url');
        // Never under the recording's own id: the call's record gets it (or is created by it).
        return change(event.object.callId, { kind: 'call' }, aspects, 'missing-call-id');
      }
      const aspects = callAspects(event.object);
      aspects.status ??= callStatusByType[event.type];
      if (event.type === 'call.answered') facts0.answeredAt = event.object.answeredAt ?? eventTime;
      if (event.type === 'call.recording.completed' && !aspects.recordings && !aspects.voicemail)
        return fail('missing-recording-url');
      const facts = { ...callFacts(event.object), ...facts0, ...matchedContacts };
      if (!facts.contactNumbers?.length) return fail('missing-counterpart');
      return change(event.object.id, facts, aspects);
    }
    case 'call-summary': {
      const { summary, nextSteps, status } = event.object;
      if (!summary.length && !nextSteps.length && !noContentStatuses.has(status ?? ''))
        return fail('missing-summary');
      // A summary can arrive before its call: it creates the record, the call fills in the rest.
      return change(event.object.callId, { kind: 'call' }, summaryAspects(event.object), 'missing-call-id');
    }
    case 'call-transcript': {
      const { dialogue, status } = event.object;
      if (!dialogue.length && !noContentStatuses.has(status ?? '')) return fail('missing-transcript-lines');
      return change(
        event.object.callId,
        { kind: 'call' },
        transcriptAspects(event.object),
        'missing-call-id',
      );
    }
    case 'voicemail': {
      const mapped = voicemailChange(event.object);
      if (typeof mapped === 'string') return fail(mapped);
      return change(mapped.activityId, { ...mapped.facts, ...matchedContacts }, mapped.aspects);
    }
    case 'call-menu': {
      const { callId, choice, label, destination } = event.object;
      if (!choice && !label) return fail('missing-menu-choice');
      const menuSelection = defined({ choice, label, destination });
      return change(callId, { kind: 'call' }, { menuSelection }, 'missing-call-id');
    }
    case 'task': {
      const mapped = taskChangeOf(event.type, event.object, eventTime);
      return change(mapped.activityId, mapped.facts, mapped.aspects);
    }
    case 'contact':
      return fail('not-an-activity');
  }
}

/** The status a message event means when its resource does not say. */
const messageStatusByType: Record<string, string> = {
  'message.delivered': 'delivered',
  'message.failed': 'failed',
  'message.undelivered': 'undelivered',
};

// ---- imports ------------------------------------------------------------------------------------

export interface ImportContext {
  /** The conversation the import walked to find this object: the REST objects do not carry it. */
  conversationId?: string;
}

/** A message from GET /v1/messages: the same record a webhook makes, minus media (webhook-only). */
export function activityChangeFromApiMessage(
  message: ApiMessage,
  context: ImportContext = {},
): ActivityMapping {
  const eventTime = message.updatedAt ?? message.createdAt;
  if (!eventTime) return { ok: false, reason: 'missing-event-time' };
  return {
    ok: true,
    change: {
      eventTime,
      update: {
        activityId: message.id,
        source: 'import',
        facts: messageFacts(message, context.conversationId),
        aspects: defined({ status: message.status }),
      },
    },
  };
}

export interface CallImportContext extends ImportContext {
  /** The E.164 number of the call's OpenPhone line (`phoneNumberId`): REST calls list participants only. */
  openPhoneNumber: string;
}

/** A call from GET /v1/calls: participants are split into from/to by the line's own number. */
export function activityChangeFromApiCall(call: ApiCall, context: CallImportContext): ActivityMapping {
  const eventTime = call.updatedAt ?? call.completedAt ?? call.createdAt;
  if (!eventTime) return { ok: false, reason: 'missing-event-time' };
  const own = normalisePhoneNumber(context.openPhoneNumber);
  const others = call.participants.map((n) => normalisePhoneNumber(n)).filter((n) => n !== own);
  const [from, to] = call.direction === 'incoming' ? [others[0], [own]] : [own, others];
  return {
    ok: true,
    change: {
      eventTime,
      update: {
        activityId: call.id,
        source: 'import',
        facts: defined({
          kind: 'call' as const,
          direction: call.direction,
          ...partyFacts(partiesOf(call.direction, from, to)),
          conversationId: context.conversationId,
          userId: call.userId,
          phoneNumberId: call.phoneNumberId,
          createdAt: call.createdAt,
          answeredAt: call.answeredAt,
          completedAt: call.completedAt,
          durationSeconds: call.duration,
          answeredBy: call.answeredBy,
          initiatedBy: call.initiatedBy,
          forwardedFrom: call.forwardedFrom,
          forwardedTo: call.forwardedTo,
        }),
        aspects: defined({ status: call.status }),
      },
    },
  };
}
