import type { HeldSecondSweeps, SecondSweepScheduler } from '../lambdas/crm';
import { runSecondSweep, type SecondSweepDeps } from '../lambdas/crm-api';

/** The stack's default wait before an erase's second sweep: the longest writer's timeout (5 min) + 1 min. */
export const defaultSecondSweepAfterMs = 360_000;

export type LocalSecondSweepDeps = SecondSweepDeps & {
  heldSweeps: Pick<HeldSecondSweeps, 'hold' | 'held' | 'release'>;
};

/**
 * The stack's `EraseSecondSweep` state machine, locally: the sweep is held in the CRM table and a
 * timer passes its id to the CRM API's second sweep a wait later, as the execution does, so a
 * write that raced the erase on the replica is removed as it is in AWS. `stop()` drops the sweeps
 * still waiting (the replica's tables go with it).
 */
export function localSecondSweep(
  deps: () => LocalSecondSweepDeps,
  afterMs: number,
  log: (line: string) => void,
): SecondSweepScheduler & { stop(): void } {
  const waiting = new Set<NodeJS.Timeout>();
  return {
    schedule: async (sweep) => {
      const sweepId = await deps().heldSweeps.hold(sweep);
      const timer = setTimeout(() => {
        waiting.delete(timer);
        runSecondSweep({ secondSweep: { sweepId } }, deps()).then(
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
