import { join } from 'node:path';
import type { LocalReplica } from '../../local/replica';
import { localTarget } from '../../cli/local-target';
import { readSigningKeysFile } from '../../local/file-signing-keys';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../local/openphone-simulator';
import { runAgainst } from '../support/cli';
import { replicaStateDir, startTestReplica } from '../support/replica';

jest.setTimeout(120_000);

/**
 * `webhooks migrate` on the replica, against the simulated Quo: the legacy webhooks the CLI
 * registered are moved to one new webhook with no gap and each event recorded once, and a failure
 * injected at each step leaves the legacy webhooks delivering, with the step and what to do.
 */
describe('webhooks migrate on the local replica', () => {
  const { stateDir, replicaFile } = replicaStateDir('migrate-state-');
  const keysFile = join(stateDir, 'signing-keys.json');
  const saved = { key: process.env.OPENPHONE_API_KEY, url: process.env.OPENPHONE_BASE_URL };
  let replica: LocalReplica;
  let sim: OpenPhoneSimulator;

  beforeAll(async () => {
    replica = await startTestReplica(stateDir, () => undefined);
    sim = await startOpenPhoneSimulator({ seed: 27, rateLimit: { limit: 10_000 } });
    process.env.OPENPHONE_API_KEY = sim.apiKey;
    process.env.OPENPHONE_BASE_URL = sim.url;
  });
  afterAll(async () => {
    await sim?.stop();
    await replica?.stop();
    for (const [name, value] of [
      ['OPENPHONE_API_KEY', saved.key],
      ['OPENPHONE_BASE_URL', saved.url],
    ] as const)
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
  });

  const cli = (...argv: string[]) => runAgainst(localTarget(replicaFile), ...argv);
  const migrate = (...extra: string[]) =>
    cli(
      'webhooks',
      'migrate',
      '--url',
      replica.webhookUrl,
      '--overlap-seconds',
      '2',
      '--confirm-seconds',
      '4',
      ...extra,
    );
  const legacyIds = () => [...sim.webhooks.subscriptions.keys()].sort();
  const newWebhooks = () => [...sim.webhooks.quoSubscriptions.values()];
  const recorded = (eventId: string) => localTarget(replicaFile).events.getEvent(eventId);

  async function until(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  beforeEach(async () => {
    sim.faults.reset();
    sim.webhooks.subscriptions.clear();
    sim.webhooks.quoSubscriptions.clear();
    expect((await cli('webhooks', 'register', '--url', replica.webhookUrl)).code).toBe(0);
    expect(legacyIds()).toHaveLength(4);
  });

  it('prints the plan on a dry run and changes nothing', async () => {
    const before = readSigningKeysFile(keysFile);
    const run = await migrate('--dry-run');
    expect(run.code).toBe(0);
    expect(run.stdout[0]).toBe(`Migration plan for ${replica.webhookUrl}:`);
    expect(run.stdout).toContainEqual(
      expect.stringMatching(/new webhook: payload version 2026-03-30, 28 event types/),
    );
    expect(run.stdout.at(-1)).toBe('Dry run: nothing changed.');
    expect(newWebhooks()).toEqual([]);
    expect(legacyIds()).toHaveLength(4);
    expect(readSigningKeysFile(keysFile)).toEqual(before);
  });

  it('moves to the new webhook with no gap: events of the overlap come by both systems and are recorded once', async () => {
    const before = sim.workspace.receiveMessage({ text: 'before the move' });
    await sim.webhooks.settled();

    const running = migrate();
    await until(() => newWebhooks().some((w) => w.status === 'enabled'));
    const during = [
      sim.workspace.receiveMessage({ text: 'during the overlap' }),
      sim.workspace.receiveMessage({ text: 'STOP' }),
    ];
    const run = await running;
    const after = sim.workspace.receiveMessage({ text: 'after the move' });
    await sim.webhooks.settled();

    expect(run.stderr).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContainEqual(
      expect.stringMatching(/^2\. The bridge verified and recorded the test event/),
    );
    expect(run.stdout.at(-1)).toMatch(/^Migrated: webhook \d+ \(payload version 2026-03-30\)/);
    expect(legacyIds()).toEqual([]);
    const [created] = newWebhooks();
    expect(created).toMatchObject({ status: 'enabled', apiVersion: '2026-03-30' });
    expect(readSigningKeysFile(keysFile)).toContain(created!.key);

    const deliveriesOf = (messageId: string) =>
      sim.webhooks.deliveries.filter((d) => d.resourceId === messageId || d.body.includes(messageId));
    // Before: legacy only. During: both systems, one event id, one record, one duplicate answer.
    expect(deliveriesOf(before.id).map((d) => d.scheme)).toEqual(['legacy']);
    for (const message of during) {
      const deliveries = deliveriesOf(message.id);
      expect(deliveries.map((d) => d.scheme).sort()).toEqual(['legacy', 'standard']);
      expect(new Set(deliveries.map((d) => d.eventId)).size).toBe(1);
      expect(deliveries.every((d) => d.state === 'delivered')).toBe(true);
      expect(deliveries.flatMap((d) => d.statusCodes).sort()).toEqual([200, 202]);
      expect(await recorded(deliveries[0]!.eventId)).toMatchObject({ type: 'message.received' });
    }
    // After: the new system only, recorded.
    const last = deliveriesOf(after.id);
    expect(last.map((d) => d.scheme)).toEqual(['standard']);
    expect(await recorded(last[0]!.eventId)).toMatchObject({ scheme: 'standard-webhooks' });
  });

  it('step 1: a create that may have happened leaves the legacy webhooks and says to check', async () => {
    sim.faults.failRoute('POST /webhooks', 1, 500);
    const run = await migrate();
    expect(run.code).toBe(1);
    expect(run.stderr[0]).toMatch(
      /^error: step 1\/5 \(create\) failed: .*still deliver; Quo may have created it/,
    );
    expect(legacyIds()).toHaveLength(4);
  });

  it('step 2: a test event the bridge refuses leaves the new webhook disabled and the legacy ones working', async () => {
    sim.faults.signWebhooksWithWrongKey = true;
    const run = await migrate();
    expect(run.code).toBe(1);
    expect(run.stderr[0]).toMatch(
      /^error: step 2\/5 \(test\) failed: the bridge did not record the test event within 4 s \(Quo reports its delivery as failed\)/,
    );
    expect(run.stderr[0]).toMatch(/webhooks delete \d+/);
    expect(newWebhooks().map((w) => w.status)).toEqual(['disabled']);
    expect(legacyIds()).toHaveLength(4);

    sim.faults.signWebhooksWithWrongKey = false;
    const message = sim.workspace.receiveMessage({ text: 'still delivered' });
    await sim.webhooks.settled();
    const delivery = sim.webhooks.deliveries.find((d) => d.body.includes(message.id))!;
    expect(delivery).toMatchObject({ scheme: 'legacy', state: 'delivered' });
  });

  it('step 3: an enable that fails leaves the new webhook disabled', async () => {
    sim.faults.failRoute('PATCH /webhooks/{id}', 10, 503);
    const run = await migrate();
    expect(run.code).toBe(1);
    expect(run.stderr[0]).toMatch(
      /^error: step 3\/5 \(enable\) failed: .*still deliver; the new webhook \d+ is left disabled/,
    );
    expect(newWebhooks().map((w) => w.status)).toEqual(['disabled']);
    expect(legacyIds()).toHaveLength(4);
  });

  it('step 4: deliveries of the new webhook the bridge refuses during the overlap disable it again', async () => {
    const running = migrate();
    await until(() => newWebhooks().some((w) => w.status === 'enabled'));
    const created = newWebhooks()[0]!;
    // Signed so the bridge refuses them: Quo reports the new webhook's deliveries as failed.
    sim.faults.signWebhooksWithWrongKey = true;
    sim.workspace.receiveMessage({ text: 'refused by the bridge on the new system' });
    const run = await running;
    sim.faults.signWebhooksWithWrongKey = false;
    expect(run.code).toBe(1);
    expect(run.stderr[0]).toMatch(
      /^error: step 4\/5 \(overlap\) failed: the bridge did not accept delivery msg_/,
    );
    expect(created.status).toBe('disabled');
    expect(legacyIds()).toHaveLength(4);
  });

  it('step 5: a legacy webhook that cannot be deleted is named, the new webhook delivering', async () => {
    sim.faults.failRoute('DELETE /v1/webhooks/{id}', 10, 500);
    const run = await migrate();
    expect(run.code).toBe(1);
    expect(run.stderr[0]).toMatch(
      /^error: step 5\/5 \(delete-legacy\) failed at WH\w+: .*The new webhook \d+ delivers every event/,
    );
    expect(newWebhooks().map((w) => w.status)).toEqual(['enabled']);
    expect(legacyIds()).toHaveLength(4);
  });

  it('refuses a URL no legacy webhook posts to, changing nothing', async () => {
    const run = await cli('webhooks', 'migrate', '--url', 'https://elsewhere.example/hooks');
    expect(run).toMatchObject({ code: 1, stderr: [expect.stringMatching(/no legacy webhook posts to/)] });
    expect(newWebhooks()).toEqual([]);
  });
});
