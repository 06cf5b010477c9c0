import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../local/openphone-simulator';
import { callSimulator } from '../support/openphone-simulator';
import {
  startWebhookReceiver,
  type ReceivedWebhook,
  type WebhookReceiver,
} from '../support/webhook-receiver';

/** Recomputes the legacy signature independently of the simulator's code. */
function legacySignatureIsValid(hook: ReceivedWebhook, base64Key: string): boolean {
  const [scheme, version, timestamp, signature] = String(hook.headers['openphone-signature']).split(';');
  const expected = createHmac('sha256', Buffer.from(base64Key, 'base64'))
    .update(`${timestamp}.${hook.rawBody}`)
    .digest('base64');
  return scheme === 'hmac' && version === '1' && signature === expected;
}

const sendTo = (sim: OpenPhoneSimulator, to: string) =>
  callSimulator<{ data: { id: string; status: string } }>(sim, 'POST', '/v1/messages', {
    content: 'Your order is ready',
    from: sim.workspace.phoneNumbers[0]!.id,
    to: [to],
  });

describe('simulator webhooks', () => {
  let receiver: WebhookReceiver;
  let sim: OpenPhoneSimulator | undefined;
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
    await receiver.stop();
  });

  it('accepts a send with 202 and later posts a legacy-signed message.delivered', async () => {
    sim = await startOpenPhoneSimulator({ seed: 5, webhookTarget: { url: receiver.url, scheme: 'legacy' } });
    const sent = await sendTo(sim, '+14155550123');
    expect(sent.status).toBe(202);
    expect(sent.body.data).toMatchObject({ id: expect.stringMatching(/^AC/), status: 'queued' });

    const hook = await receiver.waitFor((h) => h.json.type === 'message.delivered');
    expect(legacySignatureIsValid(hook, sim.webhooks.target!.key)).toBe(true);
    const timestamp = Number(String(hook.headers['openphone-signature']).split(';')[2]);
    expect(Math.abs(timestamp - Date.now())).toBeLessThan(60_000);
    expect(hook.json).toMatchObject({
      id: expect.stringMatching(/^EV/),
      object: 'event',
      apiVersion: 'v3',
      createdAt: expect.any(String),
      type: 'message.delivered',
      data: {
        object: {
          id: sent.body.data.id,
          object: 'message',
          direction: 'outgoing',
          status: 'delivered',
          to: '+14155550123',
          conversationId: expect.stringMatching(/^CN/),
        },
      },
    });
    const stored = await callSimulator<{ data: { status: string } }>(
      sim,
      'GET',
      `/v1/messages/${sent.body.data.id}`,
    );
    expect(stored.body.data.status).toBe('delivered');
  });

  it('signs with Standard Webhooks when asked, verifiable with the standardwebhooks package', async () => {
    sim = await startOpenPhoneSimulator({
      seed: 5,
      webhookTarget: { url: receiver.url, scheme: 'standard' },
    });
    expect(sim.webhooks.target!.key).toMatch(/^whsec_/);
    const message = sim.workspace.receiveMessage({ text: 'Is the shop open on Sunday?' });
    const hook = await receiver.waitFor((h) => h.json.type === 'message.received');
    const verified = new Webhook(sim.webhooks.target!.key).verify(hook.rawBody, {
      'webhook-id': String(hook.headers['webhook-id']),
      'webhook-timestamp': String(hook.headers['webhook-timestamp']),
      'webhook-signature': String(hook.headers['webhook-signature']),
    });
    expect(verified).toMatchObject({ type: 'message.received', data: { resource: { id: message.id } } });
    expect(() =>
      new Webhook(sim!.webhooks.target!.key).verify(hook.rawBody.replace('Sunday', 'Monday'), {
        'webhook-id': String(hook.headers['webhook-id']),
        'webhook-timestamp': String(hook.headers['webhook-timestamp']),
        'webhook-signature': String(hook.headers['webhook-signature']),
      }),
    ).toThrow();
  });

  it('reports an undelivered outcome when the switch says so', async () => {
    sim = await startOpenPhoneSimulator({ seed: 5, webhookTarget: { url: receiver.url } });
    sim.faults.deliveryOutcome = 'undelivered';
    await sendTo(sim, '+14155550124');
    const hook = await receiver.waitFor((h) => h.json.type === 'message.delivered');
    expect(hook.json).toMatchObject({ data: { object: { status: 'undelivered' } } });
  });

  it('follows an inbound call with its recording, summary and transcript', async () => {
    sim = await startOpenPhoneSimulator({ seed: 5, webhookTarget: { url: receiver.url } });
    const call = sim.workspace.receiveCall({ durationSeconds: 95 });
    await sim.webhooks.settled();
    // The three follow-ups are sent together, so they may arrive in any order.
    expect(receiver.received.map((h) => h.json.type).sort()).toEqual([
      'call.completed',
      'call.recording.completed',
      'call.summary.completed',
      'call.transcript.completed',
    ]);
    expect(receiver.received[0]!.json.type).toBe('call.completed');
    expect(receiver.received.every((h) => legacySignatureIsValid(h, sim!.webhooks.target!.key))).toBe(true);
    const objectOf = (type: string) =>
      (receiver.received.find((h) => h.json.type === type)!.json.data as { object: Record<string, unknown> })
        .object;
    const [completed, recording, summary, transcript] = [
      objectOf('call.completed'),
      objectOf('call.recording.completed'),
      objectOf('call.summary.completed'),
      objectOf('call.transcript.completed'),
    ];
    expect(completed).toMatchObject({ id: call.id, object: 'call', status: 'completed', voicemail: null });
    expect(recording).toMatchObject({ id: call.id, media: [{ url: expect.any(String), duration: 95 }] });
    expect(summary).toMatchObject({
      callId: call.id,
      summary: expect.any(Array),
      nextSteps: expect.any(Array),
    });
    expect(transcript).toMatchObject({ callId: call.id, dialogue: expect.any(Array), duration: 95 });
  });

  it('announces a missed call with its voicemail and nothing after it', async () => {
    sim = await startOpenPhoneSimulator({ seed: 5, webhookTarget: { url: receiver.url } });
    sim.workspace.receiveCall({ answered: false });
    await sim.webhooks.settled();
    expect(receiver.received.map((h) => h.json.type)).toEqual(['call.completed']);
    expect(receiver.received[0]!.json).toMatchObject({
      data: { object: { status: 'missed', voicemail: { url: expect.any(String) } } },
    });
  });

  it('retries a delivery answered with a non-2xx, with the same event id', async () => {
    sim = await startOpenPhoneSimulator({
      seed: 5,
      webhookTarget: { url: receiver.url },
      webhookDelivery: { retries: 3, retryDelayMs: 10 },
    });
    receiver.answerWith.push(500, 503);
    sim.workspace.receiveMessage();
    await sim.webhooks.settled();
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((h) => h.json.id)).size).toBe(1);
    expect(sim.webhooks.deliveries[0]).toMatchObject({
      attempts: 3,
      state: 'delivered',
      statusCodes: [500, 503, 200],
    });
  });

  it('gives up after the configured retries', async () => {
    sim = await startOpenPhoneSimulator({
      seed: 5,
      webhookTarget: { url: receiver.url },
      webhookDelivery: { retries: 1, retryDelayMs: 10 },
    });
    receiver.answerWith.push(500, 500, 500);
    sim.workspace.receiveMessage();
    await sim.webhooks.settled();
    expect(sim.webhooks.deliveries[0]).toMatchObject({ attempts: 2, state: 'failed' });
  });

  it('delivers to a subscription made through the API, signed with that subscription’s key', async () => {
    sim = await startOpenPhoneSimulator({ seed: 5 });
    const created = await callSimulator<{ data: { key: string } }>(sim, 'POST', '/v1/webhooks/messages', {
      url: receiver.url,
      events: ['message.received'],
      resourceIds: [sim.workspace.phoneNumbers[0]!.id],
    });
    sim.workspace.receiveMessage({ phoneNumberId: sim.workspace.phoneNumbers[1]!.id });
    sim.workspace.receiveMessage({ phoneNumberId: sim.workspace.phoneNumbers[0]!.id });
    await sim.webhooks.settled();
    expect(receiver.received).toHaveLength(1);
    expect(legacySignatureIsValid(receiver.received[0]!, created.body.data.key)).toBe(true);
  });

  it('sends inbound activity on its own at the configured interval', async () => {
    sim = await startOpenPhoneSimulator({
      seed: 5,
      webhookTarget: { url: receiver.url },
      timing: { inboundEvery: { intervalMs: 20 } },
    });
    await receiver.waitFor(() => receiver.received.length >= 3, 3000);
    expect(
      receiver.received.some((h) => h.json.type === 'message.received' || h.json.type === 'call.completed'),
    ).toBe(true);
  });
});
