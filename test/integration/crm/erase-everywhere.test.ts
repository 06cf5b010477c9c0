import { Logger } from '@aws-lambda-powertools/logger';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { campaignRepositories } from '../../../lambdas/campaigns/adapters/campaign-repositories';
import { RecipientErasureRepository } from '../../../lambdas/campaigns/adapters/recipient-erasure';
import { ErasureRepository } from '../../../lambdas/crm/adapters/erasure-repository';
import type { ActivityRepository } from '../../../lambdas/crm';
import { ApiMessageRepository } from '../../../lambdas/crm-api/adapters/api-message-repository';
import { erasureStoresBeyondTheCrm } from '../../../lambdas/crm-api/adapters/erasure-stores';
import type { EventOutcome } from '../../../lambdas/events/domain/event-processing';
import { newEventRecord } from '../../../lambdas/events/domain/event-record';
import { createEventSweeper } from '../../../lambdas/events/sweep/service';
import { buildLocalCrmEvents, type LocalCrmEvents } from '../../../local/crm-events';
import { startLocalS3, type RunningLocalS3 } from '../../../local/s3-local';
import { bridgeTemplate, tableNamed } from '../../support/dynamo';
import { localIngestAndProcessing, processWebhook } from '../../support/local-pipeline';
import { changeFromWebhook } from '../../support/crm-changes';
import {
  completedCall,
  contactNumber,
  contactObject,
  legacyEvent,
  line,
  messageObject,
  quoEventOf,
  taskObject,
  transcriptObject,
} from '../../support/openphone-payloads';
import { newLegacyKey } from '../../support/signers';

jest.setTimeout(90_000);

const bucket = 'media-erase-everywhere-test';
const someoneElse = '+15557778888';
const retentionDays = 30;
let s3: RunningLocalS3;
const publishers: LocalCrmEvents[] = [];
beforeAll(async () => {
  s3 = await startLocalS3([bucket]);
});
afterAll(async () => {
  await Promise.all(publishers.map((p) => p.stop()));
  await s3.stop();
});

/** Fresh tables, the processors, and an erasure that reaches every store, as the API wires it. */
async function setUp(wrapActivities?: (activities: ActivityRepository) => ActivityRepository) {
  const outcomes = new Map<string, EventOutcome>();
  const { processing, tableNames } = await localIngestAndProcessing({
    ...(wrapActivities ? { wrapActivities } : {}),
    signingKeys: [newLegacyKey()],
    s3,
    bucket,
    logger: new Logger({ logLevel: 'SILENT' }),
    onOutcome: (_family, message, outcome) => outcomes.set(message.eventId, outcome),
  });
  const { documents, crmTable } = processing;
  const campaignTable = tableNamed(tableNames, 'CampaignTable');
  const apiMessages = new ApiMessageRepository(documents, crmTable, { retentionDays });
  const campaigns = campaignRepositories(documents, campaignTable);
  const erasure = new ErasureRepository(documents, crmTable, {
    s3: s3.client(),
    mediaBucket: bucket,
    otherStores: erasureStoresBeyondTheCrm({
      apiMessages,
      activities: processing.activities,
      events: processing.events,
      recipients: new RecipientErasureRepository(documents, campaignTable),
    }),
  });
  let counter = 0;
  const deliver = async (
    type: string,
    object: Record<string, unknown>,
    createdAt: string,
    expected: { fails?: boolean } = {},
  ) => {
    const eventId = `EVeverywhere${counter++}`;
    const response = await processWebhook(processing, { eventId, type, object, createdAt });
    expect(response.batchItemFailures).toHaveLength(expected.fails ? 1 : 0);
    return { eventId, outcome: outcomes.get(eventId)! };
  };
  /** The events filed under an object in the events table's byObject index. */
  const filedUnder = async (objectId: string) =>
    (
      await documents.send(
        new QueryCommand({
          TableName: tableNamed(tableNames, 'EventsTable'),
          IndexName: 'byObject',
          KeyConditionExpression: 'objectId = :id',
          ExpressionAttributeValues: { ':id': objectId },
        }),
      )
    ).Items ?? [];
  return {
    processing,
    tableNames,
    documents,
    crmTable,
    campaignTable,
    apiMessages,
    campaigns,
    erasure,
    deliver,
    filedUnder,
  };
}

