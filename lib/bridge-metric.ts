import { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { bridgeMetrics } from '../lambdas/shared/metrics';

/** A metric the Lambdas emit with Powertools (namespace and `service` dimension, plus any other). */
export function bridgeMetric(
  metricName: string,
  extraDimensions: Record<string, string> = {},
  statistic = 'Sum',
): Metric {
  return new Metric({
    namespace: bridgeMetrics.namespace,
    metricName,
    dimensionsMap: { service: bridgeMetrics.service, ...extraDimensions },
    statistic,
    period: Duration.minutes(1),
  });
}
