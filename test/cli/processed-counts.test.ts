import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { cloudWatchProcessedCounts } from '../../cli/processed-counts';
import { eventFamilies, type EventFamily } from '../../lambdas/events';

const queueNames = Object.fromEntries(eventFamilies.map((f) => [f, `Bridge-${f}-queue`])) as Record<
  EventFamily,
  string
>;

describe('processed counts of a deployed stack, from each family queue’s SQS metric', () => {
  const cloudWatch = mockClient(CloudWatchClient);
  afterEach(() => cloudWatch.reset());

  it('asks for each family queue’s deleted messages over the whole range and sums what CloudWatch returns', async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'f0', Values: [40, 2] },
        { Id: 'f1', Values: [] },
      ],
    });
    const since = new Date(Date.now() - 24 * 3_600_000);
    const counts = await cloudWatchProcessedCounts(
      new CloudWatchClient({ region: 'us-east-1' }),
      queueNames,
    )(since);
    expect(counts[eventFamilies[0]!]).toBe(42);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(42);

    const [call] = cloudWatch.commandCalls(GetMetricDataCommand);
    const input = call!.args[0].input;
    expect(input.StartTime).toEqual(since);
    expect(input.MetricDataQueries).toHaveLength(eventFamilies.length);
    const first = input.MetricDataQueries![0]!.MetricStat!;
    expect(first).toMatchObject({
      Stat: 'Sum',
      // The processors' own EventsProcessed has no family dimension (one series, not five).
      Metric: {
        Namespace: 'AWS/SQS',
        MetricName: 'NumberOfMessagesDeleted',
        Dimensions: [{ Name: 'QueueName', Value: `Bridge-${eventFamilies[0]}-queue` }],
      },
    });
    // One period for the whole day, a multiple of a minute.
    expect(first.Period! % 60).toBe(0);
    expect(first.Period!).toBeGreaterThanOrEqual(24 * 3600);
  });
});
