import { z } from 'zod';
import { quoWebhookEventTypes } from '../../lambdas/openphone/domain/quo-webhooks';
import { OpenPhoneApiError, type ApiResource } from './errors';
import { newStandardKey, type QuoSubscription, type WebhookDelivery } from './webhooks';
import { quoSampleEvent } from './quo-payloads';
import { parseOr400 } from './requests';
import { notFound, ok, query, route, type Route, type RouteContext, type RouteResult } from './route-context';

/**
 * Quo's new webhooks on the dated API version (2026-03-30): no `/v1`, the version header on every
 * request (400 without it), numeric ids, `{ data }` answers, the key only from create and rotate.
 */
export const quoApiVersions = ['2026-03-30'] as const;

const maxWebhooksPerWorkspace = 50;
// Quo names the path parameter in its errors: `/webhookId: Expected string to match '^[0-9]+$'`.
const webhookIdParam = z.object({
  webhookId: z.string().regex(/^[0-9]+$/, "Expected string to match '^[0-9]+$'"),
});
const eventType = z.enum(quoWebhookEventTypes, { message: 'Expected an event type of the catalogue' });
const webhookFields = {
  url: z.url({ message: 'Expected an absolute URL' }),
  events: z.array(eventType).min(1, 'Expected at least one event'),
  resourceIds: z.union([
    z.array(z.string().regex(/^PN/, 'Expected a phone number id (PN…)')),
    z.tuple([z.literal('*')]),
  ]),
  label: z.string().max(100),
  status: z.enum(['enabled', 'disabled']),
};
const createBody = z.object({
  ...webhookFields,
  resourceIds: webhookFields.resourceIds.optional(),
  label: webhookFields.label.optional(),
  status: webhookFields.status.optional(),
});
const updateBody = z
  .object(webhookFields)
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'Expected at least one field to change');
const testBody = z.object({ eventType });
const deliveryQuery = z.object({
  limit: z.coerce.number().int().min(1, 'Expected limit ≥ 1').max(50, 'Expected limit ≤ 50').default(10),
  after: z.string().min(1).optional(),
});

function pinnedVersion(context: RouteContext, resource: ApiResource = 'webhooks'): string {
  const header = context.headers['quo-api-version'] ?? context.headers['x-quo-api-version'];
  const value = Array.isArray(header) ? header[0] : header;
  if (value && (quoApiVersions as readonly string[]).includes(value)) return value;
  throw new OpenPhoneApiError(400, resource, 'The Quo-Api-Version header is missing or unknown.', {
    errors: [
      {
        path: '/headers/quo-api-version',
        message: `Expected one of ${quoApiVersions.join(', ')}`,
        value: value ?? null,
        schema: { type: 'String' },
      },
    ],
  });
}

/** The subscription as Quo lists it: never its key. */
function shown({ key: _key, previousKey: _previous, ...subscription }: QuoSubscription) {
  return subscription;
}

function findSubscription(context: RouteContext): QuoSubscription {
  const { webhookId: id } = parseOr400(webhookIdParam, { webhookId: context.params.id }, 'webhooks');
  const subscription = context.webhooks.quoSubscriptions.get(id);
  if (!subscription) throw notFound('webhooks', `Webhook with ID ${id} not found`);
  return subscription;
}

function deliveryView(delivery: WebhookDelivery) {
  return {
    id: delivery.deliveryId,
    eventId: delivery.eventId,
    resourceId: delivery.resourceId ?? null,
    eventType: delivery.type,
    status: delivery.state === 'delivered' ? 'success' : delivery.state,
    nextAttemptAt: null,
    createdAt: delivery.createdAt,
  };
}

function deliveriesOf(context: RouteContext, subscription: QuoSubscription): WebhookDelivery[] {
  return context.webhooks.deliveries.filter((d) => d.subscriptionId === subscription.id).reverse();
}

function findDelivery(context: RouteContext, subscription: QuoSubscription): WebhookDelivery {
  const delivery = deliveriesOf(context, subscription).find(
    (d) => d.deliveryId === context.params.deliveryId,
  );
  if (!delivery) throw notFound('webhooks', `Delivery with ID ${context.params.deliveryId} not found`);
  return delivery;
}

let nextWebhookNumber = 1_000;

