import type { Conversation, Task } from '../../lambdas/crm-api';
import { asCommandError } from '../errors';
import { formatTable, maskPhoneNumber, printData, type Output } from '../output';
import type { Target } from '../target';

export interface NewTaskOptions {
  title: string;
  description?: string;
  due?: string;
  assignee?: string;
}

const flags = {
  id: '<id>',
  title: '--title',
  description: '--description',
  dueAt: '--due',
  assignedTo: '--assignee',
};
const refusal = (error: unknown) => {
  throw asCommandError(error, { flags });
};

/** `conversations done|open <id>`: OpenPhone first, then the CRM's record; prints where it now stands. */
export async function markConversation(
  target: Target,
  out: Output,
  id: string,
  state: 'done' | 'open',
): Promise<void> {
  const conversation: Conversation = await target.conversations().mark(id, state).catch(refusal);
  printData(out, { conversation }, () => {
    const rows = [
      ['id', conversation.id],
      ['with', maskPhoneNumber(conversation.contactNumber)],
      ['inbox', conversation.inboxStatus ?? ''],
      ['waiting', conversation.waiting ? `since ${conversation.waitingSince ?? '?'}` : 'no'],
    ];
    for (const line of formatTable(['', ''], rows).slice(1)) out.line(line);
  });
}

/** `conversations tasks create <id>`: a task at OpenPhone, then on the conversation's timeline. */
export async function createConversationTask(
  target: Target,
  out: Output,
  id: string,
  options: NewTaskOptions,
): Promise<void> {
  const task = await target
    .conversations()
    .createTask(id, {
      title: options.title,
      ...(options.description !== undefined ? { description: options.description } : {}),
      ...(options.due ? { dueAt: options.due } : {}),
      ...(options.assignee ? { assignedTo: options.assignee } : {}),
    })
    .catch(refusal);
  printData(out, { task }, () => out.line(task.id));
}

/** `conversations tasks list <id>`: every task OpenPhone has on the conversation, page after page. */
export async function listConversationTasks(target: Target, out: Output, id: string): Promise<void> {
  const tasks: Task[] = [];
  let cursor: string | undefined;
  do {
    const page = await target
      .conversations()
      .listTasks(id, { limit: 50, ...(cursor ? { cursor } : {}) })
      .catch(refusal);
    tasks.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  printData(out, { items: tasks }, () => {
    if (tasks.length === 0) return out.line('no tasks');
    const rows = tasks.map((t) => [
      t.id,
      t.completed ? 'done' : 'open',
      t.dueAt ?? '',
      t.assignedTo ?? '',
      t.title,
    ]);
    for (const line of formatTable(['id', 'state', 'due', 'assignee', 'title'], rows)) out.line(line);
  });
}
