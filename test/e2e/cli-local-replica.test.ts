import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalReplica } from '../../local/replica';
import { replicaInfo } from '../../local/replica-info';
import { localTarget } from '../../cli/local-target';
import { legacyEvent } from '../support/events';
import { OpenPhoneStub } from '../support/openphone-stub';
import { legacySignatureHeader, newLegacyKey } from '../support/signers';
import { runAgainst } from '../support/cli';
import { startTestReplica } from '../support/replica';

describe('the operator CLI against a running local replica', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'replica-state-'));
  const replicaFile = join(stateDir, 'replica.json');
  const keysFile = join(stateDir, 'signing-keys.json');
  const received: string[] = [];
  const stub = new OpenPhoneStub('opk_e2e');
  const saved = { key: process.env.OPENPHONE_API_KEY, url: process.env.OPENPHONE_BASE_URL };
  let replica: LocalReplica;

  beforeAll(async () => {
    await stub.start();
    process.env.OPENPHONE_API_KEY = 'opk_e2e';
    process.env.OPENPHONE_BASE_URL = stub.url;
    replica = await startTestReplica(stateDir, (line) => received.push(line));
  });
  afterAll(async () => {
    await replica?.stop();
    await stub.stop();
    for (const [name, value] of [
      ['OPENPHONE_API_KEY', saved.key],
      ['OPENPHONE_BASE_URL', saved.url],
    ] as const)
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
  });

  async function until(predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out; consumers saw: ${received.join(' | ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const keysInFile = () => (JSON.parse(readFileSync(keysFile, 'utf8')) as { keys: string[] }).keys;

  it('writes where it runs and which keys it accepts, with no key in replica.json', () => {
    const info = replicaInfo.parse(JSON.parse(readFileSync(replicaFile, 'utf8')));
    expect(info).toMatchObject({
      pid: process.pid,
      webhookUrl: replica.webhookUrl,
      signingKeysFile: keysFile,
    });
    expect(info.adminUrl).toBe(replica.webhookUrl.replace('/webhooks/openphone', '/local/admin'));
    expect(keysInFile()).toEqual(replica.signingKeys);
    expect(readFileSync(replicaFile, 'utf8')).not.toContain(replica.signingKeys[0]!);
  });

  it('registers webhooks whose keys the running replica accepts at once, then counts and redrives', async () => {
    const registeredKey = newLegacyKey();
    stub.nextKeys.push(registeredKey);
    const register = await runAgainst(
      localTarget(replicaFile),
      'webhooks',
      'register',
      '--url',
      'https://tunnel.example/webhooks/openphone',
    );
    expect(register.code).toBe(0);
    expect(register.stdout.at(-1)).toBe(`Stored 4 new signing keys in ${keysFile}.`);
    expect(keysInFile()).toContain(registeredKey);

    const id = 'EVcliE2Emessage';
    const body = JSON.stringify(legacyEvent({ id }));
    const answer = await fetch(replica.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'openphone-signature': legacySignatureHeader(body, registeredKey),
      },
      body,
    });
    expect(answer.status).toBe(202);
    await until(() => received.some((l) => l.includes(id)));

    await until(() => received.some((l) => l.includes(id) && l.endsWith('→ processed')));

    // The processor took it: nothing is open, and a redrive needs --force.
    const count = await runAgainst(localTarget(replicaFile), 'events', 'count');
    expect(count.stdout).toContainEqual(expect.stringMatching(/^messages\s+0\s+0$/));
    const refused = await runAgainst(localTarget(replicaFile), 'events', 'redrive', id);
    expect(refused.code).toBe(1);
    expect(refused.stderr.join('\n')).toMatch(/already processed.*--force/);

    const redrive = await runAgainst(localTarget(replicaFile), 'events', 'redrive', id, '--force');
    expect(redrive).toMatchObject({
      code: 0,
      stdout: [`Sent event ${id} (message.received, processed) to the messages queue.`],
    });
    await until(() => received.some((l) => l.includes(id) && l.includes('duplicate delivery, skipped')));

    const depths = await runAgainst(localTarget(replicaFile), 'dlq', 'list');
    expect(depths.stdout).toContainEqual(expect.stringMatching(/^messages\s+\d+\s+0$/));
  });

  it('removes replica.json and its own keys on stop, keeping the registered ones', async () => {
    const ownKeys = replica.signingKeys;
    await replica.stop();
    replica = undefined as unknown as LocalReplica;
    expect(existsSync(replicaFile)).toBe(false);
    const left = keysInFile();
    expect(left).toHaveLength(4);
    for (const key of ownKeys) expect(left).not.toContain(key);
    expect(() => localTarget(replicaFile)).toThrow(
      /^no local replica is running \(no .*replica\.json\): start one with `npm start`/,
    );
  });
});