describe('an erase reaches the raw webhook bodies', () => {
  it("blanks every body about the person's messages and calls (transcripts too), keeping id, type, times and status", async () => {
    const { processing, erasure, deliver } = await setUp();
    const message = await deliver(
      'message.received',
      messageObject({ id: 'ACbody1' }),
      '2026-11-20T10:00:01.000Z',
    );
    const call = await deliver('call.completed', completedCall(), '2026-11-20T11:04:06.000Z');
    const transcript = await deliver(
      'call.transcript.completed',
      transcriptObject(),
      '2026-11-20T11:06:01.000Z',
    );
    const other = await deliver(
      'message.received',
      messageObject({ id: 'ACother1', from: someoneElse, text: 'Not me' }),
      '2026-11-20T10:00:02.000Z',
    );
    const before = (await processing.events.getEvent(message.eventId))!;

    const result = await erasure.erase(contactNumber, 'test:operator');

    expect(result.erased.eventPayloads).toBe(3);
    for (const { eventId } of [message, call, transcript]) {
      const stored = (await processing.events.getEvent(eventId))!;
      expect(stored.payload).toBe('');
      expect(stored.payloadErasedAt).toBe(result.erasedAt);
      expect(stored).toMatchObject({ eventId, status: 'processed' });
      expect(JSON.stringify(stored)).not.toContain(contactNumber);
      expect(JSON.stringify(stored)).not.toContain('where is my order');
    }
    expect(await processing.events.getEvent(message.eventId)).toMatchObject({
      type: before.type,
      receivedAt: before.receivedAt,
      processedAt: before.processedAt,
      expiresAt: before.expiresAt,
    });
    expect((await processing.events.getEvent(other.eventId))!.payload).toContain('Not me');
    // Still the idempotency record: the same delivery again is a duplicate, not a new event.
    expect(await processing.events.recordEventOnce({ ...before })).toBe('duplicate');
    // Repeatable: nothing left to blank.
    expect((await erasure.erase(contactNumber, 'test:operator')).erased.eventPayloads).toBe(0);
  });

  it('a webhook of erased history processed after the erase keeps no body; a newer one is recorded', async () => {
    const { processing, erasure, deliver } = await setUp();
    const { erasedAt } = await erasure.erase(contactNumber, 'test:operator');
    const old = await deliver(
      'message.received',
      messageObject({ id: 'AClate1' }),
      '2026-11-20T10:00:01.000Z',
    );
    const later = new Date(Date.parse(erasedAt) + 60_000).toISOString();
    const fresh = await deliver(
      'message.received',
      messageObject({ id: 'ACnew1', createdAt: later, text: 'Hi again' }),
      later,
    );

    expect(old.outcome.status).toBe('processed');
    expect(await processing.activities.getActivity('AClate1')).toBeUndefined();
    expect((await processing.events.getEvent(old.eventId))!.payload).toBe('');
    expect(await processing.activities.getActivity('ACnew1')).toMatchObject({ text: 'Hi again' });
    expect((await processing.events.getEvent(fresh.eventId))!.payload).toContain('Hi again');
  });

  it('blanks the body of a processed message and contact update through the records that list them, with no byObject entry', async () => {
    const { processing, erasure, deliver, filedUnder } = await setUp();
    const message = await deliver(
      'message.received',
      messageObject({ id: 'AClisted1', text: 'Listed words' }),
      '2026-11-20T10:00:01.000Z',
    );
    const contact = await deliver(
      'contact.updated',
      contactObject({ id: 'CTlisted1' }),
      '2026-11-20T10:00:02.000Z',
    );
    expect(message.outcome).toEqual({ status: 'processed' });
    expect(contact.outcome).toEqual({ status: 'processed' });
    expect(await filedUnder('AClisted1')).toEqual([]);
    expect(await filedUnder('CTlisted1')).toEqual([]);
    expect((await processing.events.getEvent(message.eventId))!.objectId).toBeUndefined();

    const result = await erasure.erase(contactNumber, 'test:operator');

    expect(result.erased.eventPayloads).toBe(2);
    for (const { eventId } of [message, contact])
      expect(await processing.events.getEvent(eventId)).toMatchObject({ status: 'processed', payload: '' });
  });

  it('processes a long message stored compressed, and blanks its body on erase', async () => {
    const { processing, erasure, deliver } = await setUp();
    const text = 'Could you send the full quote for the kitchen, cabinets and countertop included? '.repeat(
      12,
    );
    const long = await deliver(
      'message.received',
      messageObject({ id: 'AClong1', text }),
      '2026-11-20T10:00:01.000Z',
    );
    expect(long.outcome).toEqual({ status: 'processed' });
    expect(await processing.activities.getActivity('AClong1')).toMatchObject({ text });

    expect((await erasure.erase(contactNumber, 'test:operator')).erased.eventPayloads).toBe(1);

    expect(await processing.events.getEvent(long.eventId)).toMatchObject({
      status: 'processed',
      payload: '',
    });
  });

  it('blanks the body of an event that failed once its object was known: the failure files it under its object', async () => {
    const failing = (activities: ActivityRepository) =>
      Object.assign(Object.create(activities) as ActivityRepository, {
        upsertActivity: (...args: Parameters<ActivityRepository['upsertActivity']>) =>
          args[0].activityId === 'ACfailing1'
            ? Promise.reject(new Error('CRM unavailable'))
            : activities.upsertActivity(...args),
      });
    const { processing, erasure, deliver, filedUnder } = await setUp(failing);
    await deliver('message.received', messageObject({ id: 'ACfine1' }), '2026-11-20T10:00:01.000Z');
    // A delivery report of a message the timeline holds (from the import): its own write fails.
    await processing.activities.upsertActivity(
      changeFromWebhook(
        legacyEvent('message.received', messageObject({ id: 'ACfailing1' }), '2026-11-20T10:00:00.000Z'),
      ).update,
      '2026-11-20T10:00:00.000Z',
    );
    const failed = await deliver(
      'message.received',
      messageObject({ id: 'ACfailing1', text: 'Failed words' }),
      '2026-11-20T10:00:03.000Z',
      { fails: true },
    );
    expect(await processing.events.getEvent(failed.eventId)).toMatchObject({ status: 'failed' });
    expect(await filedUnder('ACfailing1')).toEqual([expect.objectContaining({ eventId: failed.eventId })]);

    const result = await erasure.erase(contactNumber, 'test:operator');

    expect(result.erased.eventPayloads).toBe(2);
    expect(await processing.events.getEvent(failed.eventId)).toMatchObject({ status: 'failed', payload: '' });
  });

  it('a failed event is found too: its failure files it under its object', async () => {
    const { processing, erasure } = await setUp();
    // Recorded and filed, then failed for good (no processor got further): still found by the erase.
    const record = newEventRecord({
      eventId: 'EVfailed1',
      type: 'message.received',
      family: 'messages',
      scheme: 'legacy',
      payload: JSON.stringify({ text: 'Hello there', from: contactNumber }),
      receivedAt: new Date('2026-11-20T10:00:00.000Z'),
      retentionDays: 90,
    });
    await processing.events.recordEventOnce(record);
    await processing.events.markFailed('EVfailed1', {
      family: 'messages',
      reason: 'transient: Error',
      attempts: 5,
      objectId: 'ACfailed1',
    });
    // The person's timeline holds the activity (an earlier delivery of the same message).
    const { update, eventTime } = changeFromWebhook(
      legacyEvent('message.received', messageObject({ id: 'ACfailed1' }), '2026-11-20T10:00:00.000Z'),
    );
    await processing.activities.upsertActivity(update, eventTime);

    const result = await erasure.erase(contactNumber, 'test:operator');

    expect(result.erased.eventPayloads).toBe(1);
    expect(await processing.events.getEvent('EVfailed1')).toMatchObject({ status: 'failed', payload: '' });
  });
});

