import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localTarget } from '../../cli/local-target';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../local/openphone-simulator';
import type { LocalReplica } from '../../local/replica';
import { zoneInsideWindowNow } from '../support/campaigns';
import { runAgainst } from '../support/cli';
import { replicaStateDir, startTestReplica } from '../support/replica';

/**
 * Issue 28's replica run: the simulator's key is revoked in the middle of a campaign and restored,
 * all driven through the CLI as an operator would. The campaign pauses and, resumed, completes with
 * one message per recipient; the sync fails loudly during the outage and the next one imports it.
 */
describe('an OpenPhone key revoked mid-run and restored, on the local replica', () => {
  const { stateDir, replicaFile } = replicaStateDir('replica-key-outage-');
  const logged: string[] = [];
  let simulator: OpenPhoneSimulator;
  let replica: LocalReplica;
  const cli = (...argv: string[]) => runAgainst(localTarget(replicaFile), ...argv);

  beforeAll(async () => {
    simulator = await startOpenPhoneSimulator({
      seed: 28,
      workspace: {
        phoneNumbers: 1,
        conversationsPerNumber: 2,
        messagesPerConversation: 2,
        callsPerConversation: 0,
        contacts: 2,
      },
    });
    replica = await startTestReplica(stateDir, (line) => logged.push(line));
    replica.imports.connect({ apiKey: simulator.apiKey, baseUrl: simulator.url });
    replica.startCampaignSender({
      openPhone: { apiKey: simulator.apiKey, baseUrl: simulator.url },
      everyMs: 300,
    });
  }, 120_000);
  afterAll(async () => {
    await replica?.stop();
    await simulator?.stop();
  });

  const idle = '[campaign-sender] no running campaign';
  async function until(predicate: () => boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline)
        throw new Error(
          `timed out; the replica logged: ${logged.filter((l) => !l.endsWith(idle)).join(' | ')}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const senderEnded = (campaignId: string, how: string) => () =>
    logged.some((l) => l.startsWith('[campaign-sender]') && l.includes(`${campaignId} ${how}`));
  const totalSent = () =>
    Object.values(simulator.requestLog.stats().messagesSentByRecipient).reduce((a, b) => a + b, 0);

  async function importToTheEnd(importId: string, ...options: string[]) {
    const started = await cli('imports', 'start', '--import-id', importId, ...options);
    expect(started).toMatchObject({ code: 0, stderr: [] });
    const watched = await cli('imports', 'status', importId, '--watch', '--every', '0.2');
    expect(watched.code).toBe(0);
    return watched.stdout;
  }
  const sinceOf = (status: string[]) =>
    status.map((l) => /^Import \S+: incremental, .*, since (\S+)$/.exec(l)?.[1]).find(Boolean);

  it('pauses the campaign and fails the sync during the outage; after it, nobody is sent twice or lost and the sync imports what it missed', async () => {
    // A first full import: the scope's watermark.
    expect(await importToTheEnd('outage-full')).toContainEqual(
      expect.stringMatching(/^completed, phase done, /),
    );

    const zone = zoneInsideWindowNow();
    const definitionFile = join(stateDir, 'campaign.json');
    writeFileSync(
      definitionFile,
      JSON.stringify({
        name: 'Outage run',
        sendingNumber: simulator.workspace.phoneNumbers[0]!.id,
        variants: [{ id: 'A', template: 'Hi {{firstName}}, our offer', weight: 1 }],
        timeZone: zone,
      }),
    );
    const phones = Array.from({ length: 8 }, (_, i) => `+4420794602${String(i).padStart(2, '0')}`);
    const csvFile = join(stateDir, 'recipients.csv');
    writeFileSync(
      csvFile,
      ['phone,firstName,timeZone', ...phones.map((p, i) => `${p},Person${i},${zone}`)].join('\n'),
    );
    const created = await cli('campaigns', 'create', '--definition', definitionFile, '--csv', csvFile);
    expect(created).toMatchObject({ code: 0, stderr: [] });
    const campaignId = /^Created campaign (cmp-[0-9a-f]+) /.exec(created.stdout[0]!)![1]!;

    // The key is revoked the moment OpenPhone accepts the third message, other sends in flight.
    let accepted = 0;
    const unwatch = simulator.workspace.onActivity((activity) => {
      if (activity.type === 'message.sent' && ++accepted === 3) simulator.faults.apiKeyRevoked = true;
    });
    expect((await cli('campaigns', 'start', campaignId)).code).toBe(0);
    await until(senderEnded(campaignId, 'paused'));
    unwatch();

    const paused = await cli('campaigns', 'status', campaignId);
    expect(paused.stdout[0]).toBe(
      `Campaign ${campaignId} "Outage run": paused (OpenPhone rejected the API key (401))`,
    );
    expect(paused.stdout[2]).toBe(
      'pending 5 · claimed 0 · unknown-outcome 0 · sent 3 · failed 0 · skipped 0 · parked 0',
    );
    expect(totalSent()).toBe(3);

    // Texts arrive while the key is revoked; no webhook brings them (the replica is not subscribed).
    const outageMessages = [
      simulator.workspace.receiveMessage({ text: 'received during the outage, 1' }),
      simulator.workspace.receiveMessage({ text: 'received during the outage, 2' }),
    ];

    // The sync during the outage fails loudly, with the refusal named, and moves no watermark.
    const duringOutage = await importToTheEnd('outage-sync', '--incremental');
    expect(duringOutage).toContainEqual(expect.stringMatching(/^failed, /));
    expect(duringOutage).toContainEqual(expect.stringMatching(/^failure: .*401/));
    await until(() => logged.some((l) => /^import outage-sync failed \(.*401/.test(l)));
    for (const message of outageMessages) expect((await cli('activities', 'show', message.id)).code).toBe(1);

    // The key is restored and the operator resumes the campaign.
    simulator.faults.apiKeyRevoked = false;
    expect((await cli('campaigns', 'resume', campaignId)).stdout).toEqual([
      `Campaign ${campaignId}: paused → running.`,
    ]);
    await until(senderEnded(campaignId, 'completed'));

    const sent = simulator.requestLog.stats().messagesSentByRecipient;
    expect(Object.keys(sent).sort()).toEqual([...phones].sort());
    for (const phone of phones) expect(sent[phone]).toBe(1);
    const completed = await cli('campaigns', 'status', campaignId);
    expect(completed.stdout.slice(0, 3)).toEqual([
      `Campaign ${campaignId} "Outage run": completed`,
      '[##############################] 100%  8/8 recipients done',
      'pending 0 · claimed 0 · unknown-outcome 0 · sent 8 · failed 0 · skipped 0 · parked 0',
    ]);

    // The next sync reads from the same watermark as the failed one, and imports the outage's texts.
    const afterOutage = await importToTheEnd('after-outage-sync', '--incremental');
    expect(afterOutage).toContainEqual(expect.stringMatching(/^completed, phase done, /));
    expect(sinceOf(afterOutage)).toBeDefined();
    expect(sinceOf(afterOutage)).toBe(sinceOf(duringOutage));
    for (const message of outageMessages) {
      const shown = await cli('activities', 'show', message.id);
      expect(shown.code).toBe(0);
      expect(shown.stdout[0]).toContain(message.id);
    }
    expect(logged.join('\n')).not.toMatch(/\+44/);
  }, 180_000);
});
