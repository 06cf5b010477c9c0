// The `conversations` commands: mark done or open, and tasks on a conversation.
import type { Command } from 'commander';
import { createConversationTask, listConversationTasks, markConversation } from './commands/conversations';
import type { Output } from './output';
import type { Target } from './target';

const idArgument = '<id>';
const idHelp = 'the conversation: CN…, or PN…~+15555550123';

export function addConversationCommands(program: Command, target: () => Promise<Target>, out: Output): void {
  const conversations = program
    .command('conversations')
    .description('conversations: mark done or open, tasks (in OpenPhone, then the CRM)');
  conversations
    .command('done')
    .description(
      'mark a conversation done in OpenPhone and end its wait in the CRM (not counted as an answer)',
    )
    .argument(idArgument, idHelp)
    .action(async (id: string) => markConversation(await target(), out, id, 'done'));
  conversations
    .command('open')
    .description('mark a conversation open in OpenPhone and the CRM')
    .argument(idArgument, idHelp)
    .action(async (id: string) => markConversation(await target(), out, id, 'open'));
  const tasks = conversations.command('tasks').description("a conversation's tasks in OpenPhone");
  tasks
    .command('list')
    .description("list a conversation's tasks")
    .argument(idArgument, idHelp)
    .action(async (id: string) => listConversationTasks(await target(), out, id));
  tasks
    .command('create')
    .description("create a task on a conversation, and record it on the conversation's timeline")
    .argument(idArgument, idHelp)
    .requiredOption('--title <text>', 'what to do (1–200 characters)')
    .option('--description <text>', 'more detail (up to 2000 characters)')
    .option('--due <time>', 'when it is due: ISO 8601 with an offset, e.g. 2026-12-08T09:00:00-05:00')
    .option('--assignee <userId>', 'the user (US…) to assign it to')
    .action(
      async (id: string, options: { title: string; description?: string; due?: string; assignee?: string }) =>
        createConversationTask(await target(), out, id, options),
    );
}
