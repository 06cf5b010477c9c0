// One construct, though long: every alarm and dashboard widget reads the same metrics and
// thresholds, and the README and the assertions tests name them all from here.
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TreatMissingData,
  type IAlarm,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { bridgeMetrics } from '../lambdas/shared/metrics';
import { eventFamilies, type EventFamily } from '../lambdas/events';
import { defaultTokenBucketPolicy, sustainedRequestsPerSecond } from '../lambdas/openphone';
import type { CampaignSender } from './campaigns';
import type { CrmEvents } from './crm-events';
import type { EventProcessing, EventQueues } from './events';
import type { HistoryImport } from './history-import';
import type { WebhookIngest } from './ingest';

export interface AlarmThresholds {
  /** Oldest message in a family queue, in seconds. @default 900 */
  readonly queueAgeSeconds?: number;
  /** Ingest 5xx answers in 5 minutes. @default 5 */
  readonly ingestServerErrorsPer5Min?: number;
  /** Ingest 401 answers in 5 minutes. @default 20 */
  readonly ingestUnauthorizedPer5Min?: number;
  /** OpenPhone 429 answers in 5 minutes. @default 10 */
  readonly throttledCallsPer5Min?: number;
  /** Events whose payload failed validation (recorded failed, never retried), in 5 minutes. @default 1 */
  readonly rejectedEventsPer5Min?: number;
  /** Oldest unhandled record in the CRM and campaign tables' streams (the CRM events publisher's iterator age), in seconds. @default 300 */
  readonly streamIteratorAgeSeconds?: number;
  /** Stuck events handed to their queue again (sweeper or redelivery), in 5 minutes. @default 1 */
  readonly redispatchedEventsPer5Min?: number;
  /** Events failed as `undeliverable` after every re-dispatch, in 5 minutes. @default 1 */
  readonly undeliverableEventsPer5Min?: number;
}

export interface BridgeMonitoringProps {
  readonly ingest: WebhookIngest;
  /** The CRM events publisher: its on-failure queue and how far behind the table streams it is. */
  readonly crmEvents: CrmEvents;
  readonly queues: EventQueues;
  readonly processing: EventProcessing;
  readonly campaignSender: CampaignSender;
  readonly historyImport: HistoryImport;
  /** Subscribed to the alarm topic by e-mail (the address confirms it). @default no subscription */
  readonly alarmEmail?: string;
  readonly thresholds?: AlarmThresholds;
}

/** The dashboard's widget titles: the README and the assertions tests name them. */
export const dashboardWidgetTitles = {
  webhooksIn: 'Webhooks in',
  ingestLatency: 'Ingest latency p50 / p99',
  queueDepth: 'Queue depth per family',
  queueAge: 'Oldest message age per family',
  deadLetters: 'Dead-letter queue depth',
  processorErrors: 'Processor errors per family',
  importProgress: 'Import progress',
  sendRate: 'Send rate against the OpenPhone limit',
  throttling: 'OpenPhone throttling and token waits',
  alarms: 'Alarms',
} as const;

const fiveMinutes = Duration.minutes(5);

/** A metric the Lambdas emit with Powertools (namespace and `service` dimension, plus any other). */
function bridgeMetric(metricName: string, extraDimensions: Record<string, string> = {}, statistic = 'Sum') {
  return new Metric({
    namespace: bridgeMetrics.namespace,
    metricName,
    dimensionsMap: { service: bridgeMetrics.service, ...extraDimensions },
    statistic,
    period: Duration.minutes(1),
  });
}

/**
 * What an operator watches: one encrypted, TLS-only SNS topic that every alarm notifies (and
 * optionally e-mails), the alarms (dead letters, backlog age, ingest 5xx and 401 spikes, OpenPhone
 * throttling, failed imports, campaigns paused by an error) and one CloudWatch dashboard.
 */
