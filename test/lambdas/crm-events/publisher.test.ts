import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeBus } from '../../../lambdas/crm-events/adapters/event-bus';
import { createCrmEventsPublisher } from '../../../lambdas/crm-events/service';

const logger = new Logger({ logLevel: 'SILENT' });

/** A stream record of a newly recorded incoming message. */
function recorded(activityId: string, seq: string): DynamoDBRecord {
  const item = {
    entity: 'activity',
    activityId,
    kind: 'message',
    direction: 'incoming',
    createdAt: '2026-11-30T10:00:00.000Z',
    text: 'secret text',
  };
  return {
    eventName: 'INSERT',
    dynamodb: { SequenceNumber: seq, NewImage: marshall(item) as never },
  };
}

const records = (n: number) => Array.from({ length: n }, (_, i) => recorded(`AC${i}`, String(100 + i)));

function publisher(client: EventBridgeClient) {
  return createCrmEventsPublisher(
    { bus: new EventBridgeBus(client, 'crm-bus'), logger },
    { settings: { includeText: false }, retryDelayMs: 1 },
  );
}

const putEntries = (mock: ReturnType<typeof mockClient>) =>
  mock
    .commandCalls(PutEventsCommand)
    .flatMap((c) => c.args[0].input.Entries ?? []) as PutEventsRequestEntry[];

describe('CRM events publisher', () => {
  it('puts every event on the bus in calls of at most 10, in order, without text', async () => {
    const eventBridge = mockClient(EventBridgeClient);
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map((_, i) => ({ EventId: `id-${i}` })),
    }));
    const response = await publisher(eventBridge as unknown as EventBridgeClient)({ Records: records(23) });
    expect(response.batchItemFailures).toEqual([]);
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
    const entries = putEntries(eventBridge);
    expect(entries.map((e) => JSON.parse(e.Detail!).activityId)).toEqual(
      Array.from({ length: 23 }, (_, i) => `AC${i}`),
    );
    expect(entries[0]).toMatchObject({
      EventBusName: 'crm-bus',
      Source: 'openphone-bridge',
      DetailType: 'activity.recorded',
    });
    expect(JSON.stringify(entries)).not.toContain('secret text');
    expect(entries[0]!.Time).toEqual(new Date('2026-11-30T10:00:00.000Z'));
  });

  it('puts the entries the bus refused again, and loses none', async () => {
    const eventBridge = mockClient(EventBridgeClient);
    let call = 0;
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => {
      call += 1;
      // The first call refuses every other entry (throttled); later calls take everything.
      return {
        FailedEntryCount: call === 1 ? Math.floor(input.Entries.length / 2) : 0,
        Entries: input.Entries.map((_, i) =>
          call === 1 && i % 2 === 1 ? { ErrorCode: 'ThrottlingException' } : { EventId: `id-${call}-${i}` },
        ),
      };
    });
    const response = await publisher(eventBridge as unknown as EventBridgeClient)({ Records: records(6) });
    expect(response.batchItemFailures).toEqual([]);
    const accepted = putEntries(eventBridge).filter((_e, i) => !(i < 6 && i % 2 === 1));
    expect(accepted.map((e) => JSON.parse(e.Detail!).activityId).sort()).toEqual(
      ['AC0', 'AC1', 'AC2', 'AC3', 'AC4', 'AC5'].sort(),
    );
  });

  it('fails the stream records whose events the bus keeps refusing, so the stream delivers them again', async () => {
    const eventBridge = mockClient(EventBridgeClient);
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({
      Entries: input.Entries.map((e) =>
        JSON.parse(e.Detail!).activityId === 'AC2' ? { ErrorCode: 'InternalFailure' } : { EventId: 'ok' },
      ),
    }));
    const response = await publisher(eventBridge as unknown as EventBridgeClient)({ Records: records(4) });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: '102' }]);
  });

  it('fails every record with events when PutEvents itself keeps failing', async () => {
    const eventBridge = mockClient(EventBridgeClient);
    eventBridge
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));
    const unchanged: DynamoDBRecord = {
      eventName: 'MODIFY',
      dynamodb: {
        SequenceNumber: '200',
        OldImage: marshall({ entity: 'suppression-audit' }) as never,
        NewImage: marshall({ entity: 'suppression-audit' }) as never,
      },
    };
    const response = await publisher(eventBridge as unknown as EventBridgeClient)({
      Records: [unchanged, ...records(2)],
    });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: '100' }, { itemIdentifier: '101' }]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(4); // the first try and 3 retries
  });
});

describe('CRM events publisher, follow-up metrics', () => {
  /** A conversation record's stream record: a spell answered in 20 business minutes (target 15). */
  function answeredSpell(seq: string): DynamoDBRecord {
    const base = {
      entity: 'conversation',
      conversationKey: 'CN1',
      conversationId: 'CN1',
      phoneNumberId: 'PN1',
      contactNumber: '+15550001111',
      version: 1,
      updatedAt: '2026-12-07T13:00:00.000Z',
    };
    const answeredBy = { activityId: 'AC2', at: '2026-12-07T13:10:00.000Z', kind: 'message' };
    const lastResponse = {
      waitingSince: '2026-12-04T21:50:00.000Z',
      answeredAt: '2026-12-07T13:10:00.000Z',
      answeredBy,
      responseBusinessMinutes: 20,
      withinTarget: false,
      replyTargetMinutes: 15,
    };
    return {
      eventName: 'MODIFY',
      dynamodb: {
        SequenceNumber: seq,
        OldImage: marshall({ ...base, waiting: true, waitingSince: lastResponse.waitingSince }) as never,
        NewImage: marshall({
          ...base,
          waiting: false,
          lastAnswer: answeredBy,
          lastResponse,
          version: 2,
        }) as never,
      },
    };
  }

  function publisherWithMetrics(client: EventBridgeClient, metrics: Metrics) {
    return createCrmEventsPublisher(
      { bus: new EventBridgeBus(client, 'crm-bus'), logger, metrics },
      { settings: { includeText: false }, retryDelayMs: 1, retries: 0 },
    );
  }

  it('counts each answer put on the bus once, by its business minutes, and nothing for what the bus refused', async () => {
    const eventBridge = mockClient(EventBridgeClient);
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'id-1' }] });
    const metrics = new Metrics({ namespace: 'Test' });
    const added = jest.spyOn(metrics, 'addMetric');
    const published = jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    await publisherWithMetrics(
      eventBridge as unknown as EventBridgeClient,
      metrics,
    )({
      Records: [answeredSpell('1')],
    });
    expect(added.mock.calls).toEqual([
      ['ResponseBusinessMinutes', 'None', 20],
      ['ConversationsAnsweredWithinTarget', 'Count', 0],
    ]);
    expect(published).toHaveBeenCalledTimes(1);

    added.mockClear();
    published.mockClear();
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'slow' }],
    });
    await publisherWithMetrics(
      eventBridge as unknown as EventBridgeClient,
      metrics,
    )({
      Records: [answeredSpell('2'), recorded('AC9', '3')],
    });
    expect(added).not.toHaveBeenCalled();
    expect(published).not.toHaveBeenCalled();
  });
});
