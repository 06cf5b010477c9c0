import { cursorPageOf, type CursorPage } from '../domain/quo-webhooks';
import {
  maxWorkspaceMessagePage,
  workspaceMessage,
  workspaceMessageFilters,
  type WorkspaceMessage,
  type WorkspaceMessageFilters,
} from '../domain/quo-messages';
import { datedRequest } from './dated-request';
import type { OpenPhoneTransport } from './openphone-transport';
import { validParameters } from './request-parameters';

/**
 * Messages on Quo's dated API version: the workspace-wide listing, which needs no conversation.
 * Same rate limit, retries and errors as the v1 routes (one transport).
 */
export class QuoMessagesClient {
  constructor(private readonly transport: OpenPhoneTransport) {}

  /** One page of the workspace's messages, newest first; `nextCursor` null on the last. */
  async listPage(filters: WorkspaceMessageFilters = {}): Promise<CursorPage<WorkspaceMessage>> {
    const query = validParameters('listWorkspaceMessages', workspaceMessageFilters, filters);
    const page = await datedRequest(this.transport, {
      method: 'GET',
      path: '/messages',
      query: { ...query, limit: query.limit ?? maxWorkspaceMessagePage },
      schema: cursorPageOf(workspaceMessage),
    });
    return { data: page.data, nextCursor: page.nextCursor ?? null };
  }
}
