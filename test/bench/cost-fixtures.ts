// The hand-made stack, prices and assumptions the cost model's tests price by hand.
import { defaultAssumptions, type Assumptions, type Prices } from '../../bench/cost';
import type { CfnTemplate } from '../../local/cfn-tables';

/** A stack small enough to price by hand. */
export const tinyTemplate = (eventsBilling = 'PAY_PER_REQUEST'): CfnTemplate => ({
  Resources: {
    IngestFunction1: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        MemorySize: 1024,
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Environment: { Variables: { SIGNING_KEYS_SECRET_ID: 'x' } },
      },
    },
    DispatchFunction1: {
      Type: 'AWS::Lambda::Function',
      Properties: { MemorySize: 1024, Architectures: ['arm64'] },
    },
    MessagesProcessor1: { Type: 'AWS::Lambda::Function', Properties: { MemorySize: 2048 } }, // x86
    SenderFunction1: {
      Type: 'AWS::Lambda::Function',
      Properties: { MemorySize: 512, Architectures: ['arm64'] },
    },
    EventsTable1: {
      Type: 'AWS::DynamoDB::Table',
      Properties: { BillingMode: eventsBilling, GlobalSecondaryIndexes: [{ IndexName: 'byStatus' }] },
    },
    CrmTable1: { Type: 'AWS::DynamoDB::Table', Properties: { BillingMode: 'PAY_PER_REQUEST' } },
    CampaignTable1: {
      Type: 'AWS::DynamoDB::Table',
      Properties: { BillingMode: 'PAY_PER_REQUEST', GlobalSecondaryIndexes: [{ IndexName: 'byWork' }] },
    },
    RateLimitTable1: { Type: 'AWS::DynamoDB::Table', Properties: { BillingMode: 'PAY_PER_REQUEST' } },
    StreamMapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: { BatchSize: 100, EventSourceArn: { 'Fn::GetAtt': ['EventsTable1', 'StreamArn'] } },
    },
    QueueMapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: {
        BatchSize: 10,
        MaximumBatchingWindowInSeconds: 1,
        EventSourceArn: { 'Fn::GetAtt': ['Queue1', 'Arn'] },
        FunctionName: { Ref: 'MessagesProcessor1' },
      },
    },
    Logs1: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } },
    Secret1: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    Alarm1: { Type: 'AWS::CloudWatch::Alarm', Properties: {} },
  },
});

export const prices: Prices = {
  lambdaArmGbSecond: 1e-5,
  lambdaX86GbSecond: 2e-5,
  lambdaRequest: 1e-7,
  httpApiRequest: 1e-6,
  dynamoWriteRequestUnit: 1e-6,
  dynamoReadRequestUnit: 1e-7,
  dynamoStorageGbMonth: 0,
  sqsRequest: 1e-7,
  logsIngestionGb: 1,
  logsStorageGbMonth: 0.1,
  secretMonth: 0.4,
  secretsApiCall: 1e-4,
  parameterStoreRead: 0,
  kmsRequest: 1e-5,
  xrayTraceRecorded: 1e-6,
  eventBridgeEvent: 1e-6,
  stepFunctionsTransition: 1e-5,
  alarmMetricMonth: 0.1,
  highResolutionAlarmMetricMonth: 0.3,
  compositeAlarmMonth: 0.5,
  customMetricMonth: 0.3,
  dashboardMonth: 3,
  freeDashboards: 3,
  freeDashboardMetrics: 50,
};

export const assumptions: Assumptions = {
  ...defaultAssumptions,
  webhooksPerMonth: 1_000_000, // 0.39 per second: every batch holds one event
  webhookPayloadKb: 1.5,
  eventRecordOverheadKb: 0.5, // a 2 KB event record
  crmItemKb: 1,
  campaignItemKb: 0.5,
  durationMs: {
    ingest: 100,
    dispatchPerEvent: 100,
    processorPerEvent: 500,
    campaignSend: 200,
    senderIdleRun: 0,
    sweepRun: 0,
    replyDueRun: 100,
    otherScheduledRun: 0,
    importSyncRun: 0,
  },
  platformLogKbPerInvocation: 1,
  logLineKb: 1,
  // The counts stay the defaults: a log line from the ingest and one from the processor; 4 campaign-table
  // writes, 1 token and 2 reads per message; 1 delivery webhook; 5 pollers; 1 warm secret reader.
};

/** The tiny stack as the bridge is now: no secret, the ingest reading a SecureString parameter. */
export const parameterTemplate = (): CfnTemplate => {
  const { Secret1: _secret, IngestFunction1: ingest, ...rest } = tinyTemplate().Resources;
  const properties = {
    ...ingest!.Properties,
    Environment: { Variables: { SIGNING_KEYS_PARAMETER_NAME: 'x' } },
  };
  return { Resources: { ...rest, IngestFunction1: { ...ingest!, Properties: properties } } };
};

/** The tiny stack with `extra` resources. */
export const withResources = (extra: CfnTemplate['Resources']): CfnTemplate => ({
  Resources: { ...tinyTemplate().Resources, ...extra },
});

/** A dashboard whose one widget draws `metrics` metrics and a math expression over them. */
export const dashboard = (metrics: number) => ({
  Type: 'AWS::CloudWatch::Dashboard',
  Properties: {
    DashboardBody: {
      'Fn::Join': [
        '',
        [
          `{"widgets":[{"type":"metric","properties":{"metrics":[${Array.from(
            { length: metrics },
            () => '["AWS/SQS","ApproximateNumberOfMessagesVisible","QueueName","',
          ).join('x"],')}`,
          { 'Fn::GetAtt': ['Queue1', 'QueueName'] },
          '"],[{"expression":"SUM(METRICS())"}]]}},{"type":"alarm","properties":{"alarms":["a"]}}]}',
        ],
      ],
    },
  },
});
