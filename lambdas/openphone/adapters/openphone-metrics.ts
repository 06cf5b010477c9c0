import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { bridgeMetrics } from '../../shared/metrics';
import type { Lane, RateLimiter } from '../domain/token-bucket';
import type { OpenPhoneClientOptions } from './openphone-client';

type Counter = Pick<Metrics, 'addMetric'>;

/**
 * The shared rate limiter, counted: one OpenPhoneApiCalls per token taken (every request attempt
 * takes one) and the time waited for it as RateLimitTokenWaitMs.
 */
export function meteredRateLimiter(limiter: RateLimiter, metrics: Counter, clock = Date.now): RateLimiter {
  return {
    async acquire(lane: Lane) {
      const startedAt = clock();
      const grant = await limiter.acquire(lane);
      metrics.addMetric(bridgeMetrics.openPhone.apiCalls, MetricUnit.Count, 1);
      metrics.addMetric(bridgeMetrics.openPhone.tokenWaitMs, MetricUnit.Milliseconds, clock() - startedAt);
      return grant;
    },
    ...(limiter.confirm ? { confirm: limiter.confirm.bind(limiter) } : {}),
  };
}

/** The client's `onResponse`: counts OpenPhone's 429 answers as OpenPhoneThrottled. */
export function countThrottledResponses(metrics: Counter): NonNullable<OpenPhoneClientOptions['onResponse']> {
  return ({ status }) => {
    if (status === 429) metrics.addMetric(bridgeMetrics.openPhone.throttled, MetricUnit.Count, 1);
  };
}
