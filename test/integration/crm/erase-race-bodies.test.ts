import { Logger } from '@aws-lambda-powertools/logger';
import { eventPayloadEraser } from '../../../lambdas/crm-api/adapters/erasure-stores';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SendTrackingRepository } from '../../../lambdas/campaigns';
import {
  ActivityRepository,
  ContactRepository,
  ConversationRepository,
  DeliveryHealthRepository,
  SuppressionRepository,
  type SecondSweep,
} from '../../../lambdas/crm';
import { ErasureRepository } from '../../../lambdas/crm/adapters/erasure-repository';
import { EventRepository } from '../../../lambdas/events';
import type { EventOutcome } from '../../../lambdas/events/domain/event-processing';
import type { EventFamily } from '../../../lambdas/events/domain/event-types';
import { createProcessEventsHandler } from '../../../lambdas/events/process/service';
import { startLocalS3, type RunningLocalS3 } from '../../../local/s3-local';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import { processWebhook } from '../../support/local-pipeline';
import { contactNumber, contactObject, outgoingMessageObject } from '../../support/openphone-payloads';

// Fault injection: a processor that read the erasure marker before the erase reaches an activity
// the erase already knows (found in its first sweep) while the erase runs. Its raw body holds the
// message text: one of the sweeps must blank it.

jest.setTimeout(60_000);

const bucket = 'media-erase-race-bodies-test';
let s3: RunningLocalS3;
beforeAll(async () => {
  s3 = await startLocalS3([bucket]);
});
afterAll(() => s3.stop());

type Command = Parameters<DynamoDBDocumentClient['send']>[0];
const isWrite = (command: Command) =>
  /^(Put|Update|TransactWrite|BatchWrite)Command$/.test(command.constructor.name);
const activityId = 'ACmsgout001';
const text = 'Your test results are ready';

/** A client that runs `before` (once it answers true) ahead of a command it is shown, then the command. */
function hooked(documents: DynamoDBDocumentClient, before: (command: Command) => Promise<unknown> | false) {
  return {
    send: async (command: Command) => {
      const waited = before(command);
      if (waited) await waited;
      return documents.send(command);
    },
  } as unknown as DynamoDBDocumentClient;
}

