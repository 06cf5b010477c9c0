import { z } from 'zod';

/**
 * OpenPhone's tasks (v1, since July 2026) and its conversation state writes. Neither is in the
 * published OpenAPI v1 document: the shapes follow Quo's API reference (docs/openphone.md, "Tasks").
 */

const userId = z.string().regex(/^US/, 'a user id (US…)');
const conversationId = z.string().regex(/^CN/, 'a conversation id (CN…)');

/** A task as `GET /v1/tasks` gives it. */
export const task = z.object({
  taskId: z.string(),
  title: z.string(),
  description: z.string().nullable().optional(),
  dueDate: z.string().nullable().optional(),
  assignedTo: z.string().nullable().optional(),
  assignedBy: z.string().nullable().optional(),
  createdBy: z.string().nullable().optional(),
  createdAt: z.string(),
  updatedAt: z.string().nullable().optional(),
  completed: z.boolean(),
  isDeleted: z.boolean().optional(),
  revision: z.string().optional(),
  conversationId: z.string().nullable().optional(),
  phoneNumberId: z.string().nullable().optional(),
  activityId: z.string().nullable().optional(),
});
export type Task = z.infer<typeof task>;

/**
 * `POST /v1/tasks` on a conversation (exactly one link: this client links conversations only).
 * Quo's reference marks `description` required (the dated version's page and Pipedream's
 * create-task agree); an empty one is sent when there is nothing to say.
 */
export const newTask = z
  .object({
    conversationId,
    title: z.string().min(1).max(200),
    description: z.string().max(2000),
    dueDate: z.iso.datetime({ offset: true }).optional(),
    assignedTo: userId.optional(),
  })
  .strict();
export type NewTask = z.input<typeof newTask>;

/** What a task write answers: the id and revision, not the task. */
export const taskWritten = z.object({
  taskId: z.string(),
  revision: z.union([z.string(), z.number()]).optional(),
});
export type TaskWritten = z.infer<typeof taskWritten>;

export const taskFilters = z.object({
  conversationId: conversationId.optional(),
  maxResults: z.number().int().min(1).max(50).optional(),
  pageToken: z.string().min(1).optional(),
});
export type TaskFilters = z.input<typeof taskFilters>;

/** The inbox states a conversation can be put in (write-only at OpenPhone). */
export const inboxStates = ['done', 'open', 'read'] as const;
export type InboxState = (typeof inboxStates)[number];
