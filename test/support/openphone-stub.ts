import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

interface StubWebhook {
  id: string;
  url: string;
  key: string;
  events: string[];
  label?: string;
  status: 'enabled' | 'disabled';
  resourceIds: string[];
}

/**
 * A small stateful stand-in for api.openphone.com: phone numbers and webhooks, the key checked on
 * every request (401 otherwise), shapes as in OpenPhone's OpenAPI document.
 */
export class OpenPhoneStub {
  readonly webhooks = new Map<string, StubWebhook>();
  readonly requests: { method: string; path: string; body: string }[] = [];
  /** The signing key the next created webhooks get, in order; a random base64 key after that. */
  readonly nextKeys: string[] = [];
  /** Fail the create of this family with a 500 (OpenPhone's error body). */
  failCreateOf: string | undefined;
  #server: Server | undefined;
  url = '';

  constructor(
    readonly apiKey: string,
    readonly phoneNumbers: { id: string; number: string; name: string }[] = [],
  ) {}

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = new URL(req.url ?? '/', 'http://stub').pathname;
        const body = Buffer.concat(chunks).toString('utf8');
        this.requests.push({ method: req.method ?? '', path, body });
        const send = (status: number, value?: unknown) => {
          res.writeHead(status, value === undefined ? {} : { 'content-type': 'application/json' });
          res.end(value === undefined ? undefined : JSON.stringify(value));
        };
        if (req.headers.authorization !== this.apiKey)
          return send(401, { message: 'Unauthorized', code: '0100401', status: 401, title: 'Unauthorized' });
        const webhookId = /^\/v1\/webhooks\/(WH\w+)$/.exec(path)?.[1];
        const family = /^\/v1\/webhooks\/(messages|calls|call-summaries|call-transcripts)$/.exec(path)?.[1];
        if (req.method === 'GET' && path === '/v1/phone-numbers')
          return send(200, { data: this.phoneNumbers.map((n) => ({ ...n, users: [] })) });
        if (req.method === 'GET' && path === '/v1/webhooks')
          return send(200, { data: [...this.webhooks.values()] });
        // Quo's new webhooks: none in this stand-in (the simulator serves them).
        if (req.method === 'GET' && path === '/webhooks') return send(200, { data: [], nextCursor: null });
        if (req.method === 'POST' && family) {
          if (this.failCreateOf === family)
            return send(500, { message: 'Internal error', code: '0000500', status: 500, title: 'Internal' });
          const input = JSON.parse(body) as Partial<StubWebhook> & Pick<StubWebhook, 'url' | 'events'>;
          const webhook: StubWebhook = {
            ...input,
            id: `WH${randomBytes(6).toString('hex')}`,
            key: this.nextKeys.shift() ?? randomBytes(32).toString('base64'),
            status: input.status ?? 'enabled',
            resourceIds: input.resourceIds ?? ['*'],
          };
          this.webhooks.set(webhook.id, webhook);
          return send(201, { data: webhook });
        }
        if (webhookId && req.method === 'GET') {
          const found = this.webhooks.get(webhookId);
          return found
            ? send(200, { data: found })
            : send(404, { message: 'Not found', code: '0100404', status: 404, title: 'Not Found' });
        }
        if (webhookId && req.method === 'DELETE') {
          this.webhooks.delete(webhookId);
          return send(204);
        }
        send(404, { message: 'Not found', code: '0100404', status: 404, title: 'Not Found' });
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}
