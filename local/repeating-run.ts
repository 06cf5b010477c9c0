/** A local stand-in for an EventBridge schedule, returned so the replica can stop it. */
export interface RepeatingRun {
  /** Stops scheduling and waits for a run in progress (at most `graceMs`, when given). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Runs `run` every `everyMs` after the previous run ended, so runs never overlap here (the stack's
 * rules, with reserved concurrency, keep them apart there). `run` reports its own failures.
 */
export function repeatAfterEachRun(everyMs: number, run: () => Promise<void>): RepeatingRun {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = run().finally(() => {
        running = undefined;
        schedule();
      });
    }, everyMs);
    timer.unref();
  };
  schedule();
  return {
    stop: async (graceMs?: number) => {
      stopped = true;
      clearTimeout(timer);
      if (!running) return;
      if (graceMs === undefined) return running;
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise((r) => (grace = setTimeout(r, graceMs)))]);
      clearTimeout(grace);
    },
  };
}
