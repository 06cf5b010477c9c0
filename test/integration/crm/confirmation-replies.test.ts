import { ConsentReplySender } from '../../../lambdas/crm/adapters/consent-reply-sender';
import { SuppressionListRepository } from '../../../lambdas/crm/adapters/suppression-list-repository';
import { consentReplySettings } from '../../../lambdas/crm/domain/consent-replies';
import { ConsentReplyInFlightError } from '../../../lambdas/crm/errors';
import { OpenPhoneClient } from '../../../lambdas/openphone/adapters/openphone-client';
import { SharedTokenBucket } from '../../../lambdas/openphone/adapters/rate-limiter';
import { OpenPhoneNetworkError } from '../../../lambdas/openphone/errors';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../../local/openphone-simulator';
import { Logger } from '@aws-lambda-powertools/logger';
import { ActivityRepository } from '../../../lambdas/crm/adapters/activity-repository';
import { SuppressionRepository } from '../../../lambdas/crm/adapters/suppression-repository';
import { EventRepository } from '../../../lambdas/events/adapters/event-repository';
import { newEventRecord } from '../../../lambdas/events/domain/event-record';
import { queueMessageFor } from '../../../lambdas/events/domain/queue-message';
import { createProcessEventsHandler } from '../../../lambdas/events/process/service';
import { legacyEvent, messageObject } from '../../support/openphone-payloads';
import { batchOf, sqsRecord } from '../../support/sqs';
import { createBridgeTables, localDocumentClient, localDynamoClient, tableNamed } from '../../support/dynamo';

