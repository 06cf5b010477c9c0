// The monthly AWS cost of the synthesized stack, per million webhooks and per 100,000 campaign
// messages: resource usage derived from the template's settings, priced with AWS's published prices.
// One file because it is one calculation read top to bottom — prices and assumptions, the template's
// settings, usage, the bill — and every figure it prints is traced through all four stages.
import type { CfnTemplate } from '../local/cfn-tables';
import type { BenchRow } from './report';

/**
 * us-east-1 list prices, from the AWS pricing pages as published in 2025 (DynamoDB on demand after
 * its November 2024 reduction). No free tier is applied. Check aws.amazon.com/<service>/pricing
 * before relying on a figure.
 */
export const usEast1Prices = {
  lambdaArmGbSecond: 0.0000133334,
  lambdaX86GbSecond: 0.0000166667,
  lambdaRequest: 0.2 / 1e6,
  httpApiRequest: 1.0 / 1e6,
  dynamoWriteRequestUnit: 0.625 / 1e6,
  dynamoReadRequestUnit: 0.125 / 1e6,
  dynamoStorageGbMonth: 0.25,
  sqsRequest: 0.4 / 1e6,
  logsIngestionGb: 0.5,
  logsStorageGbMonth: 0.03,
  secretMonth: 0.4,
  secretsApiCall: 0.05 / 10_000,
  xrayTraceRecorded: 5.0 / 1e6,
  eventBridgeEvent: 1.0 / 1e6,
  stepFunctionsTransition: 0.025 / 1000,
  alarmMonth: 0.1,
  dashboardMonth: 3.0,
};
export type Prices = typeof usEast1Prices;

/**
 * What the template does not say, stated. Durations are billed wall time (DynamoDB and OpenPhone
 * round trips dominate; the ingest's own CPU time, measured above, is well under a millisecond).
 */
export const defaultAssumptions = {
  webhooksPerMonth: 1_000_000,
  /** A message or call event; a long transcript is larger. */
  webhookPayloadKb: 2,
  /** The event record's own attributes beside the payload. */
  eventRecordOverheadKb: 0.5,
  crmItemKb: 1,
  campaignItemKb: 0.5,
  durationMs: {
    ingest: 25,
    dispatchPerEvent: 20,
    processorPerEvent: 60,
    /** One campaign message: the OpenPhone POST dominates. */
    campaignSend: 300,
    /** A campaign sender run with nothing to send. */
    senderIdleRun: 150,
    importSyncRun: 3000,
  },
  /** Lambda's START/END/REPORT lines (and the X-Ray line) per invocation. */
  platformLogKbPerInvocation: 0.45,
  /** One Powertools JSON line, or one API access log line. */
  logLineKb: 0.35,
  /** Powertools lines at INFO: ingest "webhook accepted", processor "activity written". */
  logLinesPerWebhook: { ingest: 1, dispatch: 0, processor: 1 },
  /** Per sent message: claim, daily-cap slot, touch, sent (campaign table); a token (rate-limit table). */
  campaignWritesPerMessage: { campaign: 4, rateLimit: 1 },
  /** Per sent message: the suppression list (before the cap slot and again just before the send) and the daily-cap count. */
  campaignReadsPerMessage: 3,
  /** The delivery status webhook each sent message brings back through the pipeline. */
  deliveryWebhooksPerMessage: 1,
  /** Lambda keeps this many long-polling receivers on each SQS event source (20 s waits). */
  sqsPollersPerQueue: 5,
  /** Warm execution environments reading a secret, each every 5 minutes (the cache's life). */
  environmentsPerSecretReader: 1,
  /** Retention assumed for a log group that never expires. */
  unlimitedRetentionDays: 365,
};
export type Assumptions = typeof defaultAssumptions;

const secondsPerMonth = 30 * 24 * 3600;

// ---- reading the template ----

