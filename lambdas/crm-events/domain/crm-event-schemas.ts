import { z } from 'zod';
import { aspectNames, erasureStores, type ErasureStore } from '../../crm';

type ErasedCountsShape = Record<ErasureStore, z.ZodNumber>;

/**
 * The events the bridge publishes on its own EventBridge bus (docs/crm-events.md): one zod schema
 * per detail-type, the one source of the types, the JSON Schema files in docs/crm-events/ and the
 * docs. Every detail carries `eventId` (stable: the same change always has the same id, so a
 * consumer de-duplicates on it), `occurredAt` (the time the change speaks for) and `changes`.
 */

/** The `source` of every event the bridge puts on its bus. */
export const crmEventSource = 'openphone-bridge';

const envelope = {
  eventId: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .describe('Stable id of this change: de-duplicate on it'),
  occurredAt: z.iso.datetime({ offset: true }).describe('When the change happened (the source time)'),
};

const activityKind = z.enum(['message', 'call', 'voicemail', 'task']);
/** The activity's aspects that change (the CRM's own list): what `changes` names. */
export const activityAspects = aspectNames;

/** What every activity event says about the activity (no content unless the stage allows text). */
const activityFields = {
  activityId: z.string().describe('The OpenPhone message or call id (AC…), the CRM record id'),
  kind: activityKind.optional(),
  direction: z.enum(['incoming', 'outgoing']).optional(),
  from: z.string().optional(),
  to: z.array(z.string()).optional(),
  contactNumbers: z.array(z.string()).optional().describe("The other party's numbers (E.164)"),
  conversationId: z.string().optional(),
  userId: z.string().optional(),
  userName: z.string().optional(),
  phoneNumberId: z.string().optional(),
  phoneNumberName: z.string().optional(),
  createdAt: z.string().optional(),
  status: z.string().optional(),
  durationSeconds: z.number().optional(),
  deliveryError: z
    .object({ code: z.string().optional(), message: z.string().optional(), terminal: z.boolean().optional() })
    .optional()
    .describe(
      'The last failed delivery: `terminal` for message.undelivered, false for a retryable message.failed',
    ),
  menuSelection: z
    .object({
      choice: z.string().optional(),
      label: z.string().optional(),
      destination: z.string().optional(),
    })
    .optional()
    .describe("A call's latest IVR choice (call.menu.selected)"),
  task: z
    .object({
      dueDate: z.string().optional(),
      assignedTo: z.string().optional(),
      assignedBy: z.string().optional(),
      createdBy: z.string().optional(),
      revision: z.string().optional(),
      lastChange: z.string().optional().describe('The task.* type of the latest change'),
      needsFetch: z
        .boolean()
        .optional()
        .describe('The latest event carried only the task id: read the task from OpenPhone for the rest'),
    })
    .optional()
    .describe('A task (kind `task`): its state is `status` (open, overdue, completed, deleted)'),
  taskTitle: z.string().optional().describe('Only when the stage config includes text'),
  taskDescription: z.string().optional().describe('Only when the stage config includes text'),
  /** Only with the stage's `crmEvents.includeText`. */
  text: z.string().optional().describe('Message text: only when the stage config includes text'),
  summary: z.array(z.string()).optional().describe('Call summary: only when the stage config includes text'),
  nextSteps: z.array(z.string()).optional().describe('Only when the stage config includes text'),
  transcript: z
    .array(
      z.object({
        content: z.string(),
        identifier: z.string().optional(),
        userId: z.string().optional(),
        start: z.number().optional(),
        end: z.number().optional(),
      }),
    )
    .optional()
    .describe('Call transcript lines: only when the stage config includes text'),
  voicemailTranscript: z.string().optional().describe('Only when the stage config includes text'),
  textOmitted: z
    .literal('too-large')
    .optional()
    .describe('Text was allowed but left out: the event would exceed EventBridge’s 256 KB'),
};

