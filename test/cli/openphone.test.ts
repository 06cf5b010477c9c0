import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenPhoneClient } from '../../lambdas/openphone/adapters/openphone-client';
import { webhookEventsByFamily } from '../../lambdas/openphone/domain/openphone-api';
import { fileSigningKeyStore } from '../../cli/signing-key-stores';
import { startLocalHttpApi } from '../../local/http-api';
import { runAgainst, testTarget } from '../support/cli';
import { OpenPhoneStub } from '../support/openphone-stub';

const apiKey = 'opk_cli_test_key';
const noLimit = { acquire: async () => undefined };

describe('OpenPhone commands', () => {
  let stub: OpenPhoneStub;
  let keysFile: string;

  const clientFor = (baseUrl: string, key = apiKey) =>
    new OpenPhoneClient({ apiKey: key, baseUrl, rateLimiter: noLimit, retry: { maxAttempts: 1 } });
  const target = (key = apiKey, baseUrl?: string) =>
    testTarget({
      signingKeys: fileSigningKeyStore(keysFile),
      openPhone: async () => clientFor(baseUrl ?? stub.url, key),
    });
  const storedKeys = () => (JSON.parse(readFileSync(keysFile, 'utf8')) as { keys: string[] }).keys;

  beforeEach(async () => {
    stub = await new OpenPhoneStub(apiKey, [
      { id: 'PNmain', number: '+15555550123', name: 'Main line' },
      { id: 'PNsupport', number: '+15555550199', name: 'Support' },
    ]).start();
    keysFile = join(mkdtempSync(join(tmpdir(), 'cli-keys-')), 'signing-keys.json');
    writeFileSync(keysFile, JSON.stringify({ keys: ['existing-key', 'key-of-messages'] }));
  });
  afterEach(() => stub.stop());

  describe('openphone check', () => {
    it('lists the phone numbers masked to their last 4 digits', async () => {
      const { code, stdout } = await runAgainst(target(), 'openphone', 'check');
      expect(code).toBe(0);
      expect(stdout[0]).toBe('OpenPhone accepted the API key: 2 phone numbers.');
      expect(stdout).toContainEqual(expect.stringMatching(/PNmain\s+…0123\s+Main line/));
      expect(stdout.join('\n')).not.toMatch(/555555/);
    });

    it('says the API key was refused on a 401, with exit code 1', async () => {
      const { code, stdout, stderr } = await runAgainst(target('wrong-key'), 'openphone', 'check');
      expect(code).toBe(1);
      expect(stdout).toEqual([]);
      expect(stderr).toEqual(['error: the API key was refused (401)']);
    });

    it('says OpenPhone could not be reached when nothing listens', async () => {
      const closed = await startLocalHttpApi({ port: 0, routes: {} });
      await closed.stop();
      const { code, stderr } = await runAgainst(target(apiKey, closed.url), 'openphone', 'check');
      expect(code).toBe(1);
      expect(stderr).toEqual([
        'error: could not reach OpenPhone (ECONNREFUSED): check the network and OPENPHONE_BASE_URL',
      ]);
    });
  });

  describe('webhooks register', () => {
    it('creates one webhook per family with all its events and merges their keys without duplicates', async () => {
      stub.nextKeys.push('key-of-messages', 'key-of-calls');
      const { code, stdout } = await runAgainst(
        target(),
        'webhooks',
        'register',
        '--url',
        'https://bridge.example.com/webhooks/openphone',
      );

      expect(code).toBe(0);
      const created = [...stub.webhooks.values()];
      expect(created.map((w) => w.events)).toEqual(Object.values(webhookEventsByFamily));
      expect(new Set(created.map((w) => w.url))).toEqual(
        new Set(['https://bridge.example.com/webhooks/openphone']),
      );
      expect(stub.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([
        '/v1/webhooks/messages',
        '/v1/webhooks/calls',
        '/v1/webhooks/call-summaries',
        '/v1/webhooks/call-transcripts',
      ]);
      const keys = storedKeys();
      expect(keys).toEqual([
        'existing-key',
        'key-of-messages',
        'key-of-calls',
        ...created.slice(2).map((w) => w.key),
      ]);
      expect(new Set(keys).size).toBe(keys.length);
      expect(stdout).toContain(`Stored 3 new signing keys in ${keysFile} (1 already there).`);
      for (const webhook of created) expect(stdout.join('\n')).not.toContain(webhook.key);
    });

    it('keeps the keys of the webhooks created before a failure, and says which family failed', async () => {
      stub.failCreateOf = 'call-summaries';
      const { code, stderr } = await runAgainst(
        target(),
        'webhooks',
        'register',
        '--url',
        'https://x.example/w',
      );
      expect(code).toBe(1);
      expect(stderr).toEqual([
        expect.stringMatching(
          /^error: creating the call-summaries webhook failed: .*500.* \(the 2 created before it are kept, their keys stored\); it may exist in OpenPhone all the same: check with `webhooks list` and delete it before registering again$/,
        ),
      ]);
      expect(storedKeys()).toHaveLength(2 + 2);
    });

    it('refuses a URL that is not http(s) with exit code 2, before calling OpenPhone', async () => {
      const { code, stderr } = await runAgainst(target(), 'webhooks', 'register', '--url', 'ftp://nope');
      expect(code).toBe(2);
      expect(stderr).toEqual(['error: --url must be an http(s) URL, not "ftp://nope"']);
      expect(stub.requests).toHaveLength(0);
      const missing = await runAgainst(target(), 'webhooks', 'register');
      expect(missing.code).toBe(2);
      expect(missing.stderr).toEqual(["error: required option '--url <webhookUrl>' not specified"]);
    });
  });

  it('lists webhooks with whether their key is stored, and deletes one with its key', async () => {
    stub.nextKeys.push('key-of-messages');
    await runAgainst(target(), 'webhooks', 'register', '--url', 'https://x.example/w');
    const [messages, calls] = [...stub.webhooks.values()];
    if (!messages || !calls) throw new Error('register created no webhooks');
    writeFileSync(keysFile, JSON.stringify({ keys: storedKeys().filter((k) => k !== calls.key) }));

    const listed = await runAgainst(target(), 'webhooks', 'list');
    expect(listed.stdout).toContainEqual(
      expect.stringMatching(new RegExp(`^legacy\\s+${messages.id}\\s+enabled.*\\byes$`)),
    );
    expect(listed.stdout).toContainEqual(
      expect.stringMatching(new RegExp(`^legacy\\s+${calls.id}\\s+enabled.*\\bno$`)),
    );
    expect(listed.stdout.join('\n')).not.toContain(messages.key);

    const deleted = await runAgainst(target(), 'webhooks', 'delete', messages.id);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toEqual([
      `Deleted webhook ${messages.id} (https://x.example/w); removed its signing key from ${keysFile}.`,
    ]);
    expect(storedKeys()).not.toContain('key-of-messages');
    expect(storedKeys()).toContain('existing-key');

    const unknown = await runAgainst(target(), 'webhooks', 'delete', 'WHnope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toEqual(['error: OpenPhone has no webhook WHnope']);
  });
});
