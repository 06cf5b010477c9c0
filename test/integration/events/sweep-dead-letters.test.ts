import { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { EventRepository } from '../../../lambdas/events';
import { SqsDeadLetterWatch, type DeadLetterWatch } from '../../../lambdas/events/adapters/dead-letter-watch';
import { newEventRecord } from '../../../lambdas/events/domain/event-record';
import type { QueueMessage } from '../../../lambdas/events/domain/queue-message';
import { watchedDeadLetterQueues } from '../../../lambdas/events/hand-on-environment';
import { createEventSweeper } from '../../../lambdas/events/sweep/service';
import { environmentNames } from '../../../lambdas/shared/environment';
import { bridgeMetrics } from '../../../lambdas/shared/metrics';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';

// One alarm pages for every dead-letter queue: the sweeper counts what waits in them into
// DeadLettersWaiting at each run while anything waits, and a watch it cannot read counts too.

jest.setTimeout(60_000);

const start = Date.parse('2026-12-01T09:30:00.000Z');
const deadLettersWaiting = bridgeMetrics.attention.deadLettersWaiting;

async function setUp(deadLetters: DeadLetterWatch) {
  const events = new EventRepository(
    localDocumentClient(),
    tableNamed(await createBridgeTables(), 'EventsTable'),
  );
  const sent: string[] = [];
  const addMetric = jest.fn();
  const warnings: unknown[] = [];
  const logger = new Logger({ logLevel: 'SILENT' });
  jest.spyOn(logger, 'warn').mockImplementation((...args: unknown[]) => void warnings.push(args));
  jest.spyOn(logger, 'error').mockImplementation((...args: unknown[]) => void warnings.push(args));
  const clock = { now: start };
  const sweeper = createEventSweeper({
    deps: {
      events,
      publisher: { publish: async (m: QueueMessage) => void sent.push(m.eventId) },
      deadLetters,
    },
    policy: { stuckAfterMinutes: 10 },
    logger,
    metrics: { addMetric, singleMetric: () => ({ addMetric }) } as unknown as Metrics,
    now: () => new Date(clock.now),
  });
  const attentionCounted = () =>
    addMetric.mock.calls
      .filter(([name]) => name === deadLettersWaiting)
      .map(([, , value]) => value as number);
  return { events, sent, sweeper, clock, attentionCounted, warnings };
}

const depths = (counts: Record<string, number>): DeadLetterWatch => ({
  depths: async () => Object.entries(counts).map(([queue, waiting]) => ({ queue, waiting })),
});

it('counts what waits in every dead-letter queue at each run, naming the queues in its log', async () => {
  const counts = { 'messages events': 2, 'calls events': 0, 'media archive jobs': 1 };
  const { sweeper, attentionCounted, warnings } = await setUp(depths(counts));

  const first = await sweeper.sweep();
  const second = await sweeper.sweep();

  expect(first.deadLetters).toBe(3);
  expect(second.deadLetters).toBe(3);
  // Every run while they wait: the alarm stays up until they are replayed or deleted.
  expect(attentionCounted()).toEqual([3, 3]);
  expect(JSON.stringify(warnings)).toContain('"messages events":2');
  expect(JSON.stringify(warnings)).toContain('"media archive jobs":1');
  expect(JSON.stringify(warnings)).not.toContain('calls events');
});

it('counts nothing when every dead-letter queue is empty (the alarm’s metric is a fault’s only)', async () => {
  const { sweeper, attentionCounted } = await setUp(depths({ 'messages events': 0, 'tasks events': 0 }));
  expect((await sweeper.sweep()).deadLetters).toBe(0);
  expect(attentionCounted()).toEqual([]);
});

it('counts a watch it cannot read as needing attention, and still hands on stuck events', async () => {
  const refused: DeadLetterWatch = {
    depths: async () => {
      throw new Error('AccessDenied: sqs:GetQueueAttributes');
    },
  };
  const { events, sweeper, sent, clock, attentionCounted, warnings } = await setUp(refused);
  await sweeper.sweep();
  await events.recordEventOrFind(
    newEventRecord({
      eventId: 'EVstuck',
      type: 'message.received',
      family: 'messages',
      scheme: 'legacy',
      payload: '{}',
      receivedAt: new Date(start + 60_000),
      retentionDays: 90,
    }),
  );
  clock.now = start + 30 * 60_000;

  const report = await sweeper.sweep();

  expect(report.deadLetters).toBeNull();
  expect(attentionCounted()).toEqual([1, 1]);
  expect(warnings).toContainEqual([
    expect.stringContaining('dead-letter queues not read'),
    { error: expect.objectContaining({ message: expect.stringContaining('AccessDenied') }) },
  ]);
  expect(sent).toEqual(['EVstuck']);
});

it('has counted the dead letters before a sweep that fails on the events table', async () => {
  const addMetric = jest.fn();
  const broken = createEventSweeper({
    deps: {
      events: {
        arrivalsSweptUntil: async () => {
          throw new Error('table gone');
        },
      } as never,
      publisher: { publish: async () => undefined },
      deadLetters: depths({ 'contacts events': 4 }),
    },
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: { addMetric, singleMetric: () => ({ addMetric }) } as unknown as Metrics,
  });
  await expect(broken.sweep()).rejects.toThrow('table gone');
  expect(addMetric).toHaveBeenCalledWith(deadLettersWaiting, 'Count', 4);
});

it('publishes the dead-letter count at once, so a sweep that times out still pages', async () => {
  // Stored metrics are flushed when the invocation ends, which a Lambda timeout never reaches.
  const stored: unknown[] = [];
  const published: unknown[] = [];
  let tableAsked!: () => void;
  const asked = new Promise<void>((resolve) => (tableAsked = resolve));
  const hanging = createEventSweeper({
    deps: {
      events: {
        arrivalsSweptUntil: () => {
          tableAsked();
          return new Promise(() => undefined);
        },
      } as never,
      publisher: { publish: async () => undefined },
      deadLetters: depths({ 'messages events': 2 }),
    },
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: {
      addMetric: (...args: unknown[]) => void stored.push(args),
      singleMetric: () => ({ addMetric: (...args: unknown[]) => void published.push(args) }),
    } as unknown as Metrics,
  });
  void hanging.sweep();
  await asked;
  expect(published).toEqual([[deadLettersWaiting, 'Count', 2]]);
  expect(stored).toEqual([]);
});

describe('SqsDeadLetterWatch', () => {
  const sqs = mockClient(SQSClient);
  afterEach(() => sqs.reset());

  it('asks each queue for its approximate message count', async () => {
    sqs
      .on(GetQueueAttributesCommand, { QueueUrl: 'https://sqs/q1' })
      .resolves({ Attributes: { ApproximateNumberOfMessages: '5' } })
      .on(GetQueueAttributesCommand, { QueueUrl: 'https://sqs/q2' })
      .resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
    const watch = new SqsDeadLetterWatch(new SQSClient({ region: 'us-east-1' }), {
      'messages events': 'https://sqs/q1',
      'CRM event stream batches': 'https://sqs/q2',
    });
    expect(await watch.depths()).toEqual([
      { queue: 'messages events', waiting: 5 },
      { queue: 'CRM event stream batches', waiting: 0 },
    ]);
    expect(sqs.commandCalls(GetQueueAttributesCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: 'https://sqs/q1', AttributeNames: ['ApproximateNumberOfMessages'] },
      { QueueUrl: 'https://sqs/q2', AttributeNames: ['ApproximateNumberOfMessages'] },
    ]);
  });

  it('refuses an answer without a count rather than reading it as empty', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: 'many' } });
    const watch = new SqsDeadLetterWatch(new SQSClient({ region: 'us-east-1' }), { q: 'https://sqs/q' });
    await expect(watch.depths()).rejects.toThrow('q: no message count');
  });
});

describe('the watched queues from the environment', () => {
  const name = environmentNames.deadLetterQueues;

  it('reads a JSON object of names to queue URLs; none when unset', () => {
    expect(watchedDeadLetterQueues({ [name]: '{"messages events":"https://sqs/q1"}' })).toEqual({
      'messages events': 'https://sqs/q1',
    });
    expect(watchedDeadLetterQueues({})).toEqual({});
  });

  it('refuses a malformed value at start-up, naming the variable', () => {
    for (const value of ['not json', '["https://sqs/q1"]', '{"q":""}', '{"q":3}'])
      expect(() => watchedDeadLetterQueues({ [name]: value })).toThrow(
        `Invalid environment: ${name}: not a JSON object of queue URLs`,
      );
  });
});
