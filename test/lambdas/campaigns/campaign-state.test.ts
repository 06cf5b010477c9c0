import {
  allowedActions,
  campaignStatuses,
  isFinished,
  transition,
  type CampaignAction,
  type CampaignState,
} from '../../../lambdas/campaigns/domain/campaign-state';

const startAt = '2026-06-15T14:00:00.000Z';
const operatorPause: CampaignAction = {
  type: 'pause',
  reason: { kind: 'operator', note: 'typo in variant B' },
};

const stateWith: Record<CampaignState['status'], CampaignState> = {
  draft: { status: 'draft' },
  scheduled: { status: 'scheduled', startAt },
  running: { status: 'running' },
  paused: { status: 'paused', reason: { kind: 'daily-cap-reached' } },
  completed: { status: 'completed' },
  cancelled: { status: 'cancelled' },
};

const actionOf: Record<CampaignAction['type'], CampaignAction> = {
  schedule: { type: 'schedule', startAt },
  unschedule: { type: 'unschedule' },
  start: { type: 'start' },
  pause: operatorPause,
  resume: { type: 'resume' },
  complete: { type: 'complete' },
  cancel: { type: 'cancel' },
};

function after(state: CampaignState, ...actions: CampaignAction[]): CampaignState {
  return actions.reduce((current, action) => {
    const result = transition(current, action);
    if (result.kind !== 'transitioned') throw new Error(`${action.type} refused in ${current.status}`);
    return result.state;
  }, state);
}

describe('campaign lifecycle', () => {
  it('a draft is scheduled, starts, pauses, resumes and completes', () => {
    const states: string[] = [];
    let state: CampaignState = { status: 'draft' };
    for (const action of [
      actionOf.schedule,
      actionOf.start,
      operatorPause,
      actionOf.resume,
      actionOf.complete,
    ]) {
      state = after(state, action);
      states.push(state.status);
    }
    expect(states).toEqual(['scheduled', 'running', 'paused', 'running', 'completed']);
  });

  it('scheduling records when the campaign starts', () => {
    expect(after({ status: 'draft' }, actionOf.schedule)).toEqual({ status: 'scheduled', startAt });
  });

  it('a scheduled campaign can be rescheduled or taken back to draft', () => {
    const later = '2026-06-16T14:00:00.000Z';
    expect(after(stateWith.scheduled, { type: 'schedule', startAt: later })).toEqual({
      status: 'scheduled',
      startAt: later,
    });
    expect(after(stateWith.scheduled, actionOf.unschedule)).toEqual({ status: 'draft' });
  });

  it('a draft can start at once without a schedule', () => {
    expect(after(stateWith.draft, actionOf.start)).toEqual({ status: 'running' });
  });

  it('a pause carries its reason', () => {
    expect(after(stateWith.running, operatorPause)).toEqual({
      status: 'paused',
      reason: { kind: 'operator', note: 'typo in variant B' },
    });
    expect(after(stateWith.running, { type: 'pause', reason: { kind: 'daily-cap-reached' } })).toEqual({
      status: 'paused',
      reason: { kind: 'daily-cap-reached' },
    });
  });

  it('a cancelled campaign cannot be started', () => {
    expect(transition(stateWith.cancelled, actionOf.start)).toEqual({
      kind: 'forbidden-transition',
      from: 'cancelled',
      action: 'start',
    });
  });

  it('a completed campaign cannot be resumed or cancelled', () => {
    expect(transition(stateWith.completed, actionOf.resume).kind).toBe('forbidden-transition');
    expect(transition(stateWith.completed, actionOf.cancel).kind).toBe('forbidden-transition');
  });

  it('a paused campaign must be resumed before it completes', () => {
    expect(transition(stateWith.paused, actionOf.complete).kind).toBe('forbidden-transition');
  });

  it('a running campaign cannot be rescheduled', () => {
    expect(transition(stateWith.running, actionOf.schedule).kind).toBe('forbidden-transition');
  });

  it('pausing twice is refused, so a second pause cannot overwrite the first reason', () => {
    expect(transition(stateWith.paused, operatorPause)).toEqual({
      kind: 'forbidden-transition',
      from: 'paused',
      action: 'pause',
    });
  });

  it('every unfinished campaign can be cancelled', () => {
    for (const status of ['draft', 'scheduled', 'running', 'paused'] as const) {
      expect(after(stateWith[status], actionOf.cancel)).toEqual({ status: 'cancelled' });
    }
  });

  it('only completed and cancelled campaigns are finished', () => {
    expect(campaignStatuses.filter((status) => isFinished(stateWith[status]))).toEqual([
      'completed',
      'cancelled',
    ]);
  });

  it('every status and action pair either transitions or is refused as the table says', () => {
    for (const status of campaignStatuses) {
      for (const [type, action] of Object.entries(actionOf)) {
        const result = transition(stateWith[status], action);
        const allowed = allowedActions[status].includes(action.type);
        expect({ status, type, kind: result.kind }).toEqual({
          status,
          type,
          kind: allowed ? 'transitioned' : 'forbidden-transition',
        });
      }
    }
  });
});
