import { integerBetween, pick, randomHex, seededRandom } from './prng';

/** What the simulator stores; the API and webhook shapes are derived from it. */
export interface PhoneNumberRecord {
  readonly id: string;
  readonly number: string;
  readonly name: string;
  readonly groupId: string;
  readonly userIds: readonly string[];
  readonly createdAtMs: number;
}

export interface UserRecord {
  readonly id: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly role: 'owner' | 'admin' | 'member';
  readonly groupId: string;
  readonly createdAtMs: number;
}

export interface ConversationRecord {
  readonly id: string;
  /** Position in the seeded workspace; -1 for conversations created at run time. */
  readonly index: number;
  readonly phoneNumberId: string;
  readonly participant: string;
  readonly userId: string;
  readonly name: string | null;
  readonly createdAtMs: number;
  lastActivityAtMs: number;
  lastActivityId: string | null;
  updatedAtMs: number;
  /**
   * Quo's inbox state: `done` after a send with `setInboxStatus: "done"`, `open` after any other
   * activity. Write-only in Quo's API (no field, no webhook): tests read it here.
   */
  inboxStatus: 'open' | 'done';
  /** When `mark-as-read` last read it; unread when activity came after (or never read). */
  readAtMs?: number;
  /** Items added at run time (sends, inbound activity), oldest first. */
  readonly addedItemIds: string[];
}

export type Direction = 'incoming' | 'outgoing';
export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'undelivered';
export type CallStatus = 'completed' | 'missed' | 'no-answer' | 'busy';

export interface MessageRecord {
  readonly kind: 'message';
  readonly id: string;
  readonly conversationId: string;
  readonly phoneNumberId: string;
  readonly workspaceNumber: string;
  readonly participant: string;
  readonly userId: string;
  readonly direction: Direction;
  readonly text: string;
  status: MessageStatus;
  readonly createdAtMs: number;
  updatedAtMs: number;
}

export interface CallRecord {
  readonly kind: 'call';
  readonly id: string;
  readonly conversationId: string;
  readonly phoneNumberId: string;
  readonly workspaceNumber: string;
  readonly participant: string;
  readonly userId: string;
  readonly direction: Direction;
  readonly status: CallStatus;
  readonly createdAtMs: number;
  readonly answeredAtMs: number | null;
  readonly completedAtMs: number;
  readonly durationSeconds: number;
  readonly hasVoicemail: boolean;
}

export type ActivityRecord = MessageRecord | CallRecord;

