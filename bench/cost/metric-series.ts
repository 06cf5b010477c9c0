// CloudWatch custom metrics: each series the Lambdas publish (Powertools EMF: a name with its
// dimension set) is billed $0.30 a month, prorated by the hours it is published in. Which series
// are published when is read from the code and kept here, name by name (a test holds it to
// lambdas/shared/metrics.ts, so a new metric cannot go unpriced).
import { bridgeMetrics } from '../../lambdas/shared/metrics';

/**
 * When a series is published: `every hour` by a schedule's every run, idle or not; `while one
 * waits` by the reply-due timer while a conversation waits for an answer; `with traffic` in the
 * hours webhooks arrive; `while sending` in the hours a campaign sends; `on a fault` only when
 * something goes wrong (not priced: a fault's hours are few and not a month's plan).
 */
export type Publishing = 'every hour' | 'while one waits' | 'with traffic' | 'while sending' | 'on a fault';

export interface SeriesOfMetric {
  when: Publishing;
  /** Series under this name: one per dimension set it is published with. */
  series: number;
}

const m = bridgeMetrics;
const one = (when: Publishing): SeriesOfMetric => ({ when, series: 1 });

/** Every metric the Lambdas publish, by name (docs/operations/observability.md: "When each series is published"). */
export const publishedMetrics: Record<string, SeriesOfMetric> = {
  [m.ingest.accepted]: one('with traffic'),
  [m.ingest.duplicate]: one('on a fault'), // OpenPhone delivering an event again
  [m.ingest.ignored]: one('on a fault'), // a type the bridge does not route
  [m.ingest.test]: one('on a fault'),
  [m.ingest.rejected]: { when: 'on a fault', series: 8 }, // one per reason
  [m.ingest.unauthorized]: one('on a fault'),
  [m.ingest.notHandedOn]: one('on a fault'),
  // The processors' metrics carry no family dimension: one series each.
  [m.processing.processed]: one('with traffic'),
  [m.processing.duplicate]: one('on a fault'),
  [m.processing.rejected]: one('on a fault'),
  [m.processing.retried]: one('on a fault'),
  [m.sweep.redispatched]: one('on a fault'),
  [m.sweep.undeliverable]: one('on a fault'),
  // The hourly sync's list requests go through the client every hour.
  [m.openPhone.apiCalls]: one('every hour'),
  [m.openPhone.throttled]: one('on a fault'),
  // Only a request that waited for the shared budget: a campaign's, beside other lanes.
  [m.openPhone.tokenWaitMs]: one('while sending'),
  // Only above zero: records a sync found changed, which traffic brings.
  [m.import.recordsImported]: one('with traffic'),
  [m.import.recordErrors]: one('on a fault'),
  [m.campaigns.messagesSent]: one('while sending'),
  [m.campaigns.sendOutcomeUnknown]: one('on a fault'),
  [m.campaigns.recipientsReconciled]: one('on a fault'),
  [m.campaigns.pausedByError]: one('on a fault'),
  [m.campaigns.campaignRunsFailed]: one('on a fault'),
  [m.campaigns.recipientsParked]: one('on a fault'),
  // The reply-due timer, every minute while a conversation waits; marked overdue only when it marks one.
  // The two alarms' metrics: every dead-letter queue's count; the import's errors and the sender's trouble.
  [m.attention.deadLettersWaiting]: one('on a fault'),
  [m.attention.needsAttention]: one('on a fault'),
  [m.followUp.oldestWaitingBusinessMinutes]: one('while one waits'),
  [m.followUp.markedOverdue]: one('with traffic'),
  // The CRM events publisher, per answer (its SampleCount counts them) and per missed call put on the bus.
  [m.followUp.responseBusinessMinutes]: one('with traffic'),
  [m.followUp.answeredWithinTarget]: one('with traffic'),
  [m.followUp.callsMissed]: one('with traffic'),
};

/** The metric names lambdas/shared/metrics.ts declares (not its namespace or `service` value). */
export function declaredMetricNames(): string[] {
  const names: string[] = [];
  for (const [key, group] of Object.entries(bridgeMetrics)) {
    if (key === 'namespace' || key === 'service') continue;
    for (const name of Object.values(group as Record<string, string>)) names.push(name);
  }
  return names;
}

/** Series published in a month's pattern: `when` → series count. */
export function seriesByPublishing(metrics = publishedMetrics): Record<Publishing, number> {
  const counts: Record<Publishing, number> = {
    'every hour': 0,
    'while one waits': 0,
    'with traffic': 0,
    'while sending': 0,
    'on a fault': 0,
  };
  for (const { when, series } of Object.values(metrics)) counts[when] += series;
  return counts;
}
