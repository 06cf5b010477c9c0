// What the cost model reads from the synthesized template: each function's memory, architecture and
// tracing and key store, the tables' billing and indexes, the event sources, schedules, secrets, alarms and dashboards.
import type { CfnTemplate } from '../../local/cfn-tables';

type Resource = CfnTemplate['Resources'][string];
export interface FunctionSettings {
  id: string;
  memoryMb: number;
  arm: boolean;
  traced: boolean;
  /** Where it reads its keys: a Secrets Manager secret (a `…SECRET…` variable), a SecureString parameter (`…_PARAMETER_NAME`). */
  keyStore: 'secret' | 'parameter' | undefined;
  /** Lambda writes its START/END/REPORT lines (system log level INFO or below, or unset). */
  platformLogs: boolean;
  /** Dead-letter queues each run reads the depth of (the sweeper's `DEAD_LETTER_QUEUES`): one SQS request each. */
  watchedQueues?: number;
}
export interface TableSettings {
  gsis: number;
}
/** A scheduled rule: how often it fires and what it starts. */
export interface ScheduleSettings {
  id: string;
  perMonth: number;
  /** The function it invokes, `state-machine` for the import workflow, undefined for anything else. */
  target: FunctionSettings | 'state-machine' | undefined;
}
/** Alarm metrics by how CloudWatch bills them. */
export interface AlarmSettings {
  /** Metrics read by standard-resolution alarms (a metric-math alarm counts each of its metrics). */
  standardMetrics: number;
  highResolutionMetrics: number;
  composites: number;
}
export interface StackCostSettings {
  functions: {
    ingest: FunctionSettings;
    /** The stream dispatcher, in a stack whose ingest does not send to the queues itself. */
    dispatch?: FunctionSettings;
    processors: FunctionSettings[];
  } & Record<'sender' | 'importer', FunctionSettings | undefined>;
  /** All functions, for the key readers. */
  allFunctions: FunctionSettings[];
  tables: Record<'events' | 'crm' | 'campaign' | 'rateLimit', TableSettings | undefined>;
  streamBatchSize: number;
  queueBatchSize: number;
  queueBatchWindowSeconds: number;
  /** SQS event sources (family queues and any other queue a function polls). */
  polledQueues: number;
  apiAccessLog: boolean;
  logRetentionDays: number;
  /** Days an event record is kept after it closes (the ingest's `EVENT_RETENTION_DAYS`). */
  eventRetentionDays: number;
  secrets: number;
  alarms: AlarmSettings;
  /** Metrics drawn by each dashboard (the free tier covers a dashboard of up to 50). */
  dashboardMetrics: number[];
  schedules: ScheduleSettings[];
  /** States of the standard state machine, 0 without one: an upper bound of an idle sync's transitions. */
  stateMachineStates: number;
}

const secondsPerMonth = 30 * 24 * 3600;

const ofType = (template: CfnTemplate, type: string) =>
  Object.entries(template.Resources).filter(([, r]) => r.Type === type);

function lambdaFunction(id: string, r: Resource): FunctionSettings {
  const p = (r.Properties ?? {}) as {
    MemorySize?: number;
    Architectures?: string[];
    TracingConfig?: { Mode?: string };
    Environment?: { Variables?: Record<string, unknown> };
    LoggingConfig?: { SystemLogLevel?: string };
  };
  return {
    id,
    memoryMb: p.MemorySize ?? 128,
    arm: (p.Architectures ?? []).includes('arm64'),
    traced: p.TracingConfig?.Mode === 'Active',
    keyStore: keyStoreOf(Object.keys(p.Environment?.Variables ?? {})),
    platformLogs: !['WARN', 'ERROR'].includes(p.LoggingConfig?.SystemLogLevel ?? 'INFO'),
    // Each queue URL in the JSON is a `Ref` to the queue.
    watchedQueues: (JSON.stringify(p.Environment?.Variables?.DEAD_LETTER_QUEUES ?? '').match(/"Ref"/g) ?? [])
      .length,
  };
}

