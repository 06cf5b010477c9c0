import { Aspects, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { StageConfig } from './config';
import { tracingContextKey } from './bridge-function';
import { BridgeMonitoring } from './bridge-monitoring';
import { BridgeParameters } from './bridge-parameters';
import { CampaignSender, CampaignStore } from './campaigns';
import { CrmStore } from './crm';
import { CrmApi } from './crm-api';
import { CrmEvents } from './crm-events';
import { eventFamilies } from '../lambdas/events';
import { familyQueueOutputName, stackOutputNames } from '../lambdas/shared/stack-outputs';
import { EventProcessing } from './event-processing';
import { EventQueues, EventStore, EventSweeper } from './events';
import { FollowUpAlarm, ReplyDueTimer } from './follow-up';
import { HistoryImport, ImportStore } from './history-import';
import { RateLimitStore } from './openphone';
import { TracingOff } from './tracing';
import { WebhookIngest } from './ingest';

export interface BridgeStackProps extends StackProps {
  readonly config: StageConfig;
}

/** The whole bridge for one stage: composes one construct per capability. */
export class BridgeStack extends Stack {
  readonly events: EventStore;
  readonly queues: EventQueues;
  readonly parameters: BridgeParameters;
  readonly ingest: WebhookIngest;
  readonly rateLimit: RateLimitStore;
  readonly crm: CrmStore;
  readonly processing: EventProcessing;
  readonly sweeper: EventSweeper;
  readonly campaigns: CampaignStore;
  readonly campaignSender: CampaignSender;
  readonly importStore: ImportStore;
  readonly historyImport: HistoryImport;
  readonly crmApi: CrmApi;
  readonly crmEvents: CrmEvents;
  readonly monitoring: BridgeMonitoring;
  readonly replyDueTimer: ReplyDueTimer;
  readonly followUpAlarm: FollowUpAlarm;

  constructor(scope: Construct, id: string, props: BridgeStackProps) {
    super(scope, id, props);
    const { config } = props;
    // Before any function exists: each one's bundle and tracing config follow the stage's `tracing`.
    this.node.setContext(tracingContextKey, config.tracing);
    const logRetention = Object.values(RetentionDays).includes(config.logRetentionDays as RetentionDays)
      ? (config.logRetentionDays as RetentionDays)
      : RetentionDays.ONE_MONTH;

    this.events = new EventStore(this, 'EventStore', { removalPolicy: RemovalPolicy.RETAIN });
    // A closed event's raw body is personal data too: it goes no later than activities do.
    const eventRetentionDays = Math.min(
      config.eventRetentionDays,
      config.retention.activitiesDays ?? config.eventRetentionDays,
    );
    this.queues = new EventQueues(this, 'EventQueues');
    this.parameters = new BridgeParameters(config.stageName);
    this.rateLimit = new RateLimitStore(this, 'RateLimit', { removalPolicy: RemovalPolicy.RETAIN });
    this.ingest = new WebhookIngest(this, 'WebhookIngest', {
      events: this.events,
      queues: this.queues,
      signingKeys: this.parameters.signingKeys,
      throttleRateLimit: config.webhookThrottle.rateLimit,
      throttleBurstLimit: config.webhookThrottle.burstLimit,
      eventRetentionDays,
      maxWebhookBodyBytes: config.maxWebhookBodyBytes,
      sweep: config.eventSweep,
      logRetention,
      ...(config.waf.enabled ? { waf: { rateLimitPer5Min: config.waf.rateLimitPer5Min } } : {}),
    });
    this.crm = new CrmStore(this, 'CrmStore', { removalPolicy: RemovalPolicy.RETAIN });
    this.campaigns = new CampaignStore(this, 'CampaignStore', { removalPolicy: RemovalPolicy.RETAIN });
    this.processing = new EventProcessing(this, 'EventProcessing', {
      events: this.events,
      queues: this.queues,
      crm: this.crm,
      campaigns: this.campaigns,
      campaignReplyWindowDays: config.campaignReplyWindowDays,
      consentYesWindowHours: config.consentYesWindowHours,
      consentOptInWords: config.consentOptInWords,
      followUp: config.followUp,
      eventRetentionDays,
      activityRetentionDays: config.retention.activitiesDays,
      mediaRetentionDays: config.retention.mediaDays,
      mediaHosts: config.mediaArchive.allowedHosts,
      logRetention,
      consentReplies: {
        settings: config.consentReplies,
        apiKey: this.parameters.apiKey,
        rateLimit: this.rateLimit,
      },
    });
    this.sweeper = new EventSweeper(this, 'EventSweeper', {
      events: this.events,
      queues: this.queues,
      schedule: config.eventSweep.schedule,
      stuckAfterMinutes: config.eventSweep.stuckAfterMinutes,
      maxRedispatches: config.eventSweep.maxRedispatches,
      bodyRetentionDays: config.retention.activitiesDays,
      logRetention,
    });
    this.campaignSender = new CampaignSender(this, 'CampaignSender', {
      campaigns: this.campaigns,
      crm: this.crm,
      rateLimit: this.rateLimit,
      apiKey: this.parameters.apiKey,
      logRetention,
      stateRules: config.campaignStateRules,
      sendingNumbers: config.campaignSendingNumbers,
      activityRetentionDays: config.retention.activitiesDays,
    });
    this.importStore = new ImportStore(this, 'ImportStore', { removalPolicy: RemovalPolicy.RETAIN });
    this.historyImport = new HistoryImport(this, 'HistoryImport', {
      importStore: this.importStore,
      crm: this.crm,
      rateLimit: this.rateLimit,
      apiKey: this.parameters.apiKey,
      syncSchedule: config.importSyncSchedule,
      messageListing: config.historyImport.messageListing,
      activityRetentionDays: config.retention.activitiesDays,
      logRetention,
    });

    this.crmApi = new CrmApi(this, 'CrmApi', {
      ...(this.ingest.api ? { api: this.ingest.api } : {}),
      crm: this.crm,
      events: this.events,
      campaigns: this.campaigns,
      activityRetentionDays: config.retention.activitiesDays,
      mediaBucket: this.processing.mediaBucket,
      rateLimit: this.rateLimit,
      apiKey: this.parameters.apiKey,
      ...(config.messages.defaultFrom ? { defaultFrom: config.messages.defaultFrom } : {}),
      auth: config.crmApi,
      followUp: config.followUp,
      writersWindow: longestTimeout([
        this.historyImport.importFunction,
        ...Object.values(this.processing.processors),
      ]),
      logRetention,
    });

    this.crmEvents = new CrmEvents(this, 'CrmEvents', {
      crm: this.crm,
      campaigns: this.campaigns,
      includeText: config.crmEvents.includeText,
      logRetention,
    });

    this.monitoring = new BridgeMonitoring(this, 'Monitoring', {
      ingest: this.ingest,
      crmEvents: this.crmEvents,
      queues: this.queues,
      processing: this.processing,
      sweeper: this.sweeper,
      historyImport: this.historyImport,
      eraseSecondSweep: this.crmApi.eraseSecondSweep,
      stuckAfterMinutes: config.eventSweep.stuckAfterMinutes,
      thresholds: config.alarms,
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
    });
    this.replyDueTimer = new ReplyDueTimer(this, 'ReplyDueTimer', {
      crm: this.crm,
      followUp: config.followUp,
      logRetention,
    });
    this.followUpAlarm = new FollowUpAlarm(this, 'FollowUpAlarm', {
      topic: this.monitoring.topic,
      oldestWaitingBusinessMinutes: config.alarms.oldestWaitingBusinessMinutes,
    });
    // Where a runaway costs money or starves the account: media downloads, imports, campaign runs.
    reserveConcurrency(this.processing.archiveFunction, config.reservedConcurrency.mediaArchiver);
    reserveConcurrency(this.historyImport.importFunction, config.reservedConcurrency.historyImport);
    reserveConcurrency(this.campaignSender.senderFunction, config.reservedConcurrency.campaignSender);
    if (config.tracing === 'off') Aspects.of(this).add(new TracingOff());

    new CfnOutput(this, stackOutputNames.webhookUrl, {
      value: this.ingest.webhookUrl,
      description: 'Register this URL with OpenPhone',
    });
    new CfnOutput(this, stackOutputNames.signingKeysParameterName, {
      value: this.parameters.signingKeys.parameterName,
    });
    new CfnOutput(this, stackOutputNames.apiKeyParameterName, {
      value: this.parameters.apiKey.parameterName,
    });
    new CfnOutput(this, stackOutputNames.eventsTableName, { value: this.events.table.tableName });
    new CfnOutput(this, stackOutputNames.crmTableName, { value: this.crm.table.tableName });
    new CfnOutput(this, stackOutputNames.rateLimitTableName, { value: this.rateLimit.table.tableName });
    // The operator CLI finds each family's queues by these outputs.
    for (const family of eventFamilies) {
      const { queue, deadLetterQueue } = this.queues.byFamily[family];
      new CfnOutput(this, familyQueueOutputName(family, 'QueueUrl'), { value: queue.queueUrl });
      new CfnOutput(this, familyQueueOutputName(family, 'DeadLetterQueueUrl'), {
        value: deadLetterQueue.queueUrl,
      });
    }
    new CfnOutput(this, stackOutputNames.mediaBucketName, { value: this.processing.mediaBucket.bucketName });
    new CfnOutput(this, stackOutputNames.campaignTableName, { value: this.campaigns.table.tableName });
    new CfnOutput(this, stackOutputNames.importStateMachineArn, {
      value: this.historyImport.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, stackOutputNames.importTableName, { value: this.importStore.table.tableName });
    new CfnOutput(this, stackOutputNames.crmApiUrl, { value: this.crmApi.url });
    // The CLI's `contacts erase` schedules its second sweep here, as the API's erase does.
    new CfnOutput(this, stackOutputNames.eraseSecondSweepArn, {
      value: this.crmApi.eraseSecondSweep.stateMachineArn,
    });
    new CfnOutput(this, stackOutputNames.crmEventBusName, {
      value: this.crmEvents.bus.eventBusName,
      description: 'Subscribe to CRM events with a rule on this bus (docs/crm-events.md)',
    });
    new CfnOutput(this, 'CrmEventBusArn', { value: this.crmEvents.bus.eventBusArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });
  }
}

/** Sets a function's reserved concurrency after construction (`null`: none). */
function reserveConcurrency(fn: IFunction, executions: number | null): void {
  if (executions !== null) (fn.node.defaultChild as CfnFunction).reservedConcurrentExecutions = executions;
}

/** The longest timeout of these functions: how long a CRM writer can take between its reads and its write. */
function longestTimeout(functions: readonly { timeout?: Duration }[]): Duration {
  const seconds = Math.max(...functions.map((f) => f.timeout?.toSeconds() ?? 3));
  return Duration.seconds(seconds);
}
