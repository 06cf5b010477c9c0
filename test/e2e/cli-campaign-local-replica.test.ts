import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localTarget } from '../../cli/local-target';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../local/openphone-simulator';
import type { LocalReplica } from '../../local/replica';
import { zoneInsideWindowNow } from '../support/campaigns';
import { runAgainst } from '../support/cli';
import { replicaStateDir, startTestReplica } from '../support/replica';

describe('a campaign run from the CLI by the local replica’s sender schedule', () => {
  const { stateDir, replicaFile } = replicaStateDir('replica-campaign-');
  const received: string[] = [];
  let simulator: OpenPhoneSimulator;
  let replica: LocalReplica;

  beforeAll(async () => {
    simulator = await startOpenPhoneSimulator({
      seed: 21,
      workspace: {
        phoneNumbers: 2,
        conversationsPerNumber: 1,
        messagesPerConversation: 1,
        callsPerConversation: 0,
      },
    });
    replica = await startTestReplica(stateDir, (line) => received.push(line));
    replica.startCampaignSender({
      openPhone: { apiKey: simulator.apiKey, baseUrl: simulator.url },
      everyMs: 300,
    });
  }, 60_000);
  afterAll(async () => {
    await replica?.stop();
    await simulator?.stop();
  });

  async function until(predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out; the replica logged: ${received.join(' | ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const cli = (...argv: string[]) => runAgainst(localTarget(replicaFile), 'campaigns', ...argv);

  it('creates a campaign, starts it, and the schedule sends each valid recipient one message', async () => {
    const definitionFile = join(stateDir, 'campaign.json');
    // The recipients' clock, given in the file: a zone inside the sending window now.
    const zone = zoneInsideWindowNow();
    writeFileSync(
      definitionFile,
      JSON.stringify({
        name: 'Local run',
        sendingNumber: simulator.workspace.phoneNumbers[0]!.id,
        variants: [
          { id: 'A', template: 'Hi {{firstName}}, offer A', weight: 1 },
          { id: 'B', template: 'Hello {{firstName}}, offer B', weight: 1 },
        ],
        timeZone: zone,
      }),
    );
    const csvFile = join(stateDir, 'recipients.csv');
    const phones = ['+442079460101', '+442079460102', '+442079460103'];
    writeFileSync(
      csvFile,
      [
        'phone,firstName,timeZone',
        `${phones[0]},Ann,${zone}`,
        `${phones[1]},Bob,${zone}`,
        `${phones[2]},Cy,${zone}`,
        `${phones[0]},Ann,${zone}`,
        `nope,Dee,${zone}`,
      ].join('\n'),
    );

    const created = await cli('create', '--definition', definitionFile, '--csv', csvFile);
    expect(created).toMatchObject({ code: 0, stderr: [] });
    const campaignId = /^Created campaign (cmp-[0-9a-f]+) /.exec(created.stdout[0]!)?.[1];
    expect(created.stdout[0]).toBe(`Created campaign ${campaignId} "Local run" (draft) with 3 recipients.`);

    // The schedule runs, and a draft is not sent.
    await until(() => received.includes('[campaign-sender] no running campaign'));
    expect(simulator.requestLog.stats().messagesSentByRecipient).toEqual({});

    expect((await cli('start', campaignId!)).stdout).toEqual([`Campaign ${campaignId}: draft → running.`]);
    await until(() =>
      received.some((l) => l.startsWith('[campaign-sender]') && l.includes(`${campaignId} completed`)),
    );

    const sent = simulator.requestLog.stats().messagesSentByRecipient;
    for (const phone of phones) expect(sent[phone]).toBe(1);
    expect(received.filter((l) => l.startsWith('[campaign-sender]')).join('\n')).not.toMatch(/\+44/);

    const status = await cli('status', campaignId!);
    expect(status.code).toBe(0);
    expect(status.stdout.slice(0, 3)).toEqual([
      `Campaign ${campaignId} "Local run": completed`,
      '[##############################] 100%  3/3 recipients done',
      'pending 0 · claimed 0 · unknown-outcome 0 · sent 3 · failed 0 · skipped 0 · parked 0',
    ]);
    const sentColumn = status.stdout
      .filter((l) => /^[AB]\s+\d/.test(l))
      .map((l) => Number(l.split(/\s+/)[2]));
    expect(sentColumn.reduce((a, b) => a + b, 0)).toBe(3);
  }, 90_000);
});
