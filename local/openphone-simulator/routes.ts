import type { z } from 'zod';
import { notEnoughCredits, OpenPhoneApiError, type ApiResource } from './errors';
import type { FaultSwitches } from './faults';
import { newestFirstKey, paginate } from './pagination';
import { randomHex } from './prng';
import type { RequestLog } from './request-log';
import {
  activityIdParam,
  activityListQuery,
  contactListQuery,
  conversationListQuery,
  createContactBody,
  createWebhookBody,
  pagedListQuery,
  parseOr400,
  queryObject,
  sendMessageBody,
  updateContactBody,
  userFilterQuery,
  webhookEventsByFamily,
  webhookIdParam,
  type WebhookFamily,
} from './requests';
import {
  callResource,
  contactResource,
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
  type ContactRecord,
  type MessageRecord,
} from './resources';
import { newLegacyKey, type WebhookDispatcher, type WebhookSubscription } from './webhooks';
import type { SimulatedWorkspace } from './workspace';

export interface RouteContext {
  readonly params: Record<string, string>;
  readonly search: URLSearchParams;
  readonly body: unknown;
  readonly workspace: SimulatedWorkspace;
  readonly webhooks: WebhookDispatcher;
  readonly faults: FaultSwitches;
  readonly log: RequestLog;
  readonly baseUrl: string;
}

export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
  /** Record the effect, then reset the connection instead of answering. */
  readonly dropConnection?: boolean;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** OpenAPI-style template, e.g. `/v1/messages/{id}`. */
  readonly template: string;
  readonly resource: ApiResource;
  /** false for operations documented by OpenPhone but absent from the bundled OpenAPI v1 file. */
  readonly inOpenApiDocument: boolean;
  readonly handle: (context: RouteContext) => RouteResult;
  readonly pattern: RegExp;
}

function route(
  method: Route['method'],
  template: string,
  resource: ApiResource,
  handle: Route['handle'],
  inOpenApiDocument = true,
): Route {
  const pattern = new RegExp(`^${template.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`);
  return { method, template, resource, handle, pattern, inOpenApiDocument };
}

const ok = (body: unknown, status = 200): RouteResult => ({ status, body });
const notFound = (resource: ApiResource, message: string) => new OpenPhoneApiError(404, resource, message);
const timeMs = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

function query<T extends z.ZodType>(
  context: RouteContext,
  schema: T,
  resource: ApiResource,
  arrays: string[] = [],
): z.infer<T> {
  return parseOr400(schema, queryObject(context.search, arrays), resource);
}

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
  if (!from) {
    throw new OpenPhoneApiError(403, 'messages', 'You are forbidden to access the message', {
      title: 'Not Phone Number User',
      description: 'Not Phone Number User',
      variant: '02',
    });
  }
  const to = body.to[0]!;
  const message: MessageRecord = context.workspace.sendMessage({
    phoneNumberId: from.id,
    to,
    text: body.content,
    ...(body.userId ? { userId: body.userId } : {}),
  });
  context.log.recordSend(to);
  return {
    status: 202,
    body: { data: messageResource(message) },
    dropConnection: context.faults.takeDropAfterSend(),
  };
}

function findContact(context: RouteContext): ContactRecord {
  const contact = context.workspace.contacts.get(context.params.id!);
  if (!contact) throw notFound('contacts', 'Contact not found');
  return contact;
}

type CustomFieldInput = { key?: string | undefined; id?: string | undefined; value: unknown };

function customFieldsFrom(context: RouteContext, input: readonly CustomFieldInput[] | undefined) {
  return (input ?? []).map((field) => ({
    name: field.key ?? field.id ?? 'field',
    key: field.key ?? field.id ?? 'field',
    id: field.id ?? context.workspace.newFieldId(),
    type: Array.isArray(field.value)
      ? 'multi-select'
      : typeof field.value === 'boolean'
        ? 'boolean'
        : typeof field.value === 'number'
          ? 'number'
          : 'string',
    value: field.value,
  }));
}

function labelled(
  context: RouteContext,
  values: { name: string; value: string | null; id?: string | undefined }[] | undefined,
) {
  return (values ?? []).map((v) => ({
    name: v.name,
    value: v.value,
    id: v.id ?? context.workspace.newFieldId(),
  }));
}

function createContact(context: RouteContext): RouteResult {
  const body = parseOr400(createContactBody, context.body, 'contacts');
  const fields = body.defaultFields;
  const contact = context.workspace.createContact({
    externalId: body.externalId ?? null,
    source: body.source ?? 'public-api',
    defaultFields: {
      firstName: fields.firstName,
      lastName: fields.lastName ?? null,
      company: fields.company ?? null,
      role: fields.role ?? null,
      emails: labelled(context, fields.emails),
      phoneNumbers: labelled(context, fields.phoneNumbers),
    },
    customFields: customFieldsFrom(context, body.customFields),
    createdByUserId: body.createdByUserId ?? context.workspace.users[0]!.id,
  });
  return ok({ data: contactResource(contact) }, 201);
}

