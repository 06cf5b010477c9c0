import type { TaskPayload } from '../../openphone';
import {
  defined,
  type ActivityAspects,
  type ActivityChange,
  type ActivityFacts,
  type TaskChange,
} from './activity';

/**
 * A `task.*` event onto the task's record (one per task id, beside the activities, on its
 * conversation's timeline). Each event records what it carries: the task itself when it came
 * whole, else only the change, marked `needsFetch` (the task must be read from OpenPhone).
 */

/** The state each event type means, whatever the payload says. */
const stateByType: Record<string, string> = {
  'task.created': 'open',
  'task.completed': 'completed',
  'task.reopened': 'open',
  'task.deleted': 'deleted',
  'task.overdue': 'overdue',
};

export function taskChangeOf(
  type: string,
  task: TaskPayload,
  eventTime: string,
): { activityId: string | undefined; facts: ActivityFacts; aspects: ActivityAspects } {
  const state = stateByType[type] ?? task.state;
  const taskChange: TaskChange = defined({
    type,
    needsFetch: !task.carriesTask,
    actorUserId: task.actorUserId,
    assignedTo: type === 'task.unassigned' ? undefined : task.assignedTo,
    dueDate: type === 'task.duedate.removed' ? undefined : task.dueDate,
    conversationId: task.conversationId,
  });
  return {
    activityId: task.taskId,
    facts: defined({
      kind: 'task' as const,
      // The first conversation it is linked to places it on that conversation's timeline.
      conversationId: type === 'task.unlinked' ? undefined : task.conversationId,
      phoneNumberId: task.phoneNumberId,
      userId: task.createdBy,
      // A task known only by id is placed at the first event's time until it is fetched.
      createdAt: task.createdAt ?? eventTime,
    }),
    aspects: defined({
      status: state,
      taskDetails: task.carriesTask
        ? defined({
            title: task.title,
            description: task.description,
            dueDate: task.dueDate,
            assignedTo: task.assignedTo,
            assignedBy: task.assignedBy,
            createdBy: task.createdBy,
            revision: task.revision,
          })
        : undefined,
      taskChange,
    }),
  };
}

/** A task the bridge created at OpenPhone, as OpenPhone's create request and answer say it. */
export interface CreatedTask {
  taskId: string;
  conversationId: string;
  title: string;
  description?: string;
  dueDate?: string;
  assignedTo?: string;
  revision?: string;
  createdAt: string;
}

/**
 * The activity of a task the CRM API just created: the same record (its id the task's) and the
 * same mapping as its `task.created` webhook, so that webhook later finds it instead of adding one.
 */
export function activityChangeOfCreatedTask(task: CreatedTask): ActivityChange {
  const payload: TaskPayload = {
    description: undefined,
    dueDate: undefined,
    assignedTo: undefined,
    assignedBy: undefined,
    createdBy: undefined,
    updatedAt: undefined,
    revision: undefined,
    phoneNumberId: undefined,
    activityId: undefined,
    actorUserId: undefined,
    ...task,
    state: 'open',
    carriesTask: true,
  };
  const mapped = taskChangeOf('task.created', payload, task.createdAt);
  return {
    eventTime: task.createdAt,
    update: { activityId: task.taskId, source: 'api', facts: mapped.facts, aspects: mapped.aspects },
  };
}
