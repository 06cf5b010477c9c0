import { z } from 'zod';

/** The state machine's call of this function once the writers' window has passed (lib/crm-api.ts). */
export const heldSecondSweepInvocation = z.object({
  secondSweep: z.object({ sweepId: z.string().min(1) }),
});
/**
 * The input of an execution started before sweeps were held by id (one waiting through a deploy):
 * the sweep itself.
 */
export const inlineSecondSweepInvocation = z.object({
  secondSweep: z.object({
    phoneNumber: z.string().min(1),
    erasedAt: z.string().min(1),
    conversationKeys: z.array(z.string()),
  }),
});
export type SecondSweepInvocation =
  z.infer<typeof heldSecondSweepInvocation> | z.infer<typeof inlineSecondSweepInvocation>;

/** Either shape, by whether it names a `sweepId`; a malformed one throws naming the field. */
export function readSecondSweepInvocation(event: unknown): SecondSweepInvocation {
  const sweep = (event as { secondSweep?: unknown } | undefined)?.secondSweep;
  const byId = typeof sweep === 'object' && sweep !== null && 'sweepId' in sweep;
  return byId ? heldSecondSweepInvocation.parse(event) : inlineSecondSweepInvocation.parse(event);
}
