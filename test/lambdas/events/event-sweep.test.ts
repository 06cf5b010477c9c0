import { backoffAfter, decideSweep, defaultSweepPolicy } from '../../../lambdas/events/domain/event-sweep';
import { queueMessageFor, serialisedQueueMessageBytes } from '../../../lambdas/events/domain/queue-message';
import { newEventRecord } from '../../../lambdas/events/domain/event-record';

const policy = defaultSweepPolicy;
const now = new Date('2026-12-01T12:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();

describe('sweep decisions', () => {
  it('leaves a received event alone until it is older than the stuck age', () => {
    expect(decideSweep({ status: 'received', receivedAt: minutesAgo(9) }, now, policy)).toEqual({
      kind: 'not-stuck',
    });
    expect(decideSweep({ status: 'received', receivedAt: minutesAgo(11) }, now, policy)).toMatchObject({
      kind: 'redispatch',
      previous: 0,
    });
  });

  it('never touches a processed, failed or ignored event', () => {
    for (const status of ['processed', 'failed', 'ignored'] as const)
      expect(decideSweep({ status, receivedAt: minutesAgo(600) }, now, policy).kind).toBe('not-stuck');
  });

  it('backs off from the stuck age, doubling, capped at two hours', () => {
    expect([1, 2, 3, 4, 5, 12].map((n) => backoffAfter(n, policy) / 60_000)).toEqual([
      10, 20, 40, 80, 120, 120,
    ]);
    expect(
      decideSweep(
        { status: 'received', receivedAt: minutesAgo(60), redispatches: 2, nextSweepAt: minutesAgo(-5) },
        now,
        policy,
      ),
    ).toEqual({ kind: 'waiting', until: minutesAgo(-5) });
  });

  it('gives up as undeliverable after the last re-dispatch, unless OpenPhone delivers it again', () => {
    const spent = { status: 'received' as const, receivedAt: minutesAgo(2000), redispatches: 12 };
    expect(decideSweep(spent, now, policy)).toEqual({ kind: 'give-up', reason: 'undeliverable' });
    expect(decideSweep(spent, now, policy, { ignoreBackoff: true })).toMatchObject({
      kind: 'redispatch',
      previous: 12,
    });
  });
});

describe('queue message size', () => {
  const record = (payload: string) => ({
    ...newEventRecord({
      eventId: 'EVsize',
      type: 'call.transcript.completed',
      family: 'call-intelligence',
      scheme: 'legacy',
      payload,
      receivedAt: now,
      retentionDays: 90,
    }),
  });

  it('measures the message as sent: a payload of quotes under the limit raw goes by reference', () => {
    const quotes = JSON.stringify({ text: '"'.repeat(60_000) });
    expect(Buffer.byteLength(quotes)).toBeLessThan(200 * 1024);
    const message = queueMessageFor(record(quotes));
    expect(message.payload).toBeUndefined();
    expect(serialisedQueueMessageBytes(queueMessageFor(record(quotes), Infinity))).toBeGreaterThan(
      200 * 1024,
    );
  });

  it('keeps a plain payload inline', () => {
    const plain = JSON.stringify({ text: 'x'.repeat(100_000) });
    expect(queueMessageFor(record(plain)).payload).toBe(plain);
  });
});
