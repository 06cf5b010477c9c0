import fc from 'fast-check';
import { S3Client } from '@aws-sdk/client-s3';
import { ActivityRepository } from '../../../lambdas/crm/adapters/activity-repository';
import { ConversationRepository } from '../../../lambdas/crm/adapters/conversation-repository';
import { ErasureRepository } from '../../../lambdas/crm/adapters/erasure-repository';
import type { ActivityUpdate } from '../../../lambdas/crm/domain/activity';
import { changeFromWebhook } from '../../support/crm-changes';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import {
  callObject,
  contactNumber,
  legacyEvent,
  line,
  messageObject,
  outgoingMessageObject,
} from '../../support/openphone-payloads';

let conversations: ConversationRepository;
let crmTable: string;
const documents = localDocumentClient();

beforeAll(async () => {
  const names = await createBridgeTables();
  crmTable = tableNamed(names, 'CrmTable');
  conversations = new ConversationRepository(documents, crmTable);
}, 120_000);

const minute = (m: number) => new Date(Date.UTC(2026, 11, 7, 15, m)).toISOString();

/** The activity updates of one conversation's webhooks, as the processor sees them. */
function webhooksOf(conversationId: string, from = contactNumber, lineId = line.id) {
  const common = { conversationId, phoneNumberId: lineId, media: [] };
  const inbound = (id: string, m: number, text: string) =>
    changeFromWebhook(
      legacyEvent(
        'message.received',
        messageObject({ ...common, id, from, text, createdAt: minute(m) }),
        minute(m),
      ),
    ).update;
  const reply = (id: string, m: number) =>
    changeFromWebhook(
      legacyEvent(
        'message.delivered',
        outgoingMessageObject({ ...common, id, to: [from], status: 'delivered', createdAt: minute(m) }),
        minute(m),
      ),
    ).update;
  const missedCall = (id: string, m: number) =>
    changeFromWebhook(
      legacyEvent(
        'call.completed',
        callObject({
          ...common,
          id,
          from,
          status: 'completed',
          createdAt: minute(m),
          completedAt: minute(m + 1),
        }),
        minute(m + 1),
      ),
    ).update;
  return { inbound, reply, missedCall };
}

async function recordAll(updates: ActivityUpdate[]) {
  const outcomes = [];
  for (const update of updates) outcomes.push(await conversations.recordActivity(update));
  return outcomes;
}

