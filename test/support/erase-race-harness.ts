import { Logger } from '@aws-lambda-powertools/logger';
import { eventPayloadEraser } from '../../lambdas/crm-api/adapters/erasure-stores';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { SendTrackingRepository } from '../../lambdas/campaigns';
import {
  ActivityRepository,
  ContactRepository,
  ConversationRepository,
  DeliveryHealthRepository,
  HeldSecondSweeps,
  SuppressionRepository,
} from '../../lambdas/crm';
import { readSecondSweepInvocation, runSecondSweep, stateMachineSecondSweep } from '../../lambdas/crm-api';
import { ErasureRepository } from '../../lambdas/crm/adapters/erasure-repository';
import { EventRepository } from '../../lambdas/events';
import type { EventOutcome } from '../../lambdas/events/domain/event-processing';
import { familyOf, type EventFamily } from '../../lambdas/events/domain/event-types';
import { createProcessEventsHandler } from '../../lambdas/events/process/service';
import { startLocalS3, type RunningLocalS3 } from '../../local/s3-local';
import { createBridgeTables, localDocumentClient, tableNamed } from './dynamo';
import { processWebhook } from './local-pipeline';
import { contactNumber } from './openphone-payloads';

/**
 * The erase-race tests' set-up: S3 Local for media, the state machine mocked for its call shape
 * (an erase's execution inputs, run by hand once the writers' window has passed), and `setUp`,
 * which gives one test fresh tables, the erase, the processors and the repositories. Call it at a
 * test file's top level: it registers the file's hooks.
 */
export function eraseRaceHarness(bucket: string) {
  let s3: RunningLocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3([bucket]);
  });
  afterAll(() => s3.stop());
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
      otherStores: [eventPayloadEraser(events)],
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
      for (const input of executionInputs())
        await runSecondSweep(readSecondSweepInvocation(input), sweepDeps);
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

  /** The S3 Local client media is archived in (started by the harness's `beforeAll`). */
  const s3Client = () => s3.client();
  return { setUp, otherMember, after, bucket, s3Client };
}
