import {
  cursorPageOf,
  deliveryFilters,
  newQuoWebhook,
  quoTestEvent,
  quoWebhook,
  quoWebhookChanges,
  quoWebhookDelivery,
  quoWebhookEventTypes,
  quoWebhookId,
  quoWebhookWithKey,
  type CursorPage,
  type DeliveryFilters,
  type NewQuoWebhook,
  type QuoTestEvent,
  type QuoWebhook,
  type QuoWebhookChanges,
  type QuoWebhookDelivery,
  type QuoWebhookEventType,
  type QuoWebhookWithKey,
} from '../domain/quo-webhooks';
import { z } from 'zod';
import { datedRequest } from './dated-request';
import type { OpenPhoneTransport, RequestSpec } from './openphone-transport';
import { dataOf, segment, validParameters } from './request-parameters';

/**
 * Quo's new webhooks, on the dated API version: every request carries `Quo-Api-Version` (which
 * also pins a created subscription's payload version), paths have no `/v1`. Same rate limit,
 * retries and errors as the v1 routes (one transport).
 */
export class QuoWebhooksClient {
  constructor(private readonly transport: OpenPhoneTransport) {}

  /** Every webhook of the workspace, all pages. */
  async list(): Promise<QuoWebhook[]> {
    const webhooks: QuoWebhook[] = [];
    let after: string | undefined;
    do {
      const page = await this.#dated({
        method: 'GET',
        path: '/webhooks',
        query: { limit: 50, after },
        schema: cursorPageOf(quoWebhook),
      });
      webhooks.push(...page.data);
      after = page.nextCursor ?? undefined;
    } while (after);
    return webhooks;
  }

  async get(id: string): Promise<QuoWebhook> {
    return (await this.#dated({ method: 'GET', path: this.#path(id), schema: dataOf(quoWebhook) })).data;
  }

  /** POST /webhooks: the answer carries the signing key, the only time besides a rotation. Not repeated blindly. */
  async create(input: NewQuoWebhook): Promise<QuoWebhookWithKey> {
    const body = validParameters('createQuoWebhook', newQuoWebhook, input);
    const created = await this.#dated({
      method: 'POST',
      path: '/webhooks',
      body,
      schema: dataOf(quoWebhookWithKey),
      notIdempotent: true,
    });
    return created.data;
  }

  /** PATCH /webhooks/{id}: status (enable, disable), url, events, resourceIds, label. */
  async update(id: string, changes: QuoWebhookChanges): Promise<QuoWebhook> {
    const body = validParameters('updateQuoWebhook', quoWebhookChanges, changes);
    return (await this.#dated({ method: 'PATCH', path: this.#path(id), body, schema: dataOf(quoWebhook) }))
      .data;
  }

  async delete(id: string): Promise<void> {
    await this.#dated({ method: 'DELETE', path: this.#path(id), schema: null });
  }

  /** A new signing key; the answer is the only place it appears. Not repeated blindly. */
  async rotateKey(id: string): Promise<QuoWebhookWithKey> {
    const rotated = await this.#dated({
      method: 'POST',
      path: `${this.#path(id)}/rotate`,
      schema: dataOf(quoWebhookWithKey),
      notIdempotent: true,
    });
    return rotated.data;
  }

  /** A signed sample of `eventType` sent to the webhook's URL (enabled or not); answers with the sample. */
  async sendTestEvent(id: string, eventType: QuoWebhookEventType): Promise<QuoTestEvent> {
    const { eventType: type } = validParameters(
      'sendQuoTestEvent',
      z.object({ eventType: z.enum(quoWebhookEventTypes) }),
      { eventType },
    );
    const sent = await this.#dated({
      method: 'POST',
      path: `${this.#path(id)}/events/test`,
      body: { eventType: type },
      schema: dataOf(quoTestEvent),
      notIdempotent: true,
    });
    return sent.data;
  }

  /** One page of the webhook's deliveries, newest first. */
  async listDeliveries(id: string, filters: DeliveryFilters = {}): Promise<CursorPage<QuoWebhookDelivery>> {
    const query = validParameters('listQuoWebhookDeliveries', deliveryFilters, filters);
    const page = await this.#dated({
      method: 'GET',
      path: `${this.#path(id)}/events`,
      query,
      schema: cursorPageOf(quoWebhookDelivery),
    });
    return { data: page.data, nextCursor: page.nextCursor ?? null };
  }

  /** Queues a new attempt of one delivery (by its delivery id). */
  async retryDelivery(id: string, deliveryId: string): Promise<void> {
    await this.#dated({
      method: 'POST',
      path: `${this.#path(id)}/events/${segment(deliveryId)}/retry`,
      schema: null,
    });
  }

  #path(id: string): string {
    validParameters('Quo webhook', z.object({ id: quoWebhookId }), { id });
    return `/webhooks/${segment(id)}`;
  }

  #dated<T>(spec: RequestSpec<T>): Promise<T> {
    return datedRequest(this.transport, spec);
  }
}