describe('confirmation replies to STOP and HELP', () => {
  let simulator: OpenPhoneSimulator;
  let crmTable: string;
  let rateLimitTable: string;
  let ourNumber: string;
  let eventsTable: string;
  const settings = consentReplySettings.parse({ enabled: true });

  beforeAll(async () => {
    simulator = await startOpenPhoneSimulator({
      seed: 14,
      workspace: {
        phoneNumbers: 1,
        conversationsPerNumber: 1,
        messagesPerConversation: 1,
        callsPerConversation: 0,
      },
    });
    const tables = await createBridgeTables();
    crmTable = tableNamed(tables, 'CrmTable');
    eventsTable = tableNamed(tables, 'EventsTable');
    rateLimitTable = tableNamed(tables, 'RateLimit');
    ourNumber = simulator.workspace.phoneNumbers[0]!.id;
  }, 120_000);
  afterAll(() => simulator.stop());

  const client = () =>
    new OpenPhoneClient({
      apiKey: simulator.apiKey,
      baseUrl: simulator.url,
      lane: 'interactive',
      rateLimiter: new SharedTokenBucket({
        client: localDynamoClient(),
        tableName: rateLimitTable,
        apiKey: simulator.apiKey,
      }),
    });
  const replier = (overrides: Partial<ConstructorParameters<typeof ConsentReplySender>[0]> = {}) =>
    new ConsentReplySender({
      documentClient: localDocumentClient(),
      tableName: crmTable,
      openPhone: client(),
      settings,
      ...overrides,
    });

  let counter = 0;
  const freshNumber = () => `+1555${String(6_000_000 + counter++).padStart(7, '0')}`;
  const repliesTo = (phone: string) => simulator.requestLog.stats().messagesSentByRecipient[phone] ?? 0;

  it('replies once to the same opt-out delivered twice, and writes it on the audit trail', async () => {
    const phone = freshNumber();
    const request = {
      kind: 'opt-out' as const,
      phoneNumber: phone,
      messageId: 'ACstop-twice',
      phoneNumberId: ourNumber,
    };
    expect(await replier().reply(request)).toBe('sent');
    expect(await replier().reply(request)).toBe('already-handled');
    expect(repliesTo(phone)).toBe(1);
    const { audit } = await new SuppressionListRepository(localDocumentClient(), crmTable).recordOf(phone);
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'reply-sent',
        reason: 'opt-out',
        note: 'opt-out reply to ACstop-twice',
      }),
    ]);
  });

  it('sends no second opt-out reply to a number within 24 hours, and one after', async () => {
    const phone = freshNumber();
    let now = new Date();
    const at = () => now;
    const first = {
      kind: 'opt-out' as const,
      phoneNumber: phone,
      messageId: 'ACstop-a',
      phoneNumberId: ourNumber,
    };
    expect(await replier({ now: at }).reply(first)).toBe('sent');
    now = new Date(now.getTime() + 23 * 3600_000);
    expect(await replier({ now: at }).reply({ ...first, messageId: 'ACstop-b' })).toBe('recently-replied');
    expect(repliesTo(phone)).toBe(1);
    // HELP is its own kind: it is answered.
    expect(await replier({ now: at }).reply({ ...first, kind: 'help', messageId: 'AChelp-a' })).toBe('sent');
    now = new Date(now.getTime() + 2 * 3600_000);
    expect(await replier({ now: at }).reply({ ...first, messageId: 'ACstop-c' })).toBe('sent');
    expect(repliesTo(phone)).toBe(3);
  });

  it('reconciles a send whose outcome was lost instead of sending again', async () => {
    const phone = freshNumber();
    const request = {
      kind: 'opt-out' as const,
      phoneNumber: phone,
      messageId: 'ACstop-lost',
      phoneNumberId: ourNumber,
    };
    const real = client();
    // The message reaches OpenPhone, the answer is lost.
    const lossy = {
      sendMessage: async (...args: Parameters<OpenPhoneClient['sendMessage']>) => {
        await real.sendMessage(...args);
        throw new OpenPhoneNetworkError({ method: 'POST', path: '/v1/messages' }, 'ECONNRESET');
      },
      listMessages: real.listMessages.bind(real),
    };
    await expect(replier({ openPhone: lossy }).reply(request)).rejects.toBeInstanceOf(OpenPhoneNetworkError);
    // A retry right away finds the claim in flight: the event is retried later, nothing is sent.
    await expect(replier().reply(request)).rejects.toBeInstanceOf(ConsentReplyInFlightError);
    // Later, the retry finds the reply at OpenPhone.
    expect(await replier({ staleClaimMs: 0 }).reply(request)).toBe('reconciled-sent');
    expect(repliesTo(phone)).toBe(1);
  });

  it('a STOP webhook delivered twice through the messages processor gets one reply', async () => {
    const phone = freshNumber();
    const documents = localDocumentClient();
    const events = new EventRepository(documents, eventsTable);
    const unused = () => Promise.reject(new Error('not used'));
    const processEvents = createProcessEventsHandler({
      family: 'messages',
      deps: {
        events,
        activities: new ActivityRepository(documents, crmTable),
        contacts: { upsertContact: unused, markContactDeleted: unused },
        suppressions: new SuppressionRepository(documents, crmTable),
        deliveryHealth: { recordDeliveryOutcome: unused },
        archiveQueue: { enqueue: async () => undefined },
        campaigns: { recordDelivery: unused, latestSendsTo: async () => [], recordResponse: unused },
        consentReplies: replier(),
      },
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    const createdAt = new Date().toISOString();
    const payload = legacyEvent(
      'message.received',
      messageObject({
        id: 'ACstop-webhook',
        from: phone,
        text: 'STOP',
        media: [],
        phoneNumberId: ourNumber,
        createdAt,
      }),
      createdAt,
      { id: 'EVstop-webhook' },
    );
    const record = newEventRecord({
      eventId: 'EVstop-webhook',
      type: 'message.received',
      family: 'messages',
      scheme: 'legacy',
      payload: JSON.stringify(payload),
      receivedAt: new Date(),
      retentionDays: 90,
    });
    await events.recordEventOnce(record);
    const body = JSON.stringify(queueMessageFor(record));
    expect((await processEvents(batchOf(sqsRecord(body)))).batchItemFailures).toEqual([]);
    // The same event again (SQS delivers at least once; a redrive): no second reply.
    expect((await processEvents(batchOf(sqsRecord(body, 2)))).batchItemFailures).toEqual([]);
    expect(repliesTo(phone)).toBe(1);
    expect(await new SuppressionRepository(documents, crmTable).isSuppressed(phone)).toBe(true);
  });
});
