import type { ErasureRepository, SecondSweepScheduler } from '../lambdas/crm';

/** The stack's default wait before an erase's second sweep: the longest writer's timeout (5 min) + 1 min. */
export const defaultSecondSweepAfterMs = 360_000;

/**
 * The stack's `EraseSecondSweep` state machine, locally: the erase's second sweep a timer later,
 * so a write that raced the erase on the replica is removed as it is in AWS. `stop()` drops the
 * sweeps still waiting (the replica's tables go with it).
 */
export function localSecondSweep(
  erasure: () => Pick<ErasureRepository, 'sweepAgain'>,
  afterMs: number,
  log: (line: string) => void,
): SecondSweepScheduler & { stop(): void } {
  const waiting = new Set<NodeJS.Timeout>();
  return {
    schedule: async (sweep) => {
      const timer = setTimeout(() => {
        waiting.delete(timer);
        erasure()
          .sweepAgain(sweep)
          .then(
            () => log(`erase: second sweep done (erased at ${sweep.erasedAt})`),
            (error: unknown) => log(`erase: second sweep failed: ${(error as Error).message}`),
          );
      }, afterMs);
      timer.unref();
      waiting.add(timer);
    },
    stop: () => {
      for (const timer of waiting) clearTimeout(timer);
      waiting.clear();
    },
  };
}
