// What pages an operator: an alarm per cause a business needs to hear about, each priced by the
// metrics it reads ($0.10 a month each): every dead-letter queue in one (`DeadLetters`), the
// import's errors and the sender's trouble in another (`NeedsAttention`); what only needs watching
// is on the dashboard (lib/bridge-dashboard.ts).
// Decision 0009, "Idle" and "A third look", says which alarms went and why.
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  TreatMissingData,
  type IAlarm,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { bridgeMetrics } from '../lambdas/shared/metrics';
import { defaultSweepPolicy, eventFamilies } from '../lambdas/events';
import { bridgeDashboardWidgets } from './bridge-dashboard';
import { bridgeMetric } from './bridge-metric';
import type { CrmEvents } from './crm-events';
import type { EventProcessing } from './event-processing';
import type { EventQueues, EventSweeper } from './events';
import type { HistoryImport } from './history-import';
import type { WebhookIngest } from './ingest';

export { dashboardWidgetTitles } from './bridge-dashboard';

export interface AlarmThresholds {
  /** Oldest message in a family queue, in seconds: a line on the dashboard (no alarm: see decision 0009). @default 900 */
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
  /** Counts what waits in every dead-letter queue at each run: the `DeadLetters` alarm's metric. */
  readonly sweeper: EventSweeper;
  readonly historyImport: HistoryImport;
  /** An erase's second sweep (lib/crm-api.ts): a run that ends badly leaves an erased person's late data. */
  readonly eraseSecondSweep: IStateMachine;
  /** The sweeper's stuck age: events still `received` this long are re-dispatched, and alarmed. @default 10 */
  readonly stuckAfterMinutes?: number;
  /** Subscribed to the alarm topic by e-mail (the address confirms it). @default no subscription */
  readonly alarmEmail?: string;
  readonly thresholds?: AlarmThresholds;
}

const fiveMinutes = Duration.minutes(5);

/**
 * What an operator watches: one encrypted, TLS-only SNS topic that every alarm notifies (and
 * optionally e-mails), the alarms (dead letters waiting in any queue; import errors and campaign
 * sender trouble; events the sweeper had to re-dispatch or gave up on, ingest 5xx and 401 spikes,
 * rejected events, OpenPhone throttling, the CRM events publisher behind), a rule that pages on a failed or
 * timed-out import run, and one CloudWatch dashboard.
 */
