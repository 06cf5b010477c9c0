import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { eventFamilies, type EventFamily } from '../lambdas/events';

/** Events processed since a time, per family: what the status index cannot say (processed events leave it). */
export type ProcessedCounts = (since: Date) => Promise<Record<EventFamily, number>>;

/**
 * A deployed stack: each family queue's `NumberOfMessagesDeleted` (free, from SQS), summed since the
 * time: the messages its processor finished, so a duplicate delivery or a rejected payload counts
 * too. The processors' own `EventsProcessed` has no family dimension (a series per family costs
 * $0.30 a month); no table is read.
 */
export function cloudWatchProcessedCounts(
  cloudWatch: CloudWatchClient,
  queueNames: Record<EventFamily, string>,
): ProcessedCounts {
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
              Namespace: 'AWS/SQS',
              MetricName: 'NumberOfMessagesDeleted',
              Dimensions: [{ Name: 'QueueName', Value: queueNames[family] }],
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