describe("an erase reaches the tasks on the person's conversations", () => {
  const writeTask = async (
    processing: Awaited<ReturnType<typeof setUp>>['processing'],
    task: Parameters<typeof taskObject>[0],
  ) => {
    const { update, eventTime } = changeFromWebhook(
      quoEventOf('task.created', taskObject(task), '2026-11-20T10:10:00.000Z'),
    );
    await processing.activities.upsertActivity(update, eventTime);
  };

  it('erases a task on their one-to-one conversation, keeps one on a conversation they are not in', async () => {
    const { processing, erasure, deliver } = await setUp();
    await deliver('message.received', messageObject({ id: 'ACtask1' }), '2026-11-20T10:00:01.000Z');
    const taskEvent = await deliver(
      'task.created',
      taskObject({ taskId: 'TKtheirs1', title: 'Call Jane back about her refund' }),
      '2026-11-20T10:10:00.000Z',
    );
    expect(taskEvent.outcome.status).toBe('processed');
    await writeTask(processing, { taskId: 'TKother1', conversationId: 'CNotherconv1', title: 'Not them' });

    const result = await erasure.erase(contactNumber, 'test:operator');

    const task = await processing.activities.getActivity('TKtheirs1');
    expect(JSON.stringify(task ?? {})).not.toContain('Jane');
    expect(result.erased.activities).toBe(2);
    expect((await processing.events.getEvent(taskEvent.eventId))!.payload).toBe('');
    // A later change of the erased task is processed, and brings nothing back.
    const late = await deliver(
      'task.completed',
      taskObject({ taskId: 'TKtheirs1', title: 'Call Jane back about her refund', completed: true }),
      new Date(Date.parse(result.erasedAt) + 60_000).toISOString(),
    );
    expect(late.outcome.status).toBe('processed');
    expect(JSON.stringify((await processing.activities.getActivity('TKtheirs1')) ?? {})).not.toContain(
      'Jane',
    );
    expect(await processing.activities.getActivity('TKother1')).toMatchObject({
      taskDetails: { title: 'Not them' },
    });
  });
});

