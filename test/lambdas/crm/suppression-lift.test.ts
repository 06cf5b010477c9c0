import { changeSourceOf, planSuppressionLift } from '../../../lambdas/crm';

describe('lifting a suppression (the CLI and the CRM API share the rule)', () => {
  it('lifts every active reason, or the one asked for', () => {
    expect(planSuppressionLift(['bounce', 'manual'], { confirmConsent: false })).toEqual({
      kind: 'lift',
      reasons: ['bounce', 'manual'],
    });
    expect(planSuppressionLift(['bounce', 'manual'], { reason: 'manual', confirmConsent: false })).toEqual({
      kind: 'lift',
      reasons: ['manual'],
    });
  });

  it('lifts an opt-out only with the consent confirmed, and then refuses the whole lift', () => {
    expect(planSuppressionLift(['opt-out', 'manual'], { confirmConsent: false })).toEqual({
      kind: 'needs-consent-confirmation',
    });
    expect(planSuppressionLift(['opt-out'], { reason: 'opt-out', confirmConsent: true })).toEqual({
      kind: 'lift',
      reasons: ['opt-out'],
    });
  });

  it('clears a review without consent (it was never an opt-out)', () => {
    expect(planSuppressionLift(['review'], { confirmConsent: false })).toEqual({
      kind: 'lift',
      reasons: ['review'],
    });
  });

  it('says when there is nothing to lift', () => {
    expect(planSuppressionLift([], { confirmConsent: true })).toEqual({ kind: 'not-suppressed' });
    expect(planSuppressionLift(['bounce'], { reason: 'opt-out', confirmConsent: true })).toEqual({
      kind: 'not-suppressed',
      reason: 'opt-out',
    });
  });

  it('tells who made an audited change from its reference', () => {
    expect(
      ['api', 'api:crm-role', 'operator:ada', 'import:abc123:operator:ada', 'ACmsg1', 'RPreply'].map(
        changeSourceOf,
      ),
    ).toEqual(['api', 'api', 'operator', 'import', 'message', 'bridge']);
  });
});
