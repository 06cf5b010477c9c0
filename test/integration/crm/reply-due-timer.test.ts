import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConversationRepository } from '../../../lambdas/crm/adapters/conversation-repository';
import { ReplyDueRepository } from '../../../lambdas/crm/adapters/reply-due-repository';
import { defaultFollowUpSettings } from '../../../lambdas/crm/domain/business-hours';
import { crmKeys } from '../../../lambdas/crm/domain/crm-keys';
import { createReplyDueTimer } from '../../../lambdas/crm/reply-due/service';
import { crmEventsOf } from '../../../lambdas/crm-events';
import { changeFromWebhook } from '../../support/crm-changes';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import {
  contactNumber,
  legacyEvent,
  line,
  messageObject,
  outgoingMessageObject,
} from '../../support/openphone-payloads';

// Monday 7 December 2026, 10:00 in New York (15:00 UTC): open, the default 15-minute target.
const minute = (m: number) => new Date(Date.UTC(2026, 11, 7, 15, m));
const iso = (m: number) => minute(m).toISOString();
const documents = localDocumentClient();
let crmTable: string;
let conversations: ConversationRepository;

beforeAll(async () => {
  crmTable = tableNamed(await createBridgeTables(), 'CrmTable');
  conversations = new ConversationRepository(documents, crmTable);
}, 120_000);

function webhooks(conversationId: string) {
  const common = { conversationId, phoneNumberId: line.id, media: [] };
  return {
    inbound: (id: string, m: number) =>
      changeFromWebhook(
        legacyEvent(
          'message.received',
          messageObject({ ...common, id, text: 'When can you come?', createdAt: iso(m) }),
          iso(m),
        ),
      ).update,
    reply: (id: string, m: number) =>
      changeFromWebhook(
        legacyEvent(
          'message.delivered',
          outgoingMessageObject({
            ...common,
            id,
            to: [contactNumber],
            status: 'delivered',
            createdAt: iso(m),
          }),
          iso(m),
        ),
      ).update,
  };
}

/** A timer run at minute `m` on `table` with a metrics fake: its report and what it published, in order. */
async function meteredRunAt(table: string, m: number) {
  const added: [string, number][] = [];
  const report = await createReplyDueTimer({
    timers: new ReplyDueRepository(documents, table),
    followUp: defaultFollowUpSettings,
    metrics: { addMetric: (name: string, _unit: unknown, value: number) => void added.push([name, value]) },
    now: () => minute(m),
  }).run();
  return { report, added };
}

/** A timer run at minute `m`, as the scheduled Lambda runs it, on this test's table. */
function timerAt(m: number, client: DynamoDBDocumentClient = documents) {
  return createReplyDueTimer({
    timers: new ReplyDueRepository(client, crmTable),
    followUp: defaultFollowUpSettings,
    now: () => minute(m),
  }).run();
}

/** Stored items read before and after `act`, as the stream would carry them, mapped to events. */
async function eventsOf(conversationId: string, act: () => Promise<unknown>) {
  const read = () =>
    conversations.conversation(conversationId).then((r) => r && { entity: 'conversation', ...r });
  const oldImage = await read();
  await act();
  const newImage = await read();
  return crmEventsOf(
    { ...(oldImage ? { oldImage } : {}), ...(newImage ? { newImage } : {}) },
    {
      includeText: false,
    },
  );
}

