import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { bridgeMetrics } from '../../shared/metrics';
import type { AcquireOptions, Lane, RateLimiter } from '../domain/token-bucket';
import type { OpenPhoneClientOptions } from './openphone-client';
import type { Grant } from './rate-limiter';

type Counter = Pick<Metrics, 'addMetric'>;

/**
 * The shared rate limiter, counted: one OpenPhoneApiCalls per token taken (every request attempt
 * takes one) and, for a request that waited 1 ms or more, the wait as RateLimitTokenWaitMs. The
 * wait is the shared bucket's own `waitedMs` (sleeps and lost races, not the write that takes the
 * token: a few ms every request would pay); another limiter's is the time `acquire` took.
 */
export function meteredRateLimiter(limiter: RateLimiter, metrics: Counter, clock = Date.now): RateLimiter {
  return {
    async acquire(lane: Lane, options?: AcquireOptions) {
      const startedAt = clock();
      const grant = await limiter.acquire(lane, options);
      metrics.addMetric(bridgeMetrics.openPhone.apiCalls, MetricUnit.Count, 1);
      const waitedMs = waitedMsOf(grant) ?? clock() - startedAt;
      // Each series costs $0.30 a month for every hour it is published: a request that did not wait adds none.
      if (waitedMs >= 1)
        metrics.addMetric(bridgeMetrics.openPhone.tokenWaitMs, MetricUnit.Milliseconds, waitedMs);
      return grant;
    },
    ...(limiter.confirm ? { confirm: limiter.confirm.bind(limiter) } : {}),
  };
}

/** The wait a shared-bucket grant reports (`Grant.waitedMs`); undefined for any other grant. */
function waitedMsOf(grant: unknown): number | undefined {
  const waited = (grant as Partial<Grant> | null | undefined)?.waitedMs;
  return typeof waited === 'number' ? waited : undefined;
}

/** The client's `onResponse`: counts OpenPhone's 429 answers as OpenPhoneThrottled. */
export function countThrottledResponses(metrics: Counter): NonNullable<OpenPhoneClientOptions['onResponse']> {
  return ({ status }) => {
    if (status === 429) metrics.addMetric(bridgeMetrics.openPhone.throttled, MetricUnit.Count, 1);
  };
}
