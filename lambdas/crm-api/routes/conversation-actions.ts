import {
  activityChangeOfCreatedTask,
  defaultFollowUpSettings,
  type ActivityRepository,
  type ConversationRecord,
  type ConversationRepository,
  type FollowUpSettings,
} from '../../crm';
import {
  OpenPhoneApiError,
  type InboxState,
  type NewTask,
  type Page,
  type Task as OpenPhoneTask,
  type TaskFilters,
  type TaskWritten,
} from '../../openphone';
import { conversationKeyPattern } from '../domain/conversation-routes';
import { newTaskBody, taskPageQuery, type Task } from '../domain/conversation-action-routes';
import { parseBody, parseQuery } from '../domain/requests';
import { ApiRequestError } from '../errors';
import { conversationView } from './conversations';
import { callOpenPhone } from './openphone-refusals';
import { configured, json, type RouteHandlers } from './types';

/** OpenPhone's conversation state and tasks, on the interactive lane of the shared limit. */
export interface OpenPhoneConversations {
  mark(conversationId: string, state: InboxState): Promise<unknown>;
  createTask(input: NewTask): Promise<TaskWritten>;
  listTasks(filters: TaskFilters): Promise<Page<OpenPhoneTask>>;
}

export interface ConversationActionRouteDeps {
  conversations?: Pick<ConversationRepository, 'conversation' | 'recordInboxStatus'>;
  activities: Pick<ActivityRepository, 'upsertActivity'>;
  /** Absent: the routes answer 503. */
  openPhoneConversations?: OpenPhoneConversations;
  followUp?: FollowUpSettings;
  now?: () => Date;
}

/** OpenPhone's task as this API shows it. */
function taskView(task: OpenPhoneTask, conversationId: string): Task {
  return {
    id: task.taskId,
    conversationId: task.conversationId ?? conversationId,
    title: task.title,
    ...(task.description ? { description: task.description } : {}),
    ...(task.dueDate ? { dueAt: task.dueDate } : {}),
    ...(task.assignedTo ? { assignedTo: task.assignedTo } : {}),
    completed: task.completed,
    createdAt: task.createdAt,
    ...(task.updatedAt ? { updatedAt: task.updatedAt } : {}),
  };
}

/**
 * OpenPhone's refusal (a 4xx other than its rate limit) as 502 `openphone_refused` with its status
 * and message; anything else as every other write of this API passes OpenPhone's failures on.
 */
async function throughOpenPhone<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (
      error instanceof OpenPhoneApiError &&
      error.status >= 400 &&
      error.status < 500 &&
      error.status !== 429
    )
      throw new ApiRequestError(
        502,
        'openphone_refused',
        `OpenPhone refused ${what}: ${error.message}`,
        undefined,
        undefined,
        error.status,
      );
    return callOpenPhone(what, () => Promise.reject(error));
  }
}

/** Done/open and tasks on one conversation: OpenPhone first, then the CRM's record of it. */
export function conversationActionRoutes(
  deps: ConversationActionRouteDeps,
): RouteHandlers<
  'markConversationDone' | 'markConversationOpen' | 'createConversationTask' | 'listConversationTasks'
> {
  const settings = deps.followUp ?? defaultFollowUpSettings;
  const now = deps.now ?? (() => new Date());
  const openPhone = () =>
    configured(
      deps.openPhoneConversations,
      'openphone',
      'this API has no OpenPhone to write conversations to',
    );

  /** The stored conversation and its `CN…` id: 400, 404 or 409 when it cannot be told to OpenPhone. */
  const conversationAtOpenPhone = async (
    id: string | undefined,
  ): Promise<{ record: ConversationRecord; conversationId: string }> => {
    const key = id ?? '';
    if (!conversationKeyPattern.test(key))
      throw new ApiRequestError(400, 'invalid_id', 'id must be a conversation id (CN…) or PN…~+E.164', 'id');
    const record = await configured(deps.conversations, 'conversations').conversation(key);
    if (!record) throw new ApiRequestError(404, 'not_found', `no conversation ${key}`);
    if (!record.conversationId)
      throw new ApiRequestError(
        409,
        'no_openphone_conversation',
        `conversation ${key} has no OpenPhone conversation id (CN…): OpenPhone named none in its activities, so it cannot be told`,
      );
    return { record, conversationId: record.conversationId };
  };

  const mark =
    (state: 'done' | 'open') =>
    async ({ params, body }: { params: Record<string, string>; body: unknown }) => {
      if (body !== undefined && (typeof body !== 'object' || body === null || Object.keys(body).length > 0))
        throw new ApiRequestError(400, 'invalid_request', 'this request takes no body (or {})', 'body');
      const { record, conversationId } = await conversationAtOpenPhone(params.id);
      await throughOpenPhone(`marking the conversation ${state}`, () =>
        openPhone().mark(conversationId, state),
      );
      const written = await configured(deps.conversations, 'conversations').recordInboxStatus(
        record.conversationKey,
        state,
      );
      if (!written) throw new ApiRequestError(404, 'not_found', `no conversation ${record.conversationKey}`);
      return json(200, { conversation: conversationView(written, settings, now()) });
    };

  return {
    markConversationDone: mark('done'),
    markConversationOpen: mark('open'),
    createConversationTask: async ({ params, body }) => {
      const fields = parseBody(newTaskBody, body);
      const { conversationId } = await conversationAtOpenPhone(params.id);
      const input = {
        conversationId,
        title: fields.title,
        ...(fields.description !== undefined ? { description: fields.description } : {}),
        ...(fields.dueAt ? { dueDate: fields.dueAt } : {}),
        ...(fields.assignedTo ? { assignedTo: fields.assignedTo } : {}),
      };
      const written = await throughOpenPhone('the task creation', () => openPhone().createTask(input));
      // OpenPhone answers the id and revision only: the task is what was asked, as of now.
      const createdAt = now().toISOString();
      const change = activityChangeOfCreatedTask({
        ...input,
        taskId: written.taskId,
        createdAt,
        ...(written.revision !== undefined ? { revision: String(written.revision) } : {}),
      });
      await deps.activities.upsertActivity(change.update, change.eventTime);
      return json(201, {
        task: taskView({ ...input, taskId: written.taskId, completed: false, createdAt }, conversationId),
      });
    },
    listConversationTasks: async ({ params, query }) => {
      const { limit, cursor } = parseQuery(taskPageQuery, query);
      const { conversationId } = await conversationAtOpenPhone(params.id);
      const page = await throughOpenPhone("the conversation's tasks", () =>
        openPhone().listTasks({
          conversationId,
          maxResults: limit ?? 20,
          ...(cursor ? { pageToken: cursor } : {}),
        }),
      );
      return json(200, {
        items: page.data.filter((t) => !t.isDeleted).map((t) => taskView(t, conversationId)),
        ...(page.nextPageToken ? { cursor: page.nextPageToken } : {}),
      });
    },
  };
}
