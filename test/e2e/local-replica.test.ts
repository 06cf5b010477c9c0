import { startLocalReplica, type LocalReplica } from '../../local/replica';
import { bridgeTemplate } from '../support/dynamo';
import { legacyEvent, standardEvent } from '../support/events';
import {
  contactNumber,
  contactObject,
  conversationId,
  legacyEvent as openPhoneEvent,
  messageObject,
} from '../support/openphone-payloads';
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

  it('turns signed webhooks into CRM records: a message with media, a STOP, a contact', async () => {
    const [legacyKey] = replica.signingKeys as [string];
    const send = async (event: Record<string, unknown>) => {
      const body = JSON.stringify(event);
      const response = await post(body, { 'openphone-signature': legacySignatureHeader(body, legacyKey) });
      expect(response.status).toBe(202);
    };
    const now = new Date().toISOString();
    await send(
      openPhoneEvent('message.received', messageObject({ id: 'ACe2emedia', createdAt: now }), now, {
        id: 'EVe2emedia',
      }),
    );
    await send(
      openPhoneEvent(
        'message.received',
        messageObject({ id: 'ACe2estop', text: 'STOP', media: [], createdAt: now }),
        now,
        {
          id: 'EVe2estop',
        },
      ),
    );
    await send(
      openPhoneEvent('contact.updated', contactObject({ id: 'CTe2e' }), now, { id: 'EVe2econtact' }),
    );

    await until(() =>
      ['EVe2emedia', 'EVe2estop', 'EVe2econtact'].every((id) =>
        received.some((l) => l.includes(`${id} → processed`)),
      ),
    );
    const { activities, contacts, suppressions, events } = replica.processing;
    const activity = await activities.getActivity('ACe2emedia');
    expect(activity).toMatchObject({
      kind: 'message',
      direction: 'incoming',
      from: contactNumber,
      media: [{ url: 'https://storage.openphone.example/m1.jpg', type: 'image/jpeg' }],
    });
    expect(await suppressions.isSuppressed(contactNumber)).toBe(true);
    expect(await contacts.getContact('CTe2e')).toMatchObject({ firstName: 'Ada', deleted: false });
    expect(await events.getEvent('EVe2emedia')).toMatchObject({
      status: 'processed',
      processedAt: expect.any(String),
    });

    // A media host off the allow-list is never fetched: refused once, the reason on the activity and in the API.
    await until(() =>
      received.some((l) => l.startsWith('[media-archive] ACe2emedia media[0] → not archived: url-refused')),
    );
    const refusal =
      'the media URL was refused: host storage.openphone.example is not on the media host allow-list';
    expect(await activities.getActivity('ACe2emedia')).toEqual({
      ...activity,
      media: [{ ...activity!.media![0], archiveSkipped: 'url-refused', archiveSkippedReason: refusal }],
    });
    const viewed = await fetch(`${replica.crmApi.url}/activities/ACe2emedia`, {
      headers: { authorization: `Bearer ${replica.crmApi.token}` },
    });
    expect(((await viewed.json()) as { media: unknown[] }).media).toEqual([
      { url: 'https://storage.openphone.example/m1.jpg', type: 'image/jpeg', notArchived: refusal },
    ]);
    // No message text and no full phone number in any line printed.
    expect(received.join('\n')).not.toMatch(/Hello there|STOP\b|\+1555/);
  });

  it('lets the CRM read what a webhook recorded through GET /v1, with the bearer token only', async () => {
    const url = `${replica.crmApi.url}/activities/ACe2emedia`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const response = await fetch(url, { headers: { authorization: `Bearer ${replica.crmApi.token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: 'ACe2emedia',
      kind: 'message',
      from: contactNumber,
      text: 'Hello there',
    });
    const timeline = await fetch(
      `${replica.crmApi.url}/contacts/${encodeURIComponent(contactNumber)}/timeline?limit=5`,
      { headers: { authorization: `Bearer ${replica.crmApi.token}` } },
    );
    expect(((await timeline.json()) as { items: { id: string }[] }).items.map((a) => a.id)).toContain(
      'ACe2emedia',
    );
    // The inbound photo is unanswered: its conversation is in the follow-up queue.
    const queue = await fetch(`${replica.crmApi.url}/conversations?waiting=true`, {
      headers: { authorization: `Bearer ${replica.crmApi.token}` },
    });
    expect(((await queue.json()) as { items: { id: string }[] }).items.map((c) => c.id)).toContain(
      conversationId,
    );
  });

  it('answers every signed delivery: an unrouted type with odd data is ignored, an all-empty-id one is a test', async () => {
    const [legacyKey] = replica.signingKeys as [string];
    const signed = (body: string) => ({ 'openphone-signature': legacySignatureHeader(body, legacyKey) });
    const notice = JSON.stringify({
      id: 'EVe2etoken',
      object: 'event',
      type: 'token.validated',
      data: { message: 'token ok' },
    });
    const noticeAnswer = await post(notice, signed(notice));
    expect(noticeAnswer.status).toBe(200);
    expect(await noticeAnswer.json()).toMatchObject({ status: 'ignored', eventId: 'EVe2etoken' });
    expect(await replica.processing.events.getEvent('EVe2etoken')).toMatchObject({
      type: 'token.validated',
      status: 'ignored',
    });

    const sample = JSON.stringify(
      openPhoneEvent(
        'message.received',
        messageObject({ id: '', conversationId: '', phoneNumberId: '', userId: '' }),
        new Date().toISOString(),
        { id: '' },
      ),
    );
    const sampleAnswer = await post(sample, signed(sample));
    expect(sampleAnswer.status).toBe(200);
    const answer = (await sampleAnswer.json()) as { status: string; eventId: string };
    expect(answer).toEqual({ status: 'test', eventId: expect.stringMatching(/^test-/) });
    expect(await replica.processing.events.getEvent(answer.eventId)).toMatchObject({
      type: 'message.received',
      status: 'ignored',
      ignoredReason: 'test_delivery',
    });
    await new Promise((r) => setTimeout(r, 300)); // a routed copy would reach a consumer by now
    expect(received.filter((l) => l.includes(answer.eventId))).toEqual([]);

    const forged = await post(sample, {
      'openphone-signature': legacySignatureHeader(sample, 'b3RoZXIta2V5'),
    });
    expect(forged.status).toBe(401);
  });

  it('keeps a transcript whose lines sit under transcript.dialogue, and fails one with no lines', async () => {
    const [legacyKey] = replica.signingKeys as [string];
    const send = async (event: Record<string, unknown>) => {
      const body = JSON.stringify(event);
      const response = await post(body, { 'openphone-signature': legacySignatureHeader(body, legacyKey) });
      expect(response.status).toBe(202);
    };
    const now = new Date().toISOString();
    await send(
      openPhoneEvent(
        'call.transcript.completed',
        {
          object: 'callTranscript',
          transcript: {
            callId: 'ACe2enested',
            dialogue: [
              { speaker: contactNumber, text: 'Is the boiler fixed?' },
              { speaker: 'Agent', text: 'Yes, this morning.' },
            ],
            status: 'completed',
          },
        },
        now,
        { id: 'EVe2enested' },
      ),
    );
    await send(
      openPhoneEvent(
        'call.transcript.completed',
        { callId: 'ACe2enolines', transcript: { dialogue: [] }, status: 'completed' },
        now,
        { id: 'EVe2enolines' },
      ),
    );

    await until(() =>
      ['EVe2enested', 'EVe2enolines'].every((id) => received.some((l) => l.includes(`${id} → `))),
    );
    expect(await replica.processing.activities.getActivity('ACe2enested')).toMatchObject({
      kind: 'call',
      transcript: {
        dialogue: [
          { content: 'Is the boiler fixed?', identifier: contactNumber },
          { content: 'Yes, this morning.', identifier: 'Agent' },
        ],
      },
    });
    expect(await replica.processing.events.getEvent('EVe2enolines')).toMatchObject({
      status: 'failed',
      failureReason: 'activity: missing-transcript-lines',
    });
    expect(await replica.processing.activities.getActivity('ACe2enolines')).toBeUndefined();
    expect(received.join('\n')).not.toMatch(/boiler|this morning/);
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
