import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { newEventRecord, type EventRecord } from '../../../lambdas/events/domain/event-record';
import type { EventOutcome } from '../../../lambdas/events/domain/event-processing';
import { queueMessageFor } from '../../../lambdas/events/domain/queue-message';
import type { FailureMark } from '../../../lambdas/events/adapters/event-repository';
import { createProcessEventsHandler, type ProcessorDeps } from '../../../lambdas/events/process/service';
import { contactNumber, legacyEvent, messageObject } from '../../support/openphone-payloads';

/** Every line the logger writes, whatever the stream. */
function capturedLogs(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }),
  );
  return { lines, restore: () => spies.forEach((s) => s.mockRestore()) };
}

function fakePorts(records: EventRecord[], crmFailure?: Error) {
  const stored = new Map(records.map((r) => [r.eventId, { ...r }]));
  const failures: { eventId: string; failure: FailureMark }[] = [];
  const ports: ProcessorDeps = {
    events: {
      getEvent: async (id) => stored.get(id),
      markProcessed: async (id, _at, objectId) =>
        void Object.assign(stored.get(id)!, { status: 'processed', objectId }),
      erasePayload: async (id, at) => !!Object.assign(stored.get(id)!, { payload: '', payloadErasedAt: at }),
      markFailed: async (id, failure) => {
        failures.push({ eventId: id, failure });
        Object.assign(stored.get(id)!, {
          status: 'failed',
          ...(failure.objectId ? { objectId: failure.objectId } : {}),
        });
        return 'marked';
      },
    },
    activities: {
      upsertActivity: async () => {
        if (crmFailure) throw crmFailure;
        return { outcome: 'applied', appliedAspects: ['status'], staleAspects: [], listsEvent: true };
      },
    },
    contacts: {
      upsertContact: async () => ({ outcome: 'applied' }),
      markContactDeleted: async () => ({ outcome: 'applied' }),
    },
    suppressions: { applyConsentChange: async () => ({ outcome: 'applied' }) },
    deliveryHealth: {
      recordDeliveryOutcome: async () => {
        throw new Error('not expected');
      },
    },
    archiveQueue: { enqueue: async () => undefined },
    campaigns: {
      recordDelivery: async () => ({ kind: 'not-a-campaign-message' }),
      sendsTo: async () => [],
      recordResponse: async () => false,
    },
  };
  return { ports, stored, failures };
}

function recordOf(text: string, id = 'EVunit1'): EventRecord {
  return newEventRecord({
    eventId: id,
    type: 'message.received',
    family: 'messages',
    scheme: 'legacy',
    payload: JSON.stringify(
      legacyEvent('message.received', messageObject({ text }), '2026-11-20T10:00:01.000Z', { id }),
    ),
    receivedAt: new Date('2026-11-20T10:00:02.000Z'),
    retentionDays: 90,
  });
}

const sqsRecord = (record: EventRecord, receiveCount = 1): SQSRecord =>
  ({
    messageId: `m-${record.eventId}`,
    body: JSON.stringify(queueMessageFor(record)),
    attributes: { ApproximateReceiveCount: String(receiveCount) },
  }) as unknown as SQSRecord;

