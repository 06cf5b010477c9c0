import { contactRoutes } from './contact-routes';
import { notEnoughCredits, OpenPhoneApiError, type ApiResource } from './errors';
import { newestFirstKey, paginate } from './pagination';
import {
  activityIdParam,
  activityListQuery,
  conversationListQuery,
  pagedListQuery,
  parseOr400,
  sendMessageBody,
  userFilterQuery,
} from './requests';
import {
  callResource,
  conversationResource,
  hasRecording,
  messageResource,
  phoneNumberResource,
  recordingsOf,
  summaryOf,
  transcriptOf,
  userResource,
  type ActivityRecord,
  type CallRecord,
  type MessageRecord,
} from './resources';
import {
  notFound,
  ok,
  query,
  route,
  timeMs,
  type Route,
  type RouteContext,
  type RouteResult,
} from './route-context';
import { quoMessageRoutes } from './quo-message-routes';
import { quoWebhookRoutes } from './quo-webhook-routes';
import { webhookRoutes } from './webhook-routes';
import { conversationStateRoutes } from './conversation-state-routes';
import { taskRoutes } from './task-routes';

export type { Route, RouteContext, RouteResult } from './route-context';

function listActivities(kind: ActivityRecord['kind'], resource: 'messages' | 'calls') {
  return (context: RouteContext): RouteResult => {
    const q = query(context, activityListQuery, resource, ['participants']);
    const phoneNumber = context.workspace.phoneNumberById(q.phoneNumberId);
    if (!phoneNumber) throw notFound(resource, 'Phone number not found');
    const conversation = context.workspace.conversationFor(phoneNumber.id, q.participants[0]!);
    const after = timeMs(q.createdAfter);
    const before = timeMs(q.createdBefore ?? q.since);
    const items = conversation
      ? context.workspace
          .activitiesOf(conversation)
          .filter(
            (item) =>
              item.kind === kind &&
              (after === undefined || item.createdAtMs > after) &&
              (before === undefined || item.createdAtMs < before) &&
              (q.userId === undefined || item.userId === q.userId),
          )
      : [];
    const { maxResults: _max, pageToken, ...filters } = q;
    return ok(
      paginate(items, {
        keyOf: (item) => newestFirstKey(item.createdAtMs, item.id),
        maxResults: q.maxResults,
        pageToken,
        scope: `${resource}:${JSON.stringify(filters)}`,
        resource,
        toResource: (item) => (item.kind === 'message' ? messageResource(item) : callResource(item)),
      }),
    );
  };
}

function findActivity<K extends ActivityRecord['kind']>(
  context: RouteContext,
  id: string,
  kind: K,
  resource: ApiResource,
  notFoundMessage: string,
): Extract<ActivityRecord, { kind: K }> {
  parseOr400(activityIdParam, id, resource);
  const item = context.workspace.activityById(id);
  if (!item || item.kind !== kind) throw notFound(resource, notFoundMessage);
  return item as Extract<ActivityRecord, { kind: K }>;
}

function sendMessage(context: RouteContext): RouteResult {
  const body = parseOr400(sendMessageBody, context.body, 'messages');
  if (context.faults.noCredits) throw notEnoughCredits();
  const from = body.from.startsWith('PN')
    ? context.workspace.phoneNumberById(body.from)
    : context.workspace.phoneNumberByNumber(body.from);
  const refusal =
    from && (context.faults.refusedSenders.get(from.id) ?? context.faults.refusedSenders.get(from.number));
  if (!from || refusal === 'not-phone-number-user') throw notPhoneNumberUser();
  if (refusal === 'a2p-not-approved') throw a2pNotApproved();
  const to = body.to[0]!;
  const message: MessageRecord = context.workspace.sendMessage({
    phoneNumberId: from.id,
    to,
    text: context.faults.trimsSentText ? body.content.trim() : body.content,
    ...(body.userId ? { userId: body.userId } : {}),
    stamp: (ms) => context.faults.stampOfSend(ms),
    ...(body.setInboxStatus ? { setInboxStatus: body.setInboxStatus } : {}),
  });
  context.log.recordSend(to);
  return {
    status: 202,
    body: { data: messageResource(message) },
    dropConnection: context.faults.takeDropAfterSend(),
  };
}

const notPhoneNumberUser = () =>
  new OpenPhoneApiError(403, 'messages', 'You are forbidden to access the message', {
    title: 'Not Phone Number User',
    description: 'Not Phone Number User',
    variant: '02',
  });

const a2pNotApproved = () =>
  new OpenPhoneApiError(400, 'messages', 'The organization is not approved for A2P', {
    title: 'A2P Registration Not Approved',
    description: 'A2P Registration Not Approved',
    variant: '06',
  });

function completedCallWithIntelligence(
  context: RouteContext,
  id: string,
  resource: ApiResource,
  what: string,
): CallRecord {
  const call = findActivity(context, id, 'call', resource, `${what} with ID ${id} not found`);
  if (!hasRecording(call)) throw notFound(resource, `${what} with ID ${id} not found`);
  return call;
}

