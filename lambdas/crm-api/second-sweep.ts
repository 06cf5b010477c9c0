import type { Logger } from '@aws-lambda-powertools/logger';
import type { ErasureCounts, ErasureRepository, HeldSecondSweeps } from '../crm';
import type { SecondSweepInvocation } from './domain/second-sweep-invocation';

export interface SecondSweepDeps {
  erasure: Pick<ErasureRepository, 'sweepAgain' | 'erasureAudit'>;
  heldSweeps: Pick<HeldSecondSweeps, 'held' | 'release'>;
  logger: Pick<Logger, 'info' | 'warn'>;
}

/**
 * Runs an erase's second sweep: the held one is read, swept and only then released, so a failed
 * sweep is retried by the state machine with its details still there; an id with nothing held
 * (released by an earlier attempt, or expired) is a logged no-op, not an error retried in vain.
 * Logs the id and the erase's time, never the number.
 */
export async function runSecondSweep(
  invocation: SecondSweepInvocation,
  deps: SecondSweepDeps,
): Promise<{ erased?: ErasureCounts }> {
  if (!('sweepId' in invocation.secondSweep)) {
    // The inline shape of executions started before sweeps were held by id: only the second
    // sweep of an erase on record, so an invoker of the function cannot erase a number with it.
    const { phoneNumber, erasedAt } = invocation.secondSweep;
    const audit = await deps.erasure.erasureAudit(phoneNumber);
    if (!audit.some((entry) => entry.erasedAt === erasedAt)) {
      deps.logger.warn('second sweep refused: no erase of that number at that time is on record', {
        erasedAt,
      });
      return {};
    }
    const erased = await deps.erasure.sweepAgain(invocation.secondSweep);
    deps.logger.info('second sweep of an erase', { erasedAt: invocation.secondSweep.erasedAt, erased });
    return { erased };
  }
  const { sweepId } = invocation.secondSweep;
  const sweep = await deps.heldSweeps.held(sweepId);
  if (!sweep) {
    deps.logger.info('second sweep of an erase: nothing held under its id (already swept, or expired)', {
      sweepId,
    });
    return {};
  }
  const erased = await deps.erasure.sweepAgain(sweep);
  await deps.heldSweeps.release(sweepId);
  deps.logger.info('second sweep of an erase', { sweepId, erasedAt: sweep.erasedAt, erased });
  return { erased };
}