type Resource = CfnTemplate['Resources'][string];
interface FunctionSettings {
  id: string;
  memoryMb: number;
  arm: boolean;
  traced: boolean;
  readsSecret: boolean;
  /** Lambda writes its START/END/REPORT lines (system log level INFO or below, or unset). */
  platformLogs: boolean;
}
interface TableSettings {
  gsis: number;
}
export interface StackCostSettings {
  functions: {
    ingest: FunctionSettings;
    /** The stream dispatcher, in a stack whose ingest does not send to the queues itself. */
    dispatch?: FunctionSettings;
    processors: FunctionSettings[];
  } & Record<'sender' | 'importer', FunctionSettings | undefined>;
  /** All functions, for the secret readers. */
  allFunctions: FunctionSettings[];
  tables: Record<'events' | 'crm' | 'campaign' | 'rateLimit', TableSettings | undefined>;
  streamBatchSize: number;
  queueBatchSize: number;
  queueBatchWindowSeconds: number;
  /** SQS event sources (family queues and any other queue a function polls). */
  polledQueues: number;
  apiAccessLog: boolean;
  logRetentionDays: number;
  secrets: number;
  alarms: number;
  dashboards: number;
  /** Scheduled rule → invocations per month, keyed by the rule's logical id. */
  schedules: Record<string, number>;
  /** States of the standard state machine (each entered once per sync run), 0 without one. */
  stateMachineStates: number;
}

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
    readsSecret: Object.keys(p.Environment?.Variables ?? {}).some((k) => k.includes('SECRET')),
    platformLogs: !['WARN', 'ERROR'].includes(p.LoggingConfig?.SystemLogLevel ?? 'INFO'),
  };
}

/** Invocations per month of an EventBridge schedule expression; `cron(…)` is counted as hourly. */
export function schedulePerMonth(expression: string): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!rate) return secondsPerMonth / 3600;
  const unitSeconds = { minute: 60, hour: 3600, day: 86_400 }[rate[2]!.replace(/s$/, '') as 'minute'];
  return secondsPerMonth / (Number(rate[1]) * unitSeconds);
}

export function readCostSettings(template: CfnTemplate): StackCostSettings {
  const functions = ofType(template, 'AWS::Lambda::Function').map(([id, r]) => lambdaFunction(id, r));
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
  const stateMachine = ofType(template, 'AWS::StepFunctions::StateMachine')[0]?.[1];
  if (
    stateMachine &&
    ((stateMachine.Properties as { StateMachineType?: string }).StateMachineType ?? 'STANDARD') !== 'STANDARD'
  )
    throw new Error('the cost model prices standard state machines only');
  const definition = stateMachine ? JSON.stringify(stateMachine.Properties) : '';
  const stages = ofType(template, 'AWS::ApiGatewayV2::Stage');
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
    secrets: ofType(template, 'AWS::SecretsManager::Secret').length,
    alarms: ofType(template, 'AWS::CloudWatch::Alarm').length,
    dashboards: ofType(template, 'AWS::CloudWatch::Dashboard').length,
    schedules: Object.fromEntries(
      ofType(template, 'AWS::Events::Rule').flatMap(([id, r]) => {
        const expression = (r.Properties as { ScheduleExpression?: string }).ScheduleExpression;
        return expression ? [[id, schedulePerMonth(expression)]] : [];
      }),
    ),
    stateMachineStates: (definition.match(/\\"Type\\":/g) ?? []).length,
  };
}

// ---- usage and price ----

/**
 * Write units measured on DynamoDB Local (bench/write-units.ts), used instead of the item-size model
 * where given: the average over every family's webhooks, and the events table's own put (the bare
 * minimum's one write).
 */
export interface MeasuredWrites {
  unitsPerWebhook: number;
  eventPutUnits: number;
  /** Read units per webhook of the same run (the processor's reads); the item-size model when absent. */
  readUnitsPerWebhook?: number;
  /** Per campaign message (bench/campaign-write-units.ts); the assumptions when absent. */
  campaign?: MeasuredCampaignUnits;
}