describe('conversation state on DynamoDB Local', () => {
  it('an inbound question waits, the reply ends the wait, and both are remembered', async () => {
    const { inbound, reply } = webhooksOf('CNstate1');
    await recordAll([inbound('ACq1', 0, 'Can you come today?')]);
    expect(await conversations.conversation('CNstate1')).toMatchObject({
      waiting: true,
      waitingSince: minute(0),
      contactNumber,
      phoneNumberId: line.id,
      lastInbound: { activityId: 'ACq1' },
    });
    await recordAll([reply('ACr1', 4)]);
    expect(await conversations.conversation('CNstate1')).toMatchObject({
      waiting: false,
      lastOutbound: { activityId: 'ACr1', at: minute(4) },
      lastAnswer: { activityId: 'ACr1' },
    });
  });

  it('a replayed or older webhook writes nothing', async () => {
    const { inbound, reply } = webhooksOf('CNstate2');
    await recordAll([inbound('ACq2', 0, 'Hello?'), reply('ACr2', 3)]);
    const before = await conversations.conversation('CNstate2');
    expect(await recordAll([reply('ACr2', 3), inbound('ACq2', 0, 'Hello?')])).toEqual([
      'unchanged',
      'unchanged',
    ]);
    expect((await conversations.conversation('CNstate2'))?.version).toBe(before?.version);
  });

  it('every order of the same webhooks stores the same state', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1_000_000 }), async (seed) => {
        const id = `CNorder${run++}`;
        const { inbound, reply, missedCall } = webhooksOf(id);
        const updates = [
          inbound('ACo1', 0, 'Is the tech coming?'),
          reply('ACo2', 2),
          inbound('ACo3', 3, 'ok thanks'),
          missedCall('ACo4', 5),
          inbound('ACo5', 7, 'Call me back please'),
        ];
        const shuffled = fc.sample(fc.shuffledSubarray(updates, { minLength: updates.length }), {
          seed,
          numRuns: 1,
        })[0]!;
        await recordAll(shuffled);
        const stored = await conversations.conversation(id);
        expect(stored).toMatchObject({
          waiting: true,
          waitingSince: minute(5),
          waitingFor: { kind: 'missed-call' },
        });
        expect(stored?.awaiting.map((a) => a.activityId)).toEqual(['ACo4', 'ACo5']);
      }),
      { numRuns: 8 },
    );
  });

  it('concurrent webhooks of one conversation all land (the versioned write retries)', async () => {
    const { inbound } = webhooksOf('CNconcurrent');
    const updates = [1, 2, 3, 4, 5].map((m) => inbound(`ACc${m}`, m, `Question ${m}: when?`));
    await Promise.all(updates.map((u) => conversations.recordActivity(u)));
    const stored = await conversations.conversation('CNconcurrent');
    expect(stored?.awaiting.map((a) => a.activityId)).toEqual(['ACc1', 'ACc2', 'ACc3', 'ACc4', 'ACc5']);
  });

  it('an activity without a conversation id is kept under our line and their number', async () => {
    const { inbound } = webhooksOf('');
    await recordAll([inbound('ACnoconv', 0, 'Anyone there?')]);
    expect(await conversations.conversation(`${line.id}~${contactNumber}`)).toMatchObject({ waiting: true });
  });
});

describe('erasing a person', () => {
  it('deletes their conversation records and keeps their later activity out', async () => {
    const person = '+15550009999';
    const { inbound } = webhooksOf('CNerase', person);
    const activities = new ActivityRepository(documents, crmTable);
    const first = inbound('ACe1', 0, 'Please call me');
    await activities.upsertActivity(first, minute(0));
    await conversations.recordActivity(first);
    const s3 = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1' });
    await new ErasureRepository(documents, crmTable, { s3, mediaBucket: 'media' }).erase(person, 'test');
    expect(await conversations.conversation('CNerase')).toBeUndefined();
  });

  it('an activity of theirs folded in after the erase (its write raced the erase) is refused', async () => {
    const person = '+15550009997';
    const s3 = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1' });
    const late = webhooksOf('CNerase-race', person).inbound('ACrace1', 0, 'Please call me');
    await new ErasureRepository(documents, crmTable, { s3, mediaBucket: 'media', indexSettleMs: 0 }).erase(
      person,
      'test',
    );
    expect(await conversations.recordActivity(late)).toBe('erased');
    expect(await conversations.conversation('CNerase-race')).toBeUndefined();
  });

  it("a history import's reading of their conversation, dated before the erase, does not bring their number back", async () => {
    const person = '+15550009998';
    const s3 = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1' });
    const { erasedAt } = await new ErasureRepository(documents, crmTable, {
      s3,
      mediaBucket: 'media',
      indexSettleMs: 0,
    }).erase(person, 'test');
    const before = new Date(Date.parse(erasedAt) - 60_000).toISOString();
    const state = { conversationId: 'CNerased-import', contactNumber: person, assignedTo: 'USanna' };

    expect(await conversations.recordOpenPhoneState({ ...state, at: before })).toBe('erased');
    expect(await conversations.recordOpenPhoneState(state)).toBe('erased');
    expect(await conversations.conversation('CNerased-import')).toBeUndefined();
    // They wrote again after the erase: that is recorded.
    const after = new Date(Date.parse(erasedAt) + 60_000).toISOString();
    expect(await conversations.recordOpenPhoneState({ ...state, at: after })).toBe('written');
  });
});