describe('the reply-due timer on DynamoDB Local', () => {
  it('marks a spell overdue once when its due time passes, and a second run changes nothing', async () => {
    const { inbound } = webhooks('CNdue1');
    await conversations.recordActivity(inbound('ACdue1', 0));
    expect(await conversations.conversation('CNdue1')).toMatchObject({
      waiting: true,
      replyDueAt: iso(15),
      replyTargetMinutes: 15,
    });

    expect((await timerAt(14)).fired).toBe(0); // not due yet
    const events = await eventsOf('CNdue1', () => timerAt(16));
    expect(events).toEqual([
      expect.objectContaining({
        detailType: 'conversation.waiting',
        detail: expect.objectContaining({
          occurredAt: iso(16),
          conversation: expect.objectContaining({
            id: 'CNdue1',
            waitingSince: iso(0),
            replyDueAt: iso(15),
            replyTargetMinutes: 15,
            waitingFor: { activityId: 'ACdue1', at: iso(0), kind: 'message' },
          }),
          waitingBusinessMinutes: 16,
        }),
      }),
    ]);
    const second = await eventsOf('CNdue1', () => timerAt(17));
    expect(second).toEqual([]);
    expect((await timerAt(18)).due).toBe(0); // out of the index
  });

  it('an answer that races the firing wins: the spell is not marked overdue', async () => {
    const { inbound, reply } = webhooks('CNrace');
    await conversations.recordActivity(inbound('ACrace1', 0));
    // The answer lands between the timer's read of the record and its conditional update.
    const racing = Object.create(documents) as DynamoDBDocumentClient;
    let answered = false;
    racing.send = (async (command: unknown) => {
      if (command instanceof UpdateCommand && !answered) {
        answered = true;
        await conversations.recordActivity(reply('ACrace2', 15));
      }
      return documents.send(command as never);
    }) as DynamoDBDocumentClient['send'];
    const report = await timerAt(20, racing);
    expect(answered).toBe(true);
    expect(report).toMatchObject({ fired: 0, skipped: 1 });
    const stored = await conversations.conversation('CNrace');
    expect(stored).toMatchObject({ waiting: false, lastResponse: { withinTarget: true } });
    expect(stored?.overdueSince).toBeUndefined();
  });

  it('an answer after firing records the response; a new spell later fires again', async () => {
    const { inbound, reply } = webhooks('CNagain');
    await conversations.recordActivity(inbound('ACagain1', 0));
    await timerAt(16);
    const answered = await eventsOf('CNagain', () => conversations.recordActivity(reply('ACagain2', 20)));
    expect(answered).toEqual([
      expect.objectContaining({
        detailType: 'conversation.answered',
        detail: expect.objectContaining({
          waitingSince: iso(0),
          answeredAt: iso(20),
          answeredBy: { activityId: 'ACagain2', kind: 'message', userId: 'USuser0001' },
          responseBusinessMinutes: 20,
          withinTarget: false,
        }),
      }),
    ]);
    const afterAnswer = await conversations.conversation('CNagain');
    expect(afterAnswer?.overdueSince).toBeUndefined();

    await conversations.recordActivity(inbound('ACagain3', 30));
    expect(await conversations.conversation('CNagain')).toMatchObject({ replyDueAt: iso(45) });
    const fired = await eventsOf('CNagain', () => timerAt(46));
    expect(fired.map((e) => e.detailType)).toEqual(['conversation.waiting']);
    expect(fired[0]!.detail).toMatchObject({ conversation: { waitingSince: iso(30) } });
  });

  it('another message in an overdue spell keeps it fired: no second conversation.waiting', async () => {
    const { inbound } = webhooks('CNkeep');
    await conversations.recordActivity(inbound('ACkeep1', 0));
    await timerAt(16);
    const events = await eventsOf('CNkeep', () => conversations.recordActivity(inbound('ACkeep2', 18)));
    expect(events).toEqual([]);
    expect(await conversations.conversation('CNkeep')).toMatchObject({ overdueSince: iso(16) });
    expect((await timerAt(40)).due).toBe(0);
  });

  it('emits the oldest wait in business minutes while someone waits; how many wait only in its report', async () => {
    const table = tableNamed(await createBridgeTables(), 'CrmTable');
    const fresh = new ConversationRepository(documents, table);
    await fresh.recordActivity(webhooks('CNmetric1').inbound('ACm1', 0));
    await fresh.recordActivity(webhooks('CNmetric2').inbound('ACm2', 10));
    const { report, added } = await meteredRunAt(table, 30);
    expect(report).toMatchObject({
      waiting: 2,
      oldestWaitingBusinessMinutes: 30,
      oldestWaitingMinutes: 30,
      fired: 2,
    });
    expect(added).toEqual([
      ['OldestWaitingBusinessMinutes', 30],
      ['ConversationsMarkedOverdue', 2],
    ]);
  });

  it('a run where someone waits but nothing falls due publishes the wait, not a zero overdue count', async () => {
    const table = tableNamed(await createBridgeTables(), 'CrmTable');
    await new ConversationRepository(documents, table).recordActivity(webhooks('CNquiet').inbound('ACq', 0));
    const { added } = await meteredRunAt(table, 5);
    expect(added).toEqual([['OldestWaitingBusinessMinutes', 5]]);
  });

  it('a run with nobody waiting publishes no metric (no data is none waiting)', async () => {
    const table = tableNamed(await createBridgeTables(), 'CrmTable');
    const { report, added } = await meteredRunAt(table, 30);
    expect(report).toMatchObject({ waiting: 0, fired: 0 });
    expect(added).toEqual([]);
  });

  it('a record whose due keys were dropped by hand is not fired (only the index is read)', async () => {
    const { inbound } = webhooks('CNnokeys');
    await conversations.recordActivity(inbound('ACnokeys', 0));
    await documents.send(
      new UpdateCommand({
        TableName: crmTable,
        Key: crmKeys.conversationState('CNnokeys'),
        UpdateExpression: 'REMOVE timePk, timeSk',
      }),
    );
    await timerAt(60);
    expect((await conversations.conversation('CNnokeys'))?.overdueSince).toBeUndefined();
  });
});
