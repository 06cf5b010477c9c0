// A month with no traffic: secrets and key reads, alarms, dashboards, the schedules' runs and idle queue polling.
import type { Assumptions } from './assumptions';
import type { MeasuredWrites } from './per-event';
import { usEast1Prices, type Prices } from './prices';
import type { FunctionSettings, StackCostSettings } from './template-settings';
import { seriesByPublishing } from './metric-series';
import { UsageMeter, hoursPerMonth, secondsPerMonth, type Usage } from './usage';

/** The billed duration of one run of a scheduled function that finds nothing to do. */
function idleRunMs(fn: FunctionSettings, a: Assumptions): number {
  if (/Sender/.test(fn.id)) return a.durationMs.senderIdleRun;
  if (/Sweep/.test(fn.id)) return a.durationMs.sweepRun;
  if (/ReplyDue/.test(fn.id)) return a.durationMs.replyDueRun;
  return a.durationMs.otherScheduledRun;
}

/** Dashboards CloudWatch bills: those beyond the free ones, and any over the free tier's metric count. */
export function billedDashboards(dashboardMetrics: number[], p: Prices): number {
  const small = dashboardMetrics.filter((m) => m <= p.freeDashboardMetrics).length;
  return dashboardMetrics.length - small + Math.max(0, small - p.freeDashboards);
}

/**
 * Key reads (Secrets Manager calls, or SecureString parameter reads) of a reader invoked
 * `invocations` times a month: at most one per cache life (5 minutes), or, for a function that
 * reads its key when its environment starts (`secretReadAtStart`), one per environment: per
 * invocation when they come further apart than an idle environment lives, else one per environment lifetime.
 */
export function keyReads(a: Assumptions, invocations: number, functionId = ''): number {
  if (!a.secretReadAtStart.test(functionId))
    return Math.min(invocations, a.environmentsPerSecretReader * (secondsPerMonth / 300));
  if (invocations === 0) return 0;
  const keptWarm = secondsPerMonth / invocations <= a.environmentIdleMinutes * 60;
  if (!keptWarm) return invocations;
  return Math.min(invocations, secondsPerMonth / (a.environmentLifetimeHours * 3600));
}

/** Bills `reads` key reads of `fn` to its store: Secrets Manager calls, or parameter reads and their KMS decrypts. */
export function addKeyReads(u: Usage, fn: FunctionSettings, reads: number): void {
  if (fn.keyStore === 'secret') u.secretsApiCalls += reads;
  if (fn.keyStore === 'parameter') {
    u.parameterReads += reads;
    u.kmsRequests += reads;
  }
}

/** A month with no traffic at all. */
export function idleUsage(
  s: StackCostSettings,
  a: Assumptions,
  measured?: MeasuredWrites,
  p: Prices = usEast1Prices,
): Usage {
  const meter = new UsageMeter(s, a);
  const u = meter.usage;
  u.secrets = s.secrets;
  u.alarmStandardMetrics = s.alarms.standardMetrics;
  u.alarmHighResolutionMetrics = s.alarms.highResolutionMetrics;
  u.compositeAlarms = s.alarms.composites;
  u.billedDashboards = billedDashboards(s.dashboardMetrics, p);
  // The series a schedule's every run publishes, nothing happening or not.
  u.metricSeriesHours = seriesByPublishing()['every hour'] * hoursPerMonth;
  u.sqsRequests += s.polledQueues * a.sqsPollersPerQueue * (secondsPerMonth / 20);
  const sync = measured?.idleSync ?? a.idleSync;
  const invocations = new Map<FunctionSettings, number>();
  const run = (fn: FunctionSettings, times: number, ms: number, logLines = 0) => {
    meter.invoke(fn, times, ms, logLines);
    invocations.set(fn, (invocations.get(fn) ?? 0) + times);
  };
  for (const { perMonth, target } of s.schedules) {
    u.eventBridgeEvents += perMonth;
    if (target === 'state-machine') {
      u.stepFunctionsTransitions += perMonth * sync.transitions;
      u.writeRequestUnits += perMonth * sync.writeUnits;
      u.readRequestUnits += perMonth * sync.readUnits;
      if (s.functions.importer)
        run(s.functions.importer, perMonth * sync.importInvocations, a.durationMs.importSyncRun, 1);
    } else if (target) {
      run(target, perMonth, idleRunMs(target, a));
      u.sqsRequests += perMonth * (target.watchedQueues ?? 0);
      if (/ReplyDue/.test(target.id)) u.readRequestUnits += perMonth * a.replyDueTimer.readUnitsPerRun;
    }
  }
  // A reader reads its key again when it runs after the cache's 5 minutes: an idle function never does.
  for (const fn of s.allFunctions) addKeyReads(u, fn, keyReads(a, invocations.get(fn) ?? 0, fn.id));
  if (!s.schedules.some(({ target }) => typeof target === 'object' && /ReplyDue/.test(target.id))) {
    // Not in this template yet (decision 0008): priced as the follow-up will add it.
    const timer = a.replyDueTimer;
    u.eventBridgeEvents += timer.runsPerMonth;
    meter.invoke(
      { memoryMb: timer.memoryMb, arm: true, traced: false, platformLogs: false },
      timer.runsPerMonth,
      a.durationMs.replyDueRun,
    );
    u.readRequestUnits += timer.runsPerMonth * timer.readUnitsPerRun;
  }
  return u;
}
