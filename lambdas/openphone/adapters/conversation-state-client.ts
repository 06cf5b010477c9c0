import { conversation, type Conversation } from '../domain/openphone-api';
import type { InboxState } from '../domain/tasks';
import type { OpenPhoneTransport } from './openphone-transport';
import { dataOf, segment } from './request-parameters';

const routeOf: Record<InboxState, string> = {
  done: 'mark-as-done',
  open: 'mark-as-open',
  read: 'mark-as-read',
};

/**
 * A conversation's inbox state at OpenPhone: `POST /v1/conversations/{id}/mark-as-done|open|read`,
 * no body, answering the conversation. Write-only: no field and no webhook says the state back.
 * Marking twice is marking once, so it is retried like a read.
 */
export class ConversationStateClient {
  constructor(private readonly transport: OpenPhoneTransport) {}

  async mark(conversationId: string, state: InboxState): Promise<Conversation> {
    const answer = await this.transport.request({
      method: 'POST',
      path: `/v1/conversations/${segment(conversationId)}/${routeOf[state]}`,
      schema: dataOf(conversation),
    });
    return answer.data;
  }
}
