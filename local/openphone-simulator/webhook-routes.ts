import { randomHex } from './prng';
import {
  createWebhookBody,
  parseOr400,
  userFilterQuery,
  webhookEventsByFamily,
  webhookIdParam,
  type WebhookFamily,
} from './requests';
import { notFound, ok, query, route, type Route, type RouteContext, type RouteResult } from './route-context';
import { newLegacyKey, type WebhookSubscription } from './webhooks';

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

export const webhookRoutes: readonly Route[] = [
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
