import type { Logger } from '@aws-lambda-powertools/logger';
import { correlated } from '../../shared/correlation';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { bridgeMetrics } from '../../shared/metrics';
import type { EventRecord } from '../domain/event-record';
import { decideSweep, defaultSweepPolicy, stuckBefore, type SweepPolicy } from '../domain/event-sweep';
import { eventFamilies } from '../domain/event-types';
import { queueMessageFor } from '../domain/queue-message';
import type { EventRepository } from '../adapters/event-repository';
import type { QueuePublisher } from '../adapters/queue-publisher';
import type { DeadLetterWatch } from '../adapters/dead-letter-watch';

export interface SweeperDeps {
  events: Pick<
    EventRepository,
    | 'getEvent'
    | 'listReceivedBefore'
    | 'listArrivedBetween'
    | 'arrivalsSweptUntil'
    | 'recordArrivalsSweptUntil'
    | 'recordRedispatch'
    | 'markUndeliverable'
    | 'recordEventOrFind'
    | 'listFailedBefore'
    | 'erasePayload'
  >;
  publisher: QueuePublisher;
  /** Every dead-letter queue of the stack: what waits in them is counted in `DeadLettersWaiting` each run. */
  deadLetters?: DeadLetterWatch;
}

export interface SweeperOptions {
  deps: SweeperDeps;
  policy?: Partial<SweepPolicy>;
  /**
   * The stage's `retention.activitiesDays`: a failed event (open, so it never expires) loses its
   * raw body once it has been failed that long. @default undefined: bodies are kept
   */
  bodyRetentionDays?: number;
  /** Events examined per family per run, so a run ends inside its Lambda timeout. @default 200 */
  maxEventsPerFamily?: number;
  /** New arrivals checked per run (one read each); the rest wait for the next run. @default 2000 */
  maxArrivalsPerRun?: number;
  /** Hours of arrivals one run looks through (one query each), catching up after an outage. @default 48 */
  maxArrivalHoursPerRun?: number;
  logger: Logger;
  /** Counts EventsRedispatched, EventsUndeliverable and, while dead letters wait, DeadLettersWaiting. */
  metrics?: Metrics;
  now?: () => Date;
}

export interface SweepReport {
  /** Still-received events older than the stuck age that were looked at. */
  examined: number;
  redispatched: number;
  undeliverable: number;
  /** In their backoff, or changed by someone else meanwhile. */
  waiting: number;
  /** Re-dispatches SQS refused: tried again at the next sweep. */
  sendFailures: number;
  /** Failed events whose raw body the retention blanked. */
  bodiesExpired: number;
  /** Events that could not be read or handed on (logged with their id): passed over, not retried by this run. */
  unreadable: number;
  /** Messages waiting in the watched dead-letter queues; null when they could not be read (counted as one waiting). */
  deadLetters: number | null;
}

/** How far back the first run looks for arrivals (older open events are listed in byStatus). */
const firstRunLookbackMs = 24 * 3_600_000;

export type RedispatchOutcome = 'redispatched' | 'not-stuck' | 'waiting' | 'undeliverable' | 'send-failed';

/**
 * The sweeper: hands each event still `received` past the stuck age to its family queue again
 * (processors skip what is already processed, so a second copy changes nothing), recording each
 * try and its backoff on the event with a conditional update, and fails it as `undeliverable`
 * after the last try. Also what the ingest calls when OpenPhone delivers a stuck event again.
 */