describe('an erase reaches the messages sent through the CRM API', () => {
  const claim = (repository: ApiMessageRepository, messageId: string, to: string) =>
    repository.claimMessage({
      messageId,
      bodyFingerprint: `fp-${messageId}`,
      to,
      from: line.number,
      text: `Private words for ${messageId}`,
      claimToken: 'token1',
      claimedAt: '2026-11-20T09:00:00.000Z',
      createdAt: '2026-11-20T09:00:00.000Z',
    });

  it("removes the number and the text, keeps the id and status for the key's retries, and drops the link", async () => {
    const { apiMessages, erasure, documents, crmTable } = await setUp();
    expect(await claim(apiMessages, 'msg_erase1', contactNumber)).toBe(true);
    await apiMessages.finish(
      'msg_erase1',
      'token1',
      { status: 'sent', openPhoneMessageId: 'ACsent1' },
      '2026-11-20T09:00:01.000Z',
    );
    expect(await claim(apiMessages, 'msg_keep1', someoneElse)).toBe(true);

    const result = await erasure.erase(contactNumber, 'test:operator');

    expect(result.erased.apiMessages).toBe(1);
    const erased = (await apiMessages.getMessage('msg_erase1'))!;
    expect(erased).toMatchObject({
      messageId: 'msg_erase1',
      status: 'sent',
      state: 'done',
      erasedAt: result.erasedAt,
    });
    expect(erased).not.toHaveProperty('to');
    expect(erased).not.toHaveProperty('text');
    expect(JSON.stringify(erased)).not.toContain(contactNumber);
    const { Items } = await documents.send(
      new QueryCommand({
        TableName: crmTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `NUMBER#${contactNumber}` },
      }),
    );
    expect((Items ?? []).filter((i) => String(i.sk).startsWith('APIMESSAGE#'))).toEqual([]);
    expect(await apiMessages.getMessage('msg_keep1')).toMatchObject({ to: someoneElse });
    expect((await erasure.erase(contactNumber, 'test:operator')).erased.apiMessages).toBe(0);
  });

  it('a message still being sent when its number is erased is closed: no retry sends it', async () => {
    const { apiMessages, erasure } = await setUp();
    await claim(apiMessages, 'msg_inflight', contactNumber);

    await erasure.erase(contactNumber, 'test:operator');

    expect(await apiMessages.getMessage('msg_inflight')).toMatchObject({ state: 'done', status: 'accepted' });
    // The sender's own write loses: the message stays closed and numberless.
    expect(
      await apiMessages.finish('msg_inflight', 'token1', { status: 'sent' }, '2026-11-20T09:00:02.000Z'),
    ).toBe(false);
  });

  it('with the activity retention, the message and its link expire as activities do', async () => {
    const { apiMessages, documents, crmTable } = await setUp();
    await claim(apiMessages, 'msg_ttl', contactNumber);
    const expected = Date.parse('2026-11-20T09:00:00.000Z') / 1000 + retentionDays * 86_400;
    const read = async (key: Record<string, string>) =>
      (await documents.send(new GetCommand({ TableName: crmTable, Key: key }))).Item;
    expect((await read({ pk: 'APIMESSAGE#msg_ttl', sk: 'APIMESSAGE' }))!.expiresAt).toBe(expected);
    expect((await read({ pk: `NUMBER#${contactNumber}`, sk: 'APIMESSAGE#msg_ttl' }))!.expiresAt).toBe(
      expected,
    );
  });
});

