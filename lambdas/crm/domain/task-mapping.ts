import type { TaskPayload } from '../../openphone';
import { defined, type ActivityAspects, type ActivityFacts, type TaskChange } from './activity';

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