function keyStoreOf(variables: string[]): FunctionSettings['keyStore'] {
  if (variables.some((k) => k.includes('SECRET'))) return 'secret';
  if (variables.some((k) => k.endsWith('_PARAMETER_NAME'))) return 'parameter';
  return undefined;
}

/** Invocations per month of an EventBridge schedule expression; `cron(…)` is counted as hourly. */
export function schedulePerMonth(expression: string): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!rate) return secondsPerMonth / 3600;
  const unitSeconds = { minute: 60, hour: 3600, day: 86_400 }[rate[2]!.replace(/s$/, '') as 'minute'];
  return secondsPerMonth / (Number(rate[1]) * unitSeconds);
}

/** Alarm metrics by price: one per metric an alarm reads, high resolution under a 60 s period. */
export function alarmSettings(template: CfnTemplate): AlarmSettings {
  const settings: AlarmSettings = { standardMetrics: 0, highResolutionMetrics: 0, composites: 0 };
  for (const [, r] of ofType(template, 'AWS::CloudWatch::Alarm')) {
    const p = (r.Properties ?? {}) as {
      Period?: number;
      Metrics?: { MetricStat?: { Period?: number } }[];
    };
    const stats = (p.Metrics ?? []).filter((m) => m.MetricStat);
    const periods = stats.length ? stats.map((m) => m.MetricStat!.Period ?? 60) : [p.Period ?? 60];
    const metrics = Math.max(1, stats.length);
    if (Math.min(...periods) < 60) settings.highResolutionMetrics += metrics;
    else settings.standardMetrics += metrics;
  }
  settings.composites = ofType(template, 'AWS::CloudWatch::CompositeAlarm').length;
  return settings;
}

/** The metrics a dashboard draws: its widgets' metric rows (math expressions are not metrics). */
export function dashboardMetricCount(dashboard: Resource): number {
  const body = (dashboard.Properties as { DashboardBody?: unknown }).DashboardBody;
  const text =
    typeof body === 'string'
      ? body
      : ((body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1] ?? [])
          .map((part) => (typeof part === 'string' ? part : 'token'))
          .join('');
  const parsed = JSON.parse(text) as { widgets?: { properties?: { metrics?: unknown[][] } }[] };
  return (parsed.widgets ?? [])
    .flatMap((w) => w.properties?.metrics ?? [])
    .filter((row) => typeof row[0] === 'string').length;
}