describe('the processor handler', () => {
  it('logs a STOP and a throttled write without the message text or the full phone number', async () => {
    const stop = recordOf('STOP', 'EVstop');
    const logs = capturedLogs();
    try {
      const logger = new Logger({ logLevel: 'DEBUG', serviceName: 'test' });
      const ok = fakePorts([stop]);
      await createProcessEventsHandler({ family: 'messages', deps: ok.ports, logger })({
        Records: [sqsRecord(stop)],
      });
      const secret = recordOf('my very private words', 'EVsecret');
      const throttled = fakePorts(
        [secret],
        Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
      );
      await createProcessEventsHandler({ family: 'messages', deps: throttled.ports, logger })({
        Records: [sqsRecord(secret, 3)],
      });
      expect(throttled.failures).toEqual([
        {
          eventId: 'EVsecret',
          failure: expect.objectContaining({ reason: 'transient: ThrottlingException', attempts: 3 }),
        },
      ]);
    } finally {
      logs.restore();
    }
    const output = logs.lines.join('');
    expect(output).toContain('consent keyword applied');
    expect(output).toContain(`…${contactNumber.slice(-4)}`);
    expect(output).not.toContain(contactNumber);
    expect(output).not.toContain('private words');
  });

  it('reports only the transient failure to SQS, and still reports it when marking the event fails too', async () => {
    const record = recordOf('hello', 'EVboth');
    const { ports } = fakePorts([record], Object.assign(new Error('x'), { name: 'InternalServerError' }));
    ports.events.markFailed = async () => {
      throw new Error('events table down');
    };
    const outcomes: EventOutcome[] = [];
    const metrics = new Metrics({ namespace: 'Test' });
    const counted = jest.spyOn(metrics, 'addMetric');
    const response = await createProcessEventsHandler({
      family: 'messages',
      deps: ports,
      metrics,
      logger: new Logger({ logLevel: 'SILENT' }),
      onOutcome: (_message, outcome) => outcomes.push(outcome),
    })({ Records: [sqsRecord(record, 2)] });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-EVboth' }]);
    expect(outcomes).toEqual([{ status: 'retrying', reason: 'transient: InternalServerError', attempts: 2 }]);
    expect(counted.mock.calls).toEqual([['EventsRetried', 'Count', 1]]);
  });

  it('counts a rejected event once, the one metric the alarm reads', async () => {
    const record = { ...recordOf('hello', 'EVbad'), payload: JSON.stringify({ not: 'a webhook' }) };
    const { ports } = fakePorts([record]);
    const metrics = new Metrics({ namespace: 'Test' });
    const counted = jest.spyOn(metrics, 'addMetric');
    const single = jest.spyOn(metrics, 'singleMetric');
    await createProcessEventsHandler({
      family: 'messages',
      deps: ports,
      metrics,
      logger: new Logger({ logLevel: 'SILENT' }),
    })({ Records: [sqsRecord(record)] });
    expect(counted.mock.calls).toEqual([['EventsRejected', 'Count', 1]]);
    expect(single).not.toHaveBeenCalled();
  });

  it('files the event under its message when a CRM write fails, so an erase finds it even when it failed', async () => {
    const record = recordOf('hello', 'EVfiled');
    const { ports, stored } = fakePorts(
      [record],
      Object.assign(new Error('x'), { name: 'InternalServerError' }),
    );
    await createProcessEventsHandler({
      family: 'messages',
      deps: ports,
      logger: new Logger({ logLevel: 'SILENT' }),
    })({
      Records: [sqsRecord(record)],
    });
    expect(stored.get('EVfiled')).toMatchObject({ status: 'failed', objectId: 'ACmsg0001' });
  });

  it('closes an event its activity lists without filing it under its object; a stale one, which no write listed, is filed', async () => {
    const listed = recordOf('hello', 'EVlisted');
    const stale = recordOf('hello again', 'EVstale');
    const { ports, stored } = fakePorts([listed, stale]);
    ports.activities.upsertActivity = async (_update, _time, eventId) => ({
      outcome: eventId === 'EVstale' ? 'stale' : 'applied',
      appliedAspects: [],
      staleAspects: [],
      listsEvent: eventId !== 'EVstale',
    });
    await createProcessEventsHandler({
      family: 'messages',
      deps: ports,
      logger: new Logger({ logLevel: 'SILENT' }),
    })({
      Records: [sqsRecord(listed), sqsRecord(stale)],
    });
    expect(stored.get('EVlisted')).toMatchObject({ status: 'processed', objectId: undefined });
    expect(stored.get('EVstale')).toMatchObject({ status: 'processed', objectId: 'ACmsg0001' });
  });

  it('blanks the body of an event whose person was erased since: nothing of it is written or kept', async () => {
    const record = recordOf('hello', 'EVerased');
    const { ports, stored } = fakePorts([record]);
    ports.activities.upsertActivity = async () => ({
      outcome: 'erased',
      appliedAspects: [],
      staleAspects: [],
      listsEvent: false,
    });
    await createProcessEventsHandler({
      family: 'messages',
      deps: ports,
      logger: new Logger({ logLevel: 'SILENT' }),
    })({
      Records: [sqsRecord(record)],
    });
    expect(stored.get('EVerased')).toMatchObject({ status: 'processed', payload: '' });
  });
});
