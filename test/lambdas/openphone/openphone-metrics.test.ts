import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { OpenPhoneClient } from '../../../lambdas/openphone/adapters/openphone-client';
import {
  countThrottledResponses,
  meteredRateLimiter,
} from '../../../lambdas/openphone/adapters/openphone-metrics';
import { bridgeMetrics } from '../../../lambdas/shared/metrics';
import type { Lane } from '../../../lambdas/openphone/domain/token-bucket';

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

describe('OpenPhone metrics', () => {
  it('counts a call and the time waited for each token the shared limiter grants', async () => {
    const { metrics, added } = recordedMetrics();
    let now = 1_000;
    const limiter = meteredRateLimiter(
      { acquire: async (_lane: Lane) => void (now += 250) },
      metrics,
      () => now,
    );
    await limiter.acquire('campaign');
    await limiter.acquire('import');
    expect(added).toEqual([
      [bridgeMetrics.openPhone.apiCalls, MetricUnit.Count, 1],
      [bridgeMetrics.openPhone.tokenWaitMs, MetricUnit.Milliseconds, 250],
      [bridgeMetrics.openPhone.apiCalls, MetricUnit.Count, 1],
      [bridgeMetrics.openPhone.tokenWaitMs, MetricUnit.Milliseconds, 250],
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