async function setUp() {
  const names = await createBridgeTables();
  const documents = localDocumentClient();
  const crmTable = tableNamed(names, 'CrmTable');
  const events = new EventRepository(documents, tableNamed(names, 'EventsTable'));
  const hooks = {
    erasure: (_command: Command): Promise<unknown> | false => false,
    activities: (_command: Command): Promise<unknown> | false => false,
    events: (_command: Command): Promise<unknown> | false => false,
  };
  const scheduled: SecondSweep[] = [];
  const erasure = new ErasureRepository(
    hooked(documents, (c) => hooks.erasure(c)),
    crmTable,
    {
      s3: s3.client(),
      mediaBucket: bucket,
      indexSettleMs: 0,
      otherStores: [eventPayloadEraser(events)],
      secondSweep: { schedule: async (sweep) => void scheduled.push(sweep) },
    },
  );
  const outcomes = new Map<string, EventOutcome>();
  const processorOf = (family: EventFamily) =>
    createProcessEventsHandler({
      family,
      deps: {
        events: new EventRepository(
          hooked(documents, (c) => hooks.events(c)),
          tableNamed(names, 'EventsTable'),
        ),
        activities: new ActivityRepository(
          hooked(documents, (c) => hooks.activities(c)),
          crmTable,
        ),
        contacts: new ContactRepository(documents, crmTable),
        conversations: new ConversationRepository(documents, crmTable),
        suppressions: new SuppressionRepository(documents, crmTable),
        deliveryHealth: new DeliveryHealthRepository(documents, crmTable),
        archiveQueue: { enqueue: async () => {} },
        campaigns: new SendTrackingRepository(documents, tableNamed(names, 'CampaignTable')),
      },
      logger: new Logger({ logLevel: 'SILENT' }),
      onOutcome: (message, outcome) => outcomes.set(message.eventId, outcome),
    });
  const processors = { messages: processorOf('messages'), contacts: processorOf('contacts') };
  const deliver = async (eventId: string, status: string, createdAt: string, to = [contactNumber]) => {
    const object = outgoingMessageObject({ status, text, to });
    const response = await processWebhook(
      { events, processors },
      { eventId, type: 'message.delivered', object, createdAt },
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(outcomes.get(eventId)).toEqual({ status: 'processed' });
  };
  const deliverContact = async (eventId: string, updatedAt: string) => {
    const object = contactObject({ updatedAt });
    const response = await processWebhook(
      { events, processors },
      { eventId, type: 'contact.updated', object, createdAt: updatedAt },
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(outcomes.get(eventId)).toEqual({ status: 'processed' });
  };
  const secondSweepsRun = async () => {
    for (const sweep of scheduled.splice(0)) await erasure.sweepAgain(sweep);
  };
  const erase = (phoneNumber = contactNumber) => erasure.erase(phoneNumber, 'test:race');
  const activities = new ActivityRepository(documents, crmTable);
  return { hooks, deliver, deliverContact, erase, secondSweepsRun, events, activities };
}

/** Something that happens once, and the promise of it. */
function signal() {
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => (fire = resolve));
  return { fire, fired };
}

it('blanks the body of an event whose write reached a known activity between the erase’s read and its tombstone', async () => {
  const { hooks, deliver, erase, secondSweepsRun, events, activities } = await setUp();
  await deliver('EVracebodysent0001', 'sent', '2026-11-20T10:00:01.000Z');
  // The erase stops before it tombstones the activity until the processor's write has landed.
  const atTombstone = signal();
  const processorWrote = signal();
  let erasing: Promise<unknown> | undefined;
  hooks.erasure = (command) => {
    const input = JSON.stringify(command.input);
    if (!isWrite(command) || !input.includes('erased-activity') || !input.includes(activityId)) return false;
    hooks.erasure = () => false;
    atTombstone.fire();
    return processorWrote.fired;
  };
  hooks.activities = (command) => {
    if (!isWrite(command) || !JSON.stringify(command.input).includes(activityId)) return false;
    hooks.activities = () => false;
    erasing = erase();
    return atTombstone.fired;
  };
  const landed = deliver('EVracebodydeliv001', 'delivered', '2026-11-20T10:00:05.000Z');
  await atTombstone.fired;
  // The processor's write goes out once the erase waits at the tombstone; then the erase goes on.
  await new Promise((resolve) => setTimeout(resolve, 200));
  processorWrote.fire();
  await landed;
  await erasing;
  await secondSweepsRun();

  expect(await activities.getActivity(activityId)).toBeUndefined();
  expect((await events.getEvent('EVracebodysent0001'))!.payload).toBe('');
  expect((await events.getEvent('EVracebodydeliv001'))!.payload).toBe('');
});

it('blanks the body of a stale event about a known activity that closes while the erase runs', async () => {
  const { hooks, deliver, erase, secondSweepsRun, events, activities } = await setUp();
  await deliver('EVracestaledel0001', 'delivered', '2026-11-20T10:00:05.000Z');
  // An older status (nothing to write) whose processor read the marker before the erase and
  // closes its event after the erase (and the erase's reads of the events table) ran.
  let erasing: Promise<unknown> | undefined;
  hooks.events = (command) => {
    const input = JSON.stringify(command.input);
    if (!input.includes('EVracestalesent001') || !input.includes('processedAt')) return false;
    hooks.events = () => false;
    erasing = erase();
    return erasing;
  };
  await deliver('EVracestalesent001', 'sent', '2026-11-20T10:00:01.000Z');
  await erasing;
  await secondSweepsRun();

  expect(await activities.getActivity(activityId)).toBeUndefined();
  expect((await events.getEvent('EVracestaledel0001'))!.payload).toBe('');
  expect((await events.getEvent('EVracestalesent001'))!.payload).toBe('');
});

it('blanks the body of a stale contact event that closes while the erase runs', async () => {
  const { hooks, deliverContact, erase, secondSweepsRun, events } = await setUp();
  await deliverContact('EVracecontactnew01', '2026-11-12T09:00:00.000Z');
  // An older version (stale) whose processor read the marker before the erase, closing after it.
  let erasing: Promise<unknown> | undefined;
  hooks.events = (command) => {
    const input = JSON.stringify(command.input);
    if (!input.includes('EVracecontactold01') || !input.includes('processedAt')) return false;
    hooks.events = () => false;
    erasing = erase();
    return erasing;
  };
  await deliverContact('EVracecontactold01', '2026-11-10T09:00:00.000Z');
  await erasing;
  await secondSweepsRun();

  expect((await events.getEvent('EVracecontactnew01'))!.payload).toBe('');
  // The contact's name, emails and number are in this body too.
  expect((await events.getEvent('EVracecontactold01'))!.payload).toBe('');
});

it('blanks a group message’s bodies when a member other than the first is erased, a stale one too', async () => {
  const { deliver, erase, secondSweepsRun, events, activities } = await setUp();
  const otherMember = '+15553334444';
  const group = [contactNumber, otherMember];
  await deliver('EVgroupdelivered01', 'delivered', '2026-11-20T10:00:05.000Z', group);
  await deliver('EVgroupstalesent01', 'sent', '2026-11-20T10:00:01.000Z', group);

  await erase(otherMember);
  await secondSweepsRun();

  expect(await activities.getActivity(activityId)).toBeUndefined();
  expect((await events.getEvent('EVgroupdelivered01'))!.payload).toBe('');
  expect((await events.getEvent('EVgroupstalesent01'))!.payload).toBe('');
});
