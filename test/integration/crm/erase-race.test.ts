import { Logger } from '@aws-lambda-powertools/logger';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SendTrackingRepository } from '../../../lambdas/campaigns';
import {
  ActivityRepository,
  ContactRepository,
  DeliveryHealthRepository,
  SuppressionRepository,
} from '../../../lambdas/crm';
import { ErasureRepository } from '../../../lambdas/crm/adapters/erasure-repository';
import { EventRepository } from '../../../lambdas/events';
import type { EventOutcome } from '../../../lambdas/events/domain/event-processing';
import { familyOf, type EventFamily } from '../../../lambdas/events/domain/event-types';
import { createProcessEventsHandler } from '../../../lambdas/events/process/service';
import { writeMessages } from '../../../lambdas/history-import/record-writers';
import type { OpenPhoneClient } from '../../../lambdas/openphone';
import { startLocalS3, type RunningLocalS3 } from '../../../local/s3-local';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import { processWebhook } from '../../support/local-pipeline';
import {
  apiMessage,
  contactNumber,
  contactObject,
  line,
  messageObject,
} from '../../support/openphone-payloads';

// Fault injection: the erase runs to its end between a processor's decision to write and its
// write reaching DynamoDB — the window in which a marker read before the write saw nothing.

jest.setTimeout(60_000);

const bucket = 'media-erase-race-test';
let s3: RunningLocalS3;
beforeAll(async () => {
  s3 = await startLocalS3([bucket]);
});
afterAll(() => s3.stop());

const otherMember = '+15553334444';
const before = '2026-11-20T10:00:01.000Z';
/** Later than any erase these tests run: what happens after an erase is recorded. */
const after = '2099-01-01T00:00:00.000Z';

/** A document client that, on the first write naming `subject`, runs `erase` to its end first. */
function eraseBeforeWriteOf(
  documents: DynamoDBDocumentClient,
  subject: string,
  erase: () => Promise<unknown>,
): DynamoDBDocumentClient {
  let erased = false;
  const send = async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
    const isWrite = /^(Put|Update|TransactWrite)Command$/.test(command.constructor.name);
    if (!erased && isWrite && JSON.stringify(command.input).includes(subject)) {
      erased = true;
      await erase();
    }
    return documents.send(command);
  };
  return { send } as unknown as DynamoDBDocumentClient;
}

async function setUp(subject: string) {
  const names = await createBridgeTables();
  const documents = localDocumentClient();
  const crmTable = tableNamed(names, 'CrmTable');
  const events = new EventRepository(documents, tableNamed(names, 'EventsTable'));
  const erasure = new ErasureRepository(documents, crmTable, {
    s3: s3.client(),
    mediaBucket: bucket,
    indexSettleMs: 0,
  });
  const racing = eraseBeforeWriteOf(documents, subject, () => erasure.erase(contactNumber, 'test:race'));
  const outcomes = new Map<string, EventOutcome>();
  const processorOf = (family: EventFamily) =>
    createProcessEventsHandler({
      family,
      deps: {
        events,
        activities: new ActivityRepository(racing, crmTable),
        contacts: new ContactRepository(racing, crmTable),
        suppressions: new SuppressionRepository(documents, crmTable),
        deliveryHealth: new DeliveryHealthRepository(documents, crmTable),
        archiveQueue: { enqueue: async () => {} },
        campaigns: new SendTrackingRepository(documents, tableNamed(names, 'CampaignTable')),
      },
      logger: new Logger({ logLevel: 'SILENT' }),
      onOutcome: (message, outcome) => outcomes.set(message.eventId, outcome),
    });
  const processors = { messages: processorOf('messages'), contacts: processorOf('contacts') };
  let counter = 0;
  const deliver = async (type: string, object: Record<string, unknown>, createdAt = before) => {
    const eventId = `EVrace${Date.now().toString(36)}${counter++}`;
    expect(familyOf(type)).toBeDefined();
    const response = await processWebhook({ events, processors }, { eventId, type, object, createdAt });
    expect(response.batchItemFailures).toEqual([]);
    return outcomes.get(eventId);
  };
  /** Every item of the CRM table a number's timeline index lists. */
  const timelineIndexItems = async (phoneNumber: string) =>
    (
      await documents.send(
        new QueryCommand({
          TableName: crmTable,
          IndexName: 'byContactNumber',
          KeyConditionExpression: 'timelinePk = :pk',
          ExpressionAttributeValues: { ':pk': `NUMBER#${phoneNumber}` },
        }),
      )
    ).Items ?? [];
  const activities = new ActivityRepository(documents, crmTable);
  const contacts = new ContactRepository(documents, crmTable);
  const racingActivities = new ActivityRepository(racing, crmTable);
  const racingContacts = new ContactRepository(racing, crmTable);
  return {
    deliver,
    events,
    erasure,
    activities,
    contacts,
    timelineIndexItems,
    racingActivities,
    racingContacts,
    documents,
    crmTable,
  };
}