/** Capacity units one campaign message's sender run consumed, measured on DynamoDB Local. */
export interface MeasuredCampaignUnits {
  /** Write units by table: the campaign table, the shared limiter's, the CRM table's. */
  writesPerMessage: { campaign: number; rateLimit: number; crm: number };
  /** Read units, every table together. */
  readsPerMessage: number;
}

/** Monthly usage of each priced unit; `price` turns it into dollars per line. */
export interface Usage {
  lambdaGbSecondsArm: number;
  lambdaGbSecondsX86: number;
  lambdaRequests: number;
  httpApiRequests: number;
  writeRequestUnits: number;
  readRequestUnits: number;
  sqsRequests: number;
  logsGb: number;
  logsStoredGb: number;
  secrets: number;
  secretsApiCalls: number;
  xrayTraces: number;
  eventBridgeEvents: number;
  stepFunctionsTransitions: number;
  alarms: number;
  dashboards: number;
}

const emptyUsage = (): Usage => ({
  lambdaGbSecondsArm: 0,
  lambdaGbSecondsX86: 0,
  lambdaRequests: 0,
  httpApiRequests: 0,
  writeRequestUnits: 0,
  readRequestUnits: 0,
  sqsRequests: 0,
  logsGb: 0,
  logsStoredGb: 0,
  secrets: 0,
  secretsApiCalls: 0,
  xrayTraces: 0,
  eventBridgeEvents: 0,
  stepFunctionsTransitions: 0,
  alarms: 0,
  dashboards: 0,
});

const kbToGb = (kb: number) => kb / (1024 * 1024);

/** Accumulates usage; every figure is per month. */
class UsageMeter {
  readonly usage = emptyUsage();
  constructor(
    private readonly settings: StackCostSettings,
    private readonly a: Assumptions,
  ) {}

  /** `invocations` of `fn`, each `ms` long, each writing `logLines` Powertools lines. */
  invoke(fn: FunctionSettings, invocations: number, ms: number, logLines = 0): void {
    const gbSeconds = invocations * (ms / 1000) * (fn.memoryMb / 1024);
    if (fn.arm) this.usage.lambdaGbSecondsArm += gbSeconds;
    else this.usage.lambdaGbSecondsX86 += gbSeconds;
    this.usage.lambdaRequests += invocations;
    if (fn.traced) this.usage.xrayTraces += invocations;
    this.log(
      invocations * (fn.platformLogs ? this.a.platformLogKbPerInvocation : 0) + logLines * this.a.logLineKb,
    );
  }

  log(kb: number): void {
    const gb = kbToGb(kb);
    this.usage.logsGb += gb;
    const retention = Number.isFinite(this.settings.logRetentionDays)
      ? this.settings.logRetentionDays
      : this.a.unlimitedRetentionDays;
    this.usage.logsStoredGb += (gb * retention) / 30; // steady state: that many months' worth kept
  }

  /**
   * Writes of an item of `kb` to a table: a write unit per KB, and one for each index the item is in
   * (the indexes project keys and a few attributes: their entries stay under 1 KB).
   */
  write(table: TableSettings | undefined, writes: number, kb: number, indexed = true): void {
    if (!table) return;
    this.usage.writeRequestUnits += writes * (Math.ceil(kb) + (indexed ? table.gsis : 0));
  }

  /** An update that takes a (small, keys-only-sized) item out of each index: one write unit each. */
  indexEntriesRemoved(table: TableSettings | undefined, writes: number): void {
    if (table) this.usage.writeRequestUnits += writes * table.gsis;
  }

  /** Strongly consistent reads: a read unit per 4 KB. */
  read(table: TableSettings | undefined, reads: number, kb: number): void {
    if (!table) return;
    this.usage.readRequestUnits += reads * Math.ceil(kb / 4);
  }
}

/** Events per invocation of an event source at a steady rate: the batching window fills the batch. */
export function batchFill(eventsPerSecond: number, batchSize: number, windowSeconds: number): number {
  return Math.min(batchSize, Math.max(1, eventsPerSecond * Math.max(windowSeconds, 0.25)));
}

