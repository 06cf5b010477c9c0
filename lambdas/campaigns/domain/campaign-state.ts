/**
 * The campaign lifecycle. `transition` is the only way a status changes, so every caller (CLI,
 * API, the sender pausing itself at the daily cap) obeys the same rules.
 *
 *   draft ⇄ scheduled                  schedule / unschedule (a scheduled campaign may be rescheduled)
 *   draft, scheduled → running         start
 *   running ⇄ paused                   pause (with a reason) / resume
 *   running → completed                complete
 *   any but completed → cancelled      cancel
 *   completed, cancelled               final
 */
import { z } from 'zod';

export const campaignStatuses = [
  'draft',
  'scheduled',
  'running',
  'paused',
  'completed',
  'cancelled',
] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

/** Why a campaign stopped sending for now: by an operator, or by the sender itself. */
export const pauseReason = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('operator'), note: z.string().max(500).optional() }),
  z.object({ kind: z.literal('daily-cap-reached') }),
  z.object({ kind: z.literal('failure-rate-exceeded'), failureRate: z.number().min(0).max(1) }),
  /**
   * OpenPhone refused the sending number itself (403 not a user of the number, 404, 400 A2P
   * registration not approved): every recipient would meet the same refusal.
   */
  z.object({
    kind: z.literal('sending-number-unavailable'),
    status: z.number().int().optional(),
    code: z.string().optional(),
  }),
  /** OpenPhone answered 402: the workspace has no prepaid credits left. */
  z.object({ kind: z.literal('no-credits') }),
  /** OpenPhone refused the API key more than once in a row (401). */
  z.object({ kind: z.literal('api-key-rejected') }),
]);
export type PauseReason = z.infer<typeof pauseReason>;

export const campaignState = z.discriminatedUnion('status', [
  z.object({ status: z.literal('draft') }),
  z.object({ status: z.literal('scheduled'), startAt: z.iso.datetime() }),
  z.object({ status: z.literal('running') }),
  z.object({ status: z.literal('paused'), reason: pauseReason }),
  z.object({ status: z.literal('completed') }),
  z.object({ status: z.literal('cancelled') }),
]);
export type CampaignState = z.infer<typeof campaignState>;

export const campaignAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('schedule'), startAt: z.iso.datetime() }),
  z.object({ type: z.literal('unschedule') }),
  z.object({ type: z.literal('start') }),
  z.object({ type: z.literal('pause'), reason: pauseReason }),
  z.object({ type: z.literal('resume') }),
  z.object({ type: z.literal('complete') }),
  z.object({ type: z.literal('cancel') }),
]);
export type CampaignAction = z.infer<typeof campaignAction>;

export type TransitionResult =
  | { kind: 'transitioned'; state: CampaignState }
  | { kind: 'forbidden-transition'; from: CampaignStatus; action: CampaignAction['type'] };

/** The actions each status accepts; anything else is refused. */
export const allowedActions: Readonly<Record<CampaignStatus, readonly CampaignAction['type'][]>> = {
  draft: ['schedule', 'start', 'cancel'],
  scheduled: ['schedule', 'unschedule', 'start', 'cancel'],
  running: ['pause', 'complete', 'cancel'],
  paused: ['resume', 'cancel'],
  completed: [],
  cancelled: [],
};

export function transition(state: CampaignState, action: CampaignAction): TransitionResult {
  if (!allowedActions[state.status].includes(action.type)) {
    return { kind: 'forbidden-transition', from: state.status, action: action.type };
  }
  return { kind: 'transitioned', state: nextState(action) };
}

function nextState(action: CampaignAction): CampaignState {
  switch (action.type) {
    case 'schedule':
      return { status: 'scheduled', startAt: action.startAt };
    case 'unschedule':
      return { status: 'draft' };
    case 'start':
    case 'resume':
      return { status: 'running' };
    case 'pause':
      return { status: 'paused', reason: action.reason };
    case 'complete':
      return { status: 'completed' };
    case 'cancel':
      return { status: 'cancelled' };
  }
}

/** Completed and cancelled campaigns never send again. */
export function isFinished(state: CampaignState): boolean {
  return allowedActions[state.status].length === 0;
}