export const activityRecordedDetail = z
  .object({
    ...envelope,
    ...activityFields,
    changes: z
      .array(z.enum(['recorded', ...activityAspects]))
      .describe('`recorded`, then any aspects that arrived before the activity itself'),
  })
  .describe('A new activity (message, call, voicemail) or task is in the CRM');

export const activityUpdatedDetail = z
  .object({
    ...envelope,
    ...activityFields,
    changes: z.array(z.enum(activityAspects)).min(1).describe('The aspects that arrived or changed'),
  })
  .describe('A recorded activity changed: status, recordings, voicemail, summary or transcript');

export const messageStatusChangedDetail = z
  .object({
    ...envelope,
    ...activityFields,
    openPhoneMessageId: z.string(),
    status: z.string().describe('OpenPhone’s status: queued, sent, delivered, undelivered, failed'),
    previousStatus: z.string().optional(),
    changes: z.tuple([z.literal('status')]),
  })
  .describe('An outgoing message’s delivery status changed');

const contactFields = z.object({
  contactId: z.string(),
  externalId: z.string().optional(),
  source: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  company: z.string().optional(),
  role: z.string().optional(),
  emails: z.array(z.object({ name: z.string().optional(), value: z.string() })).optional(),
  phoneNumbers: z.array(z.object({ name: z.string().optional(), value: z.string() })).optional(),
  customFields: z
    .array(
      z.object({
        name: z.string().optional(),
        key: z.string().optional(),
        type: z.string().optional(),
        value: z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]).optional(),
      }),
    )
    .optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  deleted: z.boolean().optional(),
  deletedAt: z.string().optional(),
});

export const contactChangedDetail = z
  .object({
    ...envelope,
    contactId: z.string(),
    change: z.enum(['created', 'updated', 'deleted']),
    changes: z.array(z.string()).min(1).describe('The contact fields that changed (or `created`, `deleted`)'),
    contact: contactFields.describe('The contact as the CRM now holds it'),
  })
  .describe('A contact was created, updated or deleted');

export const consentChangedDetail = z
  .object({
    ...envelope,
    phoneNumber: z.string().describe('E.164'),
    reason: z.enum(['opt-out', 'review', 'bounce', 'bounce-hard', 'manual']),
    action: z.enum(['added', 'lifted']),
    suppressed: z.boolean().describe('Whether this reason now blocks sends to the number'),
    reference: z.string().optional().describe('What caused it: a message id or an operator reference'),
    changes: z.tuple([z.literal('suppression')]),
  })
  .describe('A suppression reason was added to or lifted from a number');

export const campaignCompletedDetail = z
  .object({
    ...envelope,
    campaignId: z.string(),
    name: z.string().optional(),
    changes: z.tuple([z.literal('status')]),
  })
  .describe('A campaign sent to every recipient it could and completed');

export const contactErasedDetail = z
  .object({
    ...envelope,
    phoneNumber: z.string().describe('E.164: the number erased; delete what you hold of it'),
    erased: z
      .object(
        Object.fromEntries(
          erasureStores.map((store) => [store, z.number().int().min(0)]),
        ) as ErasedCountsShape,
      )
      .describe(
        'Items erased per store: activities, media (archived objects), contacts, apiMessages (sent through the CRM API), eventPayloads (raw webhook bodies), campaignRecipients',
      ),
    changes: z.tuple([z.literal('erased')]),
  })
  .describe(
    'A person (a phone number) was erased on request: the bridge holds nothing of them; copies in dead-letter queues expire within 14 days',
  );

export const activityErasedDetail = z
  .object({
    ...envelope,
    activityId: z.string().describe('The OpenPhone message or call id (AC…) whose record was erased'),
    changes: z.tuple([z.literal('erased')]),
  })
  .describe('An activity was erased with its person: delete your copy of it');

const conversationRef = {
  id: z
    .string()
    .describe("The conversation record id: OpenPhone's CN…, or PN…~+E.164 when OpenPhone gave none"),
  conversationId: z.string().optional().describe("OpenPhone's conversation id (CN…)"),
  phoneNumberId: z.string().optional().describe('Our line (PN…)'),
  ourNumber: z.string().optional().describe("Our line's number (E.164)"),
  contactNumber: z.string().describe('Their number (E.164)'),
};
const waitingMark = z.object({
  activityId: z.string(),
  at: z.string(),
  kind: z.enum(['message', 'missed-call', 'voicemail']),
});

