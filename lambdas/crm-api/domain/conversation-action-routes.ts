import { z } from 'zod';
import { conversation } from './conversation-routes';

// Done/open and tasks on one conversation, written through to OpenPhone (routes/conversation-actions.ts).

const conversationParams = z.object({
  id: z.string().meta({
    description: 'The conversation: `CN…` (one known only as `PN…~+1…` cannot be told to OpenPhone: 409).',
  }),
});

export const task = z
  .object({
    id: z.string().meta({ description: "OpenPhone's task id (`TK…`)." }),
    conversationId: z.string().meta({ description: 'The conversation it is on (`CN…`).' }),
    title: z.string(),
    description: z.string().optional(),
    dueAt: z.string().optional().meta({ description: 'When it is due (ISO 8601).' }),
    assignedTo: z.string().optional().meta({ description: 'The user it is assigned to (`US…`).' }),
    completed: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string().optional(),
  })
  .meta({ id: 'Task' });
export type Task = z.infer<typeof task>;

export const newTaskBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    description: z.string().max(2000).optional(),
    dueAt: z.iso
      .datetime({
        offset: true,
        error: 'must be an ISO 8601 date-time with an offset, e.g. 2026-12-08T09:00:00-05:00',
      })
      .optional(),
    assignedTo: z
      .string()
      .regex(/^US[A-Za-z0-9]+$/, 'must be a user id (US…)')
      .optional(),
  })
  .strict()
  .meta({ id: 'NewTask' });
/** A task as a caller writes it (before the trim). */
export type NewTaskBody = z.input<typeof newTaskBody>;

export const taskPageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(50)
    .optional()
    .meta({ description: 'Tasks per page, 1–50 (default 20).' }),
  cursor: z.string().min(1).optional().meta({ description: 'The `cursor` of the previous page.' }),
});

const conversationAnswer = z.object({ conversation }).meta({ id: 'ConversationAnswer' });

const writeErrors = {
  409: '`no_openphone_conversation`: the conversation has no `CN…` id, so OpenPhone cannot be told.',
  429: 'The OpenPhone rate limit is saturated: retry after `Retry-After` seconds.',
  502: '`openphone_refused`: OpenPhone refused the request (`status` is its own); nothing was recorded.',
  503: 'OpenPhone could not be reached; nothing was recorded.',
} as const;

export const conversationActionRoutes = {
  markConversationDone: {
    method: 'POST',
    path: '/v1/conversations/{id}/done',
    scope: 'crm/conversations',
    summary:
      'Mark a conversation done in OpenPhone, then in the CRM: its waiting spell ends (closed, not answered). No body.',
    params: conversationParams,
    response: conversationAnswer,
    errors: writeErrors,
  },
  markConversationOpen: {
    method: 'POST',
    path: '/v1/conversations/{id}/open',
    scope: 'crm/conversations',
    summary: 'Mark a conversation open in OpenPhone, then in the CRM (it does not start a wait). No body.',
    params: conversationParams,
    response: conversationAnswer,
    errors: writeErrors,
  },
  createConversationTask: {
    method: 'POST',
    path: '/v1/conversations/{id}/tasks',
    scope: 'crm/conversations',
    summary: "Create a task on a conversation in OpenPhone, then record it on the conversation's timeline",
    params: conversationParams,
    body: newTaskBody,
    status: 201,
    response: z.object({ task }).meta({ id: 'TaskAnswer' }),
    errors: {
      ...writeErrors,
      503: 'OpenPhone could not be reached; `outcome_unknown` means it may have created the task.',
    },
  },
  listConversationTasks: {
    method: 'GET',
    path: '/v1/conversations/{id}/tasks',
    scope: 'crm/read',
    summary: "A conversation's tasks, as OpenPhone lists them",
    params: conversationParams,
    query: taskPageQuery,
    response: z
      .object({
        items: z.array(task),
        cursor: z
          .string()
          .optional()
          .meta({ description: 'Pass as `cursor` for the next page; absent on the last.' }),
      })
      .meta({ id: 'TaskPage' }),
    errors: {
      409: writeErrors[409],
      429: writeErrors[429],
      502: writeErrors[502],
      503: 'OpenPhone could not be reached.',
    },
  },
} as const;
