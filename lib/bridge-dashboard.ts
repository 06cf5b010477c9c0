// The dashboard's widgets: what an operator reads, including what no alarm pages for (queue age,
// stream iterator age, throttling) — CloudWatch bills none of it within its three free dashboards
// of up to 50 metrics each (test/bench/cost.test.ts keeps this one under that).
import { Duration } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  GraphWidget,
  MathExpression,
  type IAlarm,
  type IMetric,
  type IWidget,
  type Metric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { eventFamilies, type EventFamily } from '../lambdas/events';
import { defaultTokenBucketPolicy, sustainedRequestsPerSecond } from '../lambdas/openphone';
import { bridgeMetrics } from '../lambdas/shared/metrics';
import { bridgeMetric } from './bridge-metric';
import type { BridgeMonitoringProps } from './bridge-monitoring';

/** The dashboard's widget titles: the README and the assertions tests name them. */
export const dashboardWidgetTitles = {
  webhooksIn: 'Webhooks in',
  ingestLatency: 'Ingest latency p50 / p99',
  queueDepth: 'Queue depth per family',
  queueAge: 'Oldest message age per family',
  deadLetters: 'Dead-letter queue depth',
  eventsHandled: 'Events handled per family',
  processorErrors: 'Processor errors',
  importProgress: 'Import progress',
  sendRate: 'Send rate against the OpenPhone limit',
  throttling: 'OpenPhone throttling and token waits',
  streamIteratorAge: 'Stream iterator age (CRM events)',
  followUp: 'Follow-up: who waits, who was answered',
  alarms: 'Alarms',
} as const;

/** The lines drawn across the age widgets, in seconds. */
export interface DashboardLines {
  queueAgeSeconds: number;
  stuckAfterSeconds: number;
  streamIteratorAgeSeconds: number;
}

