import { Logger } from '@aws-lambda-powertools/logger';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { SendTrackingRepository } from '../../../lambdas/campaigns';
import {
  activityChangeOfCreatedTask,
  ActivityRepository,
  ContactRepository,
  ConversationRepository,
  DeliveryHealthRepository,
  HeldSecondSweeps,
  SuppressionRepository,
} from '../../../lambdas/crm';
import { readSecondSweepInvocation, runSecondSweep, stateMachineSecondSweep } from '../../../lambdas/crm-api';
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

// Fault injection: the erase runs to its end between a writer's read of the erasure marker and
// its write reaching DynamoDB — the window in which the marker read saw nothing. What lands then
// is the second sweep's to erase, run once the writers' longest window has passed.

jest.setTimeout(60_000);

const bucket = 'media-erase-race-test';
let s3: RunningLocalS3;
beforeAll(async () => {
  s3 = await startLocalS3([bucket]);
});
afterAll(() => s3.stop());

// The state machine, for its call shape: an erase's execution inputs, run by hand once the window has passed.
const stepFunctions = new SFNClient({ region: 'us-east-1' });
const startedExecutions = mockClient(stepFunctions);
beforeEach(() => startedExecutions.reset().on(StartExecutionCommand).resolves({}));

const otherMember = '+15553334444';
const before = '2026-11-20T10:00:01.000Z';
/** Later than any erase these tests run: what happens after an erase is recorded. */
const after = '2099-01-01T00:00:00.000Z';

/** A document client that, on the first write naming `subject`, runs `erase` to its end first. */
function eraseBeforeWriteOf(
  documents: DynamoDBDocumentClient,
  subject: string | RegExp,
  erase: () => Promise<unknown>,
): DynamoDBDocumentClient {
  let erased = false;
  const send = async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
    const isWrite = /^(Put|Update|TransactWrite|BatchWrite)Command$/.test(command.constructor.name);
    const input = JSON.stringify(command.input);
    const names = typeof subject === 'string' ? input.includes(subject) : subject.test(input);
    if (!erased && isWrite && names) {
      erased = true;
      await erase();
    }
    return documents.send(command);
  };
  return { send } as unknown as DynamoDBDocumentClient;
}

