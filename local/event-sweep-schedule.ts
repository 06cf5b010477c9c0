import type { EventSweeper, SweepReport } from '../lambdas/events/sweep/service';
import { repeatAfterEachRun, type RepeatingRun } from './repeating-run';

/** `[event-sweeper] 2 stuck: 1 re-dispatched, 1 undeliverable, …`: counts only; nothing when idle. */
export function sweepLogLine(report: SweepReport): string | undefined {
  if (report.examined === 0) return undefined;
  return (
    `[event-sweeper] ${report.examined} stuck: ${report.redispatched} re-dispatched, ` +
    `${report.undeliverable} undeliverable, ${report.waiting} waiting, ${report.sendFailures} refused`
  );
}

/**
 * `LOCAL_EVENT_SWEEP_EVERY_MS`: `off`, a whole number of ms, or unset (the template's `rate(…)`).
 * Returns undefined for no local schedule; throws for anything else.
 */
export function localSweepEveryMs(
  setting: string | undefined,
  templateEveryMs: number | undefined,
): number | undefined {
  if (setting === undefined || setting.trim() === '') return templateEveryMs;
  if (setting.trim().toLowerCase() === 'off') return undefined;
  const everyMs = Number(setting);
  if (!Number.isInteger(everyMs) || everyMs < 100)
    throw new Error(`LOCAL_EVENT_SWEEP_EVERY_MS must be off or a whole number of ms ≥ 100, not "${setting}"`);
  return everyMs;
}

export type LocalEventSweepSchedule = RepeatingRun;

/**
 * The stack's sweeper rule, locally: the real sweeper, run every `everyMs` after the previous run
 * ended (so runs never overlap here), as the campaign sender's schedule does.
 */
export function startLocalEventSweeper(options: {
  sweeper: Pick<EventSweeper, 'sweep'>;
  everyMs: number;
  log: (line: string) => void;
}): LocalEventSweepSchedule {
  return repeatAfterEachRun(options.everyMs, async () => {
    try {
      const line = sweepLogLine(await options.sweeper.sweep());
      if (line) options.log(line);
    } catch (error) {
      options.log(`[event-sweeper] run failed: ${(error as Error).message}`);
    }
  });
}
