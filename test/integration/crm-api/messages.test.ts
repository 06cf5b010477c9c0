import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import { SendTrackingRepository } from '../../../lambdas/campaigns';
import {
  ActivityRepository,
  ContactRepository,
  DeliveryHealthRepository,
  SuppressionRepository,
} from '../../../lambdas/crm';
import {
  ApiMessageRepository,
  createCrmApiHandler,
  createMessageSending,
  crmApiDocument,
  interactiveOpenPhoneClient,
  MediaLinks,
  type MessageSendingDeps,
} from '../../../lambdas/crm-api';
import { EventRepository } from '../../../lambdas/events/adapters/event-repository';
import { newEventRecord } from '../../../lambdas/events/domain/event-record';
import { queueMessageFor } from '../../../lambdas/events/domain/queue-message';
import { createProcessEventsHandler } from '../../../lambdas/events/process/service';
import {
  OpenPhoneClient,
  OpenPhoneOutcomeUnknownError,
  RateLimitWaitExceededError,
} from '../../../lambdas/openphone';
import { apiGatewayEvent } from '../../../local/http-api';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../../local/openphone-simulator';
import { createBridgeTables, localDocumentClient, localDynamoClient, tableNamed } from '../../support/dynamo';
import { createOpenApiValidator, type OpenApiDocument } from '../../support/openapi';
import { batchOf, sqsRecord } from '../../support/sqs';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';

const validator = createOpenApiValidator(crmApiDocument() as unknown as OpenApiDocument);
const silent = new Logger({ logLevel: 'SILENT' });

let simulator: OpenPhoneSimulator;
let receiver: WebhookReceiver;
let crmTable: string;
let eventsTable: string;
let rateLimitTable: string;
let campaignTable: string;
let ourNumber: { id: string; number: string };

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  simulator = await startOpenPhoneSimulator({
    seed: 16,
    workspace: {
      phoneNumbers: 1,
      conversationsPerNumber: 1,
      messagesPerConversation: 1,
      callsPerConversation: 0,
    },
    webhookTarget: {
      url: receiver.url,
      scheme: 'legacy',
      key: Buffer.from('k'.repeat(32)).toString('base64'),
    },
    timing: { deliveryDelayMs: 20 },
  });
  const tables = await createBridgeTables();
  crmTable = tableNamed(tables, 'CrmTable');
  eventsTable = tableNamed(tables, 'EventsTable');
  rateLimitTable = tableNamed(tables, 'RateLimit');
  campaignTable = tableNamed(tables, 'CampaignTable');
  ourNumber = simulator.workspace.phoneNumbers[0]!;
}, 120_000);
afterAll(async () => {
  await simulator.stop();
  await receiver.stop();
});
afterEach(() => simulator.faults.reset());

const documents = () => localDocumentClient();
const client = () =>
  interactiveOpenPhoneClient({
    apiKey: simulator.apiKey,
    baseUrl: simulator.url,
    dynamo: localDynamoClient(),
    rateLimitTable,
  });

/** The CRM API handler over DynamoDB Local and the simulated OpenPhone, as the Lambda wires it. */
function crmApi(overrides: Partial<MessageSendingDeps> = {}) {
  const openPhone = client();
  return createCrmApiHandler({
    activities: new ActivityRepository(documents(), crmTable),
    contacts: new ContactRepository(documents(), crmTable),
    mediaLinks: new MediaLinks(new S3Client({ region: 'us-east-1' }), 'unused'),
    messageSending: createMessageSending({
      messages: new ApiMessageRepository(documents(), crmTable),
      suppressions: new SuppressionRepository(documents(), crmTable),
      activities: new ActivityRepository(documents(), crmTable),
      openPhone: async () => openPhone,
      logger: silent,
      ...overrides,
    }),
    logger: silent,
  });
}

type Api = ReturnType<typeof crmApi>;

/** One request through the handler; the answer is checked against the generated OpenAPI document. */
async function call(
  api: Api,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await api(
    apiGatewayEvent({
      method,
      path,
      headers: { 'content-type': 'application/json', ...headers },
      body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
    }),
  );
  const parsed = JSON.parse(response.body ?? 'null') as Record<string, unknown>;
  const template = validator.templateOf(method, path.split('?')[0]!);
  expect(template).toBeDefined();
  expect(validator.validateResponse(method, template!, response.statusCode ?? 200, parsed)).toEqual({
    valid: true,
  });
  return { status: response.statusCode, headers: response.headers ?? {}, body: parsed };
}

const send = (api: Api, key: string, body: unknown) =>
  call(api, 'POST', '/v1/messages', body, { 'Idempotency-Key': key });

let counter = 0;
const freshNumber = () => `+1555${String(7_000_000 + counter++).padStart(7, '0')}`;
const sentTo = (phone: string) => simulator.requestLog.stats().messagesSentByRecipient[phone] ?? 0;

