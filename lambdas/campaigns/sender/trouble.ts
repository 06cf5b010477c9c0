import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { bridgeMetrics } from '../../shared/metrics';
import type { SenderTroubleCause } from '../domain/sender-metrics';

/**
 * Counts one trouble under its own name and in `NeedsAttention`, the one metric the alarm reads: an
 * alarm is billed per metric it reads ($0.10 a month each), a metric only in the hours it is
 * published (a fault's).
 */
export function countSenderTrouble(
  metrics: { addMetric(name: string, unit: typeof MetricUnit.Count, value: number): unknown },
  cause: SenderTroubleCause,
): void {
  metrics.addMetric(cause, MetricUnit.Count, 1);
  metrics.addMetric(bridgeMetrics.attention.needsAttention, MetricUnit.Count, 1);
}
