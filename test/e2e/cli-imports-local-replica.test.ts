import { localTarget } from '../../cli/local-target';
import { adminPaths } from '../../local/admin-api';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../local/openphone-simulator';
import type { LocalReplica } from '../../local/replica';
import { runAgainst } from '../support/cli';
import { replicaStateDir, startTestReplica } from '../support/replica';

describe('imports start, status, list and cancel against a running local replica', () => {
  const { stateDir, replicaFile } = replicaStateDir('replica-imports-');
  const logged: string[] = [];
  let simulator: OpenPhoneSimulator;
  let replica: LocalReplica;
  const cli = (...argv: string[]) => runAgainst(localTarget(replicaFile), ...argv);

  beforeAll(async () => {
    simulator = await startOpenPhoneSimulator({
      seed: 21,
      workspace: {
        phoneNumbers: 1,
        conversationsPerNumber: 3,
        messagesPerConversation: 4,
        callsPerConversation: 2,
        contacts: 5,
      },
    });
    replica = await startTestReplica(stateDir, (line) => logged.push(line));
    replica.imports.connect({ apiKey: simulator.apiKey, baseUrl: simulator.url });
  }, 120_000);
  afterAll(async () => {
    await replica?.stop();
    await simulator?.stop();
  });

  async function until(predicate: () => boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out; the replica logged: ${logged.join(' | ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('runs a full import in the replica while its HTTP API keeps answering, and watches it to the end', async () => {
    const started = await cli('imports', 'start', '--import-id', 'e2e-full');
    expect(started.stderr).toEqual([]);
    expect(started.code).toBe(0);
    expect(started.stdout[0]).toMatch(
      /^Started import e2e-full \(full, all phone numbers, with contacts\) in the local replica at http:\/\/127\.0\.0\.1:\d+\.$/,
    );
    const admin = await fetch(new URL(adminPaths.queues, replica.webhookUrl), {
      headers: { authorization: `Bearer ${replica.crmApi.token}` },
    });
    expect(admin.status).toBe(200);

    const watched = await cli('imports', 'status', 'e2e-full', '--watch', '--every', '0.2');
    expect(watched.code).toBe(0);
    // Not a terminal: one line per refresh, then the whole status once it ended.
    expect(watched.stdout[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+ {2}running {2}/);
    expect(watched.stdout).toContainEqual(expect.stringMatching(/^completed, phase done, started /));
    expect(watched.stdout).toContainEqual('[##############################] 100%');
    const records = watched.stdout.find((l) => l.startsWith('pages '))!;
    const messages = simulator.workspace
      .conversations()
      .flatMap((c) => simulator.workspace.activitiesOf(c))
      .filter((a) => a.kind === 'message').length;
    expect(records).toContain(`message ${messages}`);
    expect(records).toContain('contact 5');
    expect(logged).toContainEqual(expect.stringMatching(/^import e2e-full started \(full\)$/));
    await until(() => logged.some((l) => /^import e2e-full completed: \d+ records, 0 errors/.test(l)));
  }, 120_000);

  it('cancels a running import, and refuses to cancel it again or to cancel an unknown one', async () => {
    const started = await cli('imports', 'start', '--import-id', 'e2e-cancel', '--no-contacts');
    expect(started.code).toBe(0);
    const cancelled = await cli('imports', 'cancel', 'e2e-cancel');
    expect(cancelled).toMatchObject({
      code: 0,
      stdout: [expect.stringMatching(/^Cancelled import e2e-cancel/)],
    });
    await until(() => logged.some((l) => l.startsWith('import e2e-cancel cancelled')));

    const again = await cli('imports', 'cancel', 'e2e-cancel');
    expect(again).toMatchObject({
      code: 1,
      stderr: ['error: import e2e-cancel is already cancelled: there is nothing to cancel'],
    });
    const unknown = await cli('imports', 'cancel', 'no-such-import');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr[0]).toMatch(/^error: no import no-such-import in the local replica at /);
    const resume = await cli('imports', 'start', '--import-id', 'e2e-cancel');
    expect(resume.code).toBe(1);
    expect(resume.stderr[0]).toMatch(/^error: import e2e-cancel was cancelled at .*nothing to resume/);
  }, 120_000);

  it('lists the runs newest first, including the scheduled syncs, one running at a time', async () => {
    replica.imports.scheduleSync(3000);
    await until(() => logged.some((l) => /^import sync-\S+ completed/.test(l)));
    const listed = await cli('imports', 'list', '--limit', '100');
    expect(listed.code).toBe(0);
    expect(listed.stdout[0]).toMatch(/^import\s+kind\s+status\s+started\s+records\s+errors$/);
    const ids = listed.stdout.slice(1).map((line) => line.split(/\s+/)[0]);
    expect(ids.slice(-2)).toEqual(['e2e-cancel', 'e2e-full']);
    expect(listed.stdout[1]).toMatch(/^sync-\S+\s+incremental\s+(running|completed|skipped)\s/);
    // One sync of the scope at a time: those the schedule fired meanwhile were skipped.
    const running = listed.stdout.filter((l) => /^sync-\S+\s+incremental\s+running\s/.test(l));
    expect(running.length).toBeLessThanOrEqual(1);
    expect(listed.stdout.find((l) => l.startsWith('e2e-full'))).toMatch(/\bfull\s+completed\s/);
  }, 120_000);
});
