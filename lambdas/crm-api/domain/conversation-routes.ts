import { z } from 'zod';
import { pageQuery } from './requests';

// GET /v1/conversations?waiting=true and GET /v1/conversations/{id}: who waits for an answer.

const activityMark = z
  .object({
    activityId: z.string().meta({ description: 'The activity (`AC…`): GET /v1/activities/{id}.' }),
    at: z.string().meta({ description: 'When it happened (ISO 8601).' }),
    kind: z.enum(['message', 'call', 'missed-call', 'voicemail', 'answered-call']),
  })
  .meta({ id: 'ConversationActivity' });

export const conversation = z
  .object({
    id: z.string().meta({
      description:
        "OpenPhone's conversation id (`CN…`), or, for activities that named none, our line and their number: `PN…~+15555550123`.",
    }),
    conversationId: z.string().optional().meta({ description: 'The `CN…` id, when OpenPhone gave one.' }),
    phoneNumberId: z.string().optional().meta({ description: 'Our line (`PN…`).' }),
    ourNumber: z.string().optional().meta({ description: "Our line's number, E.164." }),
    contactNumber: z.string().meta({ description: "The other party's number, E.164." }),
    waiting: z.boolean().meta({
      description:
        'An inbound text that needs an answer, a missed call or a voicemail with no outbound message or answered call after it.',
    }),
    waitingSince: z
      .string()
      .optional()
      .meta({ description: 'When the waiting spell began: its oldest unanswered activity.' }),
    waitingFor: activityMark.optional(),
    waitingBusinessMinutes: z
      .number()
      .int()
      .optional()
      .meta({ description: "Business minutes waited so far, in the line's hours (docs/crm-records.md)." }),
    replyTargetMinutes: z
      .number()
      .int()
      .meta({ description: "The line's reply target, in business minutes." }),
    replyDueAt: z.string().optional().meta({ description: 'When the wait passes the reply target.' }),
    overdue: z.boolean().meta({ description: 'Waiting beyond the reply target.' }),
    lastInbound: activityMark.optional(),
    lastOutbound: activityMark.optional(),
    lastAnswer: activityMark.optional(),
    assignedTo: z.string().optional().meta({ description: "OpenPhone's assignee (`US…`)." }),
    snoozedUntil: z.string().optional(),
    mutedUntil: z.string().optional(),
    inboxStatus: z.enum(['done', 'open', 'read']).optional().meta({
      description: 'Done, open or read as the bridge last set it (OpenPhone does not report it).',
    }),
    updatedAt: z.string(),
  })
  .meta({ id: 'Conversation' });
export type Conversation = z.infer<typeof conversation>;

export const conversationPage = z
  .object({
    items: z.array(conversation),
    cursor: z
      .string()
      .optional()
      .meta({ description: 'Pass as `cursor` for the next page; absent on the last.' }),
  })
  .meta({ id: 'ConversationPage' });

export const waitingQuery = pageQuery.extend({
  waiting: z
    .literal('true', { error: 'must be true: the list is of conversations waiting for an answer' })
    .meta({
      description: '`true` (required): the conversations waiting for an answer, oldest first.',
    }),
  number: z
    .string()
    .regex(/^(\+[1-9]\d{6,14}|PN[A-Za-z0-9]+)$/, 'must be E.164 (+15555550123) or a PN… id')
    .optional()
    .meta({ description: 'Only those on this line of ours: E.164 or `PN…`.' }),
  assignedTo: z
    .string()
    .regex(/^US[A-Za-z0-9]+$/, 'must be a user id (US…)')
    .optional()
    .meta({ description: 'Only those OpenPhone assigns to this user (`US…`).' }),
  olderThan: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2026-12-07T15:00:00Z' })
    .optional()
    .meta({ description: 'Only those waiting since before this instant (ISO 8601).' }),
});

/** A conversation key in a path: `CN…`, or `<line>~<E.164>`. */
export const conversationKeyPattern = /^([A-Za-z0-9_-]{1,128}|[A-Za-z0-9_-]{1,64}~\+[1-9]\d{6,14})$/;

export const conversationRoutes = {
  listConversations: {
    method: 'GET',
    path: '/v1/conversations',
    scope: 'crm/read',
    summary: 'The conversations waiting for an answer, oldest first (a query of the waiting index)',
    query: waitingQuery,
    response: conversationPage,
  },
  getConversation: {
    method: 'GET',
    path: '/v1/conversations/{id}',
    scope: 'crm/read',
    summary: 'One conversation: its last inbound and outbound activity, whether it waits and for how long',
    params: z.object({
      id: z
        .string()
        .meta({ description: '`CN…`, or `PN…~+15555550123` URL-encoded (`PN…~%2B15555550123`).' }),
    }),
    response: conversation,
  },
} as const;
