import { z } from 'zod';
import { OpenPhoneApiError } from './errors';
import { newestFirstKey, paginate } from './pagination';
import { dated } from './quo-webhook-routes';
import { messageResource, type MessageRecord } from './resources';
import { ok, query, route, timeMs, type Route, type RouteContext, type RouteResult } from './route-context';

/**
 * Quo's workspace-wide `GET /messages` (dated API version 2026-03-30): every message of the
 * workspace, newest first, in cursor pages (`limit` 1–50, default 10; `after=<nextCursor>`,
 * `nextCursor` null on the last page), filtered by `from`, `to`, `status`, `direction`,
 * `phoneNumberId`, `userId` and creation time. 400 without the version header.
 */
const e164 = z.string().regex(/^\+[1-9]\d{1,14}$/, 'Expected a phone number in E.164 format');
const time = z.iso.datetime({ offset: true, message: 'Expected an ISO 8601 date-time' });
const listQuery = z.object({
  limit: z.coerce.number().int().min(1, 'Expected limit ≥ 1').max(50, 'Expected limit ≤ 50').default(10),
  after: z.string().min(1).optional(),
  from: e164.optional(),
  to: e164.optional(),
  status: z.enum(['queued', 'sent', 'delivered', 'undelivered']).optional(),
  direction: z.enum(['incoming', 'outgoing']).optional(),
  phoneNumberId: z.string().regex(/^PN/, "Expected string to match '^PN(.*)$'").optional(),
  userId: z.string().regex(/^US/, "Expected string to match '^US(.*)$'").optional(),
  createdAfter: time.optional(),
  createdBefore: time.optional(),
});
type ListQuery = z.infer<typeof listQuery>;

function matches(message: MessageRecord, q: ListQuery, after?: number, before?: number): boolean {
  const resource = messageResource(message);
  return (
    (q.from === undefined || resource.from === q.from) &&
    (q.to === undefined || resource.to.includes(q.to)) &&
    (q.status === undefined || message.status === q.status) &&
    (q.direction === undefined || message.direction === q.direction) &&
    (q.phoneNumberId === undefined || message.phoneNumberId === q.phoneNumberId) &&
    (q.userId === undefined || message.userId === q.userId) &&
    (after === undefined || message.createdAtMs > after) &&
    (before === undefined || message.createdAtMs < before)
  );
}

const keyOf = (message: MessageRecord) => newestFirstKey(message.createdAtMs, message.id);

function listMessages(context: RouteContext): RouteResult {
  const q = query(context, listQuery, 'messages');
  const after = timeMs(q.createdAfter);
  const before = timeMs(q.createdBefore);
  const items = context.workspace
    .conversations()
    .flatMap((conversation) => context.workspace.activitiesOf(conversation))
    .filter((item): item is MessageRecord => item.kind === 'message' && matches(item, q, after, before))
    .map((message) => ({ message, key: keyOf(message) }))
    .sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0))
    .map(({ message }) => message);
  const { limit, after: cursor, ...filters } = q;
  try {
    const page = paginate(items, {
      keyOf,
      maxResults: limit,
      pageToken: cursor,
      scope: `workspace-messages:${JSON.stringify(filters)}`,
      resource: 'messages',
      toResource: (message) => ({ ...messageResource(message), conversationId: message.conversationId }),
    });
    return ok({ data: page.data, nextCursor: page.nextPageToken });
  } catch (error) {
    if (!(error instanceof OpenPhoneApiError)) throw error;
    // Quo names its cursor `after`: so does the error.
    throw new OpenPhoneApiError(400, 'messages', 'The cursor is not valid for this request.', {
      errors: [{ path: '/after', message: 'Invalid cursor', value: cursor, schema: { type: 'String' } }],
    });
  }
}

export const quoMessageRoutes: readonly Route[] = [
  route('GET', '/messages', 'messages', dated(listMessages, 'messages'), false),
];
