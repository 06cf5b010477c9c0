import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import type { SecondSweepScheduler } from '../../crm';

/** The state machine's call of this function once the writers' window has passed (lib/crm-api.ts). */
export const secondSweepInvocation = z.object({
  secondSweep: z.object({
    phoneNumber: z.string().min(1),
    erasedAt: z.string().min(1),
    conversationKeys: z.array(z.string()),
  }),
});
export type SecondSweepInvocation = z.infer<typeof secondSweepInvocation>;

/**
 * The erase's second sweep as an execution of the stack's state machine: it waits out the
 * writers' longest window, then invokes the CRM API function with `{ secondSweep }`.
 */
export function stateMachineSecondSweep(
  sfn: Pick<SFNClient, 'send'>,
  stateMachineArn: string,
): SecondSweepScheduler {
  return {
    schedule: async (sweep) => {
      const input: SecondSweepInvocation = { secondSweep: sweep };
      await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
    },
  };
}