describe("OpenPhone's own state of a conversation", () => {
  it('records the assignee and snooze, keeps them through later activities, and ignores an older reading', async () => {
    const { inbound } = webhooksOf('CNassigned');
    await recordAll([inbound('ACs1', 0, 'Hi, any news?')]);
    const state = { conversationId: 'CNassigned', contactNumber, assignedTo: 'USanna', at: minute(5) };
    expect(await conversations.recordOpenPhoneState({ ...state, snoozedUntil: minute(60) })).toBe('written');
    await recordAll([inbound('ACs2', 6, 'Hello??')]);
    expect(await conversations.recordOpenPhoneState({ ...state, assignedTo: 'USold', at: minute(1) })).toBe(
      'unchanged',
    );
    expect(await conversations.conversation('CNassigned')).toMatchObject({
      assignedTo: 'USanna',
      snoozedUntil: minute(60),
      waiting: true,
      awaiting: [{ activityId: 'ACs1' }, { activityId: 'ACs2' }],
    });
  });

  it('a later reading without an assignee clears it', async () => {
    await conversations.recordOpenPhoneState({ conversationId: 'CNassigned', contactNumber, at: minute(9) });
    expect((await conversations.conversation('CNassigned'))?.assignedTo).toBeUndefined();
  });

  it('a conversation known only from OpenPhone is kept, not waiting', async () => {
    await conversations.recordOpenPhoneState({
      conversationId: 'CNquiet',
      contactNumber,
      assignedTo: 'USanna',
    });
    expect(await conversations.conversation('CNquiet')).toMatchObject({
      waiting: false,
      assignedTo: 'USanna',
    });
  });
});

describe('the waiting queue', () => {
  const queueLine = 'PNqueue01';
  const otherLine = 'PNqueue02';

  beforeAll(async () => {
    await recordAll([
      webhooksOf('CNq-late', '+15550000003', queueLine).inbound('ACl', 30, 'Need a quote'),
      webhooksOf('CNq-early', '+15550000001', queueLine).inbound('ACe', 10, 'Need a quote'),
      webhooksOf('CNq-mid', '+15550000002', queueLine).missedCall('ACm', 20),
      webhooksOf('CNq-other', '+15550000004', otherLine).inbound('ACo', 5, 'Need a quote'),
      webhooksOf('CNq-answered', '+15550000005', queueLine).inbound('ACa', 1, 'Need a quote'),
      webhooksOf('CNq-answered', '+15550000005', queueLine).reply('ACa2', 2),
    ]);
    await conversations.recordOpenPhoneState({
      conversationId: 'CNq-mid',
      contactNumber: '+15550000002',
      assignedTo: 'USassignee',
      at: minute(21),
    });
  });

  const keysOf = (page: { items: { conversationKey: string }[] }) => page.items.map((i) => i.conversationKey);

  it('lists a line’s waiting conversations oldest first, answered ones left out', async () => {
    expect(keysOf(await conversations.waiting({ number: queueLine }))).toEqual([
      'CNq-early',
      'CNq-mid',
      'CNq-late',
    ]);
  });

  it('filters by our line’s number, by assigned user and by age', async () => {
    expect(keysOf(await conversations.waiting({ number: otherLine }))).toEqual(['CNq-other']);
    expect(keysOf(await conversations.waiting({ number: queueLine, assignedTo: 'USassignee' }))).toEqual([
      'CNq-mid',
    ]);
    expect(keysOf(await conversations.waiting({ number: queueLine, olderThan: minute(25) }))).toEqual([
      'CNq-early',
      'CNq-mid',
    ]);
  });

  it('pages with a cursor', async () => {
    const first = await conversations.waiting({ number: queueLine, limit: 2 });
    expect(keysOf(first)).toEqual(['CNq-early', 'CNq-mid']);
    const second = await conversations.waiting({ number: queueLine, limit: 2, cursor: first.cursor! });
    expect(keysOf(second)).toEqual(['CNq-late']);
  });
});
