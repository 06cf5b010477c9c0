import { estimateCost, readCostSettings } from '../../bench/cost';
import { assumptions, dashboard, parameterTemplate, prices, withResources } from './cost-fixtures';

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

  it('prices a sweep’s read of each dead-letter queue it watches as one SQS request per queue per run', () => {
    const sweeper = (watched: string[]) =>
      withResources({
        SweepFunction1: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            MemorySize: 256,
            Architectures: ['arm64'],
            Environment: {
              Variables: {
                DEAD_LETTER_QUEUES: { 'Fn::Join': ['', watched.flatMap((q) => ['"q":"', { Ref: q }, '"'])] },
              },
            },
          },
        },
        SweepSchedule: {
          Type: 'AWS::Events::Rule',
          Properties: {
            ScheduleExpression: 'rate(5 minutes)',
            Targets: [{ Arn: { 'Fn::GetAtt': ['SweepFunction1', 'Arn'] } }],
          },
        },
      });
    const sqs = (watched: string[]) =>
      estimateCost(sweeper(watched), prices, assumptions).fixed.bill.SQS ?? 0;
    // 8,640 runs a month, 7 queues each: 60,480 requests.
    expect(sqs(['A', 'B', 'C', 'D', 'E', 'F', 'G']) - sqs([])).toBeCloseTo(8640 * 7 * prices.sqsRequest, 9);
  });

  const scheduledReader = (id: string, schedule: string, variable: string) => ({
    [id]: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        MemorySize: 512,
        Architectures: ['arm64'],
        Environment: { Variables: { [variable]: 'k' } },
      },
    },
    [`${id}Schedule`]: {
      Type: 'AWS::Events::Rule',
      Properties: { ScheduleExpression: schedule, Targets: [{ Arn: { 'Fn::GetAtt': [id, 'Arn'] } }] },
    },
  });
  const secretReader = (id: string, schedule: string) =>
    withResources(scheduledReader(id, schedule, 'X_SECRET_ID'));

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

  it('prices a SecureString parameter reader’s reads as KMS decrypts, with nothing to keep', () => {
    const reader = {
      Resources: {
        ...parameterTemplate().Resources,
        ...scheduledReader('ApiFunction1', 'rate(1 minute)', 'OPENPHONE_API_KEY_PARAMETER_NAME'),
      },
    };
    const { bill } = estimateCost(reader, prices, assumptions).fixed;
    expect(bill['Secrets Manager']).toBe(0);
    // The same 8,640 reads as a secret reader's: free GetParameter calls, each one decrypt.
    expect(bill['Parameter Store and KMS']).toBeCloseTo(8640 * 1e-5, 9);
  });
});
