import {
  defaultAssumptions,
  estimateCost,
  declaredMetricNames,
  mixUnitsPerWebhook,
  officeAssumptions,
  publishedMetrics,
  seriesByPublishing,
  officeWebhookMix,
  readCostSettings,
  type Assumptions,
  type Prices,
} from '../../bench/cost';
import type { CfnTemplate } from '../../local/cfn-tables';
import { bridgeTemplate } from '../support/dynamo';

/** A stack small enough to price by hand. */
const tinyTemplate = (eventsBilling = 'PAY_PER_REQUEST'): CfnTemplate => ({
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

const prices: Prices = {
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

const assumptions: Assumptions = {
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

describe('the cost estimate', () => {
  const estimate = estimateCost(tinyTemplate(), prices, assumptions);
  const logsGb = 5e6 / 1024 ** 2; // 3M invocations × 1 KB of platform lines + 2M Powertools lines × 1 KB

  it('prices a million webhooks line by line from the template’s settings', () => {
    const { bill } = estimate.perMillionWebhooks;
    // ingest and dispatch: 1M × 0.1 s × 1 GB each on arm; processor: 1M × 0.5 s × 2 GB on x86.
    expect(bill['Lambda compute']).toBeCloseTo(200_000 * 1e-5 + 1_000_000 * 2e-5, 6);
    expect(bill['Lambda requests']).toBeCloseTo(3e6 * 1e-7, 6);
    expect(bill['API Gateway HTTP API']).toBeCloseTo(1, 6);
    // put 2 + 1 (byStatus), CRM 1, marked processed 2, out of byStatus 1: 7 write units per webhook.
    expect(bill['DynamoDB writes']).toBeCloseTo(7, 6);
    expect(bill['DynamoDB reads']).toBeCloseTo(1e6 * 1e-7, 6); // one strongly consistent read of 2 KB
    expect(bill.SQS).toBeCloseTo(3e6 * 1e-7, 6); // send, receive, delete
    expect(bill['CloudWatch Logs']).toBeCloseTo(logsGb * 1 + logsGb * 0.1, 6); // 30 days kept
    expect(bill['X-Ray']).toBeCloseTo(1, 6); // only the ingest is traced
    expect(bill['Secrets Manager']).toBe(0);
    expect(estimate.perMillionWebhooks.total).toBeCloseTo(22 + 0.3 + 1 + 7 + 0.1 + 0.3 + logsGb * 1.1 + 1, 6);
  });

  it('sets it beside the bare minimum: API Gateway, one Lambda invocation, one write', () => {
    expect(estimate.perMillionWebhooks.baseline).toBeCloseTo(1e6 * 1.1e-6 + 100_000 * 1e-5 + 2e6 * 1e-6, 6);
  });

  it('prices campaign messages with the delivery webhook each brings back', () => {
    const { bill, total, baseline } = estimate.perHundredThousandMessages;
    // sends: 100k × 0.2 s × 0.5 GB = 10,000 GB-s; writes: 4 × (1 + byWork) + 1 token per message.
    expect(bill['Lambda compute']).toBeCloseTo(0.1 + 2.2, 6);
    expect(bill['DynamoDB writes']).toBeCloseTo(0.9 + 0.7, 6);
    // reads: suppression twice and the daily-cap count per send, and the delivery webhook's one.
    expect(bill['DynamoDB reads']).toBeCloseTo(3e5 * 1e-7 + 1e5 * 1e-7, 6);
    expect(total).toBeCloseTo(0.1 + 0.9 + 0.03 + estimate.perMillionWebhooks.total / 10, 6);
    expect(baseline).toBeCloseTo(0.1 + 0.1, 6);
  });

  it('counts what a month costs with no traffic, the follow-up’s reply-due timer included', () => {
    const { bill, total } = estimate.fixed;
    expect(bill['Secrets Manager']).toBeCloseTo(0.4, 6); // the ingest, idle, never re-reads its secret
    expect(bill.SQS).toBeCloseTo(((5 * (30 * 86_400)) / 20) * 1e-7, 6); // one polled queue, 5 pollers
    // Not in this template: once a minute, 128 MB for 100 ms on arm, an empty query of half a read unit.
    const timer = 43_200 * 1e-6 + 43_200 * 0.1 * (128 / 1024) * 1e-5 + 43_200 * 1e-7 + 43_200 * 0.5 * 1e-7;
    // The metric series a schedule publishes every hour, nothing happening or not.
    const everyHour = seriesByPublishing()['every hour'] * 0.3;
    expect(bill['CloudWatch metrics']).toBeCloseTo(everyHour, 6);
    expect(total).toBeCloseTo(0.4 + 0.0648 + 0.1 + timer + everyHour, 6);
  });

  it('refuses a template it cannot price', () => {
    expect(() => estimateCost(tinyTemplate('PROVISIONED'), prices, assumptions)).toThrow(/on-demand/);
  });

  it('prices the write units the bench measured instead of the item-size model, when given', () => {
    const measured = estimateCost(tinyTemplate(), prices, assumptions, {
      unitsPerWebhook: 3.5,
      eventPutUnits: 1,
    });
    expect(measured.perMillionWebhooks.bill['DynamoDB writes']).toBeCloseTo(3.5, 6);
    expect(measured.perMillionWebhooks.baseline).toBeCloseTo(estimate.perMillionWebhooks.baseline - 1, 6);
    // The delivery webhook of each campaign message is priced the same way.
    expect(measured.perHundredThousandMessages.bill['DynamoDB writes']).toBeCloseTo(0.9 + 0.35, 6);
  });

  it('prices the capacity units measured per campaign message instead of the assumed writes and reads', () => {
    const measured = estimateCost(tinyTemplate(), prices, assumptions, {
      unitsPerWebhook: 3.5,
      eventPutUnits: 1,
      campaign: { writesPerMessage: { campaign: 10, rateLimit: 2, crm: 0.5 }, readsPerMessage: 4 },
    });
    const { bill } = measured.perHundredThousandMessages;
    // 12.5 units per message, 1e5 messages, plus the delivery webhooks' 3.5 each.
    expect(bill['DynamoDB writes']).toBeCloseTo(1e5 * 12.5 * 1e-6 + 0.35, 6);
    expect(bill['DynamoDB reads']).toBeCloseTo(1e5 * 4 * 1e-7 + 1e5 * 1e-7, 6);
    // Webhooks alone are priced as before.
    expect(measured.perMillionWebhooks.bill['DynamoDB writes']).toBeCloseTo(3.5, 6);
  });

  it('prices the read units measured per webhook instead of the one modelled event read', () => {
    const measured = estimateCost(tinyTemplate(), prices, assumptions, {
      unitsPerWebhook: 3.5,
      eventPutUnits: 1,
      readUnitsPerWebhook: 2.5,
    });
    expect(measured.perMillionWebhooks.bill['DynamoDB reads']).toBeCloseTo(1e6 * 2.5 * 1e-7, 6);
    expect(estimate.perMillionWebhooks.bill['DynamoDB reads']).toBeCloseTo(1e6 * 1e-7, 6);
  });

  it('reads the real stack: five processors, every function on arm64 and none traced by default', () => {
    const settings = readCostSettings(bridgeTemplate());
    expect(settings.functions.processors).toHaveLength(5);
    expect(settings.allFunctions.every((f) => f.arm && !f.traced && !f.platformLogs)).toBe(true);
    expect(settings.tables.events).toEqual({ gsis: 3 });
    expect(settings.functions.sender).toBeDefined();
    expect(settings.stateMachineStates).toBeGreaterThan(0);
    expect(estimateCost(bridgeTemplate()).perMillionWebhooks.total).toBeGreaterThan(
      estimateCost(bridgeTemplate()).perMillionWebhooks.baseline,
    );
  });

  it('reads which schedule starts what: the sweeper a function, the hourly sync the workflow', () => {
    const { schedules } = readCostSettings(bridgeTemplate());
    const target = (fragment: string) => schedules.find((r) => r.id.includes(fragment))?.target;
    expect(target('IncrementalSync')).toBe('state-machine');
    expect(target('Sweeper')).toEqual(expect.objectContaining({ id: expect.stringContaining('Sweep') }));
    expect(schedules.find((r) => r.id.includes('IncrementalSync'))?.perMonth).toBe(720);
  });

  it('keeps the real stack’s dashboard within the free tier’s 50 metrics', () => {
    const { dashboardMetrics } = readCostSettings(bridgeTemplate());
    expect(dashboardMetrics).toHaveLength(1);
    expect(dashboardMetrics[0]).toBeGreaterThan(20);
    expect(dashboardMetrics[0]).toBeLessThanOrEqual(50);
  });
});

/** The tiny stack with `extra` resources. */
const withResources = (extra: CfnTemplate['Resources']): CfnTemplate => ({
  Resources: { ...tinyTemplate().Resources, ...extra },
});

/** A dashboard whose one widget draws `metrics` metrics and a math expression over them. */
const dashboard = (metrics: number) => ({
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

describe('the idle month', () => {
  it('prices each alarm by what it reads: a math alarm per metric, high resolution, composite', () => {
    const mathMetric = (period: number) => ({ MetricStat: { Period: period } });
    const { bill } = estimateCost(
      withResources({
        Math1: {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: {
            Metrics: [mathMetric(300), mathMetric(300), mathMetric(300), { Expression: 'a+b+c' }],
          },
        },
        Fast1: { Type: 'AWS::CloudWatch::Alarm', Properties: { Period: 10 } },
        Either1: { Type: 'AWS::CloudWatch::CompositeAlarm', Properties: {} },
      }),
      prices,
      assumptions,
    ).fixed;
    // Alarm1 and Math1's three metrics; Fast1 at high resolution; one composite.
    expect(bill['CloudWatch alarms and dashboards']).toBeCloseTo(4 * 0.1 + 0.3 + 0.5, 6);
  });

  it('bills dashboards beyond the free three, and any over 50 metrics, counting metrics not expressions', () => {
    const dashboards = (sizes: number[]) =>
      estimateCost(
        withResources(Object.fromEntries(sizes.map((n, i) => [`Dashboard${i}`, dashboard(n)]))),
        prices,
        assumptions,
      ).fixed.bill['CloudWatch alarms and dashboards']! - 0.1;
    expect(dashboards([50, 50, 50])).toBeCloseTo(0, 6);
    expect(dashboards([50, 50, 50, 2])).toBeCloseTo(3, 6);
    expect(dashboards([51])).toBeCloseTo(3, 6);
    expect(readCostSettings(withResources({ D: dashboard(7) })).dashboardMetrics).toEqual([7]);
  });

  it('prices the hourly sync as measured, and a sweeper’s schedule as its own runs, not as syncs', () => {
    const resources = withResources({
      ImportFunction1: {
        Type: 'AWS::Lambda::Function',
        Properties: { MemorySize: 1024, Architectures: ['arm64'] },
      },
      SweepFunction1: {
        Type: 'AWS::Lambda::Function',
        Properties: { MemorySize: 1024, Architectures: ['arm64'] },
      },
      StateMachine1: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: '{}' } },
      SyncSchedule: {
        Type: 'AWS::Events::Rule',
        Properties: { ScheduleExpression: 'rate(1 hour)', Targets: [{ Arn: { Ref: 'StateMachine1' } }] },
      },
      SweepSchedule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          ScheduleExpression: 'rate(5 minutes)',
          Targets: [{ Arn: { 'Fn::GetAtt': ['SweepFunction1', 'Arn'] } }],
        },
      },
    });
    const idleSync = { transitions: 3, importInvocations: 1, writeUnits: 19, readUnits: 9 };
    const { bill } = estimateCost(resources, prices, assumptions, {
      unitsPerWebhook: 3.5,
      eventPutUnits: 1,
      idleSync,
    }).fixed;
    expect(bill['Step Functions']).toBeCloseTo(720 * 3 * 1e-5, 6);
    expect(bill['DynamoDB writes']).toBeCloseTo(720 * 19 * 1e-6, 6);
    // 720 syncs and 8640 sweeps, beside the reply-due timer's 43,200 runs.
    expect(bill.EventBridge).toBeCloseTo((720 + 8640 + 43_200) * 1e-6, 6);
  });

  const secretReader = (id: string, schedule: string) =>
    withResources({
      [id]: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          MemorySize: 512,
          Architectures: ['arm64'],
          Environment: { Variables: { X_SECRET_ID: 'k' } },
        },
      },
      [`${id}Schedule`]: {
        Type: 'AWS::Events::Rule',
        Properties: { ScheduleExpression: schedule, Targets: [{ Arn: { 'Fn::GetAtt': [id, 'Arn'] } }] },
      },
    });

  it('counts a scheduled secret reader’s reads once per 5-minute cache life, at most', () => {
    const { bill } = estimateCost(secretReader('ApiFunction1', 'rate(1 minute)'), prices, assumptions).fixed;
    expect(bill['Secrets Manager']).toBeCloseTo(0.4 + 8640 * 1e-4, 6);
  });

  it('counts a reader that keeps its secret from set-up once per environment, not per cache life', () => {
    // The sender, run every minute, stays in one environment, which Lambda replaces every 2 hours.
    const sender = estimateCost(secretReader('SenderFunction1', 'rate(1 minute)'), prices, assumptions).fixed;
    expect(sender.bill['Secrets Manager']).toBeCloseTo(0.4 + 360 * 1e-4, 6);
    // The hourly import finds its last environment gone: a read per run.
    const sync = estimateCost(secretReader('ImportFunction1', 'rate(1 hour)'), prices, assumptions).fixed;
    expect(sync.bill['Secrets Manager']).toBeCloseTo(0.4 + 720 * 1e-4, 6);
  });
});