/** What `webhooks` webhooks a month use, end to end, beyond the fixed monthly usage. */
export function webhookUsage(
  s: StackCostSettings,
  a: Assumptions,
  webhooks: number,
  measured?: MeasuredWrites,
): Usage {
  const meter = new UsageMeter(s, a);
  const u = meter.usage;
  const rate = a.webhooksPerMonth / secondsPerMonth;
  const eventKb = a.webhookPayloadKb + a.eventRecordOverheadKb;
  u.httpApiRequests += webhooks;
  if (s.apiAccessLog) meter.log(webhooks * a.logLineKb);
  meter.invoke(s.functions.ingest, webhooks, a.durationMs.ingest, webhooks * a.logLinesPerWebhook.ingest);
  if (measured) u.writeRequestUnits += webhooks * measured.unitsPerWebhook;
  else meter.write(s.tables.events, webhooks, eventKb); // the conditional put, into the byStatus index too

  // The stream is read by Lambda at no charge; the dispatcher (when there is one) sends one message per event.
  const streamFill = batchFill(rate, s.streamBatchSize, 0);
  if (s.functions.dispatch)
    meter.invoke(
      s.functions.dispatch,
      webhooks / streamFill,
      a.durationMs.dispatchPerEvent * streamFill,
      webhooks * a.logLinesPerWebhook.dispatch,
    );
  const processors = Math.max(1, s.functions.processors.length);
  const queueFill = batchFill(rate / processors, s.queueBatchSize, s.queueBatchWindowSeconds);
  const processorInvocations = webhooks / queueFill;
  // SendMessage per event; per batch one ReceiveMessage that returns it and one DeleteMessageBatch.
  u.sqsRequests += webhooks + 2 * processorInvocations;
  const processor = s.functions.processors[0] ?? s.functions.ingest;
  meter.invoke(
    processor,
    processorInvocations,
    a.durationMs.processorPerEvent * queueFill,
    webhooks * a.logLinesPerWebhook.processor,
  );
  if (measured?.readUnitsPerWebhook !== undefined)
    u.readRequestUnits += webhooks * measured.readUnitsPerWebhook;
  else meter.read(s.tables.events, webhooks, eventKb); // the event record, strongly consistent
  if (!measured) {
    meter.write(s.tables.crm, webhooks, a.crmItemKb); // the activity or contact, with its indexes
    meter.write(s.tables.events, webhooks, eventKb, false); // marked processed…
    meter.indexEntriesRemoved(s.tables.events, webhooks); // …which takes it out of the byStatus index
  }
  return u;
}

/** What `messages` campaign messages a month use: the sends and the delivery webhooks they bring back. */
export function campaignUsage(
  s: StackCostSettings,
  a: Assumptions,
  messages: number,
  measured?: MeasuredWrites,
): Usage {
  const sender = s.functions.sender;
  if (!sender) throw new Error('the template has no campaign sender');
  const meter = new UsageMeter(s, a);
  // Billed time of the runs that send: the sends themselves (the run's invocations are fixed cost).
  const gbSeconds = messages * (a.durationMs.campaignSend / 1000) * (sender.memoryMb / 1024);
  if (sender.arm) meter.usage.lambdaGbSecondsArm += gbSeconds;
  else meter.usage.lambdaGbSecondsX86 += gbSeconds;
  const units = measured?.campaign;
  if (units) {
    const { campaign, rateLimit, crm } = units.writesPerMessage;
    meter.usage.writeRequestUnits += messages * (campaign + rateLimit + crm);
    meter.usage.readRequestUnits += messages * units.readsPerMessage;
  } else {
    meter.write(s.tables.campaign, messages * a.campaignWritesPerMessage.campaign, a.campaignItemKb);
    meter.write(s.tables.rateLimit, messages * a.campaignWritesPerMessage.rateLimit, a.campaignItemKb);
    meter.read(s.tables.crm, messages * a.campaignReadsPerMessage, a.campaignItemKb);
  }
  return addUsage(meter.usage, webhookUsage(s, a, messages * a.deliveryWebhooksPerMessage, measured));
}