export class BridgeMonitoring extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  /** Every alarm of the bridge, each notifying `topic`. */
  readonly alarms: IAlarm[] = [];
  /** One per dead-letter queue: the families', the media archive's and the CRM events publisher's on-failure queues. */
  readonly deadLetterAlarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: BridgeMonitoringProps) {
    super(scope, id);
    const thresholds = {
      queueAgeSeconds: 900,
      ingestServerErrorsPer5Min: 5,
      ingestUnauthorizedPer5Min: 20,
      throttledCallsPer5Min: 10,
      rejectedEventsPer5Min: 1,
      streamIteratorAgeSeconds: 300,
      redispatchedEventsPer5Min: 1,
      undeliverableEventsPer5Min: 1,
      ...props.thresholds,
    };
    const { queues, processing, ingest } = props;

    // CloudWatch can only publish to an encrypted topic whose key lets it: a customer managed key.
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the OpenPhone Bridge alarm topic',
      enableKeyRotation: true,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: 'OpenPhone Bridge alarms',
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    const deadLetterQueues: [string, IQueue][] = [
      ...eventFamilies.map((f): [string, IQueue] => [`${f} events`, queues.byFamily[f].deadLetterQueue]),
      ['media archive jobs', processing.archiveDeadLetterQueue],
      ['CRM event stream batches', props.crmEvents.publishFailures],
    ];
    for (const [what, queue] of deadLetterQueues) {
      const alarm = this.alarm(`DeadLetters${constructIdOf(what)}`, {
        description: `A message is in the dead-letter queue of ${what}: see README "Runbook" to inspect and replay it`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: fiveMinutes }),
        threshold: 1,
      });
      this.deadLetterAlarms.push(alarm);
    }
    for (const family of eventFamilies) {
      this.alarm(`QueueAge${constructIdOf(family)}`, {
        description: `The oldest ${family} event has waited over ${thresholds.queueAgeSeconds} s: the processor is failing or falling behind`,
        metric: queues.byFamily[family].queue.metricApproximateAgeOfOldestMessage({
          statistic: 'Maximum',
          period: fiveMinutes,
        }),
        threshold: thresholds.queueAgeSeconds,
      });
    }
    this.alarm('IngestServerErrors', {
      description:
        'The webhook endpoint answered 5xx (ingest errors, Lambda timeouts or throttles): OpenPhone retries, but check the ingest logs',
      metric: ingest.metricServerErrors({ statistic: 'Sum', period: fiveMinutes }),
      threshold: thresholds.ingestServerErrorsPer5Min,
    });
    this.alarm('IngestUnauthorized', {
      description:
        'Many webhooks failed signature verification (401): a signing key rotated without updating the secret, or someone probing the endpoint',
      metric: bridgeMetric(bridgeMetrics.ingest.unauthorized).with({ period: fiveMinutes }),
      threshold: thresholds.ingestUnauthorizedPer5Min,
    });
    this.alarm('OpenPhoneThrottled', {
      description:
        'OpenPhone answered 429 Too Many Requests: something else shares the API key, or the rate limiter policy is too generous',
      metric: bridgeMetric(bridgeMetrics.openPhone.throttled).with({ period: fiveMinutes }),
      threshold: thresholds.throttledCallsPer5Min,
    });
    // A rejected payload is recorded `failed` and never retried, so it never reaches a DLQ: alarm on it.
    this.alarm('EventsRejected', {
      description:
        'An event failed validation and was recorded as failed, not retried: `events list --status failed`, fix the cause, then `events redrive` (README "Runbook")',
      metric: new MathExpression({
        expression: `SUM([${eventFamilies.map((_, i) => `m${i}`).join(',')}])`,
        label: 'events rejected',
        usingMetrics: Object.fromEntries(
          eventFamilies.map((family, i) => [
            `m${i}`,
            bridgeMetric(bridgeMetrics.processing.rejected, { family }),
          ]),
        ),
        period: fiveMinutes,
      }),
      threshold: thresholds.rejectedEventsPer5Min,
    });
    this.alarm('CrmEventsIteratorAge', {
      description: `The CRM events publisher is over ${thresholds.streamIteratorAgeSeconds} s behind the CRM or campaign table's stream: PutEvents to the bus is failing (publisher logs); events are late, not lost, until the records age out (24 h)`,
      metric: props.crmEvents.publishFunction.metric('IteratorAge', {
        statistic: 'Maximum',
        period: fiveMinutes,
      }),
      threshold: thresholds.streamIteratorAgeSeconds * 1000,
    });
    this.alarm('EventsRedispatched', {
      description:
        'Events stayed received past the stuck age and were handed to their queue again: the ingest could not send them (EventsNotHandedOn) or a processor died mid-way (README "Runbook")',
      metric: bridgeMetric(bridgeMetrics.sweep.redispatched).with({ period: fiveMinutes }),
      threshold: thresholds.redispatchedEventsPer5Min,
    });
    this.alarm('EventsUndeliverable', {
      description:
        'Events were failed as undeliverable after every re-dispatch: `events list --status failed`, fix the queue, then `events redrive --status failed --reason-contains undeliverable` (README "Runbook")',
      metric: bridgeMetric(bridgeMetrics.sweep.undeliverable).with({ period: fiveMinutes }),
      threshold: thresholds.undeliverableEventsPer5Min,
    });
    // One alarm on the import's own error count: any error a run keeps (a list or an object it
    // could not read) is one an operator should see, whatever the run's status.
    this.alarm('ImportErrors', {
      description:
        'A history import or sync recorded errors it skipped past: `imports show <id>` lists them (a list-level error keeps the watermark, so the next sync reads that span again)',
      metric: bridgeMetric(bridgeMetrics.import.recordErrors).with({ period: Duration.hours(1) }),
      threshold: 1,
    });
    for (const existing of [
      props.historyImport.failedExecutionsAlarm,
      props.historyImport.timedOutExecutionsAlarm,
      props.campaignSender.pausedByErrorAlarm,
      props.campaignSender.senderTroubleAlarm,
    ]) {
      this.notify(existing);
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
      widgets: this.widgets(props, thresholds.queueAgeSeconds),
    });
  }

  private alarm(id: string, spec: { description: string; metric: IMetric; threshold: number }): Alarm {
    const alarm = new Alarm(this, id, {
      alarmDescription: spec.description,
      metric: spec.metric,
      threshold: spec.threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data is no traffic (SQS stops reporting idle queues; EMF metrics exist only when emitted).
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.notify(alarm);
    return alarm;
  }

  private notify(alarm: Alarm): void {
    alarm.addAlarmAction(new SnsAction(this.topic));
    alarm.addOkAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }

  private widgets(props: BridgeMonitoringProps, queueAgeSeconds: number): IWidget[][] {
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
          left: perFamily((f) =>
            queues.byFamily[f].queue.metricApproximateAgeOfOldestMessage(maxPerMinute(f)),
          ),
          leftYAxis: { label: 'seconds', showUnits: false },
          leftAnnotations: [{ value: queueAgeSeconds, label: 'alarm' }],
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
        }),
        new GraphWidget({
          title: t.processorErrors,
          width: wide,
          left: [
            ...perFamily((f) =>
              bridgeMetric(bridgeMetrics.processing.rejected, { family: f }).with({ label: `${f} rejected` }),
            ),
            ...perFamily((f) =>
              bridgeMetric(bridgeMetrics.processing.retried, { family: f }).with({ label: `${f} retried` }),
            ),
          ],
          right: perFamily((f) =>
            processing.processors[f].metricErrors({
              period: Duration.minutes(1),
              label: `${f} Lambda errors`,
            }),
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
            bridgeMetric(bridgeMetrics.openPhone.tokenWaitMs, {}, 'p99').with({
              label: 'token wait p99 (ms)',
            }),
            bridgeMetric(bridgeMetrics.openPhone.tokenWaitMs, {}, 'Average').with({
              label: 'token wait average (ms)',
            }),
          ],
        }),
        new AlarmStatusWidget({ title: t.alarms, width: wide, alarms: this.alarms }),
      ],
    ];
  }
}

/** `call-intelligence events` → `CallIntelligenceEvents`: construct ids from readable names. */
function constructIdOf(words: string): string {
  return words
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}
