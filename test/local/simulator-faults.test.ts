import {
  legacySignatureHeader,
  startOpenPhoneSimulator,
  type OpenPhoneSimulator,
} from '../../local/openphone-simulator';
import { startWebhookReceiver } from '../support/webhook-receiver';
import { activityQuery, callSimulator } from '../support/openphone-simulator';

describe('simulator fault switches', () => {
  let sim: OpenPhoneSimulator;
  beforeEach(async () => {
    sim = await startOpenPhoneSimulator({ seed: 9, rateLimit: { limit: 10_000 } });
  });
  afterEach(() => sim.stop());

  const send = (to: string) =>
    callSimulator<{ data: { id: string }; code?: string; status?: number }>(sim, 'POST', '/v1/messages', {
      content: 'Spring sale starts today',
      from: sim.workspace.phoneNumbers[0]!.number,
      to: [to],
    });

  it('drops the connection after accepting a send: the message exists, the client sees a network error', async () => {
    sim.faults.dropConnectionAfterSend = 1;
    const recipient = '+14155550142';
    await expect(send(recipient)).rejects.toThrow();

    const { id } = sim.workspace.phoneNumbers[0]!;
    const listed = await callSimulator<{ data: { text: string; direction: string }[] }>(
      sim,
      'GET',
      `/v1/messages?${activityQuery(id, recipient)}`,
    );
    expect(listed.body.data).toEqual([
      expect.objectContaining({ text: 'Spring sale starts today', direction: 'outgoing' }),
    ]);
    expect(sim.requestLog.stats().messagesSentByRecipient[recipient]).toBe(1);
    expect(sim.requestLog.entries.some((e) => e.outcome === 'reset')).toBe(true);

    // The switch is spent: a retry goes through, and the duplicate shows in the stats.
    expect((await send(recipient)).status).toBe(202);
    expect(sim.requestLog.stats().messagesSentByRecipient[recipient]).toBe(2);
  });

  it('answers 402 Not Enough Credits and records nothing while credits are out', async () => {
    sim.faults.noCredits = true;
    const answer = await send('+14155550143');
    expect(answer.status).toBe(402);
    expect(answer.body).toMatchObject({ status: 402, code: '0200402', title: 'Not Enough Credits' });
    expect(sim.requestLog.stats().messagesSentByRecipient['+14155550143']).toBeUndefined();
  });

  it('fails the next N requests with a 5xx, then recovers', async () => {
    sim.faults.failNextRequests = 2;
    sim.faults.serverErrorStatus = 503;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await callSimulator(sim, 'GET', '/v1/phone-numbers')).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(sim.requestLog.stats().serverErrors).toBe(2);
  });

  it('fails requests at random with a probability, reproducibly for a seed', async () => {
    sim.faults.serverErrorRate = 1;
    expect((await callSimulator(sim, 'GET', '/v1/phone-numbers')).status).toBe(500);
    sim.faults.serverErrorRate = 0;
    expect((await callSimulator(sim, 'GET', '/v1/phone-numbers')).status).toBe(200);
  });

  it('adds latency to every answer', async () => {
    sim.faults.latencyMs = 150;
    const started = Date.now();
    await callSimulator(sim, 'GET', '/v1/phone-numbers');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('fails the next N requests of one route only, with the status asked for', async () => {
    sim.faults.failRoute('GET /v1/phone-numbers', 2, 503);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await callSimulator(sim, 'GET', '/v1/phone-numbers')).status);
    expect(statuses).toEqual([503, 503, 200]);
    sim.faults.failRoute('GET /v1/phone-numbers', 1);
    expect((await callSimulator(sim, 'GET', '/v1/users')).status).toBe(200);
  });

  it('signs webhooks with a key no receiver has while the switch is on', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const created = await callSimulator<{ data: { key: string } }>(sim, 'POST', '/v1/webhooks/messages', {
        url: receiver.url,
        events: ['message.received'],
      });
      sim.faults.signWebhooksWithWrongKey = true;
      sim.workspace.receiveMessage({ text: 'tampered' });
      const hook = await receiver.waitFor((h) => h.json.type === 'message.received');
      const [, , timestamp] = String(hook.headers['openphone-signature']).split(';');
      expect(hook.headers['openphone-signature']).not.toBe(
        legacySignatureHeader(created.body.data.key, Number(timestamp), hook.rawBody),
      );
    } finally {
      await receiver.stop();
    }
  });

  it('returns to normal on reset', async () => {
    sim.faults.noCredits = true;
    sim.faults.failNextRequests = 5;
    sim.faults.reset();
    expect((await send('+14155550144')).status).toBe(202);
  });
});
