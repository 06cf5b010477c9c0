import { OpenPhoneApiError } from './errors';
import { conversationResource } from './resources';
import { notFound, ok, route, type Route, type RouteContext, type RouteResult } from './route-context';

/**
 * Quo's conversation state writes: `POST /v1/conversations/{id}/mark-as-done|open|read`, no
 * body, answering the conversation. Not in the bundled OpenAPI v1 document (Quo's reference
 * documents them). The state is write-only in Quo's API: tests read it on the workspace.
 */
function mark(state: 'done' | 'open' | 'read') {
  return (context: RouteContext): RouteResult => {
    const id = context.params.id!;
    if (!/^CN/.test(id))
      throw new OpenPhoneApiError(400, 'conversations', 'The input was invalid.', {
        errors: [
          {
            path: '/id',
            message: "Expected string to match '^CN(.*)$'",
            value: id,
            schema: { type: 'String' },
          },
        ],
      });
    if (
      context.body !== undefined &&
      (typeof context.body !== 'object' || Object.keys(context.body ?? {}).length)
    )
      throw new OpenPhoneApiError(400, 'conversations', 'This request takes no body.');
    const conversation = context.workspace.conversationById(id);
    if (!conversation) throw notFound('conversations', 'Conversation not found');
    if (state === 'read') conversation.readAtMs = context.workspace.now();
    else conversation.inboxStatus = state;
    return ok({ data: conversationResource(conversation) });
  };
}

export const conversationStateRoutes: readonly Route[] = [
  route('POST', '/v1/conversations/{id}/mark-as-done', 'conversations', mark('done'), false),
  route('POST', '/v1/conversations/{id}/mark-as-open', 'conversations', mark('open'), false),
  route('POST', '/v1/conversations/{id}/mark-as-read', 'conversations', mark('read'), false),
];