describe('an erase reaches campaign recipients', () => {
  it('drops the number and its CSV fields from every campaign, keeping the counts by state', async () => {
    const { campaigns, erasure, documents, campaignTable } = await setUp();
    const { recipients } = campaigns;
    await recipients.addRecipients('spring', [
      { phone: contactNumber, fields: { firstName: 'Ada', city: 'London' } },
      { phone: someoneElse, fields: { firstName: 'Bob' } },
    ]);
    await recipients.addRecipients('autumn', [{ phone: contactNumber, fields: { firstName: 'Ada' } }]);
    await recipients.claimRecipient('autumn', contactNumber, 'claim1', '2026-11-20T09:00:00.000Z');
    await recipients.markSent('autumn', contactNumber, 'claim1', {
      variantId: 'A',
      messageId: 'ACcampaign1',
      at: '2026-11-20T09:00:01.000Z',
      reconciled: false,
      sendingNumber: line.number,
    });

    const result = await erasure.erase(contactNumber, 'test:operator');

    expect(result.erased.campaignRecipients).toBe(2);
    // Not yet sent: skipped, never sent to; sent: still counted as sent.
    expect(await recipients.recipientStateCounts('spring')).toEqual({ pending: 1, skipped: 1 });
    expect(await recipients.recipientStateCounts('autumn')).toEqual({ sent: 1 });
    for (const campaignId of ['spring', 'autumn']) {
      expect(await recipients.getRecipient(campaignId, contactNumber)).toBeUndefined();
      const rows = await recipients.allRecipients(campaignId);
      expect(JSON.stringify(rows)).not.toContain(contactNumber);
      expect(JSON.stringify(rows)).not.toContain('Ada');
    }
    expect((await recipients.allRecipients('autumn'))[0]).toMatchObject({
      state: 'sent',
      variantId: 'A',
      messageId: 'ACcampaign1',
      erasedAt: result.erasedAt,
    });
    // The tracking lookups that name the number are gone too.
    const { Items } = await documents.send(
      new QueryCommand({
        TableName: campaignTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `LATESTSEND#${contactNumber}` },
      }),
    );
    expect(Items).toEqual([]);
    expect(
      (
        await documents.send(
          new GetCommand({
            TableName: campaignTable,
            Key: { pk: 'CAMPAIGNMSG#ACcampaign1', sk: 'CAMPAIGNMSG' },
          }),
        )
      ).Item,
    ).toBeUndefined();
    expect(await recipients.getRecipient('spring', someoneElse)).toMatchObject({
      fields: { firstName: 'Bob' },
    });
  });
});

