import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { OpenPhoneClient } from '../../../lambdas/openphone/adapters/openphone-client';

/** OpenPhone's OpenAPI document, beside the repository; reference data, never copied in. */
const documentPath = path.join(__dirname, '../../../../shared/openphone-openapi-v1.json');
type Operation = {
  parameters?: { name: string; in: string; required?: boolean; schema: object }[];
  requestBody?: { content: { 'application/json': { schema: object } } };
  responses: Record<string, { content?: { 'application/json': { schema: object } } }>;
};
const document = existsSync(documentPath)
  ? (JSON.parse(readFileSync(documentPath, 'utf8')) as {
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, object> };
    })
  : undefined;

const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
const coercing = addFormats(new Ajv2020({ strict: false, allErrors: true, coerceTypes: 'array' }));

/** The document's `#/components/schemas/X` references, inlined. */
function inline(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(inline);
  if (!schema || typeof schema !== 'object') return schema;
  const ref = (schema as { $ref?: string }).$ref;
  if (ref?.startsWith('#/components/schemas/')) {
    const { $id: _id, ...target } = document!.components.schemas[ref.split('/').pop()!] as { $id?: string };
    return inline(target);
  }
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, inline(v)]));
}

function problems(validator: Ajv2020, schema: object, value: unknown): string[] {
  const validate = validator.compile(inline(schema) as object);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** Matches a concrete path to a template of the document: `/v1/messages/AC1` → `/v1/messages/{id}`. */
function templateOf(method: string, concrete: string): string | undefined {
  return Object.keys(document?.paths ?? {}).find((template) => {
    if (!document!.paths[template]![method.toLowerCase()]) return false;
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    return pattern.test(concrete);
  });
}

const timestamp = '2026-01-01T00:00:00Z';
const message = {
  id: 'AC1',
  to: ['+15555550100'],
  from: '+15555550199',
  text: 'Hello',
  phoneNumberId: 'PN1',
  direction: 'outgoing',
  userId: 'US1',
  status: 'queued',
  createdAt: timestamp,
  updatedAt: timestamp,
};
const callRecord = {
  answeredAt: null,
  answeredBy: null,
  initiatedBy: 'US1',
  direction: 'outgoing',
  status: 'completed',
  completedAt: timestamp,
  createdAt: timestamp,
  duration: 30,
  forwardedFrom: null,
  forwardedTo: null,
  id: 'AC2',
  phoneNumberId: 'PN1',
  participants: ['+15555550100'],
  updatedAt: timestamp,
  userId: 'US1',
};
const contactRecord = {
  id: 'CT1',
  source: 'public-api',
  defaultFields: {
    firstName: 'Ada',
    lastName: 'Lovelace',
    company: null,
    role: null,
    emails: [{ name: 'work', value: 'ada@example.com', id: 'EM1' }],
    phoneNumbers: [{ name: 'mobile', value: '+15555550100', id: 'PH1' }],
  },
  customFields: [{ name: 'Stage', key: 'stage', id: 'CF1', type: 'string', value: 'lead' }],
  createdAt: timestamp,
  updatedAt: timestamp,
  createdByUserId: 'US1',
};
const webhookRecord = {
  id: 'WH1',
  userId: 'US1',
  orgId: 'OR1',
  label: null,
  status: 'enabled',
  url: 'https://example.com/hook',
  key: 'c2lnbmluZy1rZXk=',
  createdAt: timestamp,
  updatedAt: timestamp,
  deletedAt: null,
  events: ['message.received'],
  resourceIds: ['*'],
};
const restrictions = { CA: 'unrestricted', US: 'unrestricted', Intl: 'restricted' };

/** One documented answer per operation: each is itself checked against the document below. */
const answers: Record<string, { status: number; body?: unknown }> = {
  'GET /v1/phone-numbers': {
    status: 200,
    body: {
      data: [
        {
          id: 'PN1',
          groupId: 'GR1',
          createdAt: timestamp,
          updatedAt: timestamp,
          name: 'Main',
          number: '+15555550199',
          formattedNumber: '(555) 555-0199',
          forward: null,
          portRequestId: null,
          portingStatus: null,
          symbol: null,
          users: [
            {
              email: 'a@example.com',
              firstName: 'A',
              groupId: 'GR1',
              id: 'US1',
              lastName: null,
              role: 'owner',
            },
          ],
          restrictions: { messaging: restrictions, calling: restrictions },
        },
      ],
    },
  },
  'GET /v1/messages': { status: 200, body: { data: [message], totalItems: 1, nextPageToken: null } },
  'GET /v1/messages/{id}': { status: 200, body: { data: message } },
  'POST /v1/messages': { status: 202, body: { data: message } },
  'GET /v1/calls': { status: 200, body: { data: [callRecord], totalItems: 1, nextPageToken: null } },
  'GET /v1/call-recordings/{callId}': {
    status: 200,
    body: {
      data: [
        {
          duration: 30,
          id: 'RC1',
          startTime: timestamp,
          status: 'completed',
          type: 'audio/mpeg',
          url: 'https://example.com/r.mp3',
        },
      ],
    },
  },
  'GET /v1/call-summaries/{callId}': {
    status: 200,
    body: {
      data: {
        callId: 'AC2',
        nextSteps: ['Call back'],
        status: 'completed',
        summary: ['Asked about pricing'],
      },
    },
  },
  'GET /v1/call-transcripts/{id}': {
    status: 200,
    body: {
      data: {
        callId: 'AC2',
        createdAt: timestamp,
        dialogue: [{ content: 'Hi', start: 0, end: 1.5, identifier: '+15555550100', userId: null }],
        duration: 30,
        status: 'completed',
      },
    },
  },
  'POST /v1/contacts': { status: 201, body: { data: contactRecord } },
  'GET /v1/contacts/{id}': { status: 200, body: { data: contactRecord } },
  'PATCH /v1/contacts/{id}': { status: 200, body: { data: contactRecord } },
  'DELETE /v1/contacts/{id}': { status: 204 },
  'GET /v1/webhooks': { status: 200, body: { data: [webhookRecord] } },
  'GET /v1/webhooks/{id}': { status: 200, body: { data: webhookRecord } },
  'POST /v1/webhooks/messages': { status: 201, body: { data: webhookRecord } },
  'POST /v1/webhooks/calls': {
    status: 201,
    body: { data: { ...webhookRecord, events: ['call.completed', 'call.recording.completed'] } },
  },
  'POST /v1/webhooks/call-summaries': {
    status: 201,
    body: { data: { ...webhookRecord, events: ['call.summary.completed'] } },
  },
  'POST /v1/webhooks/call-transcripts': {
    status: 201,
    body: { data: { ...webhookRecord, events: ['call.transcript.completed'] } },
  },
  'DELETE /v1/webhooks/{id}': { status: 204 },
};

interface Seen {
  operation: string;
  query: URLSearchParams;
  body: unknown;
}

const describeWithDocument = document ? describe : describe.skip;

describeWithDocument('OpenPhone client against the OpenAPI document', () => {
  const seen: Seen[] = [];
  let server: Server;
  let client: OpenPhoneClient;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://stub');
        const template = templateOf(req.method!, url.pathname);
        const operation = `${req.method} ${template}`;
        const text = Buffer.concat(chunks).toString('utf8');
        seen.push({ operation, query: url.searchParams, body: text ? JSON.parse(text) : undefined });
        const answer = answers[operation];
        if (!answer) return void res.writeHead(404).end();
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new OpenPhoneClient({
      apiKey: 'opk_test',
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      rateLimiter: { acquire: async () => undefined },
    });

    const participants: [string] = ['+15555550100'];
    await client.listPhoneNumbers({ userId: 'US1' });
    for await (const _ of client.listMessages({
      phoneNumberId: 'PN1',
      participants,
      createdAfter: timestamp,
    }));
    await client.getMessage('AC1');
    await client.sendMessage({ content: 'Hello', from: 'PN1', to: participants, setInboxStatus: 'done' });
    for await (const _ of client.listCalls({ phoneNumberId: 'PN1', participants, maxResults: 20 }));
    await client.getCallRecordings('AC2');
    await client.getCallSummary('AC2');
    await client.getCallTranscript('AC2');
    await client.createContact({
      defaultFields: { firstName: 'Ada', phoneNumbers: [{ name: 'mobile', value: '+15555550100' }] },
      customFields: [{ key: 'stage', value: 'lead' }],
    });
    await client.getContact('CT1');
    await client.updateContact('CT1', { defaultFields: { company: 'Analytical Engines' } });
    await client.deleteContact('CT1');
    await client.listWebhooks();
    await client.getWebhook('WH1');
    await client.createWebhook('messages', { url: 'https://example.com/hook', events: ['message.received'] });
    await client.createWebhook('calls', {
      url: 'https://example.com/hook',
      events: ['call.completed', 'call.recording.completed'],
      resourceIds: ['PN1'],
    });
    await client.createWebhook('call-summaries', {
      url: 'https://example.com/h',
      events: ['call.summary.completed'],
    });
    await client.createWebhook('call-transcripts', {
      url: 'https://example.com/h',
      events: ['call.transcript.completed'],
    });
    await client.deleteWebhook('WH1');
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('calls only operations the document has, and every documented one the product needs', () => {
    expect(seen.map((s) => s.operation).filter((op) => !answers[op])).toEqual([]);
    expect(new Set(seen.map((s) => s.operation))).toEqual(new Set(Object.keys(answers)));
  });

  it('sends query parameters and bodies the document accepts', () => {
    for (const { operation, query, body } of seen) {
      const [method, template] = operation.split(' ') as [string, string];
      const spec = document!.paths[template]![method.toLowerCase()]!;
      const errors: string[] = [];
      for (const parameter of (spec.parameters ?? []).filter((p) => p.in === 'query')) {
        const values = query.getAll(parameter.name);
        if (values.length === 0) {
          if (parameter.required) errors.push(`${parameter.name} is required`);
          continue;
        }
        const isArray = (parameter.schema as { type?: string }).type === 'array';
        errors.push(
          ...problems(coercing, parameter.schema, isArray ? values : values[0]).map(
            (e) => `${parameter.name}${e}`,
          ),
        );
      }
      const documented = new Set((spec.parameters ?? []).map((p) => p.name));
      errors.push(
        ...[...query.keys()].filter((k) => !documented.has(k)).map((k) => `${k} is not documented`),
      );
      if (spec.requestBody)
        errors.push(...problems(ajv, spec.requestBody.content['application/json'].schema, body));
      expect({ operation, errors }).toEqual({ operation, errors: [] });
    }
  });

  it('reads answers shaped as the document describes (the fixtures themselves are checked)', () => {
    for (const [operation, answer] of Object.entries(answers)) {
      const [method, template] = operation.split(' ') as [string, string];
      const response = document!.paths[template]![method.toLowerCase()]!.responses[String(answer.status)];
      expect(response).toBeDefined();
      const schema = response!.content?.['application/json'].schema;
      const errors = schema ? problems(ajv, schema, answer.body) : [];
      expect({ operation, errors }).toEqual({ operation, errors: [] });
    }
  });
});
