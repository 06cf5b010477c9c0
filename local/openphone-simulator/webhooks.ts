import { createHmac, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import type { FaultSwitches } from './faults';
import { randomHex, type Random } from './prng';
import { newDeliveryId, type QuoPayload } from './quo-payloads';

export type SigningScheme = 'legacy' | 'standard';

export interface WebhookTargetOptions {
  /** Where to POST events. */
  readonly url: string;
  /** `legacy`: `openphone-signature`; `standard`: Standard Webhooks `webhook-*` headers. Default legacy. */
  readonly scheme?: SigningScheme;
  /** Signing key: base64 (legacy) or `whsec_…` (standard). Generated when absent. */
  readonly key?: string;
  /** Only these event types; default every type. */
  readonly events?: readonly string[];
}

export interface WebhookDeliveryOptions {
  /** Retries after a non-2xx answer or a network error. Default 3. */
  readonly retries?: number;
  /** First retry delay in ms, doubled each time. Default 100. */
  readonly retryDelayMs?: number;
  /** Per-attempt timeout in ms. Default 5000. */
  readonly timeoutMs?: number;
}

export interface WebhookSubscription {
  readonly id: string;
  readonly userId: string;
  readonly orgId: string;
  readonly label: string | null;
  readonly status: 'enabled' | 'disabled';
  readonly url: string;
  readonly key: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt: string | null;
  readonly events: string[];
  readonly resourceIds: string[];
}

/** A subscription of Quo's new webhooks (`POST /webhooks`): Standard Webhooks, the new envelope. */
export interface QuoSubscription {
  /** Numeric, as Quo's are. */
  readonly id: string;
  url: string;
  status: 'enabled' | 'disabled';
  events: string[];
  resourceIds: string[] | null;
  label: string | null;
  /** Pinned at creation from the version header. */
  readonly apiVersion: string;
  key: string;
  /** The key before the last rotation: deliveries carry a signature for each. */
  previousKey: string | null;
  readonly createdAt: string;
  updatedAt: string;
}

export interface WebhookDelivery {
  /** The `webhook-id` of a Standard Webhooks delivery (`msg_…`); the event id for legacy ones. */
  readonly deliveryId: string;
  readonly eventId: string;
  readonly type: string;
  readonly url: string;
  readonly scheme: SigningScheme;
  /** The Quo subscription it went to, when it went to one. */
  readonly subscriptionId?: string;
  /** The OpenPhone object the event is about (`AC…`), for Quo's deliveries list (set on legacy ones too). */
  readonly resourceId?: string;
  readonly body: string;
  readonly createdAt: string;
  attempts: number;
  readonly statusCodes: (number | 'network-error')[];
  state: 'pending' | 'delivered' | 'failed';
}

export interface OutgoingEvent {
  readonly type: string;
  readonly object: Record<string, unknown>;
  /** Used to match `resourceIds` of subscriptions and to fill the Standard Webhooks context. */
  readonly phoneNumberId: string;
  /** The new envelope's resource and context; absent, the legacy object stands in as the resource. */
  readonly quo?: QuoPayload;
  /** A type only Quo's new webhooks have (`call.missed`, `call.voicemail.completed`): no legacy delivery. */
  readonly newSystemOnly?: boolean;
}

/**
 * Whether an event delivered by both systems carries one id in both bodies (`shared`, what Quo
 * says of its event ids: "the same for every subscription that receives it") or an id per system
 * (`per-system`, in case that does not hold across systems: receivers then match by object id).
 */
export type EventIdsAcrossSystems = 'shared' | 'per-system';

/** Legacy signature: base64 HMAC-SHA256 over `<timestamp>.<body>`, keyed with the base64-decoded key. */
export function legacySignatureHeader(key: string, timestampMs: number, body: string): string {
  const digest = createHmac('sha256', Buffer.from(key, 'base64'))
    .update(`${timestampMs}.${body}`)
    .digest('base64');
  return `hmac;1;${timestampMs};${digest}`;
}

export function newLegacyKey(): string {
  return randomBytes(32).toString('base64');
}

export function newStandardKey(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * Sends events to the configured target and to subscriptions created through the API,
 * signed, retrying non-2xx answers with backoff. `settled()` resolves when nothing is in flight.
 */
export class WebhookDispatcher {
  readonly deliveries: WebhookDelivery[] = [];
  /** Legacy subscriptions (`/v1/webhooks/*`). */
  readonly subscriptions = new Map<string, WebhookSubscription>();
  /** New-system subscriptions (`/webhooks`), by numeric id. */
  readonly quoSubscriptions = new Map<string, QuoSubscription>();
  eventIdsAcrossSystems: EventIdsAcrossSystems = 'shared';
  /** Set by the simulator: `signWebhooksWithWrongKey` is read at each attempt. */
  faults: FaultSwitches | undefined;
  /** The configured target's scheme and key (undefined when no target is configured). */
  readonly target:
    (Required<Pick<WebhookTargetOptions, 'url' | 'scheme' | 'key'>> & WebhookTargetOptions) | undefined;

  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private readonly stopping = new AbortController();
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly random: Random,
    private readonly clock: () => number,
    target: WebhookTargetOptions | undefined,
    options: WebhookDeliveryOptions = {},
  ) {
    const scheme = target?.scheme ?? 'legacy';
    this.target = target
      ? { ...target, scheme, key: target.key ?? (scheme === 'standard' ? newStandardKey() : newLegacyKey()) }
      : undefined;
    this.retries = options.retries ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  /** Signs and sends one event to every matching destination, each in its system's envelope. */
  emit(event: OutgoingEvent): void {
    if (this.stopped) return;
    const createdAt = new Date(this.clock()).toISOString();
    const eventId = `EV${randomHex(this.random, 32)}`;
    const quoEventId = this.eventIdsAcrossSystems === 'shared' ? eventId : `EV${randomHex(this.random, 32)}`;
    const resourceId = typeof event.object.id === 'string' ? event.object.id : undefined;
    const legacyBody = JSON.stringify({
      id: eventId,
      object: 'event',
      apiVersion: 'v3',
      createdAt,
      type: event.type,
      data: { object: event.object },
    });
    const quoBody = (apiVersion: string) =>
      JSON.stringify({
        id: quoEventId,
        apiVersion,
        createdAt,
        type: event.type,
        data: {
          ...(event.quo ?? { resource: event.object, context: { phoneNumberId: event.phoneNumberId } }),
          links: { quo: null },
        },
      });
    const target = this.target;
    const toLegacy = !event.newSystemOnly;
    if (
      target &&
      (!target.events || target.events.includes(event.type)) &&
      (toLegacy || target.scheme === 'standard')
    ) {
      if (target.scheme === 'standard')
        this.deliver({
          deliveryId: newDeliveryId(this.random),
          eventId: quoEventId,
          type: event.type,
          url: target.url,
          scheme: 'standard',
          body: quoBody('2026-03-30'),
          ...(resourceId ? { resourceId } : {}),
        });
      else
        this.deliver({
          deliveryId: eventId,
          eventId,
          type: event.type,
          url: target.url,
          scheme: 'legacy',
          body: legacyBody,
          ...(resourceId ? { resourceId } : {}),
        });
    }
    for (const subscription of toLegacy ? this.subscriptions.values() : []) {
      if (subscription.status !== 'enabled' || !subscription.events.includes(event.type)) continue;
      if (!subscription.resourceIds.includes('*') && !subscription.resourceIds.includes(event.phoneNumberId))
        continue;
      this.deliver({
        deliveryId: eventId,
        eventId,
        type: event.type,
        url: subscription.url,
        scheme: 'legacy',
        body: legacyBody,
        legacyKey: subscription.key,
        ...(resourceId ? { resourceId } : {}),
      });
    }
    for (const subscription of this.quoSubscriptions.values()) {
      if (subscription.status !== 'enabled' || !subscription.events.includes(event.type)) continue;
      // Contact and task events are workspace-wide; resourceIds filter the rest.
      const filtered = /^(message|call)\./.test(event.type) && subscription.resourceIds;
      if (filtered && !filtered.includes('*') && !filtered.includes(event.phoneNumberId)) continue;
      this.deliver({
        deliveryId: newDeliveryId(this.random),
        eventId: quoEventId,
        type: event.type,
        url: subscription.url,
        scheme: 'standard',
        subscriptionId: subscription.id,
        body: quoBody(subscription.apiVersion),
        ...(resourceId ? { resourceId } : {}),
      });
    }
  }

  /** A test event: `body` signed and sent to the subscription's URL, enabled or not. */
  sendTestEvent(subscription: QuoSubscription, type: string, body: string): WebhookDelivery {
    return this.deliver({
      deliveryId: newDeliveryId(this.random),
      eventId: '',
      type,
      url: subscription.url,
      scheme: 'standard',
      subscriptionId: subscription.id,
      body,
    });
  }

  /** Another attempt of a delivery, signed afresh with its subscription's current keys. */
  retry(delivery: WebhookDelivery): void {
    if (this.stopped) return;
    delivery.state = 'pending';
    const run = this.attempt(delivery, 0).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  /** Runs `action` after `delayMs` unless the simulator stops first. */
  later(delayMs: number, action: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) action();
    }, delayMs);
    this.timers.add(timer);
  }

  /** Resolves when no delivery is in flight and no delayed event is pending. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0 || this.timers.size > 0) {
      if (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Cancels pending events and retries, aborts deliveries in flight, and waits for them to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.stopping.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  private deliver(
    input: Omit<WebhookDelivery, 'attempts' | 'statusCodes' | 'state' | 'createdAt'> & {
      /** A legacy subscription's key (the target's and Quo subscriptions' keys are looked up). */
      readonly legacyKey?: string;
    },
  ): WebhookDelivery {
    const { legacyKey, ...fields } = input;
    const delivery: WebhookDelivery = {
      ...fields,
      createdAt: new Date(this.clock()).toISOString(),
      attempts: 0,
      statusCodes: [],
      state: 'pending',
    };
    if (legacyKey) this.legacyKeys.set(delivery, legacyKey);
    this.deliveries.push(delivery);
    const run = this.attempt(delivery, this.retries).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
    return delivery;
  }

  private readonly legacyKeys = new WeakMap<WebhookDelivery, string>();

  private async attempt(delivery: WebhookDelivery, retries: number): Promise<void> {
    for (let attempt = 0; attempt <= retries && !this.stopped; attempt++) {
      if (attempt > 0) {
        const backoff = this.retryDelayMs * 2 ** (attempt - 1);
        const waited = await sleep(backoff, true, { signal: this.stopping.signal }).catch(() => false);
        if (!waited) break;
      }
      delivery.attempts++;
      try {
        const response = await fetch(delivery.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...this.signatureHeaders(delivery) },
          body: delivery.body,
          signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.timeoutMs)]),
        });
        await response.arrayBuffer().catch(() => undefined);
        delivery.statusCodes.push(response.status);
        if (response.ok) {
          delivery.state = 'delivered';
          return;
        }
      } catch {
        delivery.statusCodes.push('network-error');
      }
    }
    delivery.state = 'failed';
  }

  /** The keys a delivery is signed with now: its subscription's (two during a rotation). */
  private keysOf(delivery: WebhookDelivery): string[] {
    const subscription = delivery.subscriptionId && this.quoSubscriptions.get(delivery.subscriptionId);
    const keys = subscription
      ? [subscription.key, ...(subscription.previousKey ? [subscription.previousKey] : [])]
      : [this.legacyKeys.get(delivery) ?? this.target?.key ?? ''];
    return this.faults?.signWebhooksWithWrongKey
      ? keys.map((k) => (delivery.scheme === 'standard' ? newStandardKey() : k && newLegacyKey()))
      : keys;
  }

  private signatureHeaders(delivery: WebhookDelivery): Record<string, string> {
    const now = this.clock();
    const keys = this.keysOf(delivery);
    if (delivery.scheme === 'legacy')
      return { 'openphone-signature': legacySignatureHeader(keys[0]!, now, delivery.body) };
    const timestamp = new Date(now);
    return {
      'webhook-id': delivery.deliveryId,
      'webhook-timestamp': String(Math.floor(now / 1000)),
      'webhook-signature': keys
        .map((key) => new Webhook(key).sign(delivery.deliveryId, timestamp, delivery.body))
        .join(' '),
    };
  }
}
