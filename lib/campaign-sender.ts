import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { environmentNames } from '../lambdas/shared/environment';
import { campaignSenderMetrics } from '../lambdas/campaigns/domain/sender-metrics';
import { BridgeFunction } from './bridge-function';
import type { CampaignStore } from './campaign-store';
import type { CrmStore } from './crm-store';
import type { RateLimitStore } from './rate-limit-store';

export interface CampaignSenderProps {
  readonly campaigns: CampaignStore;
  /** Read for suppressions (opt-out, bounce) at send time. */
  readonly crm: CrmStore;
  readonly rateLimit: RateLimitStore;
  /** `{"apiKey": "..."}` */
  readonly apiKey: ISecret;
  /** How often the sender runs. @default every minute */
  readonly schedule?: Schedule;
  /** One run's budget; must stay well below the sender's stale-claim period (5 min). @default 2 min */
  readonly timeout?: Duration;
  readonly logRetention?: RetentionDays;
}

/**
 * The campaign sender: a Lambda run on a schedule that works through running campaigns, and an
 * alarm when a campaign pauses itself because of an error (no credits, API key rejected).
 */
export class CampaignSender extends Construct {
  readonly senderFunction: BridgeFunction;
  readonly schedule: Rule;
  /** Fires when any campaign was paused by an error in the last minutes. */
  readonly pausedByErrorAlarm: Alarm;

  constructor(scope: Construct, id: string, props: CampaignSenderProps) {
    super(scope, id);
    this.senderFunction = new BridgeFunction(this, 'SenderFunction', {
      handlerName: 'campaigns/handler',
      description:
        'Sends running SMS campaigns within caps, opt-outs and quiet hours, exactly once per recipient',
      memorySize: 256,
      timeout: props.timeout ?? Duration.minutes(2),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      environment: {
        [environmentNames.campaignTable]: props.campaigns.table.tableName,
        [environmentNames.crmTable]: props.crm.table.tableName,
        [environmentNames.rateLimitTable]: props.rateLimit.table.tableName,
        [environmentNames.openPhoneApiKeySecret]: props.apiKey.secretArn,
      },
    });
    props.campaigns.grantSenderAccess(this.senderFunction);
    props.crm.grantSuppressionRead(this.senderFunction);
    props.rateLimit.grantAcquire(this.senderFunction);
    props.apiKey.grantRead(this.senderFunction);

    this.schedule = new Rule(this, 'Schedule', {
      description: 'Runs the campaign sender',
      schedule: props.schedule ?? Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(this.senderFunction, { retryAttempts: 0 })],
    });

    this.pausedByErrorAlarm = new Alarm(this, 'PausedByErrorAlarm', {
      alarmDescription:
        'A campaign paused itself because of an error (402 no credits, or the API key rejected)',
      metric: new Metric({
        namespace: campaignSenderMetrics.namespace,
        metricName: campaignSenderMetrics.pausedByError,
        dimensionsMap: { service: 'openphone-bridge' },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