/** The widgets, one row per pair. */
export function bridgeDashboardWidgets(
  props: BridgeMonitoringProps,
  alarms: IAlarm[],
  lines: DashboardLines,
): IWidget[][] {
  const { ingest, queues, processing } = props;
  const t = dashboardWidgetTitles;
  const perFamily = (metric: (family: EventFamily) => IMetric) => eventFamilies.map(metric);
  const rejectedByReason = new MathExpression({
    expression: `SEARCH('{${bridgeMetrics.namespace},reason,service} MetricName="${bridgeMetrics.ingest.rejected}"', 'Sum', 60)`,
    label: 'rejected',
    usingMetrics: {},
  });
  const perSecond = (id: string, metric: Metric, label: string) =>
    new MathExpression({ expression: `${id} / PERIOD(${id})`, usingMetrics: { [id]: metric }, label });
  const policy = defaultTokenBucketPolicy;
  const wide = 12;
  const maxPerMinute = (label: string) => ({ statistic: 'Maximum', period: Duration.minutes(1), label });
  return [
    [
      new GraphWidget({
        title: t.webhooksIn,
        width: wide,
        left: [
          ingest.metricRequests({ statistic: 'Sum', period: Duration.minutes(1), label: 'requests' }),
          bridgeMetric(bridgeMetrics.ingest.accepted).with({ label: 'accepted' }),
          bridgeMetric(bridgeMetrics.ingest.duplicate).with({ label: 'duplicate' }),
          bridgeMetric(bridgeMetrics.ingest.ignored).with({ label: 'ignored' }),
          rejectedByReason,
        ],
      }),
      new GraphWidget({
        title: t.ingestLatency,
        width: wide,
        left: [
          ingest.metricLatency({ statistic: 'p50', period: Duration.minutes(1), label: 'p50' }),
          ingest.metricLatency({ statistic: 'p99', period: Duration.minutes(1), label: 'p99' }),
        ],
        leftYAxis: { label: 'ms', showUnits: false },
      }),
    ],
    [
      new GraphWidget({
        title: t.queueDepth,
        width: wide,
        left: perFamily((f) =>
          queues.byFamily[f].queue.metricApproximateNumberOfMessagesVisible(maxPerMinute(f)),
        ),
      }),
      new GraphWidget({
        title: t.queueAge,
        width: wide,
        left: perFamily((f) => queues.byFamily[f].queue.metricApproximateAgeOfOldestMessage(maxPerMinute(f))),
        leftYAxis: { label: 'seconds', showUnits: false },
        leftAnnotations: [
          { value: lines.stuckAfterSeconds, label: 'the sweeper re-dispatches (alarm)' },
          { value: lines.queueAgeSeconds, label: 'alarms.queueAgeSeconds' },
        ],
      }),
    ],
    [
      new GraphWidget({
        title: t.deadLetters,
        width: wide,
        left: [
          ...perFamily((f) =>
            queues.byFamily[f].deadLetterQueue.metricApproximateNumberOfMessagesVisible(
              maxPerMinute(`${f} DLQ`),
            ),
          ),
          processing.archiveDeadLetterQueue.metricApproximateNumberOfMessagesVisible(
            maxPerMinute('media archive DLQ'),
          ),
        ],
        // What pages: the sweeper's count of every dead-letter queue, with the import's and sender's troubles.
        right: [
          bridgeMetric(bridgeMetrics.attention.needsAttention).with({ label: 'needs attention (alarm)' }),
        ],
      }),
      new GraphWidget({
        title: t.processorErrors,
        width: wide,
        left: [
          bridgeMetric(bridgeMetrics.processing.rejected).with({ label: 'rejected (alarm)' }),
          bridgeMetric(bridgeMetrics.processing.retried).with({ label: 'retried' }),
        ],
        right: perFamily((f) =>
          processing.processors[f].metricErrors({ period: Duration.minutes(1), label: `${f} Lambda errors` }),
        ),
      }),
    ],
    [
      new GraphWidget({
        title: t.importProgress,
        width: wide,
        left: [
          bridgeMetric(bridgeMetrics.import.recordsImported).with({ label: 'records imported' }),
          bridgeMetric(bridgeMetrics.import.recordErrors).with({ label: 'records skipped (errors)' }),
        ],
        right: [
          props.historyImport.stateMachine.metricStarted({
            period: Duration.minutes(1),
            label: 'runs started',
          }),
          props.historyImport.stateMachine.metricFailed({
            period: Duration.minutes(1),
            label: 'runs failed',
          }),
        ],
      }),
      new GraphWidget({
        title: t.sendRate,
        width: wide,
        left: [
          perSecond('sends', bridgeMetric(bridgeMetrics.campaigns.messagesSent), 'campaign sends / s'),
          perSecond(
            'calls',
            bridgeMetric(bridgeMetrics.openPhone.apiCalls),
            'OpenPhone requests / s (all lanes)',
          ),
        ],
        leftYAxis: { label: 'per second', showUnits: false, min: 0 },
        leftAnnotations: [
          // OpenPhone's published limit; the shared bucket spends `limit` per window, a little over 1 s.
          { value: policy.limit, label: `OpenPhone limit (${policy.limit}/s)` },
          { value: sustainedRequestsPerSecond(policy), label: 'bridge ceiling (any lane alone)' },
          {
            value: sustainedRequestsPerSecond(policy, policy.laneReserves.campaign),
            label: 'campaign ceiling beside interactive requests',
          },
        ],
      }),
    ],
    [
      new GraphWidget({
        title: t.throttling,
        width: wide,
        left: [bridgeMetric(bridgeMetrics.openPhone.throttled).with({ label: 'OpenPhone 429s' })],
        right: [
          // Published only for a request that waited: these are the waits of requests that waited.
          bridgeMetric(bridgeMetrics.openPhone.tokenWaitMs, {}, 'p99').with({
            label: 'token wait p99 of requests that waited (ms)',
          }),
          bridgeMetric(bridgeMetrics.openPhone.tokenWaitMs, {}, 'Average').with({
            label: 'token wait average of requests that waited (ms)',
          }),
        ],
      }),
      new GraphWidget({
        title: t.streamIteratorAge,
        width: wide,
        left: [
          props.crmEvents.publishFunction.metric('IteratorAge', maxPerMinute('CRM events publisher (alarm)')),
        ],
        leftYAxis: { label: 'ms', showUnits: false },
        leftAnnotations: [
          { value: lines.streamIteratorAgeSeconds * 1000, label: 'alarms.streamIteratorAgeSeconds' },
        ],
      }),
    ],
    [
      // Per family from SQS's free metrics; our own counts have no family (a series per family costs $0.30 a month).
      new GraphWidget({
        title: t.eventsHandled,
        width: wide,
        left: perFamily((f) =>
          queues.byFamily[f].queue.metricNumberOfMessagesDeleted({
            statistic: 'Sum',
            period: Duration.minutes(1),
            label: f,
          }),
        ),
        right: [
          bridgeMetric(bridgeMetrics.processing.processed).with({ label: 'processed (all families)' }),
          bridgeMetric(bridgeMetrics.processing.duplicate).with({
            label: 'duplicate deliveries (all families)',
          }),
        ],
      }),
      // The reply-due timer publishes only while someone waits (each series billed per hour it is published).
      new GraphWidget({
        title: t.followUp,
        width: wide,
        left: [
          bridgeMetric(bridgeMetrics.followUp.oldestWaitingBusinessMinutes).with(
            maxPerMinute('oldest wait, business minutes (a gap: none waiting)'),
          ),
        ],
        right: [
          // Each answer publishes its response time once: the count of samples is the answers.
          bridgeMetric(bridgeMetrics.followUp.responseBusinessMinutes, {}, 'SampleCount').with({
            label: 'conversations answered',
          }),
        ],
        leftYAxis: { label: 'business minutes', showUnits: false, min: 0 },
        rightYAxis: { label: 'conversations', showUnits: false, min: 0 },
      }),
    ],
    [new AlarmStatusWidget({ title: t.alarms, width: 2 * wide, alarms })],
  ];
}