describe('an office’s month', () => {
  const measured = {
    unitsPerWebhook: 4,
    eventPutUnits: 1,
    perType: { messages: { 'message.received': 10, 'message.sent': 2, 'message.delivered': 2 } },
  };

  it('has a mix whose shares sum to one, three quarters of it messages', () => {
    const mix = officeWebhookMix();
    expect(Object.values(mix).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    const messages = Object.entries(mix)
      .filter(([type]) => type.startsWith('message.'))
      .reduce((sum, [, share]) => sum + share, 0);
    expect(messages).toBeCloseTo(18 / 24.1, 6);
  });

  it('weighs each type’s measured write units by its share; a type not measured gets the average', () => {
    const mix = officeWebhookMix();
    const received = mix['message.received']!;
    const sentOrDelivered = mix['message.sent']! + mix['message.delivered']!;
    expect(mixUnitsPerWebhook(measured)).toBeCloseTo(
      received * 10 + sentOrDelivered * 2 + (1 - received - sentOrDelivered) * 4,
      9,
    );
  });

  it('adds its webhooks, the campaign’s deliveries and replies, storage and the idle month', () => {
    const estimate = estimateCost(tinyTemplate(), prices, assumptions, measured);
    const { office, fixed } = estimate;
    expect(office.parts.idle).toBeCloseTo(fixed.total, 9);
    expect(office.total).toBeCloseTo(
      Object.values(office.parts).reduce((a, b) => a + b, 0),
      9,
    );
    // 100,000 of its own, 10,000 delivery webhooks and 500 replies through the API.
    expect(office.bill['API Gateway HTTP API']).toBeCloseTo(110_500 * 1e-6, 9);
    // The replies are priced as message.received (10 units), the deliveries as message.delivered (2).
    const campaignWebhookWrites = 10_000 * 2 + 500 * 10;
    expect(office.parts['follow-up timer firings']).toBeCloseTo(
      officeAssumptions.overdueSpells * officeAssumptions.writeUnitsPerOverdueSpell * 1e-6,
      9,
    );
    // Series are billed by the hours they are published in: traffic's 300, all 720 for the waiting ones.
    const series = seriesByPublishing();
    expect(office.parts.metrics).toBeCloseTo(
      ((series['with traffic'] * 300 + series['while one waits'] * 720 + series['while sending'] * 3) / 720) *
        0.3,
      9,
    );
    expect(office.bill['CloudWatch metrics']).toBeCloseTo(
      office.parts.metrics! + series['every hour'] * 0.3,
      9,
    );
    expect(office.bill['DynamoDB writes']).toBeCloseTo(
      (100_000 * mixUnitsPerWebhook(measured) +
        10_000 * 9 + // the assumed 4 campaign-table writes (and their byWork entries) and 1 token per send
        campaignWebhookWrites +
        2_000) *
        1e-6,
      9,
    );
  });
});

describe('the custom metrics', () => {
  it('prices every metric the Lambdas declare, and only those', () => {
    expect(Object.keys(publishedMetrics).sort()).toEqual([...new Set(declaredMetricNames())].sort());
  });

  it('bills a series by the hours it is published in, not by its data points', () => {
    const traffic = seriesByPublishing({
      A: { when: 'with traffic', series: 5 },
      B: { when: 'on a fault', series: 9 },
    });
    expect(traffic['with traffic']).toBe(5);
    expect(traffic['on a fault']).toBe(9);
    expect(traffic['every hour']).toBe(0);
  });
});
