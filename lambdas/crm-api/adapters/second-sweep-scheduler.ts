import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { HeldSecondSweeps, SecondSweepScheduler } from '../../crm';
import type { SecondSweepInvocation } from '../domain/second-sweep-invocation';

/**
 * The erase's second sweep as an execution of the stack's state machine: it waits out the
 * writers' longest window, then invokes the CRM API function with `{ secondSweep: { sweepId } }`.
 * The sweep itself is held in the CRM table: Step Functions keeps an execution's input for 90
 * days, and the input must not outlive the erase with the number in it.
 */
export function stateMachineSecondSweep(
  sfn: Pick<SFNClient, 'send'>,
  stateMachineArn: string,
  heldSweeps: Pick<HeldSecondSweeps, 'hold'>,
): SecondSweepScheduler {
  return {
    schedule: async (sweep) => {
      const input: SecondSweepInvocation = { secondSweep: { sweepId: await heldSweeps.hold(sweep) } };
      await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
    },
  };
}