export function createEventSweeper(options: SweeperOptions) {
  const { deps, logger } = options;
  const policy: SweepPolicy = { ...defaultSweepPolicy, ...options.policy };
  const now = options.now ?? (() => new Date());
  const limit = options.maxEventsPerFamily ?? 200;
  const arrivalLimit = options.maxArrivalsPerRun ?? 2000;
  const arrivalSpanMs = (options.maxArrivalHoursPerRun ?? 48) * 3_600_000;
  const count = (metric: string) => options.metrics?.addMetric(metric, MetricUnit.Count, 1);

  async function handOn(record: EventRecord, ignoreBackoff: boolean): Promise<RedispatchOutcome> {
    const at = now();
    const decision = decideSweep(record, at, policy, { ignoreBackoff });
    if (decision.kind === 'not-stuck') return 'not-stuck';
    if (decision.kind === 'waiting') return 'waiting';
    if (decision.kind === 'give-up') {
      if (
        (await deps.events.markUndeliverable(record.eventId, {
          family: record.family!,
          reason: decision.reason,
          at,
        })) === 'stale'
      )
        return 'waiting';
      count(bridgeMetrics.sweep.undeliverable);
      correlated(logger, record.eventId).error('event undeliverable: failed after every re-dispatch', {
        eventId: record.eventId,
        eventType: record.type,
        redispatches: record.redispatches ?? 0,
      });
      return 'undeliverable';
    }
    // Count the try first: two sweeps (or a sweep and a redelivery) never both hand it on.
    const claimed = await deps.events.recordRedispatch(record.eventId, {
      previous: decision.previous,
      nextSweepAt: decision.nextSweepAt,
      family: record.family!,
      receivedAt: record.receivedAt,
    });
    if (claimed === 'stale') return 'waiting';
    try {
      await deps.publisher.publish(queueMessageFor(record));
    } catch (error) {
      correlated(logger, record.eventId).warn('re-dispatch refused, tried again at the next sweep', {
        eventId: record.eventId,
        error: error as Error,
      });
      return 'send-failed';
    }
    count(bridgeMetrics.sweep.redispatched);
    correlated(logger, record.eventId).warn('stuck event re-dispatched', {
      eventId: record.eventId,
      eventType: record.type,
      family: record.family,
      redispatch: decision.previous + 1,
      receivedAt: record.receivedAt,
    });
    return 'redispatched';
  }

  /** Retention: blanks the bodies of events failed longer than the stage keeps personal data. */
  async function expireFailedBodies(): Promise<number> {
    if (options.bodyRetentionDays === undefined) return 0;
    const at = now();
    const failedBefore = new Date(at.getTime() - options.bodyRetentionDays * 86_400_000);
    let expired = 0;
    for (const family of eventFamilies)
      for (const eventId of await deps.events.listFailedBefore(family, failedBefore, limit))
        if (await deps.events.erasePayload(eventId, at.toISOString())) expired++;
    return expired;
  }

  /**
   * Counts what waits in every dead-letter queue into the one metric the `DeadLetters` alarm
   * reads, at every run while something waits (so the alarm stays up until it is replayed or
   * deleted). A watch that cannot read counts too: dead letters never wait unseen.
   */
  async function countDeadLetters(): Promise<number | null> {
    if (!deps.deadLetters) return 0;
    // Published at once: a run that then times out never reaches the end-of-invocation flush.
    const attention = (n: number) =>
      options.metrics
        ?.singleMetric()
        .addMetric(bridgeMetrics.attention.deadLettersWaiting, MetricUnit.Count, n);
    try {
      const waiting = (await deps.deadLetters.depths()).filter((d) => d.waiting > 0);
      const total = waiting.reduce((sum, d) => sum + d.waiting, 0);
      if (total > 0) {
        attention(total);
        logger.warn('messages wait in dead-letter queues (README "Runbook": inspect and replay)', {
          deadLetters: Object.fromEntries(waiting.map((d) => [d.queue, d.waiting])),
        });
      }
      return total;
    } catch (error) {
      attention(1);
      logger.error('dead-letter queues not read: counted as waiting', { error: error as Error });
      return null;
    }
  }

  const redispatchIfStuck = (record: EventRecord): Promise<RedispatchOutcome> =>
    record.family ? handOn(record, true) : Promise.resolve('not-stuck');

  return {
    policy,

    /** One scheduled run over every family's received events older than the stuck age. */
    async sweep(): Promise<SweepReport> {
      const report: SweepReport = {
        examined: 0,
        redispatched: 0,
        undeliverable: 0,
        waiting: 0,
        sendFailures: 0,
        bodiesExpired: 0,
        unreadable: 0,
        // First: a sweep that fails on the events table still counts what waits in the queues.
        deadLetters: await countDeadLetters(),
      };
      const before = stuckBefore(now(), policy);
      const examined = new Set<string>();
      const examine = async (record: EventRecord | undefined) => {
        if (!record?.family || record.status !== 'received' || examined.has(record.eventId)) return;
        examined.add(record.eventId);
        report.examined++;
        const outcome = await handOn(record, false);
        if (outcome === 'redispatched') report.redispatched++;
        else if (outcome === 'undeliverable') report.undeliverable++;
        else if (outcome === 'send-failed') report.sendFailures++;
        else if (outcome === 'waiting') report.waiting++;
      };
      // One event that cannot be read (a corrupt item) must not hold back the watermark and every
      // event after it: it is logged with its id and passed over.
      const examineById = async (eventId: string) => {
        // An arrival handed on this run is listed in byStatus too: not read a second time.
        if (examined.has(eventId)) return;
        try {
          await examine(await deps.events.getEvent(eventId));
        } catch (error) {
          report.unreadable++;
          correlated(logger, eventId).error('stuck event not examined', { eventId, error: error as Error });
        }
      };
      // Arrivals that reached the stuck age since the last run: one still received is listed by its hand-on.
      const sweptUntil = await deps.events.arrivalsSweptUntil();
      const from = sweptUntil ? new Date(sweptUntil) : new Date(before.getTime() - firstRunLookbackMs);
      const until = new Date(Math.min(before.getTime(), from.getTime() + arrivalSpanMs));
      const arrivals = await deps.events.listArrivedBetween(from, until, arrivalLimit);
      for (const arrival of arrivals) await examineById(arrival.eventId);
      await deps.events.recordArrivalsSweptUntil(
        arrivals.length >= arrivalLimit ? arrivals.at(-1)!.receivedAt : until.toISOString(),
      );
      // Events found stuck before (and any recorded before the byArrival index) are listed in byStatus.
      for (const family of eventFamilies)
        for (const eventId of await deps.events.listReceivedBefore(family, before, limit))
          await examineById(eventId);
      report.bodiesExpired = await expireFailedBodies();
      return report;
    },

    /**
     * An event OpenPhone delivered again: if it is still `received` past the stuck age, hand it on
     * now (whatever its backoff); a fresh duplicate changes nothing.
     */
    redispatchIfStuck,

    /**
     * The ingest's conditional put, then the hand-on of a newly recorded event to its family queue
     * (the outbox relay: no stream, no dispatch Lambda), or the re-dispatch of a stuck event its
     * duplicate finds. A failure to hand it on never fails the delivery: the event is recorded,
     * `received` and filed by arrival, so the sweeper hands it on once it reaches the stuck age.
     */
    async recordEventOnce(record: EventRecord): Promise<'recorded' | 'duplicate'> {
      const result = await deps.events.recordEventOrFind(record);
      if (result.outcome === 'recorded' && record.status === 'received' && record.family) {
        try {
          await deps.publisher.publish(queueMessageFor(record));
          correlated(logger, record.eventId).debug('event dispatched', {
            eventId: record.eventId,
            eventType: record.type,
            family: record.family,
          });
        } catch (error) {
          count(bridgeMetrics.ingest.notHandedOn);
          correlated(logger, record.eventId).warn('event recorded, not handed on: the sweeper will', {
            eventId: record.eventId,
            error: error as Error,
          });
        }
      }
      if (result.outcome === 'duplicate' && result.existing?.status === 'received') {
        try {
          await redispatchIfStuck(result.existing);
        } catch (error) {
          correlated(logger, record.eventId).warn('stuck event not re-dispatched on redelivery', {
            eventId: record.eventId,
            error: error as Error,
          });
        }
      }
      return result.outcome;
    },
  };
}
export type EventSweeper = ReturnType<typeof createEventSweeper>;