export interface ContactRecord {
  id: string;
  externalId: string | null;
  source: string;
  defaultFields: {
    firstName: string | null;
    lastName: string | null;
    company: string | null;
    role: string | null;
    emails: { name: string; value: string | null; id: string }[];
    phoneNumbers: { name: string; value: string | null; id: string }[];
  };
  customFields: { name: string; key: string; id: string; type: string; value: unknown }[];
  createdAtMs: number;
  updatedAtMs: number;
  createdByUserId: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function phoneNumberResource(phoneNumber: PhoneNumberRecord, users: readonly UserRecord[]) {
  return {
    id: phoneNumber.id,
    groupId: phoneNumber.groupId,
    createdAt: iso(phoneNumber.createdAtMs),
    updatedAt: iso(phoneNumber.createdAtMs),
    name: phoneNumber.name,
    number: phoneNumber.number,
    formattedNumber: formatNanp(phoneNumber.number),
    forward: null,
    portRequestId: null,
    portingStatus: null,
    symbol: null,
    users: users.map((user) => ({
      email: user.email,
      firstName: user.firstName,
      groupId: user.groupId,
      id: user.id,
      lastName: user.lastName,
      role: user.role,
    })),
    restrictions: {
      messaging: { CA: 'unrestricted', US: 'unrestricted', Intl: 'restricted' },
      calling: { CA: 'unrestricted', US: 'unrestricted', Intl: 'restricted' },
    },
  };
}

export function userResource(user: UserRecord) {
  return {
    id: user.id,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    pictureUrl: null,
    role: user.role,
    createdAt: iso(user.createdAtMs),
    updatedAt: iso(user.createdAtMs),
  };
}

export function conversationResource(conversation: ConversationRecord) {
  return {
    id: conversation.id,
    phoneNumberId: conversation.phoneNumberId,
    participants: [conversation.participant],
    name: conversation.name,
    assignedTo: conversation.userId,
    lastActivityAt: iso(conversation.lastActivityAtMs),
    lastActivityId: conversation.lastActivityId,
    createdAt: iso(conversation.createdAtMs),
    updatedAt: iso(conversation.updatedAtMs),
    deletedAt: null,
    mutedUntil: null,
    snoozedUntil: null,
  };
}

/** A message as the REST API returns it (GET /v1/messages, POST /v1/messages). */
export function messageResource(message: MessageRecord) {
  const outgoing = message.direction === 'outgoing';
  return {
    id: message.id,
    to: [outgoing ? message.participant : message.workspaceNumber],
    from: outgoing ? message.workspaceNumber : message.participant,
    text: message.text,
    phoneNumberId: message.phoneNumberId,
    direction: message.direction,
    userId: message.userId,
    status: message.status,
    createdAt: iso(message.createdAtMs),
    updatedAt: iso(message.updatedAtMs),
  };
}

/** A call as the REST API returns it: exactly the documented fields, nothing more. */
export function callResource(call: CallRecord) {
  const answered = call.answeredAtMs !== null;
  return {
    answeredAt: isoOrNull(call.answeredAtMs),
    answeredBy: answered && call.direction === 'incoming' ? call.userId : null,
    initiatedBy: call.direction === 'outgoing' ? call.userId : null,
    direction: call.direction,
    status: call.status,
    completedAt: iso(call.completedAtMs),
    createdAt: iso(call.createdAtMs),
    duration: call.durationSeconds,
    forwardedFrom: null,
    forwardedTo: null,
    id: call.id,
    phoneNumberId: call.phoneNumberId,
    participants: [call.participant],
    updatedAt: iso(call.completedAtMs),
    userId: call.userId,
  };
}

export function hasRecording(call: CallRecord): boolean {
  return call.status === 'completed' && call.durationSeconds > 0;
}

export function recordingsOf(call: CallRecord, baseUrl: string) {
  if (!hasRecording(call)) return [];
  return [
    {
      duration: call.durationSeconds,
      id: `RE${call.id.slice(2)}`,
      startTime: isoOrNull(call.answeredAtMs),
      status: 'completed' as const,
      type: 'audio/mpeg',
      url: `${baseUrl}/media/recordings/${call.id}.mp3`,
    },
  ];
}

const summaryLines = [
  'Caller asked about the status of their order.',
  'Discussed pricing for the annual plan.',
  'Customer reported a billing discrepancy.',
  'Scheduled an on-site visit for next week.',
  'Agreed to send a written quote.',
  'Caller wants to change the delivery address.',
];
const nextStepLines = [
  'Send the quote by email.',
  'Follow up on Friday.',
  'Open a ticket with billing.',
  'Confirm the appointment by text.',
];

export function summaryOf(call: CallRecord) {
  const random = seededRandom('summary', call.id);
  return {
    callId: call.id,
    summary: [pick(random, summaryLines), pick(random, summaryLines)],
    nextSteps: [pick(random, nextStepLines)],
    status: 'completed' as const,
  };
}

const dialogueLines = [
  'Hi, thanks for calling, how can I help?',
  'I am calling about my last invoice.',
  'Sure, let me pull up your account.',
  'Could you confirm the address on file?',
  'Thanks, that is all I needed.',
  'Have a great day.',
];

export function transcriptOf(call: CallRecord) {
  const random = seededRandom('transcript', call.id);
  const lines = Math.min(dialogueLines.length, Math.max(2, Math.floor(call.durationSeconds / 20)));
  const step = call.durationSeconds / lines;
  return {
    callId: call.id,
    createdAt: iso(call.completedAtMs),
    dialogue: Array.from({ length: lines }, (_, i) => {
      const fromUser = i % 2 === 0;
      return {
        content: dialogueLines[(i + integerBetween(random, 0, 1)) % dialogueLines.length]!,
        start: Math.round(i * step * 10) / 10,
        end: Math.round((i + 1) * step * 10) / 10,
        identifier: fromUser ? call.workspaceNumber : call.participant,
        userId: fromUser ? call.userId : null,
      };
    }),
    duration: call.durationSeconds,
    status: 'completed' as const,
  };
}

export function contactResource(contact: ContactRecord) {
  return {
    id: contact.id,
    externalId: contact.externalId,
    source: contact.source,
    defaultFields: contact.defaultFields,
    customFields: contact.customFields,
    createdAt: iso(contact.createdAtMs),
    updatedAt: iso(contact.updatedAtMs),
    createdByUserId: contact.createdByUserId,
  };
}

/** `data.object` of a legacy message webhook. */
export function messageEventObject(message: MessageRecord, includeMediaFrom?: string) {
  const api = messageResource(message);
  return {
    id: message.id,
    object: 'message' as const,
    from: api.from,
    to: api.to[0]!,
    direction: message.direction,
    text: message.text,
    status: message.status,
    media: includeMediaFrom ? [{ url: includeMediaFrom, type: 'image/jpeg' }] : [],
    createdAt: api.createdAt,
    userId: message.userId,
    phoneNumberId: message.phoneNumberId,
    conversationId: message.conversationId,
  };
}

/** What every simulated caller says to the voicemail. */
export const voicemailTranscript = 'Hi, please call me back when you can.';

/** `data.object` of a legacy call webhook; recordings and voicemail only appear here. */
export function callEventObject(call: CallRecord, baseUrl: string, withRecording: boolean) {
  const outgoing = call.direction === 'outgoing';
  return {
    id: call.id,
    object: 'call' as const,
    from: outgoing ? call.workspaceNumber : call.participant,
    to: outgoing ? call.participant : call.workspaceNumber,
    direction: call.direction,
    status: call.status,
    createdAt: iso(call.createdAtMs),
    answeredAt: isoOrNull(call.answeredAtMs),
    completedAt: iso(call.completedAtMs),
    conversationId: call.conversationId,
    phoneNumberId: call.phoneNumberId,
    userId: call.userId,
    duration: call.durationSeconds,
    media: withRecording
      ? recordingsOf(call, baseUrl).map((r) => ({ url: r.url, type: r.type, duration: r.duration }))
      : [],
    voicemail: call.hasVoicemail
      ? {
          url: `${baseUrl}/media/voicemails/${call.id}.mp3`,
          type: 'audio/mpeg',
          duration: 14,
          transcript: voicemailTranscript,
        }
      : null,
  };
}

function formatNanp(e164: string): string | null {
  const match = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return match ? `(${match[1]}) ${match[2]}-${match[3]}` : null;
}

export function newEventId(random: () => number): string {
  return `EV${randomHex(random, 32)}`;
}
