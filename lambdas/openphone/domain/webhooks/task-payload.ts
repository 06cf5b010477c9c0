import { z } from 'zod';
import { optionalNumber, optionalText, optionalTime } from './payload-fields';

/**
 * A Quo task (`task.*`, July 2026): the whole task (v1 `taskId`, `completed`, `isDeleted`,
 * `revision` as a string; the dated version `status`, `revision` a number), or — on most events —
 * only its id, with the actor and links in `context` (read into `actorUserId`, `conversationId`).
 */
export const taskPayloadSchema = z
  .object({
    taskId: optionalText,
    id: optionalText,
    title: optionalText,
    description: optionalText,
    dueDate: optionalTime,
    assignedTo: optionalText,
    assignedBy: optionalText,
    createdBy: optionalText,
    createdAt: optionalTime,
    updatedAt: optionalTime,
    completed: z
      .boolean()
      .nullish()
      .transform((value) => value ?? undefined),
    status: optionalText,
    isDeleted: z
      .boolean()
      .nullish()
      .transform((value) => value ?? undefined),
    revision: z
      .union([z.string(), optionalNumber])
      .nullish()
      .transform((value) => (value == null || value === '' ? undefined : String(value))),
    conversationId: optionalText,
    phoneNumberId: optionalText,
    activityId: optionalText,
    actorUserId: optionalText,
  })
  .transform(({ taskId, id, completed, isDeleted, status, ...task }) => ({
    ...task,
    taskId: taskId ?? id,
    state: isDeleted
      ? 'deleted'
      : (status ?? (completed === undefined ? undefined : completed ? 'completed' : 'open')),
    /** A title says the event carried the task itself; an id alone means it must be fetched. */
    carriesTask: task.title !== undefined,
  }));
export type TaskPayload = z.infer<typeof taskPayloadSchema>;