export const conversationWaitingDetail = z
  .object({
    ...envelope,
    conversation: z.object({
      ...conversationRef,
      waitingSince: z.string().describe('When the waiting spell began: its first unanswered message or call'),
      replyDueAt: z.string().describe("When the line's reply target passed, in its business hours"),
      replyTargetMinutes: z.number().int().describe("The line's reply target, business minutes"),
      waitingFor: waitingMark.optional().describe('The activity that started the spell'),
    }),
    waitingBusinessMinutes: z.number().int().describe('Business minutes waited when the target passed'),
    changes: z.tuple([z.literal('overdue')]),
  })
  .describe("A conversation waits for an answer past its line's reply target: once per waiting spell");

export const conversationAnsweredDetail = z
  .object({
    ...envelope,
    conversation: z.object(conversationRef),
    waitingSince: z.string().describe('When the answered spell began'),
    answeredAt: z.string().describe('When the first answer (an outgoing message, an answered call) came'),
    answeredBy: z
      .object({
        activityId: z.string(),
        kind: z.enum(['message', 'answered-call']),
        userId: z.string().optional().describe('Who answered (US…), when OpenPhone says'),
      })
      .describe('The answer'),
    responseBusinessMinutes: z.number().int().describe('First-response time, business minutes'),
    replyTargetMinutes: z.number().int(),
    withinTarget: z.boolean().describe("Answered by the spell's reply due time"),
    changes: z.tuple([z.literal('answered')]),
  })
  .describe('An answer ended a waiting spell: its first-response time in business minutes');

export const callMissedDetail = z
  .object({
    ...envelope,
    activityId: z.string().describe("The call's activity id (AC…)"),
    callId: z.string().describe("OpenPhone's call id (the same AC…)"),
    conversation: z.object(conversationRef),
    at: z.string().describe('When the call came in'),
    voicemail: z.boolean().describe('A voicemail was known when the call was known missed'),
    voicemailTranscript: z.string().optional().describe('Only when the stage config includes text'),
    changes: z.tuple([z.literal('missed')]),
  })
  .describe(
    'An inbound call ended unanswered: sent once, when its end is recorded; a voicemail that comes later is activity.updated, not a second call.missed',
  );

/** Every detail-type and its schema: the publisher, the JSON Schema files and the docs read this table. */
export const crmEventDetails = {
  'activity.recorded': activityRecordedDetail,
  'activity.updated': activityUpdatedDetail,
  'message.status-changed': messageStatusChangedDetail,
  'contact.changed': contactChangedDetail,
  'consent.changed': consentChangedDetail,
  'campaign.completed': campaignCompletedDetail,
  'contact.erased': contactErasedDetail,
  'activity.erased': activityErasedDetail,
  'conversation.waiting': conversationWaitingDetail,
  'conversation.answered': conversationAnsweredDetail,
  'call.missed': callMissedDetail,
} as const;

export type CrmEventType = keyof typeof crmEventDetails;
export const crmEventTypes = Object.keys(crmEventDetails) as CrmEventType[];

export type CrmEventDetail<T extends CrmEventType = CrmEventType> = z.infer<(typeof crmEventDetails)[T]>;

/** One event for the bus: its detail-type and detail. */
export type CrmEvent = {
  [T in CrmEventType]: { detailType: T; detail: CrmEventDetail<T> };
}[CrmEventType];

/** The JSON Schema of one detail-type (draft 2020-12), for docs/crm-events/<type>.schema.json. */
export function crmEventJsonSchema(type: CrmEventType): Record<string, unknown> {
  return {
    ...z.toJSONSchema(crmEventDetails[type], { target: 'draft-2020-12', io: 'input' }),
    title: type,
  };
}
