// Monthly usage of each priced unit, the meter that accumulates it, and the bill it comes to.
import type { Assumptions } from './assumptions';
import type { Prices } from './prices';
import type { FunctionSettings, StackCostSettings, TableSettings } from './template-settings';

export const secondsPerMonth = 30 * 24 * 3600;

/** Monthly usage of each priced unit; `price` turns it into dollars per line. */
export interface Usage {
  lambdaGbSecondsArm: number;
  lambdaGbSecondsX86: number;
  lambdaRequests: number;
  httpApiRequests: number;
  writeRequestUnits: number;
  readRequestUnits: number;
  dynamoStoredGb: number;
  sqsRequests: number;
  logsGb: number;
  logsStoredGb: number;
  secrets: number;
  secretsApiCalls: number;
  /** SecureString parameter reads: each is one SSM GetParameter and one KMS decrypt. */
  parameterReads: number;
  kmsRequests: number;
  xrayTraces: number;
  eventBridgeEvents: number;
  stepFunctionsTransitions: number;
  alarmStandardMetrics: number;
  alarmHighResolutionMetrics: number;
  compositeAlarms: number;
  /** Dashboards beyond the free ones, or over the free tier's metric count. */
  billedDashboards: number;
  /** Custom metric series × the hours each is published in (CloudWatch prorates by the hour). */
  metricSeriesHours: number;
}

export const emptyUsage = (): Usage => ({
  lambdaGbSecondsArm: 0,
  lambdaGbSecondsX86: 0,
  lambdaRequests: 0,
  httpApiRequests: 0,
  writeRequestUnits: 0,
  readRequestUnits: 0,
  dynamoStoredGb: 0,
  sqsRequests: 0,
  logsGb: 0,
  logsStoredGb: 0,
  secrets: 0,
  secretsApiCalls: 0,
  parameterReads: 0,
  kmsRequests: 0,
  xrayTraces: 0,
  eventBridgeEvents: 0,
  stepFunctionsTransitions: 0,
  alarmStandardMetrics: 0,
  alarmHighResolutionMetrics: 0,
  compositeAlarms: 0,
  billedDashboards: 0,
  metricSeriesHours: 0,
});

/** Hours in the model's month (30 days). */
export const hoursPerMonth = secondsPerMonth / 3600;

export const kbToGb = (kb: number) => kb / (1024 * 1024);

/** Accumulates usage; every figure is per month. */
export class UsageMeter {
  readonly usage = emptyUsage();
  constructor(
    private readonly settings: StackCostSettings,
    private readonly a: Assumptions,
  ) {}

  /** `invocations` of `fn`, each `ms` long, each writing `logLines` Powertools lines. */
  invoke(
    fn: Pick<FunctionSettings, 'memoryMb' | 'arm' | 'traced' | 'platformLogs'>,
    invocations: number,
    ms: number,
    logLines = 0,
  ): void {
    this.compute(fn, invocations * (ms / 1000));
    this.usage.lambdaRequests += invocations;
    if (fn.traced) this.usage.xrayTraces += invocations;
    this.log(
      invocations * (fn.platformLogs ? this.a.platformLogKbPerInvocation : 0) + logLines * this.a.logLineKb,
    );
  }

  /** Billed seconds of `fn` that are not invocations of their own (the sends of a sender run). */
  compute(fn: Pick<FunctionSettings, 'memoryMb' | 'arm'>, seconds: number): void {
    const gbSeconds = seconds * (fn.memoryMb / 1024);
    if (fn.arm) this.usage.lambdaGbSecondsArm += gbSeconds;
    else this.usage.lambdaGbSecondsX86 += gbSeconds;
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

export function addUsage(...usages: Usage[]): Usage {
  const sum = emptyUsage();
  for (const u of usages) for (const k of Object.keys(sum) as (keyof Usage)[]) sum[k] += u[k];
  return sum;
}

/** Events per invocation of an event source at a steady rate: the batching window fills the batch. */
export function batchFill(eventsPerSecond: number, batchSize: number, windowSeconds: number): number {
  return Math.min(batchSize, Math.max(1, eventsPerSecond * Math.max(windowSeconds, 0.25)));
}

/** Dollars per line of the bill. */
export function price(u: Usage, p: Prices): Record<string, number> {
  return {
    'Lambda compute': u.lambdaGbSecondsArm * p.lambdaArmGbSecond + u.lambdaGbSecondsX86 * p.lambdaX86GbSecond,
    'Lambda requests': u.lambdaRequests * p.lambdaRequest,
    'API Gateway HTTP API': u.httpApiRequests * p.httpApiRequest,
    'DynamoDB writes': u.writeRequestUnits * p.dynamoWriteRequestUnit,
    'DynamoDB reads': u.readRequestUnits * p.dynamoReadRequestUnit,
    'DynamoDB storage': u.dynamoStoredGb * p.dynamoStorageGbMonth,
    SQS: u.sqsRequests * p.sqsRequest,
    'CloudWatch Logs': u.logsGb * p.logsIngestionGb + u.logsStoredGb * p.logsStorageGbMonth,
    'Secrets Manager': u.secrets * p.secretMonth + u.secretsApiCalls * p.secretsApiCall,
    'Parameter Store and KMS': u.parameterReads * p.parameterStoreRead + u.kmsRequests * p.kmsRequest,
    'X-Ray': u.xrayTraces * p.xrayTraceRecorded,
    EventBridge: u.eventBridgeEvents * p.eventBridgeEvent,
    'Step Functions': u.stepFunctionsTransitions * p.stepFunctionsTransition,
    'CloudWatch alarms and dashboards':
      u.alarmStandardMetrics * p.alarmMetricMonth +
      u.alarmHighResolutionMetrics * p.highResolutionAlarmMetricMonth +
      u.compositeAlarms * p.compositeAlarmMonth +
      u.billedDashboards * p.dashboardMonth,
    'CloudWatch metrics': (u.metricSeriesHours / hoursPerMonth) * p.customMetricMonth,
  };
}

export const total = (bill: Record<string, number>) => Object.values(bill).reduce((a, b) => a + b, 0);