/** A month with no traffic at all: secrets, alarms, dashboards, schedules, idle queue polling. */
export function fixedUsage(s: StackCostSettings, a: Assumptions): Usage {
  const meter = new UsageMeter(s, a);
  const u = meter.usage;
  u.secrets = s.secrets;
  u.alarms = s.alarms;
  u.dashboards = s.dashboards;
  const refreshesPerMonth = secondsPerMonth / 300;
  u.secretsApiCalls =
    s.allFunctions.filter((f) => f.readsSecret).length * a.environmentsPerSecretReader * refreshesPerMonth;
  u.sqsRequests += s.polledQueues * a.sqsPollersPerQueue * (secondsPerMonth / 20);
  for (const [id, perMonth] of Object.entries(s.schedules)) {
    u.eventBridgeEvents += perMonth;
    if (s.functions.sender && /Sender/.test(id))
      meter.invoke(s.functions.sender, perMonth, a.durationMs.senderIdleRun);
    else if (s.functions.importer) {
      meter.invoke(s.functions.importer, perMonth, a.durationMs.importSyncRun, 1);
      u.stepFunctionsTransitions += perMonth * s.stateMachineStates;
    }
  }
  return u;
}

export function addUsage(x: Usage, y: Usage): Usage {
  return Object.fromEntries(
    Object.keys(x).map((k) => [k, x[k as keyof Usage] + y[k as keyof Usage]]),
  ) as unknown as Usage;
}

/** Dollars per line of the bill. */
export function price(u: Usage, p: Prices): Record<string, number> {
  return {
    'Lambda compute': u.lambdaGbSecondsArm * p.lambdaArmGbSecond + u.lambdaGbSecondsX86 * p.lambdaX86GbSecond,
    'Lambda requests': u.lambdaRequests * p.lambdaRequest,
    'API Gateway HTTP API': u.httpApiRequests * p.httpApiRequest,
    'DynamoDB writes': u.writeRequestUnits * p.dynamoWriteRequestUnit,
    'DynamoDB reads': u.readRequestUnits * p.dynamoReadRequestUnit,
    SQS: u.sqsRequests * p.sqsRequest,
    'CloudWatch Logs': u.logsGb * p.logsIngestionGb + u.logsStoredGb * p.logsStorageGbMonth,
    'Secrets Manager': u.secrets * p.secretMonth + u.secretsApiCalls * p.secretsApiCall,
    'X-Ray': u.xrayTraces * p.xrayTraceRecorded,
    EventBridge: u.eventBridgeEvents * p.eventBridgeEvent,
    'Step Functions': u.stepFunctionsTransitions * p.stepFunctionsTransition,
    'CloudWatch alarms and dashboards': u.alarms * p.alarmMonth + u.dashboards * p.dashboardMonth,
  };
}

export const total = (bill: Record<string, number>) => Object.values(bill).reduce((a, b) => a + b, 0);

/**
 * The baseline: the bare minimum that accepts a webhook — API Gateway, one Lambda invocation at the
 * ingest's memory and duration, one DynamoDB write of the event; no queue, no log line, no trace.
 * For campaigns: the send's Lambda time and one write per message.
 */
export function bareMinimumWebhooks(
  s: StackCostSettings,
  a: Assumptions,
  webhooks: number,
  p: Prices,
  measured?: MeasuredWrites,
): number {
  const fn = s.functions.ingest;
  const gbSeconds = webhooks * (a.durationMs.ingest / 1000) * (fn.memoryMb / 1024);
  return (
    webhooks * (p.httpApiRequest + p.lambdaRequest) +
    gbSeconds * (fn.arm ? p.lambdaArmGbSecond : p.lambdaX86GbSecond) +
    webhooks *
      (measured?.eventPutUnits ?? Math.ceil(a.webhookPayloadKb + a.eventRecordOverheadKb)) *
      p.dynamoWriteRequestUnit
  );
}

