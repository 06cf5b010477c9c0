import { Logger } from '@aws-lambda-powertools/logger';
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
import { contactNumber, outgoingMessageObject } from '../../support/openphone-payloads';

// Fault injection: a processor that read the erasure marker before the erase writes to an activity
// the erase already knows, after the erase read the activity's `eventIds` and before its tombstone.

jest.setTimeout(60_000);

const bucket = 'media-erase-race-bodies-test';
let s3: RunningLocalS3;
beforeAll(async () => {
  s3 = await startLocalS3([bucket]);
});
afterAll(() => s3.stop());

type Send = DynamoDBDocumentClient['send'];
const isWrite = (command: Parameters<Send>[0]) =>
  /^(Put|Update|TransactWrite|BatchWrite)Command$/.test(command.constructor.name);

it('blanks the body of an event whose write reached a known activity between the erase’s read and its tombstone', async () => {
  const names = await createBridgeTables();
  const documents = localDocumentClient();
  const crmTable = tableNamed(names, 'CrmTable');
  const events = new EventRepository(documents, tableNamed(names, 'EventsTable'));
  const activityId = 'ACmsgout001';

  // The erase stops before it tombstones the activity until the processor's write has landed.
  let reachedTombstone!: () => void;
  const atTombstone = new Promise<void>((resolve) => (reachedTombstone = resolve));
  let releaseTombstone!: () => void;
  const processorWrote = new Promise<void>((resolve) => (releaseTombstone = resolve));
  let gated = true;
  const erasureClient = {
    send: async (command: Parameters<Send>[0]) => {
      const input = JSON.stringify(command.input);
      if (gated && isWrite(command) && input.includes('erased-activity') && input.includes(activityId)) {
        gated = false;
        reachedTombstone();
        await processorWrote;
      }
      return documents.send(command);
    },
  } as unknown as DynamoDBDocumentClient;
  const scheduled: SecondSweep[] = [];
  const erasure = new ErasureRepository(erasureClient, crmTable, {
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
    secondSweep: { schedule: async (sweep) => void scheduled.push(sweep) },
  });

  // The processor's marker read happens before the erase; its activity write after the erase's read.
  let armed = false;
  let erasing: Promise<unknown> | undefined;
  const processorClient = {
    send: async (command: Parameters<Send>[0]) => {
      const input = JSON.stringify(command.input);
      if (armed && isWrite(command) && input.includes(activityId)) {
        armed = false;
        erasing = erasure.erase(contactNumber, 'test:race');
        await atTombstone;
        const answer = await documents.send(command);
        releaseTombstone();
        return answer;
      }
      return documents.send(command);
    },
  } as unknown as DynamoDBDocumentClient;
  const outcomes = new Map<string, EventOutcome>();
  const processorOf = (family: EventFamily) =>
    createProcessEventsHandler({
      family,
      deps: {
        events,
        activities: new ActivityRepository(processorClient, crmTable),
        contacts: new ContactRepository(processorClient, crmTable),
        conversations: new ConversationRepository(documents, crmTable),
        suppressions: new SuppressionRepository(documents, crmTable),
        deliveryHealth: new DeliveryHealthRepository(documents, crmTable),
        archiveQueue: { enqueue: async () => {} },
        campaigns: new SendTrackingRepository(documents, tableNamed(names, 'CampaignTable')),
      },
      logger: new Logger({ logLevel: 'SILENT' }),
      onOutcome: (message, outcome) => outcomes.set(message.eventId, outcome),
    });
  const processors = { messages: processorOf('messages') };

  const sent = 'EVracebodysent0001';
  await processWebhook(
    { events, processors },
    {
      eventId: sent,
      type: 'message.delivered',
      object: outgoingMessageObject({ status: 'sent', text: 'Your test results are ready' }),
      createdAt: '2026-11-20T10:00:01.000Z',
    },
  );
  armed = true;
  const delivered = 'EVracebodydeliv001';
  await processWebhook(
    { events, processors },
    {
      eventId: delivered,
      type: 'message.delivered',
      object: outgoingMessageObject({ status: 'delivered', text: 'Your test results are ready' }),
      createdAt: '2026-11-20T10:00:05.000Z',
    },
  );
  await erasing;
  for (const sweep of scheduled.splice(0)) await erasure.sweepAgain(sweep);

  expect(outcomes.get(delivered)).toEqual({ status: 'processed' });
  expect(await new ActivityRepository(documents, crmTable).getActivity(activityId)).toBeUndefined();
  expect((await events.getEvent(sent))!.payload).toBe('');
  // The message's text is in this body too: the erase must reach it.
  expect((await events.getEvent(delivered))!.payload).toBe('');
});
