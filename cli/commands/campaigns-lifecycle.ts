import {
  allowedActions,
  type CampaignAction,
  type CampaignState,
  type PauseReason,
} from '../../lambdas/campaigns';
import { CommandFailure } from '../errors';
import type { Output } from '../output';
import type { Target } from '../target';

/** The lifecycle actions an operator takes from the CLI (the sender completes, and starts scheduled ones). */
export const operatorActions = ['schedule', 'unschedule', 'start', 'pause', 'resume', 'cancel'] as const;
export type OperatorAction = (typeof operatorActions)[number];

const isOperatorAction = (action: string): action is OperatorAction =>
  (operatorActions as readonly string[]).includes(action);

/** `paused (operator: "holiday")`, `paused (no-credits)`, `running`. */
export function describeState(state: CampaignState): string {
  if (state.status === 'paused') return `paused (${describePauseReason(state.reason)})`;
  if (state.status === 'scheduled') return `scheduled for ${state.startAt}`;
  return state.status;
}

export function describePauseReason(reason: PauseReason): string {
  switch (reason.kind) {
    case 'operator':
      return reason.note ? `by an operator: ${reason.note}` : 'by an operator';
    case 'failure-rate-exceeded':
      return `failure rate ${(reason.failureRate * 100).toFixed(1)}% too high`;
    case 'no-credits':
      return 'OpenPhone has no credits left (402)';
    case 'api-key-rejected':
      return 'OpenPhone rejected the API key (401)';
    case 'daily-cap-reached':
      return 'daily cap reached';
    case 'sending-number-unavailable':
      return 'the sending number is unavailable';
  }
}

function operatorAction(
  actionType: OperatorAction,
  options: { note?: string; startAt?: string },
): CampaignAction {
  switch (actionType) {
    case 'pause':
      return { type: 'pause', reason: { kind: 'operator', ...(options.note ? { note: options.note } : {}) } };
    case 'schedule':
      if (!options.startAt) throw new CommandFailure('schedule needs --at <time>');
      return { type: 'schedule', startAt: options.startAt };
    default:
      return { type: actionType };
  }
}

/** A lifecycle change through the domain's transition; a refused one is a one-line failure. */
export async function changeCampaign(
  target: Target,
  out: Output,
  campaignId: string,
  actionType: OperatorAction,
  options: { note?: string; startAt?: string } = {},
): Promise<void> {
  const action = operatorAction(actionType, options);
  // A conflict means the sender (or another operator) changed the campaign meanwhile: decide again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = await target.campaigns.campaigns.getCampaign(campaignId);
    if (!before) throw new CommandFailure(`no campaign ${campaignId}`);
    const result = await target.campaigns.campaigns.transitionCampaign(
      campaignId,
      action,
      new Date().toISOString(),
    );
    switch (result.kind) {
      case 'transitioned':
        out.line(`Campaign ${campaignId}: ${before.state.status} → ${describeState(result.state)}.`);
        return;
      case 'not-found':
        throw new CommandFailure(`no campaign ${campaignId}`);
      case 'forbidden-transition': {
        const accepted = allowedActions[result.from].filter(isOperatorAction);
        throw new CommandFailure(
          `campaign ${campaignId} is ${result.from}, so it cannot ${result.action} (${accepted.length ? `a ${result.from} campaign can: ${accepted.join(', ')}` : `a ${result.from} campaign is final`})`,
        );
      }
      case 'conflict':
        continue;
    }
  }
  throw new CommandFailure(`campaign ${campaignId} kept changing while we tried: run the command again`);
}
