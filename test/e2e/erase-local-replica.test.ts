import { GetObjectCommand } from '@aws-sdk/client-s3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localTarget } from '../../cli/local-target';
import type { Target } from '../../cli/target';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../local/openphone-simulator';
import type { LocalReplica } from '../../local/replica';
import { readReplicaInfo, writeReplicaInfo } from '../../local/replica-info';
import { runAgainst } from '../support/cli';
import { completedCall, legacyEvent, messageObject, transcriptObject } from '../support/openphone-payloads';
import {
  crmApiCaller,
  replicaStateDir,
  sendLegacyWebhook,
  startMediaServer,
  startTestReplica,
} from '../support/replica';

/**
 * Issue 23: one person messaged through the API, texting and calling in, in a campaign — then
 * erased. Nothing of them is left to find through the API, the CLI, the archive; the bus says so.
 */
describe('erasing a person on the local replica', () => {
  const { stateDir, replicaFile } = replicaStateDir('replica-erase-');
  const logged: string[] = [];
  const person = '+12025550147'; // a number the CSV import takes (555-0100…0199 are fictional)
  const last4 = person.slice(-4);
  const secrets = ['Secret plan A', 'My secret reply', 'my account number is 1234'];
  let simulator: OpenPhoneSimulator;
  let replica: LocalReplica;
  let media: Awaited<ReturnType<typeof startMediaServer>>;
  let target: Target;

  beforeAll(async () => {
    media = await startMediaServer(2048);
    replica = await startTestReplica(stateDir, (line) => logged.push(line));
    replica.processing.allowLocalMediaOrigin(media.url); // as npm start does for its simulator
    simulator = await startOpenPhoneSimulator({
      seed: 23,
      workspace: {
        phoneNumbers: 1,
        conversationsPerNumber: 1,
        messagesPerConversation: 1,
        callsPerConversation: 0,
      },
      webhookTarget: { url: replica.webhookUrl, scheme: 'legacy', key: replica.signingKeys[0]! },
      timing: { deliveryDelayMs: 20 },
    });
    const defaultFrom = simulator.workspace.phoneNumbers[0]!.number;
    replica.connectCrmApiToOpenPhone({ apiKey: simulator.apiKey, baseUrl: simulator.url, defaultFrom });
    writeReplicaInfo(replicaFile, {
      ...readReplicaInfo(replicaFile)!,
      simulatedOpenPhone: { baseUrl: simulator.url, apiKey: simulator.apiKey },
      messagesDefaultFrom: defaultFrom,
    });
    target = localTarget(replicaFile);
  }, 90_000);
  afterAll(async () => {
    await replica?.stop();
    await simulator?.stop();
    await media?.close();
  });

  const api = (...call: Parameters<ReturnType<typeof crmApiCaller>>) => crmApiCaller(replica)(...call);
  const cli = (...argv: string[]) => runAgainst(target, ...argv);

  async function until<T>(
    read: () => Promise<T>,
    done: (value: T) => boolean,
    timeoutMs = 30_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out; the replica logged: ${logged.join(' | ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const processed = (eventId: string) =>
    until(
      () => target.events.getEvent(eventId),
      (e) => e?.status === 'processed',
    );
  /** Nothing that names the person: not the number (whole or masked), not their words. */
  const expectNothingOfThePerson = (text: string) => {
    expect(text).not.toContain(person);
    expect(text).not.toContain(`…${last4}`);
    for (const secret of secrets) expect(text).not.toContain(secret);
  };

  it('finds nothing of them afterwards, announces it, and records only what comes later', async () => {
    // An API send to them, delivered (the simulator's delivery webhook makes its activity).
    const sent = await api(
      'POST',
      '/messages',
      { to: person, text: secrets[0] },
      { 'Idempotency-Key': 'erase-1' },
    );
    expect(sent.status).toBe(202);
    const messageId = sent.body.id as string;
    await until(
      () => api('GET', `/messages/${messageId}`),
      (r) => r.body.status === 'delivered',
    );

    // Their texts and a call with its transcript.
    const before = '2026-11-20T10:00:00.000Z';
    const webhooks = [
      legacyEvent(
        'message.received',
        messageObject({
          id: 'ACerase1',
          from: person,
          text: secrets[1],
          media: [{ url: `${media.url}/photo.jpg`, type: 'image/jpeg' }],
          createdAt: before,
        }),
        before,
        { id: 'EVerase1' },
      ),
      legacyEvent('call.completed', completedCall({ id: 'ACerasecall', from: person }), before, {
        id: 'EVerase2',
      }),
      legacyEvent(
        'call.transcript.completed',
        transcriptObject({
          callId: 'ACerasecall',
          dialogue: [{ start: 0, end: 2, content: secrets[2], identifier: person, userId: null }],
        }),
        before,
        { id: 'EVerase3' },
      ),
    ];
    for (const webhook of webhooks) expect((await sendLegacyWebhook(replica, webhook)).status).toBe(202);
    for (const id of ['EVerase1', 'EVerase2', 'EVerase3']) await processed(id);
    const archived = await until(
      () => target.activities.getActivity('ACerase1'),
      (a) => typeof a?.media?.[0]?.archiveKey === 'string',
    );
    const archiveKey = archived!.media![0]!.archiveKey!;

    // And a campaign recipient, with a CSV field.
    const definitionFile = join(stateDir, 'campaign.json');
    writeFileSync(
      definitionFile,
      JSON.stringify({
        name: 'Erase run',
        sendingNumber: simulator.workspace.phoneNumbers[0]!.id,
        variants: [{ id: 'A', template: 'Hi {{firstName}}', weight: 1 }],
        timeZone: 'America/New_York',
      }),
    );
    const csvFile = join(stateDir, 'recipients.csv');
    writeFileSync(csvFile, ['phone,firstName', `${person},Zelda`, '+12025550148,Yuri'].join('\n'));
    const created = await cli('campaigns', 'create', '--definition', definitionFile, '--csv', csvFile);
    expect(created).toMatchObject({ code: 0, stderr: [] });
    const campaignId = /(cmp-[0-9a-f]+)/.exec(created.stdout[0]!)![1]!;

    // The erase, and its report per store.
    const erased = await api('DELETE', `/contacts/${encodeURIComponent(person)}/data`);
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({
      phoneNumber: person,
      erased: {
        activities: 3,
        media: 1,
        contacts: 0,
        apiMessages: 1,
        campaignRecipients: 1,
      },
      expiringCopies: [expect.objectContaining({ expiresWithin: '14 days' })],
    });
    // The three above and the outgoing message's status webhooks.
    expect((erased.body.erased as { eventPayloads: number }).eventPayloads).toBeGreaterThanOrEqual(4);
    const erasedAt = erased.body.erasedAt as string;

    // The API.
    const message = await api('GET', `/messages/${messageId}?includeText=true`);
    expect(message.body).toMatchObject({ id: messageId, status: 'delivered', erasedAt });
    expect(message.body).not.toHaveProperty('to');
    expect(message.body).not.toHaveProperty('text');
    expectNothingOfThePerson(JSON.stringify(message.body));
    expect((await api('GET', `/contacts/${encodeURIComponent(person)}/timeline`)).body.items).toEqual([]);
    for (const id of ['ACerase1', 'ACerasecall', sent.body.openPhoneMessageId as string])
      expect((await api('GET', `/activities/${id}`)).status).toBe(404);

    // The CLI.
    const shown = await cli('messages', 'show', messageId, '--show-text');
    expect(shown.code).toBe(0);
    expect(shown.stdout.join('\n')).toContain(`(erased ${erasedAt})`);
    expectNothingOfThePerson(shown.stdout.join('\n'));
    for (const eventId of ['EVerase1', 'EVerase2', 'EVerase3']) {
      const event = await cli('events', 'show', eventId, '--show-text');
      expect(event.code).toBe(0);
      expect(event.stdout.join('\n')).toContain(`payload: (erased ${erasedAt})`);
      expect(event.stdout.join('\n')).toMatch(/status\s+processed/);
      expectNothingOfThePerson(event.stdout.join('\n'));
    }
    const preview = await cli('campaigns', 'preview', campaignId);
    expect(preview.stdout.join('\n')).toContain('Yuri');
    expect(preview.stdout.join('\n')).not.toContain('Zelda');
    expectNothingOfThePerson(preview.stdout.join('\n'));
    const status = await cli('campaigns', 'status', campaignId);
    expect(status.stdout.join('\n')).toContain(
      'pending 1 · claimed 0 · unknown-outcome 0 · sent 0 · failed 0 · skipped 1',
    );

    // The archive.
    await expect(
      replica.mediaStore
        .client()
        .send(new GetObjectCommand({ Bucket: replica.mediaStore.bucket, Key: archiveKey })),
    ).rejects.toThrow();

    // The bus.
    const announced = await until(
      async () => replica.crmEvents.bus.list('contact.erased'),
      (events) => events.length > 0,
    );
    expect(announced.map((e) => e.detail)).toEqual([
      expect.objectContaining({ phoneNumber: person, occurredAt: erasedAt, erased: erased.body.erased }),
    ]);
    await until(
      async () =>
        replica.crmEvents.bus
          .list('activity.erased')
          .map((e) => (e.detail as { activityId: string }).activityId),
      (ids) => ['ACerase1', 'ACerasecall'].every((id) => ids.includes(id)),
    );

    // An old webhook re-posted is not recorded: the same delivery is a duplicate, the same history
    // under a new event id is erased history; a new message is recorded.
    expect((await sendLegacyWebhook(replica, webhooks[0])).status).toBe(200);
    const replayed = { ...webhooks[0]!, id: 'EVerase1again' };
    expect((await sendLegacyWebhook(replica, replayed)).status).toBe(202);
    await processed('EVerase1again');
    expect((await api('GET', '/activities/ACerase1')).status).toBe(404);
    expect((await target.events.getEvent('EVerase1again'))?.payload).toBe('');
    const now = new Date().toISOString();
    const fresh = legacyEvent(
      'message.received',
      messageObject({ id: 'ACerase2', from: person, text: 'New start', media: [], createdAt: now }),
      now,
      {
        id: 'EVerase4',
      },
    );
    expect((await sendLegacyWebhook(replica, fresh)).status).toBe(202);
    await processed('EVerase4');
    expect((await api('GET', '/activities/ACerase2')).body).toMatchObject({ id: 'ACerase2' });
  }, 120_000);
});
