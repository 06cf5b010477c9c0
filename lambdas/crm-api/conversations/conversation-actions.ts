import {
  activityChangeOfCreatedTask,
  defaultFollowUpSettings,
  type ActivityRepository,
  type ConversationRecord,
  type ConversationRepository,
  type FollowUpSettings,
} from '../../crm';
import {
  isDefiniteRefusal,
  type InboxState,
  type NewTask,
  type Page,
  type Task as OpenPhoneTask,
  type TaskFilters,
  type TaskWritten,
} from '../../openphone';
import { newTaskBody, type Task } from '../domain/conversation-action-routes';
import { conversationKeyPattern, type Conversation } from '../domain/conversation-routes';
import { parseBody } from '../domain/requests';
import { ApiRequestError } from '../errors';
import { conversationView } from '../routes/conversations';
import { callOpenPhone } from '../routes/openphone-refusals';
import { configured } from '../routes/types';

/** OpenPhone's conversation state and tasks, on the interactive lane of the shared limit. */
export interface OpenPhoneConversations {
  mark(conversationId: string, state: InboxState): Promise<unknown>;
  createTask(input: NewTask): Promise<TaskWritten>;
  listTasks(filters: TaskFilters): Promise<Page<OpenPhoneTask>>;
}

export interface ConversationActionDeps {
  conversations?: Pick<ConversationRepository, 'conversation' | 'recordInboxStatus'>;
  activities: Pick<ActivityRepository, 'upsertActivity'>;
  /** Absent: every action answers 503. */
  openPhoneConversations?: OpenPhoneConversations;
  followUp?: FollowUpSettings;
  now?: () => Date;
}

export interface ConversationActions {
  /** Marks it done or open at OpenPhone, then records it; the conversation as it now stands. */
  mark(id: string, state: 'done' | 'open'): Promise<Conversation>;
  /** Creates the task at OpenPhone (`body` as `POST …/tasks` takes it), then on the timeline. */
  createTask(id: string, body: unknown): Promise<Task>;
  listTasks(
    id: string,
    page: { limit?: number; cursor?: string },
  ): Promise<{ items: Task[]; cursor?: string }>;
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
    if (isDefiniteRefusal(error)) {
      const [detail] = error.details;
      const field = typeof detail?.path === 'string' ? detail.path.replace(/^\//, '') : '';
      const why =
        typeof detail?.message === 'string' ? ` (${field ? `${field}: ` : ''}${detail.message})` : '';
      throw new ApiRequestError(
        502,
        'openphone_refused',
        `OpenPhone refused ${what}: ${error.message}${why}`,
        undefined,
        undefined,
        error.status,
      );
    }
    return callOpenPhone(what, () => Promise.reject(error));
  }
}

/**
 * Done/open and tasks on one conversation: OpenPhone first, then the CRM's record of what it
 * accepted. Shared by the API's routes and the CLI. Refusals are `ApiRequestError`s.
 */
export function createConversationActions(deps: ConversationActionDeps): ConversationActions {
  const settings = deps.followUp ?? defaultFollowUpSettings;
  const now = deps.now ?? (() => new Date());
  const openPhone = () =>
    configured(
      deps.openPhoneConversations,
      'openphone',
      'this API has no OpenPhone to write conversations to',
    );
  const conversations = () => configured(deps.conversations, 'conversations');

  /** The stored conversation and its `CN…` id: 400, 404 or 409 when it cannot be told to OpenPhone. */
  const conversationAtOpenPhone = async (
    key: string,
  ): Promise<{ record: ConversationRecord; conversationId: string }> => {
    if (!conversationKeyPattern.test(key))
      throw new ApiRequestError(400, 'invalid_id', 'id must be a conversation id (CN…) or PN…~+E.164', 'id');
    const record = await conversations().conversation(key);
    if (!record) throw new ApiRequestError(404, 'not_found', `no conversation ${key}`);
    if (!record.conversationId)
      throw new ApiRequestError(
        409,
        'no_openphone_conversation',
        `conversation ${key} has no OpenPhone conversation id (CN…): OpenPhone named none in its activities, so it cannot be told`,
      );
    return { record, conversationId: record.conversationId };
  };

  return {
    mark: async (id, state) => {
      const { record, conversationId } = await conversationAtOpenPhone(id);
      await throughOpenPhone(`marking the conversation ${state}`, () =>
        openPhone().mark(conversationId, state),
      );
      const written = await conversations().recordInboxStatus(record.conversationKey, state);
      if (!written) throw new ApiRequestError(404, 'not_found', `no conversation ${record.conversationKey}`);
      return conversationView(written, settings, now());
    },
    createTask: async (id, body) => {
      const fields = parseBody(newTaskBody, body);
      const { conversationId } = await conversationAtOpenPhone(id);
      const input = {
        conversationId,
        title: fields.title,
        description: fields.description ?? '',
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
      return taskView({ ...input, taskId: written.taskId, completed: false, createdAt }, conversationId);
    },
    listTasks: async (id, { limit, cursor }) => {
      const { conversationId } = await conversationAtOpenPhone(id);
      const page = await throughOpenPhone("the conversation's tasks", () =>
        openPhone().listTasks({
          conversationId,
          maxResults: limit ?? 20,
          ...(cursor ? { pageToken: cursor } : {}),
        }),
      );
      return {
        items: page.data.filter((t) => !t.isDeleted).map((t) => taskView(t, conversationId)),
        ...(page.nextPageToken ? { cursor: page.nextPageToken } : {}),
      };
    },
  };
}
