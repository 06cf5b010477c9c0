import { z } from 'zod';
import { OpenPhoneApiError } from './errors';
import { newestFirstKey, paginate } from './pagination';
import { parseOr400 } from './requests';
import { notFound, ok, query, route, type Route, type RouteContext, type RouteResult } from './route-context';
import { taskResource } from './tasks';

/**
 * Quo's v1 tasks (`/v1/tasks`, July 2026). Not in the bundled OpenAPI v1 document: requests are
 * validated with these schemas, written from Quo's API reference (docs/openphone.md, "Tasks").
 */
const dateTime = z.iso.datetime({ offset: true, message: 'Expected an ISO 8601 date-time' });
const newTaskBody = z
  .object({
    title: z.string().min(1, 'Expected a title').max(200, 'Expected at most 200 characters'),
    // Required by Quo's reference (may be empty).
    description: z.string({ error: 'Expected a description' }).max(2000, 'Expected at most 2000 characters'),
    dueDate: dateTime.optional(),
    assignedTo: z
      .string()
      .regex(/^US(.*)$/, "Expected string to match '^US(.*)$'")
      .optional(),
    conversationId: z
      .string()
      .regex(/^CN(.*)$/, "Expected string to match '^CN(.*)$'")
      .optional(),
    phoneNumberId: z
      .string()
      .regex(/^PN(.*)$/, "Expected string to match '^PN(.*)$'")
      .optional(),
    activityId: z
      .string()
      .regex(/^AC(.*)$/, "Expected string to match '^AC(.*)$'")
      .optional(),
  })
  .strict()
  .refine((b) => [b.conversationId, b.phoneNumberId, b.activityId].filter(Boolean).length === 1, {
    message: 'Expected exactly one of conversationId, phoneNumberId, activityId',
    path: ['conversationId'],
  });
const listQuery = z.object({
  conversationId: z
    .string()
    .regex(/^CN(.*)$/, "Expected string to match '^CN(.*)$'")
    .optional(),
  maxResults: z.coerce
    .number()
    .int('Expected an integer')
    .min(1, 'Expected maxResults ≥ 1')
    .max(50, 'Expected maxResults ≤ 50')
    .default(10),
  pageToken: z.string().min(1).optional(),
});

const fieldError = (path: string, message: string, value: unknown) =>
  new OpenPhoneApiError(400, 'tasks', 'The input was invalid.', {
    errors: [{ path, message, value, schema: { type: 'String' } }],
  });

function createTask(context: RouteContext): RouteResult {
  const body = parseOr400(newTaskBody, context.body, 'tasks');
  const { workspace } = context;
  if (body.conversationId && !workspace.conversationById(body.conversationId))
    throw notFound('tasks', 'Conversation not found');
  if (body.phoneNumberId && !workspace.phoneNumberById(body.phoneNumberId))
    throw notFound('tasks', 'Phone number not found');
  if (body.activityId && !workspace.activityById(body.activityId))
    throw notFound('tasks', 'Activity not found');
  if (body.assignedTo && !workspace.userById(body.assignedTo))
    throw fieldError('/assignedTo', 'User is not a member of the workspace', body.assignedTo);
  const task = workspace.tasks.create({
    title: body.title,
    description: body.description || null,
    dueDateMs: body.dueDate === undefined ? null : Date.parse(body.dueDate),
    assignedTo: body.assignedTo ?? null,
    conversationId: body.conversationId ?? null,
    phoneNumberId: body.phoneNumberId ?? null,
    activityId: body.activityId ?? null,
  });
  return ok({ data: { taskId: task.id, revision: String(task.revision) } }, 201);
}

function listTasks(context: RouteContext): RouteResult {
  const q = query(context, listQuery, 'tasks');
  const { maxResults, pageToken, ...filters } = q;
  return ok(
    paginate(context.workspace.tasks.list(filters), {
      keyOf: (t) => newestFirstKey(t.createdAtMs, t.id),
      maxResults,
      pageToken,
      scope: `tasks:${JSON.stringify(filters)}`,
      resource: 'tasks',
      toResource: taskResource,
    }),
  );
}

function getTask(context: RouteContext): RouteResult {
  const task = context.workspace.tasks.get(context.params.id!);
  if (!task || task.isDeleted) throw notFound('tasks', 'Task not found');
  return ok({ data: taskResource(task) });
}

export const taskRoutes: readonly Route[] = [
  route('POST', '/v1/tasks', 'tasks', createTask, false),
  route('GET', '/v1/tasks', 'tasks', listTasks, false),
  route('GET', '/v1/tasks/{id}', 'tasks', getTask, false),
];