function create(context: RouteContext): RouteResult {
  const apiVersion = pinnedVersion(context);
  const body = parseOr400(createBody, context.body, 'webhooks');
  if (context.webhooks.quoSubscriptions.size >= maxWebhooksPerWorkspace)
    throw new OpenPhoneApiError(
      400,
      'webhooks',
      `A workspace has at most ${maxWebhooksPerWorkspace} webhooks.`,
    );
  const now = new Date(context.workspace.now()).toISOString();
  const subscription: QuoSubscription = {
    id: String(++nextWebhookNumber),
    url: body.url,
    status: body.status ?? 'enabled',
    events: body.events,
    resourceIds: body.resourceIds ?? null,
    label: body.label ?? null,
    apiVersion,
    key: newStandardKey(),
    previousKey: null,
    createdAt: now,
    updatedAt: now,
  };
  context.webhooks.quoSubscriptions.set(subscription.id, subscription);
  return ok({ data: { ...shown(subscription), key: subscription.key } }, 201);
}

/** Runs the version check first, as Quo does for every route of the dated version. */
export function dated(handle: (context: RouteContext) => RouteResult, resource: ApiResource = 'webhooks') {
  return (context: RouteContext): RouteResult => {
    pinnedVersion(context, resource);
    return handle(context);
  };
}

const outsideV1Document = false;

export const quoWebhookRoutes: readonly Route[] = [
  route(
    'GET',
    '/webhooks',
    'webhooks',
    dated((context) =>
      ok({ data: [...context.webhooks.quoSubscriptions.values()].map(shown), nextCursor: null }),
    ),
    outsideV1Document,
  ),
  route('POST', '/webhooks', 'webhooks', create, outsideV1Document),
  route(
    'GET',
    '/webhooks/{id}',
    'webhooks',
    dated((context) => ok({ data: shown(findSubscription(context)) })),
    outsideV1Document,
  ),
  route(
    'PATCH',
    '/webhooks/{id}',
    'webhooks',
    dated((context) => {
      const subscription = findSubscription(context);
      const changes = parseOr400(updateBody, context.body, 'webhooks');
      Object.assign(subscription, changes, { updatedAt: new Date(context.workspace.now()).toISOString() });
      return ok({ data: shown(subscription) });
    }),
    outsideV1Document,
  ),
  route(
    'DELETE',
    '/webhooks/{id}',
    'webhooks',
    dated((context) => {
      context.webhooks.quoSubscriptions.delete(findSubscription(context).id);
      return { status: 204 };
    }),
    outsideV1Document,
  ),
  route(
    'POST',
    '/webhooks/{id}/rotate',
    'webhooks',
    dated((context) => {
      const subscription = findSubscription(context);
      subscription.previousKey = subscription.key;
      subscription.key = newStandardKey();
      subscription.updatedAt = new Date(context.workspace.now()).toISOString();
      return ok({ data: { ...shown(subscription), key: subscription.key } });
    }),
    outsideV1Document,
  ),
  route(
    'POST',
    '/webhooks/{id}/events/test',
    'webhooks',
    dated((context) => {
      const subscription = findSubscription(context);
      const { eventType: type } = parseOr400(testBody, context.body, 'webhooks');
      const sample = quoSampleEvent(
        type,
        new Date(context.workspace.now()).toISOString(),
        subscription.apiVersion,
      );
      const delivery = context.webhooks.sendTestEvent(subscription, type, JSON.stringify(sample));
      return ok({ data: { ...sample, deliveryId: delivery.deliveryId } });
    }),
    outsideV1Document,
  ),
  route(
    'GET',
    '/webhooks/{id}/events',
    'webhooks',
    dated((context) => {
      const subscription = findSubscription(context);
      const q = query(context, deliveryQuery, 'webhooks');
      const all = deliveriesOf(context, subscription);
      const start = q.after ? all.findIndex((d) => d.deliveryId === q.after) + 1 : 0;
      const page = all.slice(start, start + q.limit);
      const more = start + q.limit < all.length;
      return ok({ data: page.map(deliveryView), nextCursor: more ? page.at(-1)!.deliveryId : null });
    }),
    outsideV1Document,
  ),
  route(
    'GET',
    '/webhooks/{id}/events/{deliveryId}',
    'webhooks',
    dated((context) => {
      const delivery = findDelivery(context, findSubscription(context));
      return ok({
        data: {
          ...deliveryView(delivery),
          attempts: delivery.statusCodes.map((status) => ({ responseStatus: status })),
        },
      });
    }),
    outsideV1Document,
  ),
  route(
    'POST',
    '/webhooks/{id}/events/{deliveryId}/retry',
    'webhooks',
    dated((context) => {
      context.webhooks.retry(findDelivery(context, findSubscription(context)));
      return ok({}, 202);
    }),
    outsideV1Document,
  ),
];
