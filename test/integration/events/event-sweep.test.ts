import { Logger } from '@aws-lambda-powertools/logger';
import type { QueuePublisher } from '../../../lambdas/events/adapters/queue-publisher';
import { queueMessage, type QueueMessage } from '../../../lambdas/events/domain/queue-message';
import { buildLocalIngest } from '../../../local/local-pipeline';
import { buildLocalProcessing } from '../../../local/local-processing';
import { startLocalS3, type RunningLocalS3 } from '../../../local/s3-local';
import { webhookRequestEvent } from '../../support/api-gateway';
import { bridgeTemplate, createBridgeTables } from '../../support/dynamo';
import { legacyEvent } from '../../support/events';
import { legacySignatureHeader, newLegacyKey } from '../../support/signers';

jest.setTimeout(60_000);

const bucket = 'media-sweep-test';
const silent = new Logger({ logLevel: 'SILENT' });
const key = newLegacyKey();
let s3: RunningLocalS3;
beforeAll(async () => {
  s3 = await startLocalS3([bucket]);
});
afterAll(() => s3.stop());

const minutes = (n: number) => n * 60_000;

/** An SQS that refuses every send while `refusing`, as during an outage of the family queues. */
function switchableQueue() {
  const state = { refusing: false, refused: 0, sent: [] as string[] };
  const wrap = (inner: QueuePublisher): QueuePublisher => ({
    publish: async (message: QueueMessage) => {
      if (state.refusing) {
        state.refused++;
        throw new Error('SQS refused the send (injected)');
      }
      state.sent.push(JSON.stringify(message)); // the body SQS is sent
      return inner.publish(message);
    },
  });
  return { state, wrap };
}

async function setUp(policy: { maxRedispatches?: number } = {}) {
  const clock = { now: Date.now() };
  const sqs = switchableQueue();
  const tableNames = await createBridgeTables();
  const ingest = buildLocalIngest({
    template: bridgeTemplate(),
    tableNames,
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT!,
    signingKeys: [key],
    publisher: sqs.wrap,
    logger: silent,
    now: () => new Date(clock.now),
    sweepPolicy: { stuckAfterMinutes: 10, ...policy },
  });
  const processing = buildLocalProcessing({
    template: bridgeTemplate(),
    tableNames,
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT!,
    familyQueues: ingest.queues,
    s3: s3.client(),
    mediaBucket: bucket,
    logger: silent,
  });
  /** A delivery signed at the (test) clock's time, as OpenPhone would sign it then. */
  const deliver = (body: string) =>
    ingest.ingest(
      webhookRequestEvent(body, { 'openphone-signature': legacySignatureHeader(body, key, clock.now) }),
    );
  const processMessages = () => ingest.queues.messages.pollOnce(processing.processors.messages);
  return { clock, sqs, ingest, processing, deliver, processMessages };
}

