import {
  createConversationActions,
  type ConversationActionDeps,
} from '../conversations/conversation-actions';
import { taskPageQuery } from '../domain/conversation-action-routes';
import { parseQuery } from '../domain/requests';
import { ApiRequestError } from '../errors';
import { json, type Request, type RouteHandlers } from './types';

export type ConversationActionRouteDeps = ConversationActionDeps;

/** Done/open (no body, or `{}`) and tasks on one conversation. */
export function conversationActionRoutes(
  deps: ConversationActionRouteDeps,
): RouteHandlers<
  'markConversationDone' | 'markConversationOpen' | 'createConversationTask' | 'listConversationTasks'
> {
  const actions = createConversationActions(deps);
  const mark =
    (state: 'done' | 'open') =>
    async ({ params, body }: Request) => {
      if (body !== undefined && (typeof body !== 'object' || body === null || Object.keys(body).length > 0))
        throw new ApiRequestError(400, 'invalid_request', 'this request takes no body (or {})', 'body');
      return json(200, { conversation: await actions.mark(params.id ?? '', state) });
    };
  return {
    markConversationDone: mark('done'),
    markConversationOpen: mark('open'),
    createConversationTask: async ({ params, body }) =>
      json(201, { task: await actions.createTask(params.id ?? '', body) }),
    listConversationTasks: async ({ params, query }) =>
      json(200, await actions.listTasks(params.id ?? '', parseQuery(taskPageQuery, query))),
  };
}
