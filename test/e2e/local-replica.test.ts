import { startLocalReplica, type LocalReplica } from '../../local/replica';
import { bridgeTemplate } from '../support/dynamo';
import { legacyEvent, standardEvent } from '../support/events';
import { legacySignatureHeader, standardWebhookHeaders } from '../support/signers';

describe('the local replica, over HTTP', () => {
  let replica: LocalReplica;
  const received: string[] = [];

  beforeAll(async () => {
    replica = await startLocalReplica({
      port: 0,
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT!,
      template: bridgeTemplate(),
      log: (line) => received.push(line),
    });
  });
  afterAll(() => replica.stop());

  const post = (body: string, headers: Record<string, string>) =>
    fetch(replica.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  async function until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out; consumers saw: ${received.join(' | ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('takes signed webhooks of both schemes to their family queues, once each', async () => {
    const [legacyKey, standardKey] = replica.signingKeys as [string, string];
    const message = JSON.stringify(legacyEvent({ id: 'EVe2emessage' }));
    const summary = JSON.stringify(standardEvent({ type: 'call.summary.completed', id: 'EVe2esummary' }));
    const legacyHeaders = { 'openphone-signature': legacySignatureHeader(message, legacyKey) };

    expect((await post(message, legacyHeaders)).status).toBe(202);
    expect((await post(message, legacyHeaders)).status).toBe(200); // OpenPhone's retry
    expect((await post(summary, standardWebhookHeaders(summary, standardKey))).status).toBe(202);

    await until(() => received.length >= 2);
    await new Promise((r) => setTimeout(r, 300)); // a duplicate would show up by now
    expect(received.filter((l) => l.includes('EVe2emessage'))).toEqual([
      expect.stringMatching(/^\[messages\] message\.received EVe2emessage/),
    ]);
    expect(received.filter((l) => l.includes('EVe2esummary'))).toEqual([
      expect.stringMatching(/^\[call-intelligence\] call\.summary\.completed/),
    ]);
  });

  it('answers 401 with a reason to an unsigned request and 404 off the route', async () => {
    const unsigned = await post(JSON.stringify(legacyEvent()), {});
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toEqual({ error: 'missing_signature' });
    expect(
      (await fetch(replica.webhookUrl.replace('/webhooks/openphone', '/nope'), { method: 'POST' })).status,
    ).toBe(404);
  });
});