describe('an erase that runs while a processor writes', () => {
  it('leaves nothing of a message the processor was writing when the erase began', async () => {
    const { deliver, erasure, activities, timelineIndexItems } = await setUp('ACinflight');
    await deliver('message.received', messageObject({ id: 'ACearlier', text: 'First words' }));

    const outcome = await deliver(
      'message.received',
      messageObject({ id: 'ACinflight', text: 'Words written during the erase', media: [] }),
    );

    expect(outcome).toEqual({ status: 'processed' });
    expect(await erasure.erasedAt(contactNumber)).toBeDefined();
    expect(await activities.getActivity('ACinflight')).toBeUndefined();
    expect(await activities.getActivity('ACearlier')).toBeUndefined();
    expect((await activities.timeline(contactNumber)).items).toEqual([]);
    expect(await timelineIndexItems(contactNumber)).toEqual([]);
  });

  it('blanks the raw webhook body of that late activity too', async () => {
    const { deliver, events, crmTable, documents } = await setUp('ACnever-used');
    await deliver('message.received', messageObject({ id: 'ACjustbefore2', text: 'Late words' }));
    const [late] = await documents
      .send(
        new QueryCommand({
          TableName: tableOfEvents(events),
          IndexName: 'byObject',
          KeyConditionExpression: 'objectId = :id',
          ExpressionAttributeValues: { ':id': 'ACjustbefore2' },
        }),
      )
      .then((answer) => answer.Items ?? []);
    let indexReads = 0;
    const lagging = {
      send: async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        const answer = (await documents.send(command)) as { Items?: Record<string, unknown>[] };
        const input = command.input as { IndexName?: string };
        if (command instanceof QueryCommand && input.IndexName === 'byContactNumber' && indexReads++ === 0)
          return { ...answer, Items: (answer.Items ?? []).filter((i) => i.activityId !== 'ACjustbefore2') };
        return answer;
      },
    } as unknown as DynamoDBDocumentClient;
    const erasure = new ErasureRepository(lagging, crmTable, {
      s3: s3.client(),
      mediaBucket: bucket,
      indexSettleMs: 0,
      otherStores: [
        {
          store: 'eventPayloads',
          erase: (_n, erasedAt, erased) =>
            events.erasePayloadsAbout([...erased.activityIds, ...erased.contactIds], erasedAt),
        },
      ],
    });

    const result = await erasure.erase(contactNumber, 'test:lag');

    expect(result.erased.eventPayloads).toBe(1);
    expect((await events.getEvent(String(late!.eventId)))!.payload).toBe('');
  });

  it('leaves a group message in no member’s timeline', async () => {
    const { deliver, activities, timelineIndexItems } = await setUp('ACgroupinflight');

    await deliver(
      'message.received',
      messageObject({
        id: 'ACgroupinflight',
        direction: 'outgoing',
        from: line.number,
        to: [contactNumber, otherMember],
        media: [],
      }),
    );

    expect(await activities.getActivity('ACgroupinflight')).toBeUndefined();
    expect(await timelineIndexItems(contactNumber)).toEqual([]);
    expect(await timelineIndexItems(otherMember)).toEqual([]);
  });

  it('leaves no contact listing the number', async () => {
    const { deliver, contacts } = await setUp('CTcontact01');

    const outcome = await deliver('contact.updated', contactObject());

    expect(outcome).toEqual({ status: 'processed' });
    expect(await contacts.contactsByPhoneNumber(contactNumber, { includeDeleted: true })).toEqual([]);
    expect(JSON.stringify((await contacts.getContact('CTcontact01')) ?? {})).not.toContain(contactNumber);
  });

  it('still records a message sent after the erase', async () => {
    const { deliver, activities } = await setUp('ACnewer');

    await deliver('message.received', messageObject({ id: 'ACnewer', createdAt: after, media: [] }), after);

    expect(await activities.getActivity('ACnewer')).toMatchObject({ text: 'Hello there' });
  });

  it('leaves nothing of a message an import was writing', async () => {
    const { racingActivities, racingContacts, activities } = await setUp('ACimported');

    await writeMessages([apiMessage({ id: 'ACimported', text: 'Imported words' })], 'CNconv0001', {
      openPhone: {} as OpenPhoneClient,
      activities: racingActivities,
      contacts: racingContacts,
      clock: () => new Date(),
    });

    expect(await activities.getActivity('ACimported')).toBeUndefined();
    expect((await activities.timeline(contactNumber)).items).toEqual([]);
  });

  it('lets many writes for one person land at once: their checks of one marker do not starve each other', async () => {
    const { activities } = await setUp('never-erased');
    const writes = Array.from({ length: 20 }, (_, i) => {
      const createdAt = new Date(Date.UTC(2026, 10, 20, 12, 0, i)).toISOString();
      return activities.upsertActivity(
        {
          activityId: `ACburst${i}`,
          source: 'webhook',
          facts: { kind: 'message', contactNumbers: [contactNumber], createdAt, text: `burst ${i}` },
          aspects: { status: 'received' },
        },
        createdAt,
      );
    });

    const results = await Promise.all(writes);

    expect(results.map((r) => r.outcome)).toEqual(Array(20).fill('applied'));
    expect((await activities.timeline(contactNumber, { limit: 100 })).items).toHaveLength(20);
  });
});

