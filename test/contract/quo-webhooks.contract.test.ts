import { Webhook } from 'standardwebhooks';
import { OpenPhoneClient } from '../../lambdas/openphone/adapters/openphone-client';
import { OpenPhoneApiError, OpenPhoneInvalidRequestError } from '../../lambdas/openphone/errors';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../local/openphone-simulator';
import { callSimulator } from '../support/openphone-simulator';
import {
  startWebhookReceiver,
  type ReceivedWebhook,
  type WebhookReceiver,
} from '../support/webhook-receiver';

const unlimited = { acquire: async () => ({ grantedAt: Date.now() }) } as never;

function verifiedWith(key: string, hook: ReceivedWebhook): unknown {
  return new Webhook(key).verify(hook.rawBody, {
    'webhook-id': String(hook.headers['webhook-id']),
    'webhook-timestamp': String(hook.headers['webhook-timestamp']),
    'webhook-signature': String(hook.headers['webhook-signature']),
  });
}

/**
 * The client's Quo webhook routes against the simulated Quo: every request the client sends is one
 * the simulator (which validates as Quo's reference documents) accepts, and every answer parses
 * with the client's schemas; bad input is refused with the field named, and changes nothing.
 */
describe("Quo's new webhooks: the client against the simulated Quo", () => {
  let sim: OpenPhoneSimulator;
  let receiver: WebhookReceiver;
  let client: OpenPhoneClient;

  beforeEach(async () => {
    receiver = await startWebhookReceiver();
    sim = await startOpenPhoneSimulator({ seed: 21, rateLimit: { limit: 10_000 } });
    client = new OpenPhoneClient({ apiKey: sim.apiKey, rateLimiter: unlimited, baseUrl: sim.url });
  });
  afterEach(async () => {
    await sim.stop();
    await receiver.stop();
  });

  it('creates a disabled webhook with its key, which no listing shows, and sends it nothing', async () => {
    const created = await client.quoWebhooks.create({
      url: receiver.url,
      events: ['message.received', 'call.missed', 'task.created'],
      status: 'disabled',
      label: 'bridge',
    });
    expect(created).toMatchObject({
      id: expect.stringMatching(/^\d+$/),
      status: 'disabled',
      apiVersion: '2026-03-30',
    });
    expect(created.key).toMatch(/^whsec_/);
    expect((await client.quoWebhooks.list()).map((w) => [w.id, w.key])).toEqual([[created.id, undefined]]);
    expect((await client.quoWebhooks.get(created.id)).key).toBeUndefined();

    sim.workspace.receiveMessage({ text: 'hello' });
    await sim.webhooks.settled();
    expect(receiver.received).toEqual([]);
  });

  it('sends a signed test event to a disabled webhook, lists the delivery, and retries it', async () => {
    const { id, key } = await client.quoWebhooks.create({
      url: receiver.url,
      events: ['message.received'],
      status: 'disabled',
    });
    const sample = await client.quoWebhooks.sendTestEvent(id, 'message.received');
    const hook = await receiver.waitFor((h) => h.json.type === 'message.received');
    expect(verifiedWith(key, hook)).toEqual(JSON.parse(JSON.stringify({ ...sample, deliveryId: undefined })));

    const deliveries = await client.quoWebhooks.listDeliveries(id);
    expect(deliveries.data).toEqual([
      expect.objectContaining({
        id: hook.headers['webhook-id'],
        eventType: 'message.received',
        status: 'success',
      }),
    ]);
    await client.quoWebhooks.retryDelivery(id, deliveries.data[0]!.id);
    await sim.webhooks.settled();
    expect(
      receiver.received.filter((h) => h.headers['webhook-id'] === hook.headers['webhook-id']),
    ).toHaveLength(2);
  });

  it('enabled, delivers the new envelope: a message resource with its numbers in context', async () => {
    const { id, key } = await client.quoWebhooks.create({ url: receiver.url, events: ['message.received'] });
    const message = sim.workspace.receiveMessage({ text: 'STOP' });
    const hook = await receiver.waitFor((h) => h.json.type === 'message.received');

    expect(hook.headers['openphone-signature']).toBeUndefined();
    const body = verifiedWith(key, hook) as { id: string; data: Record<string, Record<string, unknown>> };
    expect(body).toMatchObject({ id: expect.stringMatching(/^EV/), apiVersion: '2026-03-30' });
    expect(Object.keys(body.data.resource!).sort()).toEqual([
      'createdAt',
      'direction',
      'id',
      'media',
      'status',
      'text',
    ]);
    expect(body.data.resource).toMatchObject({ id: message.id, text: 'STOP', direction: 'incoming' });
    expect(body.data.context).toMatchObject({
      senderIdentifier: message.participant,
      recipientIdentifiers: [message.workspaceNumber],
      phoneNumberId: message.phoneNumberId,
      conversationId: message.conversationId,
      contacts: { lookupStatus: 'none' },
    });
    expect(body.data.links).toEqual({ quo: null });
    expect((await client.quoWebhooks.listDeliveries(id)).data[0]).toMatchObject({
      eventId: body.id,
      resourceId: message.id,
      status: 'success',
    });
  });

  it('puts call participants in context', async () => {
    const { key } = await client.quoWebhooks.create({ url: receiver.url, events: ['call.completed'] });
    const call = sim.workspace.receiveCall({ answered: false });
    const hook = await receiver.waitFor((h) => h.json.type === 'call.completed');
    expect(verifiedWith(key, hook)).toMatchObject({
      data: {
        resource: { id: call.id, status: 'unanswered', hasVoicemail: true },
        context: {
          participants: {
            workspace: [{ phoneNumberId: call.phoneNumberId, number: call.workspaceNumber }],
            external: [call.participant],
            resolution: 'available',
          },
        },
      },
    });
  });

  it('chooses the envelope per subscription: the same event, legacy and new, one event id by default', async () => {
    const legacy = await client.createWebhook('messages', {
      url: receiver.url,
      events: ['message.received'],
    });
    await client.quoWebhooks.create({ url: receiver.url, events: ['message.received'] });
    sim.workspace.receiveMessage({ text: 'both' });
    await sim.webhooks.settled();

    const [old, renewed] = [
      receiver.received.find((h) => h.headers['openphone-signature'])!,
      receiver.received.find((h) => h.headers['webhook-signature'])!,
    ];
    expect(old.json).toMatchObject({
      object: 'event',
      data: { object: { object: 'message', text: 'both' } },
    });
    expect(legacy.key).not.toMatch(/^whsec_/);
    expect(renewed.json).toMatchObject({ data: { resource: { text: 'both' } } });
    expect(renewed.json.id).toBe(old.json.id);

    sim.webhooks.eventIdsAcrossSystems = 'per-system';
    sim.workspace.receiveMessage({ text: 'again' });
    await sim.webhooks.settled();
    const ids = receiver.received
      .filter((h) => JSON.stringify(h.json).includes('again'))
      .map((h) => h.json.id);
    expect(new Set(ids).size).toBe(2);
  });

  it('rotates the key: later deliveries verify with the new key and, for the overlap, the old one', async () => {
    const { id, key: oldKey } = await client.quoWebhooks.create({
      url: receiver.url,
      events: ['message.received'],
    });
    const { key: newKey } = await client.quoWebhooks.rotateKey(id);
    expect(newKey).not.toBe(oldKey);
    sim.workspace.receiveMessage({ text: 'after rotation' });
    const hook = await receiver.waitFor((h) => h.json.type === 'message.received');
    expect(() => verifiedWith(newKey, hook)).not.toThrow();
    expect(() => verifiedWith(oldKey, hook)).not.toThrow();
  });

  it('updates and deletes; a deleted webhook is not found', async () => {
    const { id } = await client.quoWebhooks.create({
      url: receiver.url,
      events: ['message.received'],
      status: 'disabled',
    });
    expect((await client.quoWebhooks.update(id, { status: 'enabled' })).status).toBe('enabled');
    await client.quoWebhooks.delete(id);
    await expect(client.quoWebhooks.get(id)).rejects.toMatchObject({ status: 404 });
  });

  it('refuses bad input before sending it, naming the field, and creates nothing', async () => {
    await expect(client.quoWebhooks.create({ url: 'not a url', events: [] as never })).rejects.toBeInstanceOf(
      OpenPhoneInvalidRequestError,
    );
    await expect(client.quoWebhooks.get('WHabc')).rejects.toThrow(/id/);
    expect(sim.webhooks.quoSubscriptions.size).toBe(0);
    expect(sim.requestLog.entries).toEqual([]);
  });

  it('answers 400 naming the field: no version header, an unknown event, a non-numeric id', async () => {
    const noVersion = await callSimulator<{ errors: { path: string }[] }>(sim, 'GET', '/webhooks');
    expect(noVersion.status).toBe(400);
    expect(noVersion.body.errors[0]!.path).toBe('/headers/quo-api-version');

    const dated = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${sim.url}${path}`, {
        method,
        headers: {
          authorization: sim.apiKey,
          'quo-api-version': '2026-03-30',
          'content-type': 'application/json',
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: response.status, body: (await response.json()) as { errors?: { path: string }[] } };
    };
    const unknownType = await dated('POST', '/webhooks', { url: receiver.url, events: ['message.read'] });
    expect(unknownType.status).toBe(400);
    expect(unknownType.body.errors![0]!.path).toBe('/events/0');
    expect((await dated('GET', '/webhooks/abc')).body.errors![0]!.path).toBe('/webhookId');
    expect(sim.webhooks.quoSubscriptions.size).toBe(0);
  });

  it('a failed route from the fault switches reaches the caller as an API error', async () => {
    sim.faults.failRoute('PATCH /webhooks/{id}', 1, 503);
    const { id } = await client.quoWebhooks.create({
      url: receiver.url,
      events: ['message.received'],
      status: 'disabled',
    });
    const noRetry = new OpenPhoneClient({
      apiKey: sim.apiKey,
      rateLimiter: unlimited,
      baseUrl: sim.url,
      retry: { maxAttempts: 1 },
    });
    await expect(noRetry.quoWebhooks.update(id, { status: 'enabled' })).rejects.toBeInstanceOf(
      OpenPhoneApiError,
    );
    expect(sim.webhooks.quoSubscriptions.get(id)!.status).toBe('disabled');
  });
});
