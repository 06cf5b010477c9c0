import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenPhoneClient } from '../../lambdas/openphone/adapters/openphone-client';
import { fileSigningKeyStore } from '../../cli/signing-key-stores';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../local/openphone-simulator';
import { runAgainst, testTarget } from '../support/cli';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const noLimit = { acquire: async () => undefined };

describe("the CLI's commands for Quo's new webhooks, against the simulated Quo", () => {
  let sim: OpenPhoneSimulator;
  let receiver: WebhookReceiver;
  let keysFile: string;

  const target = () =>
    testTarget({
      signingKeys: fileSigningKeyStore(keysFile),
      openPhone: async () =>
        new OpenPhoneClient({
          apiKey: sim.apiKey,
          baseUrl: sim.url,
          rateLimiter: noLimit,
          retry: { maxAttempts: 1 },
        }),
    });
  const storedKeys = () => (JSON.parse(readFileSync(keysFile, 'utf8')) as { keys: string[] }).keys;
  const onlyWebhook = () => [...sim.webhooks.quoSubscriptions.values()][0]!;

  beforeEach(async () => {
    sim = await startOpenPhoneSimulator({ seed: 3, rateLimit: { limit: 10_000 } });
    receiver = await startWebhookReceiver();
    keysFile = join(mkdtempSync(join(tmpdir(), 'quo-keys-')), 'signing-keys.json');
    writeFileSync(keysFile, JSON.stringify({ keys: ['legacy-key'] }));
  });
  afterEach(async () => {
    await sim.stop();
    await receiver.stop();
  });

  it('creates a webhook pinned to the current version with every event type, and stores its key', async () => {
    const run = await runAgainst(target(), 'webhooks', 'create', '--url', receiver.url, '--disabled');
    expect(run.code).toBe(0);
    const created = onlyWebhook();
    expect(run.stdout).toEqual([
      `Created Quo webhook ${created.id} (disabled, payload version 2026-03-30) for ${receiver.url} with 28 event types.`,
      `Stored its signing key in ${keysFile}.`,
    ]);
    expect(storedKeys()).toEqual(['legacy-key', created.key]);
    expect(run.stdout.join('\n')).not.toContain(created.key);

    const listed = await runAgainst(target(), 'webhooks', 'list');
    expect(listed.stdout).toContainEqual(
      expect.stringMatching(new RegExp(`^quo\\s+${created.id}\\s+disabled\\s.*28 event types.*\\?$`)),
    );
  });

  it('refuses an event type outside the catalogue with exit 2, creating nothing', async () => {
    const run = await runAgainst(
      target(),
      'webhooks',
      'create',
      '--url',
      receiver.url,
      '--events',
      'message.read',
    );
    expect(run.code).toBe(2);
    expect(run.stderr[0]).toMatch(/^error: --events: unknown event type message\.read/);
    expect(sim.webhooks.quoSubscriptions.size).toBe(0);
    expect(storedKeys()).toEqual(['legacy-key']);
  });

  it('rotates the key and keeps both stored; tests, lists the delivery, retries it; deletes', async () => {
    await runAgainst(target(), 'webhooks', 'create', '--url', receiver.url, '--events', 'message.received');
    const { id, key: oldKey } = onlyWebhook();

    const rotated = await runAgainst(target(), 'webhooks', 'rotate', id);
    expect(rotated.code).toBe(0);
    expect(storedKeys()).toEqual(['legacy-key', oldKey, onlyWebhook().key]);

    const tested = await runAgainst(target(), 'webhooks', 'test', id, '--event', 'message.received');
    expect(tested.stdout[0]).toBe(
      `Sent a signed message.received test event to webhook ${id}; \`webhooks deliveries ${id}\` shows how it was answered.`,
    );
    await sim.webhooks.settled();
    const listed = await runAgainst(target(), 'webhooks', 'deliveries', id);
    expect(listed.stdout[0]).toMatch(/^delivery id\s+event type\s+status/);
    const [deliveryId] = listed.stdout[1]!.split(/\s+/);
    expect(listed.stdout[1]).toMatch(/^msg_\w+\s+message\.received\s+success/);

    expect((await runAgainst(target(), 'webhooks', 'retry', id, deliveryId!)).code).toBe(0);
    await sim.webhooks.settled();
    expect(receiver.received.filter((h) => h.headers['webhook-id'] === deliveryId)).toHaveLength(2);

    const deleted = await runAgainst(target(), 'webhooks', 'delete', id);
    expect(deleted.stdout).toEqual([
      `Deleted Quo webhook ${id}. Its signing key stays in ${keysFile} (Quo never shows a key again).`,
    ]);
    const again = await runAgainst(target(), 'webhooks', 'deliveries', id);
    expect(again).toMatchObject({ code: 1, stderr: [`error: Quo has no webhook ${id}`] });
  });

  it('refuses an id that is not digits before asking Quo', async () => {
    const run = await runAgainst(target(), 'webhooks', 'rotate', 'WHabc');
    expect(run).toMatchObject({ code: 2, stderr: ['error: a Quo webhook id is digits, not "WHabc"'] });
    expect(sim.requestLog.entries).toEqual([]);
  });
});