/** The events table's name, as the repository holds it. */
const tableOfEvents = (events: EventRepository) => (events as unknown as { tableName: string }).tableName;

describe('an erase whose first read of the timeline index lags a write', () => {
  it('erases an activity committed just before the marker that the first index read missed', async () => {
    const { deliver, activities, timelineIndexItems, documents, crmTable } = await setUp('ACnever-used');
    await deliver('message.received', messageObject({ id: 'ACjustbefore', text: 'Committed a moment ago' }));
    // The eventually consistent index: its first answer does not yet hold the newest activity.
    let indexReads = 0;
    const lagging = {
      send: async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        const answer = (await documents.send(command)) as { Items?: Record<string, unknown>[] };
        const input = command.input as { IndexName?: string };
        if (command instanceof QueryCommand && input.IndexName === 'byContactNumber' && indexReads++ === 0)
          return { ...answer, Items: (answer.Items ?? []).filter((i) => i.activityId !== 'ACjustbefore') };
        return answer;
      },
    } as unknown as DynamoDBDocumentClient;
    const erasure = new ErasureRepository(lagging, crmTable, {
      s3: s3.client(),
      mediaBucket: bucket,
      indexSettleMs: 0,
    });

    const result = await erasure.erase(contactNumber, 'test:lag');

    expect(indexReads).toBeGreaterThanOrEqual(2);
    expect(result.erased.activities).toBe(1);
    expect(await activities.getActivity('ACjustbefore')).toBeUndefined();
    expect(await timelineIndexItems(contactNumber)).toEqual([]);
  });

  it('writes its marker after a writer’s transaction held it (TransactionConflict), instead of failing', async () => {
    const { documents, crmTable } = await setUp('ACnever-used-either');
    let conflicts = 0;
    const busy = {
      send: async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        if (command.constructor.name === 'PutCommand' && conflicts < 2) {
          conflicts++;
          throw Object.assign(new Error('Transaction is ongoing for the item'), {
            name: 'TransactionConflictException',
          });
        }
        return documents.send(command);
      },
    } as unknown as DynamoDBDocumentClient;
    const erasure = new ErasureRepository(busy, crmTable, {
      s3: s3.client(),
      mediaBucket: bucket,
      indexSettleMs: 0,
    });

    await erasure.erase(contactNumber, 'test:busy');

    expect(conflicts).toBe(2);
    expect(
      await new ErasureRepository(documents, crmTable, { s3: s3.client(), mediaBucket: bucket }).erasedAt(
        contactNumber,
      ),
    ).toBeDefined();
  });
});
