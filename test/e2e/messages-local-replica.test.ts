import { localTarget } from '../../cli/local-target';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../local/openphone-simulator';
import type { LocalReplica } from '../../local/replica';
import { readReplicaInfo, writeReplicaInfo } from '../../local/replica-info';
import { runAgainst } from '../support/cli';
import { crmApiCaller, replicaStateDir, startTestReplica } from '../support/replica';

describe('one message through the local replica: the CRM API and the CLI', () => {
  const { stateDir, replicaFile } = replicaStateDir('replica-messages-');
  const logged: string[] = [];
  let simulator: OpenPhoneSimulator;
  let replica: LocalReplica;
  let defaultFrom: string;

  beforeAll(async () => {
    replica = await startTestReplica(stateDir, (line) => logged.push(line));
    // As `npm start` wires it: the simulator sends its signed delivery webhooks to the replica.
    simulator = await startOpenPhoneSimulator({
      seed: 31,
      workspace: {
        phoneNumbers: 2,
        conversationsPerNumber: 1,
        messagesPerConversation: 1,
        callsPerConversation: 0,
      },
      webhookTarget: { url: replica.webhookUrl, scheme: 'legacy', key: replica.signingKeys[0]! },
      timing: { deliveryDelayMs: 20 },
    });
    defaultFrom = simulator.workspace.phoneNumbers[0]!.number;
    replica.connectCrmApiToOpenPhone({ apiKey: simulator.apiKey, baseUrl: simulator.url, defaultFrom });
    writeReplicaInfo(replicaFile, {
      ...readReplicaInfo(replicaFile)!,
      simulatedOpenPhone: { baseUrl: simulator.url, apiKey: simulator.apiKey },
      messagesDefaultFrom: defaultFrom,
    });
  }, 60_000);
  afterAll(async () => {
    await replica?.stop();
    await simulator?.stop();
  });

  const api = (...call: Parameters<ReturnType<typeof crmApiCaller>>) => crmApiCaller(replica)(...call);
  const sentTo = (phone: string) => simulator.requestLog.stats().messagesSentByRecipient[phone] ?? 0;

  async function until<T>(
    read: () => Promise<T>,
    done: (value: T) => boolean,
    timeoutMs = 20_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out; the replica logged: ${logged.join(' | ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('POST /v1/messages sends once from the default number; GET follows the delivery webhook to delivered', async () => {
    const to = '+15558880001';
    const sent = await api(
      'POST',
      '/messages',
      { to, text: 'From the replica' },
      { 'Idempotency-Key': 'e2e-1' },
    );
    expect(sent).toMatchObject({ status: 202, body: { to, from: defaultFrom, status: 'sending' } });
    const again = await api(
      'POST',
      '/messages',
      { to, text: 'From the replica' },
      { 'Idempotency-Key': 'e2e-1' },
    );
    expect(again.body.id).toBe(sent.body.id);
    expect(sentTo(to)).toBe(1);
    const shown = await until(
      () => api('GET', `/messages/${sent.body.id as string}`),
      (r) => r.body.status === 'delivered',
    );
    expect(shown.body).toMatchObject({ id: sent.body.id, openPhoneMessageId: sent.body.openPhoneMessageId });
  }, 30_000);

  it('messages send prints the id (a generated key, or the one given) and messages show the status', async () => {
    const to = '+15558880002';
    const cli = (...argv: string[]) => runAgainst(localTarget(replicaFile), 'messages', ...argv);
    const sent = await cli('send', '--to', to, '--text', 'From the CLI', '--json');
    expect(sent.code).toBe(0);
    const message = JSON.parse(sent.stdout[0]!) as { id: string; idempotencyKey: string; status: string };
    expect(message).toMatchObject({ id: expect.stringMatching(/^msg_/), status: 'sending' });
    // The printed key retries the same send: nothing more goes out.
    const retry = await cli(
      'send',
      '--to',
      to,
      '--text',
      'From the CLI',
      '--idempotency-key',
      message.idempotencyKey,
    );
    expect(retry.code).toBe(0);
    expect(retry.stdout[0]).toBe(message.id);
    expect(sentTo(to)).toBe(1);
    const shown = await until(
      () => cli('show', message.id, '--json'),
      (r) => r.code === 0 && (JSON.parse(r.stdout[0]!) as { status: string }).status === 'delivered',
    );
    expect(JSON.parse(shown.stdout[0]!)).not.toHaveProperty('text');
    const plain = await cli('show', message.id);
    expect(plain.stdout.join('\n')).toMatch(/status\s+delivered/);
    expect(plain.stdout.join('\n')).not.toContain(to);
    // The same message through the API.
    expect((await api('GET', `/messages/${message.id}`)).body).toMatchObject({ status: 'delivered' });
  }, 30_000);

  it('refuses with the reason and an exit code: a bad number (2), another body for a key (1), no such message (1)', async () => {
    const cli = (...argv: string[]) => runAgainst(localTarget(replicaFile), 'messages', ...argv);
    const bad = await cli('send', '--to', '5558880003', '--text', 'x');
    expect(bad.code).toBe(2);
    expect(bad.stderr.join(' ')).toMatch(/--to/);
    expect(
      (await cli('send', '--to', '+15558880003', '--text', 'one', '--idempotency-key', 'cli-k')).code,
    ).toBe(0);
    const reused = await cli('send', '--to', '+15558880003', '--text', 'two', '--idempotency-key', 'cli-k');
    expect(reused.code).toBe(1);
    expect(reused.stderr.join(' ')).toContain('idempotency_key_reused');
    const missing = await cli('show', 'msg_nothing');
    expect(missing.code).toBe(1);
    expect(missing.stderr.join(' ')).toContain('not_found');
  }, 30_000);
});
