import { randomHex, type Random } from './prng';
import {
  recordingsOf,
  summaryOf,
  transcriptOf,
  type CallRecord,
  type CallStatus,
  type MessageRecord,
} from './resources';

/**
 * `data.resource` + `data.context` of Quo's new webhooks (payload version 2026-03-30), as
 * OPENPHONE.md ("2026") describes them: who is who lives in `context`, not in the resource.
 * The context's id fields (`phoneNumberId`, `conversationId`, `userId`) are this simulator's
 * reading of "phone number, conversation" in Quo's overview; see docs/local-replica.md.
 */
export interface QuoPayload {
  readonly resource: Record<string, unknown>;
  readonly context: Record<string, unknown>;
}

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
// The simulator never links a number to a contact in its events: "none" says it looked.
const noContacts = { ids: [] as string[], lookupStatus: 'none' };

export function quoMessagePayload(message: MessageRecord, mediaUrl?: string): QuoPayload {
  const incoming = message.direction === 'incoming';
  return {
    resource: {
      id: message.id,
      direction: message.direction,
      text: message.text,
      media: mediaUrl ? [{ url: mediaUrl, type: 'image/jpeg' }] : [],
      status: message.status,
      createdAt: iso(message.createdAtMs),
    },
    context: {
      phoneNumberId: message.phoneNumberId,
      conversationId: message.conversationId,
      userId: message.userId,
      senderIdentifier: incoming ? message.participant : message.workspaceNumber,
      recipientIdentifiers: [incoming ? message.workspaceNumber : message.participant],
      contacts: noContacts,
    },
  };
}

/** New-system `call.completed` statuses (answered, unanswered, failed, …) from the simulator's. */
const quoCallStatus: Record<CallStatus, string> = {
  completed: 'answered',
  missed: 'unanswered',
  'no-answer': 'unanswered',
  busy: 'failed',
};

function callContext(call: CallRecord) {
  return {
    phoneNumberId: call.phoneNumberId,
    conversationId: call.conversationId,
    participants: {
      workspace: [{ phoneNumberId: call.phoneNumberId, number: call.workspaceNumber, userId: call.userId }],
      external: [call.participant],
      resolution: 'available',
    },
    contacts: noContacts,
  };
}

export function quoCallPayload(call: CallRecord, baseUrl: string, withRecording: boolean): QuoPayload {
  return {
    resource: {
      id: call.id,
      direction: call.direction,
      status: quoCallStatus[call.status],
      createdAt: iso(call.createdAtMs),
      answeredAt: isoOrNull(call.answeredAtMs),
      completedAt: iso(call.completedAtMs),
      duration: call.durationSeconds,
      hasVoicemail: call.hasVoicemail,
      ...(withRecording ? { recordings: recordingsOf(call, baseUrl) } : {}),
    },
    context: callContext(call),
  };
}

/** `call.missed` (incoming only): Quo's resource is only the call's id and times; who in `context`. */
export function quoMissedCallPayload(call: CallRecord): QuoPayload {
  return {
    resource: { id: call.id, createdAt: iso(call.createdAtMs), updatedAt: iso(call.completedAtMs) },
    context: callContext(call),
  };
}

/** The voicemail's id, derived from its call's so every delivery of it names the same one. */
export const voicemailIdOf = (call: CallRecord) => `VM${call.id.slice(2)}`;

/**
 * `call.voicemail.completed`: its own `id` and `voicemailId`, the `callId` it belongs to, its own
 * `from`/`to`, the recording and the transcript, as OPENPHONE.md ("2026") lists them.
 */
export function quoVoicemailPayload(call: CallRecord, baseUrl: string, transcript: string): QuoPayload {
  return {
    resource: {
      id: `VE${call.id.slice(2)}`,
      voicemailId: voicemailIdOf(call),
      callId: call.id,
      from: call.participant,
      to: call.workspaceNumber,
      duration: 14,
      recordingUrl: `${baseUrl}/media/voicemails/${call.id}.mp3`,
      transcript,
      createdAt: iso(call.completedAtMs),
    },
    context: callContext(call),
  };
}

export function quoCallSummaryPayload(call: CallRecord): QuoPayload {
  const { callId, summary, nextSteps } = summaryOf(call);
  return {
    resource: { callId, summary, nextSteps, processingStatus: 'completed', handledByAiAgent: false },
    context: callContext(call),
  };
}

export function quoCallTranscriptPayload(call: CallRecord): QuoPayload {
  const { callId, dialogue, duration } = transcriptOf(call);
  return {
    resource: { callId, dialogue, duration, processingStatus: 'completed' },
    context: callContext(call),
  };
}

/**
 * The sample a test event carries. Its event id is empty, as in Quo's legacy test deliveries (the
 * only test deliveries whose shape is known), so a receiver records it without acting on it.
 */
export function quoSampleEvent(eventType: string, createdAt: string, apiVersion: string) {
  return {
    id: '',
    apiVersion,
    createdAt,
    type: eventType,
    data: {
      resource: { id: 'ACsampleactivity0000000000000000', createdAt },
      context: { phoneNumberId: '', conversationId: '', contacts: { ids: [], lookupStatus: 'unavailable' } },
      links: { quo: null },
    },
  };
}

/** A delivery id as Quo's deliveries list shows them (`msg_…`): the `webhook-id` header. */
export function newDeliveryId(random: Random): string {
  return `msg_${randomHex(random, 22)}`;
}