async function setUp(subject: string | RegExp) {
  const names = await createBridgeTables();
  const documents = localDocumentClient();
  const crmTable = tableNamed(names, 'CrmTable');
  const events = new EventRepository(documents, tableNamed(names, 'EventsTable'));
  const heldSweeps = new HeldSecondSweeps(documents, crmTable);
  const sweepLog = { info: jest.fn(), warn: jest.fn() };
  const erasure = new ErasureRepository(documents, crmTable, {
    s3: s3.client(),
    mediaBucket: bucket,
    indexSettleMs: 0,
    otherStores: [
      {
        store: 'eventPayloads',
        erase: (_n, erasedAt, erased) =>
          events.erasePayloadsAbout([...erased.activityIds, ...erased.contactIds], erasedAt, erased.eventIds),
      },
    ],
    secondSweep: stateMachineSecondSweep(stepFunctions, 'arn:aws:states:::stateMachine:Erase', heldSweeps),
  });
  /** What the state machine's executions pass the CRM API function, in the order they started. */
  const executionInputs = () =>
    startedExecutions
      .commandCalls(StartExecutionCommand)
      .map((call) => JSON.parse(call.args[0].input.input!) as unknown);
  const sweepDeps = { erasure, heldSweeps, logger: sweepLog };
  /** The writers' longest window has passed: the started executions invoke the second sweep. */
  const writersWindowPasses = async () => {
    expect(executionInputs().length).toBeGreaterThan(0);
    for (const input of executionInputs()) await runSecondSweep(readSecondSweepInvocation(input), sweepDeps);
  };
  const racing = eraseBeforeWriteOf(documents, subject, () => erasure.erase(contactNumber, 'test:race'));
  const outcomes = new Map<string, EventOutcome>();
  /** The id of the (last) webhook delivered about each object. */
  const eventIdAbout = new Map<string, string>();
  const processorOf = (family: EventFamily) =>
    createProcessEventsHandler({
      family,
      deps: {
        events,
        activities: new ActivityRepository(racing, crmTable),
        contacts: new ContactRepository(racing, crmTable),
        conversations: new ConversationRepository(racing, crmTable),
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
    eventIdAbout.set(String(object.id), eventId);
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
    eventIdAbout,
    writersWindowPasses,
    conversations: new ConversationRepository(documents, crmTable),
    events,
    erasure,
    activities,
    contacts,
    timelineIndexItems,
    racingActivities,
    racingContacts,
    documents,
    crmTable,
    executionInputs,
    heldSweeps,
    sweepDeps,
    sweepLog,
  };
}

describe('an erase that runs while a processor writes', () => {
  it('leaves nothing of a message the processor was writing when the erase began', async () => {
    const { deliver, writersWindowPasses, erasure, activities, timelineIndexItems } =
      await setUp('ACinflight');
    await deliver('message.received', messageObject({ id: 'ACearlier', text: 'First words' }));

    const outcome = await deliver(
      'message.received',
      messageObject({ id: 'ACinflight', text: 'Words written during the erase', media: [] }),
    );
    // The write landed after the first sweep: only the second one can reach it.
    expect(await activities.getActivity('ACinflight')).toBeDefined();
    await writersWindowPasses();

    expect(outcome).toEqual({ status: 'processed' });
    expect(await erasure.erasedAt(contactNumber)).toBeDefined();
    expect(await activities.getActivity('ACinflight')).toBeUndefined();
    expect(await activities.getActivity('ACearlier')).toBeUndefined();
    expect((await activities.timeline(contactNumber)).items).toEqual([]);
    expect(await timelineIndexItems(contactNumber)).toEqual([]);
  });

  it('blanks the raw webhook body of that late activity too', async () => {
    const { deliver, eventIdAbout, events, crmTable, documents } = await setUp('ACnever-used');
    await deliver('message.received', messageObject({ id: 'ACjustbefore2', text: 'Late words' }));
    const late = { eventId: eventIdAbout.get('ACjustbefore2') };
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
            events.erasePayloadsAbout(
              [...erased.activityIds, ...erased.contactIds],
              erasedAt,
              erased.eventIds,
            ),
        },
      ],
    });

    const result = await erasure.erase(contactNumber, 'test:lag');

    expect(result.erased.eventPayloads).toBe(1);
    expect((await events.getEvent(String(late!.eventId)))!.payload).toBe('');
  });

  it('leaves a group message in no member’s timeline', async () => {
    const { deliver, writersWindowPasses, activities, timelineIndexItems } = await setUp('ACgroupinflight');

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
    await writersWindowPasses();

    expect(await activities.getActivity('ACgroupinflight')).toBeUndefined();
    expect(await timelineIndexItems(contactNumber)).toEqual([]);
    expect(await timelineIndexItems(otherMember)).toEqual([]);
  });

  it('leaves no contact listing the number', async () => {
    const { deliver, writersWindowPasses, contacts } = await setUp('CTcontact01');

    const outcome = await deliver('contact.updated', contactObject());
    await writersWindowPasses();

    expect(outcome).toEqual({ status: 'processed' });
    expect(await contacts.contactsByPhoneNumber(contactNumber, { includeDeleted: true })).toEqual([]);
    expect(JSON.stringify((await contacts.getContact('CTcontact01')) ?? {})).not.toContain(contactNumber);
  });

  it('still records a message sent after the erase, through the second sweep', async () => {
    const { deliver, writersWindowPasses, activities } = await setUp('ACnewer');

    await deliver('message.received', messageObject({ id: 'ACnewer', createdAt: after, media: [] }), after);
    await writersWindowPasses();

    expect(await activities.getActivity('ACnewer')).toMatchObject({ text: 'Hello there' });
  });

  it('leaves nothing of a message an import was writing', async () => {
    const { racingActivities, racingContacts, activities, writersWindowPasses } = await setUp('ACimported');

    await writeMessages([apiMessage({ id: 'ACimported', text: 'Imported words' })], 'CNconv0001', {
      openPhone: {} as OpenPhoneClient,
      activities: racingActivities,
      contacts: racingContacts,
      clock: () => new Date(),
    });
    await writersWindowPasses();

    expect(await activities.getActivity('ACimported')).toBeUndefined();
    expect((await activities.timeline(contactNumber)).items).toEqual([]);
  });

  it('blanks the raw webhook body of a message written after the first sweep, and counts it on the audit', async () => {
    const { deliver, eventIdAbout, writersWindowPasses, events, erasure } = await setUp('AClatebody');

    await deliver('message.received', messageObject({ id: 'AClatebody', text: 'Late words', media: [] }));
    await writersWindowPasses();

    expect((await events.getEvent(eventIdAbout.get('AClatebody')!))!.payload).toBe('');
    const [audit] = await erasure.erasureAudit(contactNumber);
    expect(audit!.erased).toMatchObject({ activities: 1, eventPayloads: 1 });
  });

  it('removes a conversation record a fold put back after the first sweep', async () => {
    // The activity is written before the erase; its conversation's write is the one in flight.
    const { deliver, writersWindowPasses, conversations } = await setUp(/"sk":"STATE"/);

    await deliver(
      'message.received',
      messageObject({ id: 'ACfolded', text: 'Are you open today?', media: [] }),
    );
    const keys = (await conversations.waiting()).items.map((c) => c.conversationKey);
    expect(keys).toHaveLength(1);
    await writersWindowPasses();

    expect(await conversations.conversation(keys[0]!)).toBeUndefined();
  });

  it('keeps what is dated after the erase when the second sweep runs', async () => {
    const { deliver, writersWindowPasses, activities, contacts, conversations } =
      await setUp('ACwhileerasing');
    await deliver('message.received', messageObject({ id: 'ACwhileerasing', text: 'Before', media: [] }));

    await deliver(
      'message.received',
      messageObject({ id: 'ACafterwards', text: 'Are you there?', createdAt: after, media: [] }),
      after,
    );
    await deliver('contact.updated', contactObject({ id: 'CTlater', updatedAt: after }), after);
    await writersWindowPasses();

    expect(await activities.getActivity('ACwhileerasing')).toBeUndefined();
    expect(await activities.getActivity('ACafterwards')).toMatchObject({ text: 'Are you there?' });
    expect(await contacts.contactsByPhoneNumber(contactNumber)).toHaveLength(1);
    expect((await conversations.waiting()).items).toHaveLength(1);
  });

  // Tasks name no number: the second sweep finds them on a late activity's conversation, and must
  // still leave those made after the erase.
  it('keeps a task made on the conversation after the erase when the second sweep runs', async () => {
    const { deliver, writersWindowPasses, activities } = await setUp('ACbeforetask');
    await deliver('message.received', messageObject({ id: 'ACbeforetask', text: 'Before', media: [] }));
    const task = activityChangeOfCreatedTask({
      taskId: 'TKafterwards',
      conversationId: 'CNconv0001',
      title: 'Call them back',
      createdAt: after,
    });
    await activities.upsertActivity(task.update, task.eventTime);
    await writersWindowPasses();

    expect(await activities.getActivity('ACbeforetask')).toBeUndefined();
    expect(await activities.getActivity('TKafterwards')).toMatchObject({ kind: 'task' });
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
});