export class BridgeMonitoring extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  /** Every alarm of the bridge, each notifying `topic`. */
  readonly alarms: IAlarm[] = [];
  /** Up while a message waits in any dead-letter queue (the sweeper counts them each run). */
  readonly deadLettersAlarm: Alarm;
  /** Pages for an import's record errors and the campaign sender's trouble. */
  readonly needsAttentionAlarm: Alarm;
  /** Step Functions' own event of an import run that failed or timed out, to the topic (no alarm needed). */
  readonly importRunFailedRule: Rule;
  /** The same for an erase's second sweep that failed, timed out or was stopped. */
  readonly secondSweepFailedRule: Rule;

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

    // CloudWatch and EventBridge can only publish to an encrypted topic whose key lets them: a customer managed key.
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the OpenPhone Bridge alarm topic',
      enableKeyRotation: true,
    });
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com'])
      key.grant(new ServicePrincipal(service), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: 'OpenPhone Bridge alarms',
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    // One alarm on one metric ($0.10 a month) for every dead-letter queue: the sweeper counts what
    // waits in each at every run, so the alarm stays up until they are replayed. Each queue keeps
    // its line on the dashboard; the sweeper's log names them.
    props.sweeper.watchDeadLetters({
      ...Object.fromEntries(eventFamilies.map((f) => [`${f} events`, queues.byFamily[f].deadLetterQueue])),
      'media archive jobs': processing.archiveDeadLetterQueue,
      'CRM event stream batches': props.crmEvents.publishFailures,
    });
    this.deadLettersAlarm = this.alarm('DeadLetters', {
      description:
        'Messages wait in a dead-letter queue: the sweeper log ("messages wait in dead-letter queues") names each queue and its count, `dlq list` the families\' (README "Runbook": inspect and replay)',
      metric: bridgeMetric(bridgeMetrics.attention.deadLettersWaiting).with({ period: fiveMinutes }),
      threshold: 1,
      // Clears 15 minutes after the last count: one sweep landing late in its period does not flap it.
      evaluationPeriods: 3,
      datapointsToAlarm: 1,
    });
    // The sweeper carries the dead letters' page and every stuck event's re-dispatch: its own
    // failing (three runs in a row, a transient one does not page) must page too.
    this.alarm('SweeperFailing', {
      description:
        'The event sweeper failed three runs in a row: stuck events are not re-dispatched and dead letters do not page until it runs again. Its log says why (a table or queue refused, a bad DEAD_LETTER_QUEUES)',
      metric: props.sweeper.sweepFunction.metricErrors({ statistic: 'Sum', period: fiveMinutes }),
      threshold: 1,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
    });
    // Apart from the dead letters: one left waiting (the alarm stays up) must not mask a campaign
    // that paused itself.
    this.needsAttentionAlarm = this.alarm('NeedsAttention', {
      description:
        'Something needs an operator: `campaigns status <id>` names a paused campaign, a failed pass, an unknown outcome or a parked recipient; `imports show <id>` lists import record errors (README "Runbook")',
      metric: bridgeMetric(bridgeMetrics.attention.needsAttention).with({ period: fiveMinutes }),
      threshold: 1,
    });
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
      // The processors' metrics have no family dimension: one metric to pay for, not five.
      metric: bridgeMetric(bridgeMetrics.processing.rejected).with({ period: fiveMinutes }),
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
    // Every event not processed within the stuck age is re-dispatched, whatever held it (a dispatcher
    // behind its stream, a queue not drained): one page for that cause, not one per place.
    this.alarm('EventsRedispatched', {
      description:
        'Events stayed received past the stuck age and were handed to their queue again: the ingest could not send them (EventsNotHandedOn), a processor died mid-way or a family queue is not drained (dashboard: queue age; README "Runbook")',
      metric: bridgeMetric(bridgeMetrics.sweep.redispatched).with({ period: fiveMinutes }),
      threshold: thresholds.redispatchedEventsPer5Min,
    });
    this.alarm('EventsUndeliverable', {
      description:
        'Events were failed as undeliverable after every re-dispatch: `events list --status failed`, fix the queue, then `events redrive --status failed --reason-contains undeliverable` (README "Runbook")',
      metric: bridgeMetric(bridgeMetrics.sweep.undeliverable).with({ period: fiveMinutes }),
      threshold: thresholds.undeliverableEventsPer5Min,
    });
    // Step Functions sends this event for free; two alarms on ExecutionsFailed/TimedOut cost $0.20 a month.
    this.importRunFailedRule = new Rule(this, 'ImportRunFailed', {
      description: 'Pages when a history import or sync execution fails or times out',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          status: ['FAILED', 'TIMED_OUT'],
          stateMachineArn: [props.historyImport.stateMachine.stateMachineArn],
        },
      },
    });
    this.importRunFailedRule.addTarget(
      new SnsTopic(this.topic, {
        message: RuleTargetInput.fromText(
          `A history import execution ended ${EventField.fromPath('$.detail.status')}: ${EventField.fromPath('$.detail.executionArn')}. \`imports list\` shows the run (status failed), \`imports status <id>\` its error; fix it and resume the import (README "Runbook", import failure).`,
        ),
      }),
    );
    this.secondSweepFailedRule = new Rule(this, 'EraseSecondSweepFailed', {
      description: "Pages when an erase's second sweep fails, times out or is stopped",
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
          stateMachineArn: [props.eraseSecondSweep.stateMachineArn],
        },
      },
    });
    this.secondSweepFailedRule.addTarget(
      new SnsTopic(this.topic, {
        message: RuleTargetInput.fromText(
          `An erase's second sweep ended ${EventField.fromPath('$.detail.status')}: ${EventField.fromPath('$.detail.executionArn')}. What a writer put during the erase may still be there: fix the cause (the CRM API function's log), then, within a day of the erase, start a new execution with the same input (README "Runbook", erase).`,
        ),
      }),
    );

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
      widgets: bridgeDashboardWidgets(props, this.alarms, {
        queueAgeSeconds: thresholds.queueAgeSeconds,
        stuckAfterSeconds: (props.stuckAfterMinutes ?? defaultSweepPolicy.stuckAfterMinutes) * 60,
        streamIteratorAgeSeconds: thresholds.streamIteratorAgeSeconds,
      }),
    });
  }

  private alarm(
    id: string,
    spec: {
      description: string;
      metric: IMetric;
      threshold: number;
      evaluationPeriods?: number;
      datapointsToAlarm?: number;
    },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      alarmDescription: spec.description,
      metric: spec.metric,
      threshold: spec.threshold,
      evaluationPeriods: spec.evaluationPeriods ?? 1,
      ...(spec.datapointsToAlarm ? { datapointsToAlarm: spec.datapointsToAlarm } : {}),
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
}