describe('POST /v1/messages over DynamoDB Local and the simulated OpenPhone', () => {
  it('sends once and answers 202 with the message; the same key again answers the same message', async () => {
    const api = crmApi();
    const to = freshNumber();
    const first = await send(api, 'key-once', { to, text: 'Your order shipped' });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ to, from: ourNumber.number, status: 'sending' });
    expect(first.body.id).toMatch(/^msg_/);
    expect(first.body.openPhoneMessageId).toMatch(/^AC/);
    expect(first.body).not.toHaveProperty('text');
    const again = await send(api, 'key-once', { to, text: 'Your order shipped' });
    expect(again).toMatchObject({
      status: 202,
      body: { id: first.body.id, openPhoneMessageId: first.body.openPhoneMessageId },
    });
    expect(sentTo(to)).toBe(1);
    const shown = await call(api, 'GET', `/v1/messages/${first.body.id as string}?includeText=true`);
    expect(shown.body).toMatchObject({ id: first.body.id, text: 'Your order shipped' });
  });

  it('the same key sent 20 times at once makes one OpenPhone message, and every answer shows it', async () => {
    const to = freshNumber();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => send(crmApi(), 'key-twenty', { to, text: 'Twenty at once' })),
    );
    expect(sentTo(to)).toBe(1);
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([202]));
    const ids = new Set(answers.map((a) => `${a.body.id as string} ${a.body.openPhoneMessageId as string}`));
    expect(ids.size).toBe(1);
  }, 30_000);

  it('a connection dropped after OpenPhone accepted the send is reconciled: one message, and a retry agrees', async () => {
    const api = crmApi();
    const to = freshNumber();
    simulator.faults.dropConnectionAfterSend = 1;
    const first = await send(api, 'key-dropped', { to, text: 'Dropped but sent' });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'sent', openPhoneMessageId: expect.stringMatching(/^AC/) });
    const retry = await send(api, 'key-dropped', { to, text: 'Dropped but sent' });
    expect(retry.body).toMatchObject({
      id: first.body.id,
      openPhoneMessageId: first.body.openPhoneMessageId,
    });
    expect(sentTo(to)).toBe(1);
  });

  it('an unknown outcome not yet listed answers 503; a retry with the same key finishes it without a second send', async () => {
    const to = freshNumber();
    const real = client();
    // OpenPhone acts, the answer is lost, and its list does not show the message at first.
    let hideSent = true;
    const lossy = {
      sendMessage: async (...args: Parameters<OpenPhoneClient['sendMessage']>) => {
        await real.sendMessage(...args);
        throw new OpenPhoneOutcomeUnknownError({
          request: { method: 'POST', path: '/v1/messages' },
          reason: 'timeout',
        });
      },
      listMessages: (...args: Parameters<OpenPhoneClient['listMessages']>) =>
        hideSent
          ? (async function* () {
              yield { data: [], nextPageToken: null };
            })()
          : real.listMessages(...args),
      listPhoneNumbers: () => real.listPhoneNumbers(),
    } as unknown as OpenPhoneClient;
    const first = await send(crmApi({ openPhone: async () => lossy }), 'key-unknown', {
      to,
      text: 'Maybe sent',
    });
    expect(first).toMatchObject({ status: 503, body: { error: 'outcome_unknown' } });
    expect(first.headers['retry-after']).toMatch(/^\d+$/);
    // Before the outcome settles, a retry that does not find it does not send either.
    expect(
      (await send(crmApi({ openPhone: async () => lossy }), 'key-unknown', { to, text: 'Maybe sent' }))
        .status,
    ).toBe(503);
    hideSent = false;
    const retry = await send(crmApi(), 'key-unknown', { to, text: 'Maybe sent' });
    expect(retry).toMatchObject({
      status: 202,
      body: { status: 'sent', openPhoneMessageId: expect.stringMatching(/^AC/) },
    });
    expect(sentTo(to)).toBe(1);
  });

  it('an unknown outcome that never reached OpenPhone is sent once after it settles', async () => {
    const to = freshNumber();
    const real = client();
    const lost = {
      sendMessage: async () => {
        throw new OpenPhoneOutcomeUnknownError({
          request: { method: 'POST', path: '/v1/messages' },
          reason: 'connection-lost',
        });
      },
      listMessages: real.listMessages.bind(real),
      listPhoneNumbers: real.listPhoneNumbers.bind(real),
    } as unknown as OpenPhoneClient;
    expect(
      (await send(crmApi({ openPhone: async () => lost }), 'key-lost', { to, text: 'Lost on the way' }))
        .status,
    ).toBe(503);
    expect(sentTo(to)).toBe(0);
    const later = new Date(Date.now() + 61_000);
    const retry = await send(crmApi({ now: () => later }), 'key-lost', { to, text: 'Lost on the way' });
    expect(retry).toMatchObject({ status: 202, body: { status: 'sending' } });
    expect(sentTo(to)).toBe(1);
  });

  it('a suppressed number is refused with the reason, nothing is sent, and the key works once it is lifted', async () => {
    const api = crmApi();
    const to = freshNumber();
    const suppressions = new SuppressionRepository(documents(), crmTable);
    await suppressions.addSuppression({
      phoneNumber: to,
      reason: 'opt-out',
      at: '2026-11-20T10:00:00.000Z',
      reference: 'ACstop',
    });
    const refused = await send(api, 'key-suppressed', { to, text: 'Hello again' });
    expect(refused).toMatchObject({
      status: 409,
      body: { error: 'suppressed', field: 'to', message: expect.stringContaining('opt-out') },
    });
    expect(sentTo(to)).toBe(0);
    await suppressions.removeSuppression({
      phoneNumber: to,
      reason: 'opt-out',
      at: '2026-11-20T11:00:00.000Z',
      reference: 'ACstart',
    });
    expect((await send(api, 'key-suppressed', { to, text: 'Hello again' })).status).toBe(202);
    expect(sentTo(to)).toBe(1);
  });

  it('the same key with another body is 422, and bad requests are 400s naming the field', async () => {
    const api = crmApi();
    const to = freshNumber();
    expect((await send(api, 'key-reused', { to, text: 'One' })).status).toBe(202);
    expect(await send(api, 'key-reused', { to, text: 'Two' })).toMatchObject({
      status: 422,
      body: { error: 'idempotency_key_reused', field: 'Idempotency-Key' },
    });
    expect(await call(api, 'POST', '/v1/messages', { to, text: 'x' })).toMatchObject({
      status: 400,
      body: { field: 'Idempotency-Key' },
    });
    expect((await send(api, 'k'.repeat(256), { to, text: 'x' })).body).toMatchObject({
      field: 'Idempotency-Key',
    });
    expect((await send(api, 'bad\u0001key', { to, text: 'x' })).body).toMatchObject({
      field: 'Idempotency-Key',
    });
    expect((await send(api, 'key-400', { to: '5557770000', text: 'x' })).body).toMatchObject({ field: 'to' });
    expect((await send(api, 'key-400', { to, text: '' })).body).toMatchObject({ field: 'text' });
    expect((await send(api, 'key-400', { to, text: 'x'.repeat(1601) })).body).toMatchObject({
      field: 'text',
    });
    expect((await send(api, 'key-400', { to, text: 'x', from: 'somewhere' })).body).toMatchObject({
      field: 'from',
    });
    expect(await send(api, 'key-400', { to, text: 'x', from: '+15550009999' })).toMatchObject({
      status: 400,
      body: { error: 'unknown_sending_number', field: 'from' },
    });
    expect(sentTo(to)).toBe(1);
    expect((await call(api, 'GET', '/v1/messages/msg_nothing')).status).toBe(404);
  });

  it('answers 429 with Retry-After when the interactive lane has no token in time, and sends nothing', async () => {
    const to = freshNumber();
    // The injected fault: the shared limiter gives no token within the wait.
    const starved = new OpenPhoneClient({
      apiKey: simulator.apiKey,
      baseUrl: simulator.url,
      rateLimiter: {
        acquire: async (lane) => {
          throw new RateLimitWaitExceededError(lane, 2_000);
        },
      },
    });
    const refused = await send(crmApi({ openPhone: async () => starved }), 'key-429', { to, text: 'Later' });
    expect(refused).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
    expect(refused.headers['retry-after']).toBe('1');
    expect(sentTo(to)).toBe(0);
    // The key was not used up: a retry sends.
    expect((await send(crmApi(), 'key-429', { to, text: 'Later' })).status).toBe(202);
    expect(sentTo(to)).toBe(1);
  });

  it('GET shows delivered once the delivery webhook has been processed', async () => {
    const api = crmApi();
    const to = freshNumber();
    const sent = await send(api, 'key-delivered', { to, text: 'Track me' });
    const openPhoneId = sent.body.openPhoneMessageId as string;
    await simulator.webhooks.settled();
    const delivered = receiver.received.find(
      (w) => w.json.type === 'message.delivered' && JSON.stringify(w.json).includes(openPhoneId),
    );
    expect(delivered).toBeDefined();
    const events = new EventRepository(documents(), eventsTable);
    const unused = () => Promise.reject(new Error('not used'));
    const processEvents = createProcessEventsHandler({
      family: 'messages',
      deps: {
        events,
        activities: new ActivityRepository(documents(), crmTable),
        contacts: { upsertContact: unused, markContactDeleted: unused },
        suppressions: new SuppressionRepository(documents(), crmTable),
        deliveryHealth: new DeliveryHealthRepository(documents(), crmTable),
        archiveQueue: { enqueue: async () => undefined },
        campaigns: new SendTrackingRepository(documents(), campaignTable),
      },
      logger: silent,
    });
    const eventId = (delivered!.json as unknown as { id: string }).id;
    const record = newEventRecord({
      eventId,
      type: 'message.delivered',
      family: 'messages',
      scheme: 'legacy',
      payload: delivered!.rawBody,
      receivedAt: new Date(),
      retentionDays: 90,
    });
    await events.recordEventOnce(record);
    expect(
      (await processEvents(batchOf(sqsRecord(JSON.stringify(queueMessageFor(record)))))).batchItemFailures,
    ).toEqual([]);
    const shown = await call(api, 'GET', `/v1/messages/${sent.body.id as string}`);
    expect(shown.body).toMatchObject({ id: sent.body.id, status: 'delivered' });
  });
});
