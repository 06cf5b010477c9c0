import { z } from 'zod';

/**
 * Shapes of OpenPhone's REST API v1 (https://api.openphone.com) as this product reads and writes
 * them. Checked against OpenPhone's OpenAPI document; conversations, users, GET /v1/calls/{id} and
 * the contacts list are not in that document and follow OpenPhone's API reference. Fields the
 * product does not need are dropped; fields OpenPhone documents loosely are accepted loosely.
 */

const nullableString = z.string().nullable();
/** Timestamps stay strings: OpenPhone sends both `…Z` and `….000Z` forms. */
const timestamp = z.string();

// ── Pages and errors ────────────────────────────────────────────────────────────────────────────

export const maxPageSize = 100;

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    // Documented as inaccurate (conversations): read, never used to stop.
    totalItems: z.number().optional(),
    nextPageToken: z.string().nullable(),
  });
}

export interface Page<T> {
  readonly data: T[];
  readonly nextPageToken: string | null;
  /** What the list says it holds in all (an estimate: inaccurate for conversations). */
  readonly totalItems?: number;
}

export const openPhoneErrorBody = z.object({
  message: z.string().optional(),
  code: z.string().optional(),
  status: z.number().optional(),
  docs: z.string().optional(),
  title: z.string().optional(),
  trace: z.string().optional(),
  errors: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type OpenPhoneErrorBody = z.infer<typeof openPhoneErrorBody>;

// ── Phone numbers and users ─────────────────────────────────────────────────────────────────────

export const phoneNumber = z.object({
  id: z.string(),
  groupId: z.string().optional(),
  name: z.string().nullable().optional(),
  number: z.string(),
  formattedNumber: nullableString.optional(),
  forward: nullableString.optional(),
  symbol: nullableString.optional(),
  users: z
    .array(
      z.object({
        id: z.string(),
        email: z.string().optional(),
        firstName: nullableString.optional(),
        lastName: nullableString.optional(),
        role: z.string().optional(),
      }),
    )
    .default([]),
  createdAt: timestamp.optional(),
  updatedAt: timestamp.optional(),
});
export type PhoneNumber = z.infer<typeof phoneNumber>;
export const phoneNumberList = z.object({ data: z.array(phoneNumber) });

export const user = z.object({
  id: z.string(),
  email: z.string().nullable().optional(),
  firstName: nullableString.optional(),
  lastName: nullableString.optional(),
  role: z.string().nullable().optional(),
  pictureUrl: nullableString.optional(),
  createdAt: timestamp.optional(),
  updatedAt: timestamp.optional(),
});
export type User = z.infer<typeof user>;

// ── Conversations, messages, calls ──────────────────────────────────────────────────────────────

export const conversation = z.object({
  id: z.string(),
  phoneNumberId: nullableString,
  participants: z.array(z.string()),
  name: nullableString.optional(),
  assignedTo: nullableString.optional(),
  lastActivityAt: timestamp.nullable().optional(),
  lastActivityId: nullableString.optional(),
  createdAt: timestamp.nullable().optional(),
  updatedAt: timestamp.nullable().optional(),
  deletedAt: timestamp.nullable().optional(),
  mutedUntil: timestamp.nullable().optional(),
  snoozedUntil: timestamp.nullable().optional(),
});
export type Conversation = z.infer<typeof conversation>;

export const messageStatuses = ['queued', 'sent', 'delivered', 'undelivered'] as const;

export const message = z.object({
  id: z.string(),
  // Documented as a list; webhooks have carried a single string, so accept both.
  to: z.union([z.array(z.string()), z.string().transform((one) => [one])]),
  from: z.string(),
  text: z.string(),
  phoneNumberId: nullableString,
  direction: z.enum(['incoming', 'outgoing']),
  // Documented as a string, described as null for incoming messages.
  userId: nullableString.optional(),
  status: z.enum(messageStatuses),
  createdAt: timestamp,
  updatedAt: timestamp.nullable().optional(),
});
export type Message = z.infer<typeof message>;

export const callStatuses = [
  'queued',
  'initiated',
  'ringing',
  'in-progress',
  'completed',
  'busy',
  'failed',
  'no-answer',
  'canceled',
  'missed',
  'answered',
  'forwarded',
  'abandoned',
] as const;

export const call = z.object({
  id: z.string(),
  phoneNumberId: nullableString,
  userId: nullableString.optional(),
  participants: z.array(z.string()),
  direction: z.enum(['incoming', 'outgoing']),
  status: z.enum(callStatuses),
  duration: z.number(),
  answeredAt: timestamp.nullable().optional(),
  answeredBy: nullableString.optional(),
  initiatedBy: nullableString.optional(),
  completedAt: timestamp.nullable().optional(),
  forwardedFrom: nullableString.optional(),
  forwardedTo: nullableString.optional(),
  createdAt: timestamp,
  updatedAt: timestamp.nullable().optional(),
});
export type Call = z.infer<typeof call>;

export const callRecording = z.object({
  id: z.string(),
  duration: z.number().nullable(),
  startTime: timestamp.nullable(),
  status: z.string().nullable(),
  type: nullableString,
  url: nullableString,
});
export type CallRecording = z.infer<typeof callRecording>;

export const callSummary = z.object({
  callId: z.string(),
  status: z.enum(['absent', 'in-progress', 'completed', 'failed']),
  summary: z.array(z.string()).nullable(),
  nextSteps: z.array(z.string()).nullable(),
});
export type CallSummary = z.infer<typeof callSummary>;

export const callTranscript = z.object({
  callId: z.string(),
  status: z.enum(['absent', 'in-progress', 'completed', 'failed']),
  createdAt: timestamp.optional(),
  duration: z.number().nullable().optional(),
  dialogue: z
    .array(
      z.object({
        content: z.string(),
        start: z.number(),
        end: z.number(),
        identifier: z.string(),
        userId: nullableString.optional(),
      }),
    )
    .nullable(),
});
export type CallTranscript = z.infer<typeof callTranscript>;

// ── Contacts ────────────────────────────────────────────────────────────────────────────────────

const labelledValue = z.object({ name: z.string(), value: nullableString, id: z.string().optional() });

export const contact = z.object({
  id: z.string(),
  externalId: nullableString.optional(),
  source: nullableString.optional(),
  sourceUrl: nullableString.optional(),
  defaultFields: z.object({
    firstName: nullableString,
    lastName: nullableString.optional(),
    company: nullableString.optional(),
    role: nullableString.optional(),
    emails: z.array(labelledValue).default([]),
    phoneNumbers: z.array(labelledValue).default([]),
  }),
  customFields: z
    .array(
      z.object({
        name: z.string(),
        key: z.string().optional(),
        id: z.string().optional(),
        type: z.string(),
        value: z.unknown(),
      }),
    )
    .default([]),
  createdAt: timestamp,
  updatedAt: timestamp,
  createdByUserId: nullableString.optional(),
});
export type Contact = z.infer<typeof contact>;

const customFieldValue = z.object({
  key: z.string().optional(),
  id: z.string().optional(),
  value: z.union([z.string(), z.array(z.string()), z.boolean(), z.number()]).nullable(),
});

export const newContact = z.object({
  defaultFields: z.object({
    firstName: nullableString,
    lastName: nullableString.optional(),
    company: nullableString.optional(),
    role: nullableString.optional(),
    emails: z.array(labelledValue.omit({ id: true })).optional(),
    phoneNumbers: z.array(labelledValue.omit({ id: true })).optional(),
  }),
  customFields: z.array(customFieldValue).optional(),
  createdByUserId: z.string().optional(),
  externalId: z.string().optional(),
  source: z.string().optional(),
});
export type NewContact = z.infer<typeof newContact>;

export const contactChanges = z.object({
  defaultFields: z
    .object({
      firstName: nullableString.optional(),
      lastName: nullableString.optional(),
      company: nullableString.optional(),
      role: nullableString.optional(),
      emails: z.array(labelledValue).optional(),
      phoneNumbers: z.array(labelledValue).optional(),
    })
    .optional(),
  customFields: z.array(customFieldValue).optional(),
});
export type ContactChanges = z.infer<typeof contactChanges>;

// ── Webhooks ────────────────────────────────────────────────────────────────────────────────────

/** The legacy webhook families: one create endpoint each, each with the events it may carry. */
export const webhookEventsByFamily = {
  messages: ['message.received', 'message.delivered'],
  calls: ['call.completed', 'call.ringing', 'call.recording.completed'],
  'call-summaries': ['call.summary.completed'],
  'call-transcripts': ['call.transcript.completed'],
} as const;
export type WebhookFamily = keyof typeof webhookEventsByFamily;
export type WebhookEventOf<F extends WebhookFamily> = (typeof webhookEventsByFamily)[F][number];

export const webhook = z.object({
  id: z.string(),
  userId: nullableString.optional(),
  orgId: nullableString.optional(),
  label: nullableString.optional(),
  status: z.enum(['enabled', 'disabled']),
  url: z.string(),
  /** The signing key of this subscription. */
  key: z.string(),
  // Strings, not an enum: a new event type must not make the whole list unreadable.
  events: z.array(z.string()),
  resourceIds: z.array(z.string()).default([]),
  createdAt: timestamp.optional(),
  updatedAt: timestamp.optional(),
  deletedAt: timestamp.nullable().optional(),
});
export type Webhook = z.infer<typeof webhook>;

export interface NewWebhook<F extends WebhookFamily> {
  readonly url: string;
  readonly events: WebhookEventOf<F>[];
  /** PN ids, or `['*']` for every number. */
  readonly resourceIds?: string[];
  readonly label?: string;
  readonly status?: 'enabled' | 'disabled';
  readonly userId?: string;
}

// ── Request parameters ──────────────────────────────────────────────────────────────────────────

const maxResults = z.number().int().min(1).max(maxPageSize).optional();
const e164 = z.string().regex(/^\+[1-9]\d{1,14}$/, 'an E.164 number such as +15555550123');

/** Where a list starts: a page token stored by an earlier, interrupted walk. */
const pagingOptions = { maxResults, startPageToken: z.string().min(1).optional() };

export const conversationFilters = z.object({
  /** PN ids or E.164 numbers, at most 100. */
  phoneNumbers: z.array(z.string().min(1)).max(100).optional(),
  userId: z.string().optional(),
  createdAfter: timestamp.optional(),
  createdBefore: timestamp.optional(),
  updatedAfter: timestamp.optional(),
  updatedBefore: timestamp.optional(),
  excludeInactive: z.boolean().optional(),
  ...pagingOptions,
});
export type ConversationFilters = z.input<typeof conversationFilters>;

/** GET /v1/messages and /v1/calls: one OpenPhone number and exactly one other participant. */
export const activityFilters = z.object({
  phoneNumberId: z.string().regex(/^PN/, 'a phone number id (PN…)'),
  participants: z.tuple([e164]),
  userId: z.string().optional(),
  createdAfter: timestamp.optional(),
  createdBefore: timestamp.optional(),
  ...pagingOptions,
});
export type ActivityFilters = z.input<typeof activityFilters>;

export const contactFilters = z.object({
  externalIds: z.array(z.string()).optional(),
  sources: z.array(z.string()).optional(),
  // OpenPhone caps contact pages at 50.
  maxResults: z.number().int().min(1).max(50).optional(),
  startPageToken: z.string().min(1).optional(),
});
export type ContactFilters = z.input<typeof contactFilters>;

export const userFilters = z.object({
  maxResults: z.number().int().min(1).max(50).optional(),
  startPageToken: z.string().min(1).optional(),
});
export type UserFilters = z.input<typeof userFilters>;

export const outgoingMessage = z.object({
  content: z.string().min(1).max(1600).regex(/\S/, 'must not be blank'),
  /** A PN id or the E.164 number of one of the workspace's numbers. */
  from: z.string().min(1),
  to: z.tuple([e164]),
  userId: z.string().optional(),
  setInboxStatus: z.literal('done').optional(),
});
export type OutgoingMessage = z.input<typeof outgoingMessage>;
