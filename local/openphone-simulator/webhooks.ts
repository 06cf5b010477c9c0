import { createHmac, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { randomHex, type Random } from './prng';

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

export interface WebhookDelivery {
  readonly eventId: string;
  readonly type: string;
  readonly url: string;
  readonly scheme: SigningScheme;
  attempts: number;
  readonly statusCodes: (number | 'network-error')[];
  state: 'pending' | 'delivered' | 'failed';
}

export interface OutgoingEvent {
  readonly type: string;
  readonly object: Record<string, unknown>;
  /** Used to match `resourceIds` of subscriptions and to fill the Standard Webhooks context. */
  readonly phoneNumberId: string;
}

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
  readonly subscriptions = new Map<string, WebhookSubscription>();
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

  /** Signs and sends one event to every matching destination. */
  emit(event: OutgoingEvent): void {
    if (this.stopped) return;
    const createdAt = new Date(this.clock()).toISOString();
    const eventId = `EV${randomHex(this.random, 32)}`;
    const legacyBody = JSON.stringify({
      id: eventId,
      object: 'event',
      apiVersion: 'v3',
      createdAt,
      type: event.type,
      data: { object: event.object },
    });
    const target = this.target;
    if (target && (!target.events || target.events.includes(event.type))) {
      const body =
        target.scheme === 'standard'
          ? JSON.stringify({
              id: eventId,
              object: 'event',
              apiVersion: '2026-03-30',
              createdAt,
              type: event.type,
              data: {
                resource: event.object,
                context: { phoneNumberId: event.phoneNumberId },
                links: {},
              },
            })
          : legacyBody;
      this.deliver(eventId, event.type, target.url, target.scheme, target.key, body);
    }
    for (const subscription of this.subscriptions.values()) {
      if (subscription.status !== 'enabled' || !subscription.events.includes(event.type)) continue;
      if (!subscription.resourceIds.includes('*') && !subscription.resourceIds.includes(event.phoneNumberId))
        continue;
      this.deliver(eventId, event.type, subscription.url, 'legacy', subscription.key, legacyBody);
    }
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
    eventId: string,
    type: string,
    url: string,
    scheme: SigningScheme,
    key: string,
    body: string,
  ): void {
    const delivery: WebhookDelivery = {
      eventId,
      type,
      url,
      scheme,
      attempts: 0,
      statusCodes: [],
      state: 'pending',
    };
    this.deliveries.push(delivery);
    const run = this.attempt(delivery, key, body).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  private async attempt(delivery: WebhookDelivery, key: string, body: string): Promise<void> {
    for (let attempt = 0; attempt <= this.retries && !this.stopped; attempt++) {
      if (attempt > 0) {
        const backoff = this.retryDelayMs * 2 ** (attempt - 1);
        const waited = await sleep(backoff, true, { signal: this.stopping.signal }).catch(() => false);
        if (!waited) break;
      }
      delivery.attempts++;
      try {
        const response = await fetch(delivery.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...this.signatureHeaders(delivery, key, body) },
          body,
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

  private signatureHeaders(delivery: WebhookDelivery, key: string, body: string): Record<string, string> {
    const now = this.clock();
    if (delivery.scheme === 'legacy') return { 'openphone-signature': legacySignatureHeader(key, now, body) };
    const timestamp = new Date(now);
    return {
      'webhook-id': delivery.eventId,
      'webhook-timestamp': String(Math.floor(now / 1000)),
      'webhook-signature': new Webhook(key).sign(delivery.eventId, timestamp, body),
    };
  }
}