describe('no event left behind', () => {
  it('an event the ingest could not hand to its queue is re-dispatched by the sweeper and ends processed', async () => {
    const { clock, sqs, ingest, deliver, processMessages } = await setUp();
    const body = JSON.stringify(legacyEvent({ id: 'EVstuckstream' }));
    sqs.state.refusing = true;
    expect((await deliver(body)).statusCode).toBe(202); // recorded: the sweeper will hand it on
    expect(ingest.queues.messages.depth).toBe(0);

    sqs.state.refusing = false;
    // Before the stuck age the sweeper leaves it alone.
    expect(await ingest.sweeper.sweep()).toMatchObject({ examined: 0, redispatched: 0 });
    clock.now += minutes(11);
    expect(await ingest.sweeper.sweep()).toMatchObject({ examined: 1, redispatched: 1 });
    expect(ingest.queues.messages.depth).toBe(1);
    await processMessages();
    const record = await ingest.events.getEvent('EVstuckstream');
    expect(record).toMatchObject({ status: 'processed', redispatches: 1 });
    expect(await ingest.events.countEvents('received', 'messages')).toBe(0);
  });

  it('a second copy changes nothing: a re-dispatch of an event processed meanwhile is skipped as a duplicate', async () => {
    const { clock, ingest, deliver, processMessages, processing } = await setUp();
    const body = JSON.stringify(legacyEvent({ id: 'EVslowqueue' }));
    await deliver(body);
    clock.now += minutes(11);
    // The queue is slow, not broken: the sweeper hands on a second copy before the first is processed.
    expect(await ingest.sweeper.sweep()).toMatchObject({ redispatched: 1 });
    expect(ingest.queues.messages.depth).toBe(2);
    const before = await processing.events.getEvent('EVslowqueue');
    await processMessages();
    const after = await processing.events.getEvent('EVslowqueue');
    expect(after?.status).toBe('processed');
    expect(before?.status).toBe('received');
    // And a later sweep finds nothing: processed events leave the received partition.
    clock.now += minutes(30);
    expect(await ingest.sweeper.sweep()).toMatchObject({ examined: 0 });
  });

  it('a processor killed between the CRM writes and the close leaves the event received; the sweeper finds it by arrival and it ends processed once', async () => {
    const { clock, ingest, deliver, processMessages, processing } = await setUp();
    const body = JSON.stringify(legacyEvent({ id: 'EVkilledmidway' }));
    expect((await deliver(body)).statusCode).toBe(202);
    // The function dies after its CRM writes: neither the close nor the failure mark is written.
    const { markProcessed, markFailed } = processing.events;
    const killed = () => Promise.reject(new Error('function killed (injected)'));
    processing.events.markProcessed = killed;
    processing.events.markFailed = killed;
    await processMessages();
    processing.events.markProcessed = markProcessed;
    processing.events.markFailed = markFailed;
    expect(await ingest.events.getEvent('EVkilledmidway')).toMatchObject({ status: 'received' });
    expect(await ingest.events.countEvents('received', 'messages')).toBe(0); // on its way: not listed

    clock.now += minutes(11);
    expect(await ingest.sweeper.sweep()).toMatchObject({ examined: 1, redispatched: 1 });
    expect(await ingest.events.countEvents('received', 'messages')).toBe(1); // stuck: listed
    await processMessages();
    expect(await ingest.events.getEvent('EVkilledmidway')).toMatchObject({ status: 'processed' });
    expect(await ingest.events.countEvents('received', 'messages')).toBe(0);
    clock.now += minutes(30);
    expect(await ingest.sweeper.sweep()).toMatchObject({ examined: 0 });
  });

  it('a redelivery of an event stuck in received re-dispatches it and still answers 200 duplicate', async () => {
    const { clock, sqs, ingest, deliver } = await setUp();
    const body = JSON.stringify(legacyEvent({ id: 'EVredelivered' }));
    sqs.state.refusing = true;
    await deliver(body);
    sqs.state.refusing = false;
    expect(ingest.queues.messages.depth).toBe(0);

    clock.now += minutes(12);
    const retry = await deliver(body);
    expect(retry.statusCode).toBe(200);
    expect(JSON.parse(retry.body as string)).toMatchObject({ status: 'duplicate' });
    expect(ingest.queues.messages.depth).toBe(1);
    expect(await ingest.events.getEvent('EVredelivered')).toMatchObject({
      status: 'received',
      redispatches: 1,
    });
  });

  it('a fresh duplicate re-dispatches nothing (the dispatcher has it)', async () => {
    const { ingest, deliver } = await setUp();
    const body = JSON.stringify(legacyEvent({ id: 'EVfreshdup' }));
    await deliver(body);
    expect((await deliver(body)).statusCode).toBe(200);
    expect(ingest.queues.messages.depth).toBe(1);
    expect((await ingest.events.getEvent('EVfreshdup'))?.redispatches).toBeUndefined();
  });

  it('an open event past its old TTL date still has no expiresAt; processing it starts its TTL', async () => {
    const { clock, sqs, ingest, deliver, processMessages } = await setUp();
    sqs.state.refusing = true;
    await deliver(JSON.stringify(legacyEvent({ id: 'EVlongopen' })));
    clock.now += minutes(11);
    await ingest.sweeper.sweep(); // found stuck (the send refused): listed in byStatus from now on
    clock.now += minutes(91 * 24 * 60); // past the 90-day retention an arrival-time TTL would have had
    expect((await ingest.events.getEvent('EVlongopen'))?.expiresAt).toBeUndefined();
    sqs.state.refusing = false;
    await ingest.sweeper.sweep();
    expect((await ingest.events.getEvent('EVlongopen'))?.expiresAt).toBeUndefined();
    const processedAt = Date.now();
    await processMessages();
    const closed = await ingest.events.getEvent('EVlongopen');
    expect(closed?.status).toBe('processed');
    expect(closed!.expiresAt! * 1000 - processedAt).toBeGreaterThan(minutes(89 * 24 * 60));
  });

  it('an unknown event type is kept as ignored, without a TTL, listed until a re-drive', async () => {
    const { ingest, deliver } = await setUp();
    await deliver(JSON.stringify(legacyEvent({ id: 'EVignored', type: 'conversation.archived' })));
    const record = await ingest.events.getEvent('EVignored');
    expect(record?.status).toBe('ignored');
    expect(record?.expiresAt).toBeUndefined();
    expect((await ingest.events.listEvents('ignored', undefined)).events.map((e) => e.eventId)).toContain(
      'EVignored',
    );
  });

  it('after every re-dispatch was refused, the event is failed as undeliverable and listed for a re-drive', async () => {
    const { clock, sqs, ingest, deliver } = await setUp({ maxRedispatches: 3 });
    sqs.state.refusing = true;
    await deliver(JSON.stringify(legacyEvent({ id: 'EVundeliverable' })));
    const reports = [];
    for (let sweep = 0; sweep < 5; sweep++) {
      clock.now += minutes(125); // past any backoff
      reports.push(await ingest.sweeper.sweep());
    }
    expect(reports.map((r) => [r.sendFailures, r.undeliverable])).toEqual([
      [1, 0],
      [1, 0],
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
    const record = await ingest.events.getEvent('EVundeliverable');
    expect(record).toMatchObject({ status: 'failed', failureReason: 'undeliverable', redispatches: 3 });
    expect(record?.expiresAt).toBeUndefined();
    const failed = await ingest.events.listEvents('failed', 'messages');
    expect(failed.events.map((e) => e.eventId)).toEqual(['EVundeliverable']);
  });

  it('backs off between re-dispatches and two sweeps at once hand an event on once', async () => {
    const { clock, ingest, deliver } = await setUp();
    const body = JSON.stringify(legacyEvent({ id: 'EVbackoff' }));
    await deliver(body);
    clock.now += minutes(11);
    const [a, b] = await Promise.all([ingest.sweeper.sweep(), ingest.sweeper.sweep()]);
    expect(a.redispatched + b.redispatched).toBe(1);
    expect(ingest.queues.messages.depth).toBe(2); // the dispatcher's copy and one re-dispatch
    clock.now += minutes(5); // inside the first backoff (10 minutes)
    expect(await ingest.sweeper.sweep()).toMatchObject({ redispatched: 0, waiting: 1 });
    clock.now += minutes(6);
    expect(await ingest.sweeper.sweep()).toMatchObject({ redispatched: 1 });
  });

  it('a near-limit payload full of quotes goes to the queue by reference and is processed from the table', async () => {
    const { sqs, ingest, deliver, processMessages } = await setUp();
    const event = legacyEvent({ id: 'EVquotes' });
    (event.data.object as { text: string }).text = '"'.repeat(95_000);
    const body = JSON.stringify(event);
    expect(Buffer.byteLength(body)).toBeLessThan(200 * 1024); // the raw payload alone looks small enough
    expect((await deliver(body)).statusCode).toBe(202);
    const [sent] = sqs.state.sent;
    expect(Buffer.byteLength(sent!)).toBeLessThan(256 * 1024);
    expect(queueMessage.parse(JSON.parse(sent!)).payload).toBeUndefined();
    await processMessages();
    expect((await ingest.events.getEvent('EVquotes'))?.status).toBe('processed');
  });
});