function updateContact(context: RouteContext): RouteResult {
  const contact = findContact(context);
  const body = parseOr400(updateContactBody, context.body, 'contacts');
  const fields = body.defaultFields ?? {};
  const current = contact.defaultFields;
  contact.defaultFields = {
    firstName: fields.firstName !== undefined ? fields.firstName : current.firstName,
    lastName: fields.lastName !== undefined ? fields.lastName : current.lastName,
    company: fields.company !== undefined ? fields.company : current.company,
    role: fields.role !== undefined ? fields.role : current.role,
    emails: fields.emails ? labelled(context, fields.emails) : current.emails,
    phoneNumbers: fields.phoneNumbers ? labelled(context, fields.phoneNumbers) : current.phoneNumbers,
  };
  if (body.customFields) contact.customFields = customFieldsFrom(context, body.customFields);
  if (body.externalId !== undefined) contact.externalId = body.externalId;
  contact.updatedAtMs = Math.max(context.workspace.now(), contact.updatedAtMs + 1);
  return ok({ data: contactResource(contact) });
}

function createWebhook(family: WebhookFamily) {
  const schema = createWebhookBody(family);
  return (context: RouteContext): RouteResult => {
    const body = parseOr400(schema, context.body, 'webhooks');
    const now = new Date(context.workspace.now()).toISOString();
    const subscription: WebhookSubscription = {
      id: `WH${randomHex(context.workspace.random, 24)}`,
      userId: body.userId ?? context.workspace.users[0]!.id,
      orgId: `OR${randomHex(context.workspace.random, 10)}`,
      label: body.label ?? null,
      status: body.status ?? 'enabled',
      url: body.url,
      key: newLegacyKey(),
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
      events: body.events,
      resourceIds: body.resourceIds ?? ['*'],
    };
    context.webhooks.subscriptions.set(subscription.id, subscription);
    return ok({ data: subscription }, 201);
  };
}

function findWebhook(context: RouteContext): WebhookSubscription {
  const id = parseOr400(webhookIdParam, context.params.id, 'webhooks');
  const subscription = context.webhooks.subscriptions.get(id);
  if (!subscription) throw notFound('webhooks', 'Webhook not found');
  return subscription;
}

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
  route(
    'GET',
    '/v1/contacts',
    'contacts',
    (context) => {
      const q = query(context, contactListQuery, 'contacts', ['externalIds', 'sources']);
      const contacts = [...context.workspace.contacts.values()]
        .filter(
          (c) =>
            (!q.externalIds || (c.externalId !== null && q.externalIds.includes(c.externalId))) &&
            (!q.sources || q.sources.includes(c.source)),
        )
        .sort((a, b) => b.createdAtMs - a.createdAtMs || (a.id < b.id ? 1 : -1));
      const { maxResults: _max, pageToken, ...filters } = q;
      return ok(
        paginate(contacts, {
          keyOf: (c) => newestFirstKey(c.createdAtMs, c.id),
          maxResults: q.maxResults,
          pageToken,
          scope: `contacts:${JSON.stringify(filters)}`,
          resource: 'contacts',
          toResource: contactResource,
        }),
      );
    },
    false,
  ),
  route('POST', '/v1/contacts', 'contacts', createContact),
  route('GET', '/v1/contacts/{id}', 'contacts', (context) =>
    ok({ data: contactResource(findContact(context)) }),
  ),
  route('PATCH', '/v1/contacts/{id}', 'contacts', updateContact),
  route('DELETE', '/v1/contacts/{id}', 'contacts', (context) => {
    context.workspace.contacts.delete(findContact(context).id);
    return { status: 204 };
  }),
  route('GET', '/v1/contact-custom-fields', 'contactCustomFields', () =>
    ok({
      data: [
        { name: 'Lead source', key: 'lead-source', type: 'string' },
        { name: 'Customer since', key: 'customer-since', type: 'date' },
      ],
    }),
  ),
  route('GET', '/v1/webhooks', 'webhooks', (context) => {
    const q = query(context, userFilterQuery, 'webhooks');
    return ok({
      data: [...context.webhooks.subscriptions.values()].filter(
        (w) => q.userId === undefined || w.userId === q.userId,
      ),
    });
  }),
  route('GET', '/v1/webhooks/{id}', 'webhooks', (context) => ok({ data: findWebhook(context) })),
  route('DELETE', '/v1/webhooks/{id}', 'webhooks', (context) => {
    context.webhooks.subscriptions.delete(findWebhook(context).id);
    return { status: 204 };
  }),
  ...(Object.keys(webhookEventsByFamily) as WebhookFamily[]).map((family) =>
    route('POST', `/v1/webhooks/${family}`, 'webhooks', createWebhook(family)),
  ),
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
