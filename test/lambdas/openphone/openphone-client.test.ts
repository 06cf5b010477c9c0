import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import {
  OpenPhoneApiError,
  OpenPhoneClient,
  OpenPhoneInvalidRequestError,
  OpenPhoneNetworkError,
  OpenPhoneNoCreditsError,
  OpenPhoneOutcomeUnknownError,
  OpenPhoneResponseShapeError,
  type Lane,
  type OpenPhoneClientOptions,
} from '../../../lambdas/openphone/adapters/openphone-client';
import { freePort } from '../../../local/dynamodb-local';

const apiKey = 'opk_test_9f8e7d6c5b4a';

interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

type Reply = (req: IncomingMessage, res: ServerResponse, received: Received) => void;

/** A stand-in for api.openphone.com on 127.0.0.1: answers with the queued replies in order. */
class StubOpenPhone {
  readonly received: Received[] = [];
  #replies: Reply[] = [];
  #server: Server | undefined;
  port = 0;

  replyWith(...replies: Reply[]): this {
    this.#replies.push(...replies);
    return this;
  }

  async start(port = 0): Promise<this> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://stub');
        const received = {
          method: req.method ?? '',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.received.push(received);
        const reply = this.#replies.shift() ?? json(500, { message: 'no reply queued' });
        reply(req, res, received);
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
}

const noContent: Reply = (_req, res) => {
  res.writeHead(204);
  res.end();
};

/** The connection breaks after OpenPhone has the whole request. */
const resetAfterSend: Reply = (req) => req.socket.destroy();

/** Never answers. */
const silence: Reply = () => undefined;

function errorBody(status: number, code: string, message: string) {
  return {
    message,
    code,
    status,
    docs: 'https://openphone.com/docs',
    title: 'Error',
    trace: `trace-${code}`,
  };
}

function aMessage(overrides: Record<string, unknown> = {}) {
  return {
    id: 'AC123',
    to: ['+15555550100'],
    from: '+15555550199',
    text: 'Hello',
    phoneNumberId: 'PN1',
    direction: 'outgoing',
    userId: 'US1',
    status: 'queued',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

function aConversation(id: string) {
  return {
    id,
    phoneNumberId: 'PN1',
    participants: ['+15555550100'],
    name: null,
    assignedTo: null,
    lastActivityAt: '2026-01-01T00:00:00Z',
    lastActivityId: 'AC1',
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    deletedAt: null,
    mutedUntil: null,
    snoozedUntil: null,
  };
}

function aContact(id = 'CT1') {
  return {
    id,
    source: 'public-api',
    defaultFields: {
      firstName: 'Ada',
      lastName: null,
      company: null,
      role: null,
      emails: [],
      phoneNumbers: [],
    },
    customFields: [],
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    createdByUserId: 'US1',
  };
}

const sendInput = { content: 'Hello', from: 'PN1', to: ['+15555550100'] as [string] };
const listInput = { phoneNumberId: 'PN1', participants: ['+15555550100'] as [string] };

let stub: StubOpenPhone;
let acquired: Lane[];
let sleeps: number[];

function clientFor(options: Partial<OpenPhoneClientOptions> = {}): OpenPhoneClient {
  return new OpenPhoneClient({
    apiKey,
    baseUrl: stub.url,
    rateLimiter: { acquire: async (lane) => void acquired.push(lane) },
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    requestTimeoutMs: 2000,
    ...options,
  });
}

async function collect<T>(pages: AsyncIterable<{ data: T[]; nextPageToken: string | null }>) {
  const seen: { data: T[]; nextPageToken: string | null }[] = [];
  for await (const page of pages) seen.push(page);
  return seen;
}

async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

beforeEach(async () => {
  stub = await new StubOpenPhone().start();
  acquired = [];
  sleeps = [];
});

afterEach(async () => {
  await stub.stop();
});

describe('OpenPhone client: requests', () => {
  it('sends the API key itself as the Authorization header, without Bearer', async () => {
    stub.replyWith(json(200, { data: aMessage() }));
    await clientFor().getMessage('AC123');
    expect(stub.received[0]!.headers.authorization).toBe(apiKey);
    expect(stub.received[0]!.path).toBe('/v1/messages/AC123');
  });

  it('lists messages with the required phone number, exactly one participant and the filters as query parameters', async () => {
    stub.replyWith(json(200, { data: [aMessage()], totalItems: 1, nextPageToken: null }));
    const pages = await collect(
      clientFor().listMessages({ ...listInput, maxResults: 50, createdAfter: '2026-01-01T00:00:00Z' }),
    );
    expect(pages[0]!.data[0]!.id).toBe('AC123');
    const { path, query } = stub.received[0]!;
    expect(path).toBe('/v1/messages');
    expect(Object.fromEntries(query)).toEqual({
      phoneNumberId: 'PN1',
      participants: '+15555550100',
      maxResults: '50',
      createdAfter: '2026-01-01T00:00:00Z',
    });
  });

  it('refuses a message list for two participants without calling OpenPhone', async () => {
    const client = clientFor();
    expect(() =>
      client.listMessages({ phoneNumberId: 'PN1', participants: ['+15555550100', '+15555550101'] as never }),
    ).toThrow(OpenPhoneInvalidRequestError);
    expect(stub.received).toHaveLength(0);
  });

  it('filters conversations by several phone numbers, activity and dates', async () => {
    stub.replyWith(json(200, { data: [], totalItems: 0, nextPageToken: null }));
    await collect(
      clientFor().listConversations({
        phoneNumbers: ['PN1', '+15555550199'],
        userId: 'US1',
        updatedAfter: '2026-01-01T00:00:00Z',
        excludeInactive: true,
      }),
    );
    const { path, query } = stub.received[0]!;
    expect(path).toBe('/v1/conversations');
    expect(query.getAll('phoneNumbers')).toEqual(['PN1', '+15555550199']);
    expect(query.get('excludeInactive')).toBe('true');
    expect(query.get('updatedAfter')).toBe('2026-01-01T00:00:00Z');
    expect(query.get('maxResults')).toBe('100');
  });

  it('reaches the call, contact and webhook endpoints with the right verbs and paths', async () => {
    stub.replyWith(
      json(200, {
        data: [
          { id: 'RC1', duration: 12, startTime: null, status: 'completed', type: 'audio/mpeg', url: null },
        ],
      }),
      json(200, { data: { callId: 'AC9', status: 'completed', summary: ['ok'], nextSteps: [] } }),
      json(200, { data: { callId: 'AC9', status: 'completed', dialogue: [], duration: 3 } }),
      json(200, { data: aContact() }),
      noContent,
      json(201, {
        data: {
          id: 'WH1',
          userId: 'US1',
          orgId: 'OR1',
          label: null,
          status: 'enabled',
          url: 'https://example.com/hook',
          key: 'signing-key',
          createdAt: '2026-01-01T00:00:00Z',
          updatedAt: '2026-01-01T00:00:00Z',
          deletedAt: null,
          events: ['call.summary.completed'],
          resourceIds: ['*'],
        },
      }),
    );
    const client = clientFor();
    expect(await client.getCallRecordings('AC9')).toHaveLength(1);
    expect((await client.getCallSummary('AC9')).summary).toEqual(['ok']);
    expect((await client.getCallTranscript('AC9')).duration).toBe(3);
    await client.updateContact('CT1', { defaultFields: { company: 'Acme' } });
    await client.deleteContact('CT1');
    const hook = await client.createWebhook('call-summaries', {
      url: 'https://example.com/hook',
      events: ['call.summary.completed'],
      resourceIds: ['*'],
    });
    expect(hook.key).toBe('signing-key');
    expect(stub.received.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v1/call-recordings/AC9',
      'GET /v1/call-summaries/AC9',
      'GET /v1/call-transcripts/AC9',
      'PATCH /v1/contacts/CT1',
      'DELETE /v1/contacts/CT1',
      'POST /v1/webhooks/call-summaries',
    ]);
    expect(JSON.parse(stub.received[3]!.body)).toEqual({ defaultFields: { company: 'Acme' } });
  });

  it('takes a rate-limit token in its lane before every request, retries included', async () => {
    stub.replyWith(json(429, errorBody(429, '0100429', 'slow down')), json(200, { data: aMessage() }));
    await clientFor().forLane('import').getMessage('AC123');
    expect(acquired).toEqual(['import', 'import']);
  });
});

describe('OpenPhone client: pagination', () => {
  const page = (ids: string[], nextPageToken: string | null) =>
    json(200, { data: ids.map(aConversation), totalItems: 1, nextPageToken });

  it('walks every page until nextPageToken is null, whatever totalItems says', async () => {
    stub.replyWith(page(['CN1', 'CN2'], 'p2'), page(['CN3'], 'p3'), page(['CN4'], null));
    const pages = await collect(clientFor().listConversations({ maxResults: 2 }));
    expect(pages.map((p) => [p.data.map((c) => c.id), p.nextPageToken])).toEqual([
      [['CN1', 'CN2'], 'p2'],
      [['CN3'], 'p3'],
      [['CN4'], null],
    ]);
    expect(stub.received.map((r) => r.query.get('pageToken'))).toEqual([null, 'p2', 'p3']);
  });

  it('resumes from a stored page token', async () => {
    stub.replyWith(page(['CN3'], 'p3'), page(['CN4'], null));
    const pages = await collect(clientFor().listConversations({ startPageToken: 'p2' }));
    expect(pages.flatMap((p) => p.data.map((c) => c.id))).toEqual(['CN3', 'CN4']);
    expect(stub.received[0]!.query.get('pageToken')).toBe('p2');
  });

  it('fetches a page only when the caller asks for it, so a stop leaves the next token to store', async () => {
    stub.replyWith(page(['CN1'], 'p2'), page(['CN2'], null));
    const pages = clientFor().listConversations();
    const first = await pages.next();
    expect(first.value).toMatchObject({ nextPageToken: 'p2' });
    expect(stub.received).toHaveLength(1);
    await pages.return(undefined);
  });
});

describe('OpenPhone client: responses and errors', () => {
  it('names the field path when a response does not match its schema', async () => {
    stub.replyWith(
      json(200, { data: [aMessage({ status: 'exploded' })], totalItems: 1, nextPageToken: null }),
    );
    const error = await caught(collect(clientFor().listMessages(listInput)));
    expect(error).toBeInstanceOf(OpenPhoneResponseShapeError);
    expect((error as OpenPhoneResponseShapeError).issues[0]!.path).toBe('data.0.status');
    expect(error.message).toContain('GET /v1/messages');
    expect(error.message).toContain('data.0.status');
  });

  it('does not retry a 400 and carries OpenPhone’s code, status and trace id', async () => {
    stub.replyWith(
      json(400, { ...errorBody(400, '0206400', 'not approved for A2P'), errors: [{ path: 'to' }] }),
    );
    const error = await caught(clientFor().sendMessage(sendInput));
    expect(error).toBeInstanceOf(OpenPhoneApiError);
    expect(error).toMatchObject({
      status: 400,
      code: '0206400',
      trace: 'trace-0206400',
      details: [{ path: 'to' }],
    });
    expect(stub.received).toHaveLength(1);
  });

  it('does not retry a 404', async () => {
    stub.replyWith(json(404, errorBody(404, '0100404', 'not found')));
    const error = await caught(clientFor().getCall('AC404'));
    expect(error).toMatchObject({ name: 'OpenPhoneApiError', status: 404 });
    expect(stub.received).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('reports a 402 as no credits', async () => {
    stub.replyWith(json(402, errorBody(402, '0200402', 'Not enough credits')));
    const error = await caught(clientFor().sendMessage(sendInput));
    expect(error).toBeInstanceOf(OpenPhoneNoCreditsError);
    expect(error).toMatchObject({ status: 402, code: '0200402' });
  });

  it('never puts the API key in an error, even when OpenPhone echoes it', async () => {
    stub.replyWith(
      json(401, errorBody(401, '0100401', `Invalid key ${apiKey}`)),
      json(400, { ...errorBody(400, '0100400', 'bad'), errors: [{ path: 'authorization', value: apiKey }] }),
    );
    const client = clientFor();
    const unauthorized = await caught(client.getMessage('AC1'));
    const invalid = await caught(client.getMessage('AC1'));
    await stub.stop();
    const unreachable = await caught(client.getMessage('AC1'));
    expect(unreachable).toBeInstanceOf(OpenPhoneNetworkError);
    for (const error of [unauthorized, invalid, unreachable]) {
      expect(inspect(error, { depth: 10 })).not.toContain(apiKey);
      expect(JSON.stringify({ ...error, message: error.message })).not.toContain(apiKey);
    }
    expect(inspect(client, { depth: 10 })).not.toContain(apiKey);
    expect(JSON.stringify(client)).not.toContain(apiKey);
  });
});

describe('OpenPhone client: retries', () => {
  it('waits as long as Retry-After says after a 429, then succeeds', async () => {
    stub.replyWith(
      json(429, errorBody(429, '0100429', 'rate limited'), { 'retry-after': '2' }),
      json(200, { data: aMessage() }),
    );
    const message = await clientFor().getMessage('AC123');
    expect(message.id).toBe('AC123');
    expect(sleeps).toEqual([2000]);
    expect(stub.received).toHaveLength(2);
  });

  it('backs off with jitter after a 5xx on a read, then succeeds', async () => {
    stub.replyWith(
      json(503, errorBody(503, '0100503', 'unavailable')),
      json(502, {}),
      json(200, { data: aMessage() }),
    );
    await clientFor().getMessage('AC123');
    expect(sleeps).toEqual([125, 250]); // half of 250 ms, then half of 500 ms (random = 0.5)
  });

  it('gives up once the time budget is spent and reports the last answer', async () => {
    let now = 0;
    stub.replyWith(...Array.from({ length: 10 }, () => json(500, errorBody(500, '0100500', 'boom'))));
    const client = clientFor({
      clock: () => now,
      sleep: async (ms) => void (sleeps.push(ms), (now += ms)),
      random: () => 1,
      retry: { maxAttempts: 10, maxTotalMs: 1000 },
    });
    const error = await caught(client.getMessage('AC1'));
    expect(error).toMatchObject({ name: 'OpenPhoneApiError', status: 500, trace: 'trace-0100500' });
    expect(sleeps).toEqual([250, 500]);
    expect(stub.received).toHaveLength(3);
  });
});

describe('OpenPhone client: sending a message', () => {
  it('returns the accepted message on 202', async () => {
    stub.replyWith(json(202, { data: aMessage() }));
    const message = await clientFor().sendMessage(sendInput);
    expect(message).toMatchObject({ id: 'AC123', status: 'queued', to: ['+15555550100'] });
    expect(JSON.parse(stub.received[0]!.body)).toEqual(sendInput);
  });

  it('reports an unknown outcome, without resending, when the connection breaks after the request was sent', async () => {
    stub.replyWith(resetAfterSend, json(202, { data: aMessage() }));
    const error = await caught(clientFor().sendMessage(sendInput));
    expect(error).toBeInstanceOf(OpenPhoneOutcomeUnknownError);
    expect(error).toMatchObject({ reason: 'connection-lost' });
    expect(stub.received).toHaveLength(1);
  });

  it('reports an unknown outcome, without resending, on a 5xx', async () => {
    stub.replyWith(json(500, errorBody(500, '0100500', 'boom')), json(202, { data: aMessage() }));
    const error = await caught(clientFor().sendMessage(sendInput));
    expect(error).toMatchObject({
      name: 'OpenPhoneOutcomeUnknownError',
      reason: 'server-error',
      status: 500,
    });
    expect((error as OpenPhoneOutcomeUnknownError).trace).toBe('trace-0100500');
    expect(stub.received).toHaveLength(1);
  });

  it('reports an unknown outcome when OpenPhone does not answer in time', async () => {
    stub.replyWith(silence);
    const error = await caught(clientFor({ requestTimeoutMs: 150 }).sendMessage(sendInput));
    expect(error).toMatchObject({ name: 'OpenPhoneOutcomeUnknownError', reason: 'timeout' });
    expect(stub.received).toHaveLength(1);
  });

  it('reports an accepted send whose answer is unreadable as an unknown outcome, not a failure', async () => {
    stub.replyWith(json(202, { data: { id: 'AC1' } }));
    const error = await caught(clientFor().sendMessage(sendInput));
    expect(error).toMatchObject({
      name: 'OpenPhoneOutcomeUnknownError',
      reason: 'accepted-unreadable',
      status: 202,
    });
  });

  it('retries a send rejected with 429: it was never accepted', async () => {
    stub.replyWith(json(429, errorBody(429, '0100429', 'rate limited')), json(202, { data: aMessage() }));
    await clientFor().sendMessage(sendInput);
    expect(stub.received).toHaveLength(2);
  });

  it('retries a send whose connection was refused: nothing was sent', async () => {
    const port = await freePort();
    const late = new StubOpenPhone().replyWith(json(202, { data: aMessage() }));
    const client = clientFor({
      baseUrl: `http://127.0.0.1:${port}`,
      sleep: async (ms) => {
        sleeps.push(ms);
        if (!late.port) await late.start(port); // OpenPhone comes back during the backoff
      },
    });
    try {
      const message = await client.sendMessage(sendInput);
      expect(message.id).toBe('AC123');
      expect(late.received).toHaveLength(1);
      expect(sleeps).toHaveLength(1);
    } finally {
      await late.stop();
    }
  });

  it('runs beforeSend after each attempt takes its token and before the request goes out', async () => {
    const order: string[] = [];
    stub.replyWith(json(429, errorBody(429, '0100429', 'rate limited')), json(202, { data: aMessage() }));
    const client = clientFor({ rateLimiter: { acquire: async () => void order.push('token') } });
    await client.sendMessage(sendInput, {
      beforeSend: async () => void order.push(`check before request ${stub.received.length + 1}`),
    });
    expect(order).toEqual(['token', 'check before request 1', 'token', 'check before request 2']);
  });

  it('after beforeSend, has the limiter count the token from the request, and takes another if it expired', async () => {
    const order: string[] = [];
    let grants = 0;
    stub.replyWith(json(202, { data: aMessage() }));
    const client = clientFor({
      rateLimiter: {
        acquire: async () => (order.push('token'), { grant: ++grants }),
        // The first check outlasted its token's window; the second did not.
        confirm: async (grant) => (order.push('confirm'), (grant as { grant: number }).grant > 1),
      },
    });
    await client.sendMessage(sendInput, { beforeSend: async () => void order.push('check') });
    expect(order).toEqual(['token', 'check', 'confirm', 'token', 'check', 'confirm']);
    expect(stub.received).toHaveLength(1);
  });

  it('a beforeSend that throws withdraws the send: its error, and no request made', async () => {
    stub.replyWith(json(202, { data: aMessage() }));
    const withdrawn = new Error('opted out meanwhile');
    const error = await caught(
      clientFor().sendMessage(sendInput, {
        beforeSend: () => Promise.reject(withdrawn),
      }),
    );
    expect(error).toBe(withdrawn);
    expect(stub.received).toHaveLength(0);
  });

  it('refuses a blank message or two recipients without calling OpenPhone', async () => {
    const client = clientFor();
    await expect(client.sendMessage({ ...sendInput, content: '   ' })).rejects.toThrow(
      OpenPhoneInvalidRequestError,
    );
    await expect(
      client.sendMessage({ ...sendInput, to: ['+15555550100', '+15555550101'] as never }),
    ).rejects.toThrow(/to/);
    expect(stub.received).toHaveLength(0);
  });
});
