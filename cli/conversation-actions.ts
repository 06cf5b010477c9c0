import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ActivityRepository, ConversationRepository } from '../lambdas/crm';
import { createConversationActions, type ConversationActions } from '../lambdas/crm-api';
import type { OpenPhoneClient } from '../lambdas/openphone';

/**
 * `conversations done|open|tasks` run the CRM API's own code against the target's table and
 * OpenPhone (as `messages send` does, cli/message-sending.ts): OpenPhone first on the interactive
 * lane, then the same records `POST /v1/conversations/{id}/…` writes.
 */
export function targetConversationActions(input: {
  documents: DynamoDBDocumentClient;
  crmTable: string;
  openPhone: () => Promise<OpenPhoneClient>;
}): ConversationActions {
  const { documents, crmTable, openPhone } = input;
  return createConversationActions({
    conversations: new ConversationRepository(documents, crmTable),
    activities: new ActivityRepository(documents, crmTable),
    openPhoneConversations: {
      mark: async (id, state) => (await openPhone()).conversationState.mark(id, state),
      createTask: async (task) => (await openPhone()).tasks.create(task),
      listTasks: async (filters) => (await openPhone()).tasks.listPage(filters),
    },
  });
}
