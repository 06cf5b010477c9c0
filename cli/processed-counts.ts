import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { eventFamilies, type EventFamily } from '../lambdas/events';
import { bridgeMetrics } from '../lambdas/shared/metrics';

/** Events processed since a time, per family: what the status index cannot say (processed events leave it). */
export type ProcessedCounts = (since: Date) => Promise<Record<EventFamily, number>>;

/**
 * A deployed stack: the processors' `EventsProcessed` metric (one per event, `service` and `family`
 * dimensions), summed since the time; no table is read.
 */
export function cloudWatchProcessedCounts(cloudWatch: CloudWatchClient): ProcessedCounts {
  return async (since) => {
    const until = new Date();
    // One period covering the whole range (CloudWatch wants a multiple of 60 s).
    const period = Math.max(60, Math.ceil((until.getTime() - since.getTime()) / 60_000) * 60);
    const { MetricDataResults = [] } = await cloudWatch.send(
      new GetMetricDataCommand({
        StartTime: since,
        EndTime: until,
        MetricDataQueries: eventFamilies.map((family, i) => ({
          Id: `f${i}`,
          Label: family,
          MetricStat: {
            Metric: {
              Namespace: bridgeMetrics.namespace,
              MetricName: bridgeMetrics.processing.processed,
              Dimensions: [
                { Name: 'service', Value: bridgeMetrics.service },
                { Name: 'family', Value: family },
              ],
            },
            Period: period,
            Stat: 'Sum',
          },
        })),
      }),
    );
    const counts = Object.fromEntries(eventFamilies.map((f) => [f, 0])) as Record<EventFamily, number>;
    for (const result of MetricDataResults) {
      const family = eventFamilies[Number(result.Id?.slice(1))];
      if (family) counts[family] = (result.Values ?? []).reduce((sum, v) => sum + v, 0);
    }
    return counts;
  };
}

/**
 * The local replica (which sends no metrics): its events table read with a filter on processed
 * events since the time. A scan is fine on the replica's table; a deployed stack uses CloudWatch.
 */
export function scannedProcessedCounts(
  documents: DynamoDBDocumentClient,
  eventsTable: string,
): ProcessedCounts {
  return async (since) => {
    const counts = Object.fromEntries(eventFamilies.map((f) => [f, 0])) as Record<EventFamily, number>;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new ScanCommand({
          TableName: eventsTable,
          FilterExpression: '#status = :processed AND #processedAt >= :since',
          ProjectionExpression: '#family',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#processedAt': 'processedAt',
            '#family': 'family',
          },
          ExpressionAttributeValues: { ':processed': 'processed', ':since': since.toISOString() },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const family = item.family as EventFamily;
        if (family in counts) counts[family] += 1;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return counts;
  };
}