export function readCostSettings(template: CfnTemplate): StackCostSettings {
  const functionResources = ofType(template, 'AWS::Lambda::Function');
  const functions = functionResources.map(([id, r]) => lambdaFunction(id, r));
  const fn = (fragment: string) => functions.find((f) => f.id.includes(fragment));
  const required = (fragment: string) => {
    const found = fn(fragment);
    if (!found) throw new Error(`no Lambda function with "${fragment}" in its logical id`);
    return found;
  };
  const tables = ofType(template, 'AWS::DynamoDB::Table');
  const table = (fragment: string): TableSettings | undefined => {
    const found = tables.find(([id]) => id.includes(fragment));
    if (!found) return undefined;
    const p = found[1].Properties as { BillingMode?: string; GlobalSecondaryIndexes?: unknown[] };
    if (p.BillingMode !== 'PAY_PER_REQUEST')
      throw new Error(`${found[0]}: the cost model prices on-demand tables only`);
    return { gsis: p.GlobalSecondaryIndexes?.length ?? 0 };
  };
  const mappings = ofType(template, 'AWS::Lambda::EventSourceMapping').map(
    ([, r]) =>
      r.Properties as {
        BatchSize?: number;
        MaximumBatchingWindowInSeconds?: number;
        EventSourceArn?: { 'Fn::GetAtt'?: [string, string] };
        FunctionName?: { Ref?: string };
      },
  );
  const streamMapping = mappings.find((m) => m.EventSourceArn?.['Fn::GetAtt']?.[1] === 'StreamArn');
  const queueMappings = mappings.filter((m) => m.EventSourceArn?.['Fn::GetAtt']?.[1] === 'Arn');
  const processorIds = functions.filter((f) => f.id.includes('Processor')).map((f) => f.id);
  const familyMappings = queueMappings.filter((m) => processorIds.includes(m.FunctionName?.Ref ?? ''));
  const retentions = ofType(template, 'AWS::Logs::LogGroup').map(
    ([, r]) => (r.Properties as { RetentionInDays?: number }).RetentionInDays,
  );
  const stateMachines = ofType(template, 'AWS::StepFunctions::StateMachine');
  const stateMachine = stateMachines[0]?.[1];
  if (
    stateMachine &&
    ((stateMachine.Properties as { StateMachineType?: string }).StateMachineType ?? 'STANDARD') !== 'STANDARD'
  )
    throw new Error('the cost model prices standard state machines only');
  const definition = stateMachine ? JSON.stringify(stateMachine.Properties) : '';
  const stages = ofType(template, 'AWS::ApiGatewayV2::Stage');
  const ingestEnvironment = (
    functionResources.find(([id]) => id.includes('IngestFunction'))?.[1].Properties as
      { Environment?: { Variables?: Record<string, unknown> } } | undefined
  )?.Environment?.Variables;
  const stateMachineIds = stateMachines.map(([id]) => id);
  const targetOf = (targets: { Arn?: { Ref?: string; 'Fn::GetAtt'?: [string, string] } }[] | undefined) => {
    const arn = targets?.[0]?.Arn;
    if (arn?.Ref && stateMachineIds.includes(arn.Ref)) return 'state-machine' as const;
    const functionId = arn?.['Fn::GetAtt']?.[0];
    return functions.find((f) => f.id === functionId);
  };
  return {
    functions: {
      ingest: required('IngestFunction'),
      dispatch: fn('DispatchFunction'),
      processors: functions.filter((f) => processorIds.includes(f.id)),
      sender: fn('SenderFunction'),
      importer: fn('ImportFunction'),
    },
    allFunctions: functions,
    tables: {
      events: table('EventsTable'),
      crm: table('CrmTable'),
      campaign: table('CampaignTable'),
      rateLimit: table('RateLimitTable'),
    },
    streamBatchSize: streamMapping?.BatchSize ?? 100,
    queueBatchSize: familyMappings.length ? Math.min(...familyMappings.map((m) => m.BatchSize ?? 10)) : 10,
    queueBatchWindowSeconds: Math.max(0, ...familyMappings.map((m) => m.MaximumBatchingWindowInSeconds ?? 0)),
    polledQueues: queueMappings.length,
    apiAccessLog: stages.some(([, r]) => (r.Properties as { AccessLogSettings?: unknown }).AccessLogSettings),
    logRetentionDays: Math.max(0, ...retentions.map((d) => d ?? Infinity)),
    eventRetentionDays: Number(ingestEnvironment?.EVENT_RETENTION_DAYS ?? 90),
    secrets: ofType(template, 'AWS::SecretsManager::Secret').length,
    alarms: alarmSettings(template),
    dashboardMetrics: ofType(template, 'AWS::CloudWatch::Dashboard').map(([, r]) => dashboardMetricCount(r)),
    schedules: ofType(template, 'AWS::Events::Rule').flatMap(([id, r]) => {
      const p = r.Properties as { ScheduleExpression?: string; Targets?: never[] };
      return p.ScheduleExpression
        ? [{ id, perMonth: schedulePerMonth(p.ScheduleExpression), target: targetOf(p.Targets) }]
        : [];
    }),
    stateMachineStates: (definition.match(/\\"Type\\":/g) ?? []).length,
  };
}