export function bareMinimumCampaign(
  s: StackCostSettings,
  a: Assumptions,
  messages: number,
  p: Prices,
): number {
  const fn = s.functions.sender ?? s.functions.ingest;
  const gbSeconds = messages * (a.durationMs.campaignSend / 1000) * (fn.memoryMb / 1024);
  return (
    gbSeconds * (fn.arm ? p.lambdaArmGbSecond : p.lambdaX86GbSecond) +
    messages * Math.ceil(a.campaignItemKb) * p.dynamoWriteRequestUnit
  );
}

export interface CostEstimate {
  perMillionWebhooks: { bill: Record<string, number>; total: number; baseline: number };
  perHundredThousandMessages: { bill: Record<string, number>; total: number; baseline: number };
  fixed: { bill: Record<string, number>; total: number };
}

export function estimateCost(
  template: CfnTemplate,
  p: Prices = usEast1Prices,
  a: Assumptions = defaultAssumptions,
  measured?: MeasuredWrites,
): CostEstimate {
  const s = readCostSettings(template);
  const webhookBill = price(webhookUsage(s, a, 1_000_000, measured), p);
  const campaignBill = price(campaignUsage(s, a, 100_000, measured), p);
  const fixedBill = price(fixedUsage(s, a), p);
  return {
    perMillionWebhooks: {
      bill: webhookBill,
      total: total(webhookBill),
      baseline: bareMinimumWebhooks(s, a, 1_000_000, p, measured),
    },
    perHundredThousandMessages: {
      bill: campaignBill,
      total: total(campaignBill),
      baseline: bareMinimumCampaign(s, a, 100_000, p),
    },
    fixed: { bill: fixedBill, total: total(fixedBill) },
  };
}

const dollars = (n: number) => `$${n.toFixed(2)}`;

/** The cost rows of the bench table, after printing the breakdown. */
export function benchCost(template: CfnTemplate, measured?: MeasuredWrites): BenchRow[] {
  const estimate = estimateCost(template, usEast1Prices, defaultAssumptions, measured);
  const lines = (bill: Record<string, number>) =>
    Object.entries(bill)
      .filter(([, v]) => v >= 0.005)
      .map(([k, v]) => `${k} ${dollars(v)}`)
      .join(' · ');
  console.log(
    'Monthly AWS cost, us-east-1 list prices, no free tier (bench/cost.ts states prices and assumptions):',
  );
  if (measured)
    console.log(
      `  DynamoDB: ${measured.unitsPerWebhook.toFixed(2)} write units per webhook, measured above` +
        (measured.readUnitsPerWebhook === undefined
          ? ''
          : `; ${measured.readUnitsPerWebhook.toFixed(2)} read units, measured in the same run`),
    );
  if (measured?.campaign)
    console.log(
      '  campaign messages: the capacity units measured above (the assumed 4 + 1 writes and 3 reads unused)',
    );
  console.log(`  per 1M webhooks:               ${lines(estimate.perMillionWebhooks.bill)}`);
  console.log(`  per 100k campaign messages:    ${lines(estimate.perHundredThousandMessages.bill)}`);
  console.log(`  an idle month (no traffic):    ${lines(estimate.fixed.bill)}\n`);
  const row = (measure: string, value: number, baseline: number, baselineLabel: string): BenchRow => ({
    section: 'cost',
    measure,
    value,
    baseline,
    unit: '$/month',
    baselineLabel,
  });
  return [
    {
      ...row(
        'per 1M webhooks',
        estimate.perMillionWebhooks.total,
        estimate.perMillionWebhooks.baseline,
        'bare minimum: API GW + 1 Lambda + 1 write',
      ),
      // Issue 18's aim, $8 per 1M webhooks, as a ratio to the bare minimum.
      aim: Math.floor((8 / estimate.perMillionWebhooks.baseline) * 100) / 100,
    },
    row(
      'per 100k campaign messages (incl. delivery webhooks)',
      estimate.perHundredThousandMessages.total,
      estimate.perHundredThousandMessages.baseline,
      'bare minimum: send time + 1 write',
    ),
    row('an idle month (no traffic)', estimate.fixed.total, 0, 'bare minimum: nothing runs'),
  ];
}
