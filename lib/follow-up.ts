import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { crmTableKeys, replyDueEntry, replyDuePartition, type FollowUpSettings } from '../lambdas/crm';
import { environmentNames } from '../lambdas/shared/environment';
import { bridgeMetrics } from '../lambdas/shared/metrics';
import { BridgeFunction } from './bridge-function';
import type { CrmStore } from './crm';

export interface ReplyDueTimerProps {
  readonly crm: CrmStore;
  /** Business hours and reply targets (the stage's `followUp`). @default the domain's defaults */
  readonly followUp?: FollowUpSettings;
  readonly logRetention?: RetentionDays;
}

/**
 * The reply-due timer (decision 0008): a Lambda an EventBridge rule runs every minute. It queries
 * the keys-only reply-due index for what is due and marks each spell overdue once (the CRM events
 * publisher then sends `conversation.waiting`), and emits the follow-up queue's metrics.
 */
export class ReplyDueTimer extends Construct {
  static readonly schedule = 'rate(1 minute)';
  readonly timerFunction: BridgeFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: ReplyDueTimerProps) {
    super(scope, id);
    const table = props.crm.table;
    this.timerFunction = new BridgeFunction(this, 'TimerFunction', {
      entry: replyDueEntry,
      description: 'Marks waiting conversations overdue once their reply target passes; follow-up metrics',
      memorySize: 256,
      timeout: Duration.seconds(50),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      environment: {
        [environmentNames.crmTable]: table.tableName,
        ...(props.followUp ? { [environmentNames.followUp]: JSON.stringify(props.followUp) } : {}),
      },
    });
    // Queries of the two follow-up indexes' single partitions, nothing else of them.
    this.timerFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [
          `${table.tableArn}/index/${crmTableKeys.replyDueIndex}`,
          `${table.tableArn}/index/${crmTableKeys.waitingIndex}`,
        ],
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [replyDuePartition, 'WAITING'] },
        },
      }),
    );
    // Reads and marks conversation records only: never an activity, a contact or a suppression.
    this.timerFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CONVERSATION#*'] } },
      }),
    );
    this.rule = new Rule(this, 'Schedule', {
      description: 'Runs the reply-due timer',
      schedule: Schedule.expression(ReplyDueTimer.schedule),
      // A missed run is caught by the next one a minute later: no retries to pile up.
      targets: [new LambdaFunction(this.timerFunction, { retryAttempts: 0 })],
    });
  }
}

export interface FollowUpAlarmProps {
  /** The bridge's alarm topic (BridgeMonitoring's). */
  readonly topic: ITopic;
  /** Business minutes the oldest waiting conversation may wait before the alarm. @default 60 */
  readonly oldestWaitingBusinessMinutes?: number;
}

/**
 * The follow-up alarm: someone has waited for an answer longer than the stage allows, counted in
 * business minutes (so it does not fire overnight or at weekends), from the timer's metric.
 */
export class FollowUpAlarm extends Construct {
  static readonly defaultThresholdMinutes = 60;
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: FollowUpAlarmProps) {
    super(scope, id);
    const threshold = props.oldestWaitingBusinessMinutes ?? FollowUpAlarm.defaultThresholdMinutes;
    this.alarm = new Alarm(this, 'OldestWaiting', {
      alarmDescription: `A conversation has waited ${threshold}+ business minutes for an answer (GET /v1/conversations?waiting=true)`,
      metric: new Metric({
        namespace: bridgeMetrics.namespace,
        metricName: bridgeMetrics.followUp.oldestWaitingBusinessMinutes,
        dimensionsMap: { service: bridgeMetrics.service },
        statistic: 'Maximum',
        period: Duration.minutes(5),
      }),
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // The timer publishes only while someone waits: no data is none waiting (a run that fails is the errors' to see).
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.alarm.addAlarmAction(new SnsAction(props.topic));
    this.alarm.addOkAction(new SnsAction(props.topic));
  }
}
