import { Logger } from '@aws-lambda-powertools/logger';
import { EventRepository } from '../../../lambdas/events';
import { newEventRecord } from '../../../lambdas/events/domain/event-record';
import type { QueueMessage } from '../../../lambdas/events/domain/queue-message';
import { createEventSweeper } from '../../../lambdas/events/sweep/service';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';

// Events recorded and never handed on (the ingest killed between its put and its send): the
// sweeper's arrival watermark must reach every one, however many and however long it was down.

jest.setTimeout(60_000);

const minute = 60_000;
const hour = 60 * minute;
const start = Date.parse('2026-12-01T09:30:00.000Z');

async function setUp(caps: { maxArrivalsPerRun: number; maxArrivalHoursPerRun: number }) {
  const events = new EventRepository(
    localDocumentClient(),
    tableNamed(await createBridgeTables(), 'EventsTable'),
  );
  const clock = { now: start };
  const sent: string[] = [];
  const sweeper = createEventSweeper({
    deps: { events, publisher: { publish: async (m: QueueMessage) => void sent.push(m.eventId) } },
    policy: { stuckAfterMinutes: 10 },
    ...caps,
    logger: new Logger({ logLevel: 'SILENT' }),
    now: () => new Date(clock.now),
  });
  /** An event recorded at `at` whose hand-on never happened. */
  const recordedOnly = (eventId: string, at: number) =>
    events.recordEventOrFind(
      newEventRecord({
        eventId,
        type: 'message.received',
        family: 'messages',
        scheme: 'legacy',
        payload: '{}',
        receivedAt: new Date(at),
        retentionDays: 90,
      }),
    );
  return { clock, sent, sweeper, recordedOnly };
}

it('hands on every unsent arrival when more arrive between two runs than one run checks', async () => {
  const { clock, sent, sweeper, recordedOnly } = await setUp({
    maxArrivalsPerRun: 3,
    maxArrivalHoursPerRun: 48,
  });
  await sweeper.sweep(); // the first run sets the watermark
  const ids = Array.from({ length: 8 }, (_, i) => `EVcap${String(i).padStart(3, '0')}`);
  for (const [i, id] of ids.entries()) await recordedOnly(id, start + minute + i * 1000);

  for (let run = 1; run <= 4; run++) {
    clock.now = start + 20 * minute + run * 5 * minute;
    await sweeper.sweep();
  }

  expect([...new Set(sent)].sort()).toEqual(ids);
});

it('hands on an unsent arrival of the third day of an outage, the runs catching up 1 h at a time', async () => {
  const { clock, sent, sweeper, recordedOnly } = await setUp({
    maxArrivalsPerRun: 100,
    maxArrivalHoursPerRun: 1,
  });
  await sweeper.sweep();
  await recordedOnly('EVearly', start + 5 * minute);
  await recordedOnly('EVlate', start + 50 * hour);
  clock.now = start + 51 * hour;

  let runs = 0;
  while (!sent.includes('EVlate') && runs++ < 100) await sweeper.sweep();

  expect(sent).toContain('EVearly');
  expect(sent).toContain('EVlate');
  // From the first run's watermark (a day's lookback before the stuck age) to 50 h after: 74 h.
  expect(runs).toBeLessThanOrEqual(75);
});

it('passes over an event it cannot read, and still hands on the arrivals after it', async () => {
  const { clock, sent, sweeper, recordedOnly } = await setUp({
    maxArrivalsPerRun: 100,
    maxArrivalHoursPerRun: 48,
  });
  await sweeper.sweep();
  await recordedOnly('EVa-first', start + minute);
  await recordedOnly('EVb-corrupt', start + minute + 1000);
  await recordedOnly('EVc-after', start + minute + 2000);
  // A corrupt item: its read fails every time.
  const repository = EventRepository.prototype;
  const getEvent = repository.getEvent;
  const spy = jest.spyOn(repository, 'getEvent').mockImplementation(async function (
    this: unknown,
    id: string,
  ) {
    if (id === 'EVb-corrupt') throw new Error('stored body inflates past 1 MiB');
    return getEvent.call(this, id);
  });
  try {
    clock.now = start + 20 * minute;
    const report = await sweeper.sweep();
    expect(report.unreadable).toBe(1);
    expect(sent.sort()).toEqual(['EVa-first', 'EVc-after']);
  } finally {
    spy.mockRestore();
  }
});

it('reads a stuck arrival once per run, though its hand-on also lists it as stuck', async () => {
  const { clock, sent, sweeper, recordedOnly } = await setUp({
    maxArrivalsPerRun: 100,
    maxArrivalHoursPerRun: 48,
  });
  await sweeper.sweep();
  await recordedOnly('EVread-once', start + minute);
  const reads = jest.spyOn(EventRepository.prototype, 'getEvent');
  try {
    clock.now = start + 20 * minute;
    await sweeper.sweep();
    expect(sent).toEqual(['EVread-once']);
    expect(reads.mock.calls.filter(([id]) => id === 'EVread-once')).toHaveLength(1);
  } finally {
    reads.mockRestore();
  }
});