describe("an erase's second sweep, held by id", () => {
  /** The one execution the erase started, and the id its input names. */
  const heldSweepId = (inputs: unknown[]) => {
    expect(inputs).toHaveLength(1);
    return (readSecondSweepInvocation(inputs[0]).secondSweep as { sweepId: string }).sweepId;
  };

  it("leaves the number and its conversation keys out of the state machine's execution input", async () => {
    const { deliver, executionInputs, heldSweeps } = await setUp('AClatekeys');
    await deliver('message.received', messageObject({ id: 'ACkeysbefore', text: 'Earlier' }));
    await deliver('message.received', messageObject({ id: 'AClatekeys', text: 'Late', media: [] }));

    const input = JSON.stringify(executionInputs());
    expect(input).not.toContain(contactNumber);
    expect(input).not.toContain(contactNumber.slice(1));
    expect(input).not.toContain(contactNumber.slice(-7));
    expect(input).not.toContain(line.id);
    // What the input used to carry is in the CRM table instead, until the sweep has run.
    const held = await heldSweeps.held(heldSweepId(executionInputs()));
    expect(held).toMatchObject({ phoneNumber: contactNumber });
    expect(held!.conversationKeys).toContain(`${line.id}~${contactNumber}`);
  });

  it('erases by id what a late writer wrote, then forgets the sweep: the same id again is a logged no-op', async () => {
    const { deliver, writersWindowPasses, executionInputs, activities, heldSweeps, sweepDeps, sweepLog } =
      await setUp('AClatebyid');
    await deliver('message.received', messageObject({ id: 'AClatebyid', text: 'Late words', media: [] }));
    const sweepId = heldSweepId(executionInputs());

    await writersWindowPasses();

    expect(await activities.getActivity('AClatebyid')).toBeUndefined();
    expect(await heldSweeps.held(sweepId)).toBeUndefined();
    await expect(runSecondSweep({ secondSweep: { sweepId } }, sweepDeps)).resolves.toEqual({});
    expect(sweepLog.info).toHaveBeenLastCalledWith(expect.stringContaining('nothing held'), { sweepId });
  });

  it("keeps the sweep while it fails, so the state machine's retry erases what the writer wrote", async () => {
    const { deliver, executionInputs, activities, heldSweeps, sweepDeps } = await setUp('AClateretry');
    await deliver('message.received', messageObject({ id: 'AClateretry', text: 'Late words', media: [] }));
    const invocation = readSecondSweepInvocation(executionInputs()[0]);
    const failing = {
      sweepAgain: async () => {
        throw new Error('throttled');
      },
      erasureAudit: async () => [],
    };

    await expect(runSecondSweep(invocation, { ...sweepDeps, erasure: failing })).rejects.toThrow('throttled');
    expect(await heldSweeps.held(heldSweepId(executionInputs()))).toBeDefined();
    await runSecondSweep(invocation, sweepDeps);

    expect(await activities.getActivity('AClateretry')).toBeUndefined();
  });

  it('still erases for an execution started with the sweep itself as its input (before this version)', async () => {
    const { deliver, executionInputs, activities, heldSweeps, sweepDeps } = await setUp('AClateold');
    await deliver('message.received', messageObject({ id: 'AClateold', text: 'Late words', media: [] }));
    const sweep = (await heldSweeps.held(heldSweepId(executionInputs())))!;

    const answer = await runSecondSweep(readSecondSweepInvocation({ secondSweep: sweep }), sweepDeps);

    expect(answer.erased).toMatchObject({ activities: 1 });
    expect(await activities.getActivity('AClateold')).toBeUndefined();
  });

  it('answers an id with nothing held (expired) with a logged no-op, not an error the state machine retries', async () => {
    const { sweepDeps, sweepLog } = await setUp('never-erased');

    await expect(
      runSecondSweep({ secondSweep: { sweepId: 'expired-long-ago' } }, sweepDeps),
    ).resolves.toEqual({});
    expect(sweepLog.info).toHaveBeenCalledWith(expect.stringContaining('nothing held'), {
      sweepId: 'expired-long-ago',
    });
  });
});
