import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { OpenPhoneClient } from '../../../lambdas/openphone/adapters/openphone-client';
import {
  countThrottledResponses,
  meteredRateLimiter,
} from '../../../lambdas/openphone/adapters/openphone-metrics';
import { bridgeMetrics } from '../../../lambdas/shared/metrics';
import type { Lane } from '../../../lambdas/openphone/domain/token-bucket';
import type { Grant } from '../../../lambdas/openphone/adapters/rate-limiter';

/** A Powertools Metrics whose additions are recorded in order (nothing is flushed). */
function recordedMetrics() {
  const metrics = new Metrics({ namespace: 'test', serviceName: 'test' });
  return { metrics, added: jest.spyOn(metrics, 'addMetric').mockReturnThis().mock.calls };
}

/** A fetch that answers each request with the next status, `{ data: [] }` bodies. */
function answering(...statuses: number[]): typeof fetch {
  return async () => {
    const status = statuses.shift() ?? 200;
    return new Response(JSON.stringify(status === 200 ? { data: [] } : { message: 'slow down' }), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  };
}

/**
 * The metrics of acquires through the metered limiter, one per entry of `tookMs`: a fake limiter
 * whose acquire takes that long and answers the next of `grants`.
 */
async function meteredAcquires(tookMs: number[], grants: Grant[] = []) {
  const { metrics, added } = recordedMetrics();
  let now = 1_000;
  const limiter = meteredRateLimiter(
    { acquire: async (_lane: Lane) => ((now += tookMs.shift()!), grants.shift()) },
    metrics,
    () => now,
  );
  while (tookMs.length) await limiter.acquire('campaign');
  return added;
}

describe('OpenPhone metrics', () => {
  it('counts a call and the time waited for each token the limiter grants', async () => {
    expect(await meteredAcquires([250, 250])).toEqual([
      [bridgeMetrics.openPhone.apiCalls, MetricUnit.Count, 1],
      [bridgeMetrics.openPhone.tokenWaitMs, MetricUnit.Milliseconds, 250],
      [bridgeMetrics.openPhone.apiCalls, MetricUnit.Count, 1],
      [bridgeMetrics.openPhone.tokenWaitMs, MetricUnit.Milliseconds, 250],
    ]);
  });

  it('counts a call that took its token at once, without a token wait', async () => {
    expect(await meteredAcquires([0, 1])).toEqual([
      [bridgeMetrics.openPhone.apiCalls, MetricUnit.Count, 1],
      [bridgeMetrics.openPhone.apiCalls, MetricUnit.Count, 1],
      [bridgeMetrics.openPhone.tokenWaitMs, MetricUnit.Milliseconds, 1],
    ]);
  });

  it('takes the shared bucket’s own wait, not the write that takes the token, and none when it did not wait', async () => {
    const grants: Grant[] = [
      { lane: 'campaign', grantedAt: 1, waitedMs: 0, sleptMs: 0, writes: 1 },
      { lane: 'campaign', grantedAt: 2, waitedMs: 120, sleptMs: 110, writes: 2 },
    ];
    expect(await meteredAcquires([8, 8], grants)).toEqual([
      [bridgeMetrics.openPhone.apiCalls, MetricUnit.Count, 1],
      [bridgeMetrics.openPhone.apiCalls, MetricUnit.Count, 1],
      [bridgeMetrics.openPhone.tokenWaitMs, MetricUnit.Milliseconds, 120],
    ]);
  });

  it('counts every 429 OpenPhone answers, retried ones included, and every attempt as a call', async () => {
    const { metrics, added } = recordedMetrics();
    const client = new OpenPhoneClient({
      apiKey: 'key',
      rateLimiter: meteredRateLimiter({ acquire: async () => undefined }, metrics),
      onResponse: countThrottledResponses(metrics),
      fetch: answering(429, 429, 200),
      sleep: async () => undefined,
      requestTimeoutMs: 200,
    });
    await client.listPhoneNumbers();
    const count = (name: string) => added.filter(([n]) => n === name).length;
    expect(count(bridgeMetrics.openPhone.throttled)).toBe(2);
    expect(count(bridgeMetrics.openPhone.apiCalls)).toBe(3);
  });

  it('does not count other errors as throttling', async () => {
    const { metrics, added } = recordedMetrics();
    const client = new OpenPhoneClient({
      apiKey: 'key',
      rateLimiter: { acquire: async () => undefined },
      onResponse: countThrottledResponses(metrics),
      fetch: answering(503, 200),
      sleep: async () => undefined,
      requestTimeoutMs: 200,
    });
    await client.listPhoneNumbers();
    expect(added).toEqual([]);
  });
});
