import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { QueuePublisher } from '../../../lambdas/events/adapters/queue-publisher';
import { buildLocalIngest } from '../../../local/local-pipeline';
import { webhookRequestEvent } from '../../support/api-gateway';
import { bridgeTemplate, createBridgeTables } from '../../support/dynamo';
import { legacyEvent } from '../../support/events';
import { legacySignatureHeader, newLegacyKey } from '../../support/signers';

const key = newLegacyKey();

async function localIngest(publisher?: (inner: QueuePublisher) => QueuePublisher, now?: () => Date) {
  const tableNames = await createBridgeTables();
  return buildLocalIngest({
    template: bridgeTemplate(),
    tableNames,
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT!,
    signingKeys: [key],
    ...(publisher ? { publisher } : {}),
    ...(now ? { now } : {}),
  });
}

function signedDelivery(event = legacyEvent()) {
  const body = JSON.stringify(event);
  return {
    body,
    request: webhookRequestEvent(body, { 'openphone-signature': legacySignatureHeader(body, key) }),
  };
}

const failingTimes = (times: number) => (inner: QueuePublisher) => {
  let failures = 0;
  return {
    publish: async (message: Parameters<QueuePublisher['publish']>[0]) => {
      if (failures < times) {
        failures += 1;
        throw new Error('SQS refused the send (injected)');
      }
      return inner.publish(message);
    },
  };
};

describe('once the ingest recorded an event, it reaches its queue', () => {
  it('20 concurrent deliveries of one event make one record and one queue message', async () => {
    const local = await localIngest();
    const { request } = signedDelivery(legacyEvent({ id: 'EVconcurrent' }));
    const responses = await Promise.all(Array.from({ length: 20 }, () => local.ingest(request)));
    expect(responses.filter((r) => r.statusCode === 202)).toHaveLength(1);
    expect(responses.filter((r) => r.statusCode === 200)).toHaveLength(19);
    expect(local.queues.messages.depth).toBe(1);
    expect(await local.events.getEvent('EVconcurrent')).toMatchObject({ status: 'received' });
  });

  it('an SQS send that fails once is answered 202 and handed on by the sweeper once stuck, once', async () => {
    const clock = { now: Date.now() };
    const local = await localIngest(failingTimes(1), () => new Date(clock.now));
    const { request } = signedDelivery(legacyEvent({ id: 'EVfailonce' }));
    expect((await local.ingest(request)).statusCode).toBe(202);
    expect(local.queues.messages.depth).toBe(0);
    clock.now += 11 * 60_000;
    expect(await local.sweeper.sweep()).toMatchObject({ examined: 1, redispatched: 1 });
    expect(await local.sweeper.sweep()).toMatchObject({ redispatched: 0 });
    expect(local.queues.messages.depth).toBe(1);
  });

  it('an SQS send that always fails leaves the event open, with its payload, listed once the sweeper finds it stuck', async () => {
    const clock = { now: Date.now() };
    const local = await localIngest(failingTimes(Infinity), () => new Date(clock.now));
    const { body, request } = signedDelivery(legacyEvent({ id: 'EVfailalways' }));
    expect((await local.ingest(request)).statusCode).toBe(202);
    expect(local.queues.messages.depth).toBe(0);
    clock.now += 11 * 60_000;
    expect(await local.sweeper.sweep()).toMatchObject({ examined: 1, sendFailures: 1 });
    const open = await local.events.listEvents('received', 'messages');
    expect(open.events.map((e) => e.eventId)).toEqual(['EVfailalways']);
    expect((await local.events.getEvent('EVfailalways'))?.payload).toBe(body);
  });

  it('a function killed between the put and the send still gets its event to the queue, and the retry is a duplicate', async () => {
    const clock = { now: Date.now() };
    const local = await localIngest(undefined, () => new Date(clock.now));
    const { body } = signedDelivery(legacyEvent({ id: 'EVkilled' }));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, '../../support/ingest-then-die.ts')],
      {
        env: { ...process.env, EVENTS_TABLE: local.eventsTable, SIGNING_KEY: key, BODY: body },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, s) => resolve(s)),
    );
    expect({ signal, stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });

    // OpenPhone saw no answer, so it delivers again: the record is there, so it is a duplicate.
    const retry = await local.ingest(
      webhookRequestEvent(body, { 'openphone-signature': legacySignatureHeader(body, key) }),
    );
    expect(retry.statusCode).toBe(200);
    expect(local.queues.messages.depth).toBe(0);
    // The record is filed by arrival: once stuck, the sweeper hands it on.
    clock.now += 11 * 60_000;
    expect(await local.sweeper.sweep()).toMatchObject({ examined: 1, redispatched: 1 });
    expect(local.queues.messages.depth).toBe(1);
  });
});
