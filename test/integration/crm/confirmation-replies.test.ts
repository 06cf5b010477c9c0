import { ConsentReplySender } from '../../../lambdas/crm/adapters/consent-reply-sender';
import { SuppressionListRepository } from '../../../lambdas/crm/adapters/suppression-list-repository';
import { consentReplySettings } from '../../../lambdas/crm/domain/consent-replies';
import { ConsentReplyInFlightError } from '../../../lambdas/crm/errors';
import { OpenPhoneClient } from '../../../lambdas/openphone/adapters/openphone-client';
import { SharedTokenBucket } from '../../../lambdas/openphone/adapters/rate-limiter';
import { OpenPhoneNetworkError, OpenPhoneOutcomeUnknownError } from '../../../lambdas/openphone/errors';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../../local/openphone-simulator';
import { Logger } from '@aws-lambda-powertools/logger';
import { ActivityRepository } from '../../../lambdas/crm/adapters/activity-repository';
import { SuppressionRepository } from '../../../lambdas/crm/adapters/suppression-repository';
import { EventRepository } from '../../../lambdas/events/adapters/event-repository';
import { newEventRecord } from '../../../lambdas/events/domain/event-record';
import { queueMessageFor } from '../../../lambdas/events/domain/queue-message';
import { createProcessEventsHandler } from '../../../lambdas/events/process/service';
import { legacyEvent, messageObject, quoEventOf } from '../../support/openphone-payloads';
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

  /** The simulator's client with `around` deciding what becomes of each send. */
  const wrappingSend = (
    around: (
      send: () => ReturnType<OpenPhoneClient['sendMessage']>,
    ) => Promise<never | Awaited<ReturnType<OpenPhoneClient['sendMessage']>>>,
  ) => {
    const real = client();
    return {
      sendMessage: (...args: Parameters<OpenPhoneClient['sendMessage']>) =>
        around(() => real.sendMessage(...args)),
      listMessages: real.listMessages.bind(real),
    };
  };

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
    // The message reaches OpenPhone, the answer is lost.
    const lossy = wrappingSend(async (send) => {
      await send();
      throw new OpenPhoneNetworkError({ method: 'POST', path: '/v1/messages' }, 'ECONNRESET');
    });
    await expect(replier({ openPhone: lossy }).reply(request)).rejects.toBeInstanceOf(OpenPhoneNetworkError);
    // A retry right away finds the claim in flight: the event is retried later, nothing is sent.
    await expect(replier({ inFlightWaitMs: 300 }).reply(request)).rejects.toBeInstanceOf(
      ConsentReplyInFlightError,
    );
    // Later, the retry finds the reply at OpenPhone.
    expect(await replier({ staleClaimMs: 0 }).reply(request)).toBe('reconciled-sent');
    expect(repliesTo(phone)).toBe(1);
  });

  it('a STOP webhook delivered twice through the messages processor gets one reply', async () => {
    const phone = freshNumber();
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
    const process = messagesProcessor(replier());
    expect(await process('EVstop-webhook', payload, 'legacy')).toBe(0);
    // The same event again (SQS delivers at least once; a redrive): no second reply.
    expect(await process('EVstop-webhook', payload, 'legacy', 2)).toBe(0);
    expect(repliesTo(phone)).toBe(1);
    expect(await new SuppressionRepository(localDocumentClient(), crmTable).isSuppressed(phone)).toBe(true);
  });

  /** The messages processor with replies on, and a way to hand it one webhook body as recorded. */
  function messagesProcessor(replies: ConsentReplySender) {
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
        campaigns: { recordDelivery: unused, sendsTo: async () => [], recordResponse: unused },
        consentReplies: replies,
      },
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    return async (eventId: string, payload: unknown, scheme: 'legacy' | 'standard-webhooks', attempt = 1) => {
      const record = newEventRecord({
        eventId,
        type: 'message.received',
        family: 'messages',
        scheme,
        payload: JSON.stringify(payload),
        receivedAt: new Date(),
        retentionDays: 90,
      });
      await events.recordEventOnce(record);
      return (await processEvents(batchOf(sqsRecord(JSON.stringify(queueMessageFor(record)), attempt))))
        .batchItemFailures.length;
    };
  }
  /** A client whose sends time out before reaching OpenPhone: the outcome is unknown, nothing sent. */
  const timingOut = () => ({
    sendMessage: async (): Promise<never> => {
      throw new OpenPhoneOutcomeUnknownError({
        request: { method: 'POST', path: '/v1/messages' },
        reason: 'timeout',
      });
    },
    listMessages: client().listMessages.bind(client()),
  });
  const optOutAdds = async (phone: string) =>
    (await new SuppressionRepository(localDocumentClient(), crmTable).suppressionAudit(phone)).filter(
      (e) => e.action === 'add',
    );

  it("a STOP whose reply was lost is answered once when the other system's copy of it comes", async () => {
    const phone = freshNumber();
    const createdAt = new Date().toISOString();
    const stop = messageObject({
      id: 'ACstop-other-copy',
      from: phone,
      text: 'STOP',
      media: [],
      phoneNumberId: ourNumber,
      createdAt,
    });
    // The legacy copy: suppressed, then the send's outcome is lost (nothing reached OpenPhone).
    const legacyCopy = legacyEvent('message.received', stop, createdAt, { id: 'EVstop-legacy-copy' });
    expect(
      await messagesProcessor(replier({ openPhone: timingOut() }))(
        'EVstop-legacy-copy',
        legacyCopy,
        'legacy',
      ),
    ).toBe(1);
    expect(repliesTo(phone)).toBe(0);
    // The new system's copy, its own event id, once the claim is abandoned: the reply goes, once.
    const newCopy = quoEventOf('message.received', stop, createdAt, { id: 'EVstop-new-copy' });
    const later = messagesProcessor(replier({ staleClaimMs: 0 }));
    expect(await later('EVstop-new-copy', newCopy, 'standard-webhooks')).toBe(0);
    expect(await later('EVstop-legacy-copy', legacyCopy, 'legacy', 2)).toBe(0);
    expect(repliesTo(phone)).toBe(1);
    expect(await optOutAdds(phone)).toHaveLength(1);
  });

  it('a new-envelope STOP whose context names no line id is answered from the number it was sent to', async () => {
    const phone = freshNumber();
    const createdAt = new Date().toISOString();
    const line = simulator.workspace.phoneNumbers[0]!;
    const stop = messageObject({
      id: 'ACstop-no-line-id',
      from: phone,
      to: [line.number],
      text: 'STOP',
      media: [],
      phoneNumberId: null,
      createdAt,
    });
    const event = quoEventOf('message.received', stop, createdAt, { id: 'EVstop-no-line-id' });
    expect(await messagesProcessor(replier())('EVstop-no-line-id', event, 'standard-webhooks')).toBe(0);
    expect(repliesTo(phone)).toBe(1);
  });

  it('one STOP through both systems whose envelopes differ in time is one suppression change', async () => {
    const phone = freshNumber();
    const sentAt = new Date(Date.now() - 5_000).toISOString();
    const stop = messageObject({
      id: 'ACstop-two-times',
      from: phone,
      text: 'STOP',
      media: [],
      phoneNumberId: ourNumber,
      createdAt: sentAt,
    });
    const process = messagesProcessor(replier());
    const legacyAt = new Date(Date.now() - 4_000).toISOString();
    const newAt = new Date(Date.now() - 3_000).toISOString();
    expect(
      await process(
        'EVstop-times-a',
        legacyEvent('message.received', stop, legacyAt, { id: 'EVstop-times-a' }),
        'legacy',
      ),
    ).toBe(0);
    expect(
      await process(
        'EVstop-times-b',
        quoEventOf('message.received', stop, newAt, { id: 'EVstop-times-b' }),
        'standard-webhooks',
      ),
    ).toBe(0);
    expect(await optOutAdds(phone)).toEqual([
      expect.objectContaining({ at: sentAt, reference: 'ACstop-two-times' }),
    ]);
    expect(repliesTo(phone)).toBe(1);
  });
  it('a lost reply sent from a bare number is not sent again: no line id to look it up by', async () => {
    const phone = freshNumber();
    const line = simulator.workspace.phoneNumbers[0]!;
    const request = {
      kind: 'opt-out' as const,
      phoneNumber: phone,
      messageId: 'ACstop-bare',
      phoneNumberId: line.number,
    };
    await expect(replier({ openPhone: timingOut() }).reply(request)).rejects.toBeInstanceOf(
      OpenPhoneOutcomeUnknownError,
    );
    expect(await replier({ staleClaimMs: 0 }).reply(request)).toBe('outcome-unknown');
    expect(await replier({ staleClaimMs: 0 }).reply(request)).toBe('already-handled');
    expect(repliesTo(phone)).toBe(0);
  });
  it('a copy that finds the reply being sent waits for it and sends nothing', async () => {
    const phone = freshNumber();
    const request = {
      kind: 'opt-out' as const,
      phoneNumber: phone,
      messageId: 'ACstop-race',
      phoneNumberId: ourNumber,
    };
    const slow = wrappingSend(async (send) => {
      await new Promise((r) => setTimeout(r, 400));
      return send();
    });
    const outcomes = await Promise.all([
      replier({ openPhone: slow }).reply(request),
      new Promise((r) => setTimeout(r, 100)).then(() => replier().reply(request)),
    ]);
    expect(outcomes).toEqual(['sent', 'already-handled']);
    expect(repliesTo(phone)).toBe(1);
  });
});