export const routes: readonly Route[] = [
  route('GET', '/v1/phone-numbers', 'phoneNumbers', (context) => {
    const q = query(context, userFilterQuery, 'phoneNumbers');
    const { workspace } = context;
    const numbers = workspace.phoneNumbers.filter(
      (p) => q.userId === undefined || p.userIds.includes(q.userId),
    );
    return ok({
      data: numbers.map((p) =>
        phoneNumberResource(
          p,
          p.userIds.map((id) => workspace.userById(id)!),
        ),
      ),
    });
  }),
  route(
    'GET',
    '/v1/users',
    'users',
    (context) => {
      const q = query(context, pagedListQuery, 'users');
      const users = [...context.workspace.users].sort((a, b) => b.createdAtMs - a.createdAtMs);
      return ok(
        paginate(users, {
          keyOf: (u) => newestFirstKey(u.createdAtMs, u.id),
          maxResults: q.maxResults,
          pageToken: q.pageToken,
          scope: 'users',
          resource: 'users',
          toResource: userResource,
        }),
      );
    },
    false,
  ),
  route(
    'GET',
    '/v1/conversations',
    'conversations',
    (context) => {
      const q = query(context, conversationListQuery, 'conversations', ['phoneNumbers']);
      const { workspace } = context;
      const numberIds = q.phoneNumbers?.map((n) =>
        n.startsWith('PN') ? n : (workspace.phoneNumberByNumber(n)?.id ?? `unknown:${n}`),
      );
      const userNumbers = q.userId
        ? workspace.phoneNumbers.filter((p) => p.userIds.includes(q.userId!)).map((p) => p.id)
        : undefined;
      const [createdAfter, createdBefore, updatedAfter, updatedBefore] = [
        timeMs(q.createdAfter),
        timeMs(q.createdBefore),
        timeMs(q.updatedAfter),
        timeMs(q.updatedBefore),
      ];
      const items = workspace
        .conversations()
        .filter(
          (c) =>
            (!numberIds || numberIds.includes(c.phoneNumberId)) &&
            (!userNumbers || userNumbers.includes(c.phoneNumberId)) &&
            (createdAfter === undefined || c.createdAtMs > createdAfter) &&
            (createdBefore === undefined || c.createdAtMs < createdBefore) &&
            (updatedAfter === undefined || c.updatedAtMs > updatedAfter) &&
            (updatedBefore === undefined || c.updatedAtMs < updatedBefore),
        );
      const { maxResults: _max, pageToken, ...filters } = q;
      return ok(
        paginate(items, {
          keyOf: (c) => newestFirstKey(c.createdAtMs, c.id),
          maxResults: q.maxResults,
          pageToken,
          scope: `conversations:${JSON.stringify(filters)}`,
          resource: 'conversations',
          toResource: conversationResource,
        }),
      );
    },
    false,
  ),
  route('GET', '/v1/messages', 'messages', listActivities('message', 'messages')),
  route('POST', '/v1/messages', 'messages', sendMessage),
  route('GET', '/v1/messages/{id}', 'messages', (context) =>
    ok({
      data: messageResource(
        findActivity(context, context.params.id!, 'message', 'messages', 'Message not found'),
      ),
    }),
  ),
  route('GET', '/v1/calls', 'calls', listActivities('call', 'calls')),
  route(
    'GET',
    '/v1/calls/{id}',
    'calls',
    (context) =>
      ok({
        data: callResource(findActivity(context, context.params.id!, 'call', 'calls', 'Call not found')),
      }),
    false,
  ),
  route('GET', '/v1/call-recordings/{callId}', 'callRecordings', (context) => {
    const id = context.params.callId!;
    const call = findActivity(
      context,
      id,
      'call',
      'callRecordings',
      `Call Recording with ID ${id} not found`,
    );
    return ok({ data: recordingsOf(call, context.baseUrl) });
  }),
  route('GET', '/v1/call-summaries/{callId}', 'callSummaries', (context) =>
    ok({
      data: summaryOf(
        completedCallWithIntelligence(context, context.params.callId!, 'callSummaries', 'Call Summary'),
      ),
    }),
  ),
  route('GET', '/v1/call-transcripts/{id}', 'callTranscripts', (context) =>
    ok({
      data: transcriptOf(
        completedCallWithIntelligence(context, context.params.id!, 'callTranscripts', 'Call transcript'),
      ),
    }),
  ),
  ...contactRoutes,
  ...webhookRoutes,
  ...quoWebhookRoutes,
  ...quoMessageRoutes,
  ...conversationStateRoutes,
  ...taskRoutes,
];

/** The route for a method and path, with its path parameters, or undefined. */
export function matchRoute(
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(path);
    if (match) {
      const params = Object.fromEntries(
        Object.entries(match.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]),
      );
      return { route: candidate, params };
    }
  }
  return undefined;
}