describe('an erase says so on the bus', () => {
  it('publishes contact.erased with the counts per store and activity.erased per activity', async () => {
    const { tableNames, erasure, deliver } = await setUp();
    await deliver('message.received', messageObject({ id: 'ACbus1' }), '2026-11-20T10:00:01.000Z');
    const { erasedAt, erased } = await erasure.erase(contactNumber, 'test:operator');
    const events = buildLocalCrmEvents({
      template: bridgeTemplate(),
      tableNames,
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT!,
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    publishers.push(events);
    await events.drain();

    expect(
      events.bus
        .list()
        .filter((e) => e.detailType === 'contact.erased')
        .map((e) => e.detail),
    ).toEqual([expect.objectContaining({ phoneNumber: contactNumber, occurredAt: erasedAt, erased })]);
    expect(
      events.bus
        .list()
        .filter((e) => e.detailType === 'activity.erased')
        .map((e) => e.detail),
    ).toEqual([expect.objectContaining({ activityId: 'ACbus1', occurredAt: erasedAt })]);
  });
});

describe('retention reaches the same stores', () => {
  it('blanks the bodies of events failed longer than the retention, not newer ones', async () => {
    const { processing } = await setUp();
    const now = new Date('2026-12-01T00:00:00.000Z');
    const days = (n: number) => new Date(now.getTime() - n * 86_400_000);
    for (const [eventId, failedAt] of [
      ['EVoldfail', days(31)],
      ['EVnewfail', days(2)],
    ] as const) {
      await processing.events.recordEventOnce(
        newEventRecord({
          eventId,
          type: 'message.received',
          family: 'messages',
          scheme: 'legacy',
          payload: JSON.stringify({ text: 'Hello there', from: contactNumber }),
          receivedAt: failedAt,
          retentionDays: 90,
        }),
      );
      await processing.events.markFailed(eventId, {
        family: 'messages',
        reason: 'x',
        attempts: 1,
        at: failedAt,
      });
    }
    const sweeper = createEventSweeper({
      deps: { events: processing.events, publisher: { publish: async () => {} } },
      bodyRetentionDays: 30,
      logger: new Logger({ logLevel: 'SILENT' }),
      now: () => now,
    });

    expect((await sweeper.sweep()).bodiesExpired).toBe(1);
    expect(await processing.events.getEvent('EVoldfail')).toMatchObject({ status: 'failed', payload: '' });
    expect((await processing.events.getEvent('EVnewfail'))!.payload).toContain('Hello there');
  });

  it('a finished campaign recipient and its number link expire that many days after it finished', async () => {
    const { documents, campaignTable } = await setUp();
    const recipients = campaignRepositories(documents, campaignTable, { retentionDays }).recipients;
    await recipients.addRecipients('winter', [{ phone: contactNumber, fields: { firstName: 'Ada' } }]);
    await recipients.claimRecipient('winter', contactNumber, 'claim1', '2026-11-20T09:00:00.000Z');
    await recipients.markSent('winter', contactNumber, 'claim1', {
      variantId: 'A',
      messageId: 'ACwinter1',
      at: '2026-11-20T09:00:01.000Z',
      reconciled: false,
      sendingNumber: line.number,
    });
    const expected = Math.floor(Date.parse('2026-11-20T09:00:01.000Z') / 1000) + retentionDays * 86_400;
    const read = async (key: Record<string, string>) =>
      (await documents.send(new GetCommand({ TableName: campaignTable, Key: key }))).Item;
    expect((await read({ pk: 'CAMPAIGN#winter', sk: `RECIPIENT#${contactNumber}` }))!.expiresAt).toBe(
      expected,
    );
    expect((await read({ pk: `RECIPIENTOF#${contactNumber}`, sk: 'CAMPAIGN#winter' }))!.expiresAt).toBe(
      expected,
    );
  });
});
