import { changedByOf, changeSourceOf, planSuppressionLift } from '../../../lambdas/crm';

describe('lifting a suppression (the CLI and the CRM API share the rule)', () => {
  it('lifts every active reason, or the one asked for, always with a note saying why', () => {
    const note = 'the number works again';
    expect(planSuppressionLift(['bounce', 'manual'], { confirmConsent: false, note })).toEqual({
      kind: 'lift',
      reasons: ['bounce', 'manual'],
    });
    expect(
      planSuppressionLift(['bounce', 'manual'], { reason: 'manual', confirmConsent: false, note }),
    ).toEqual({
      kind: 'lift',
      reasons: ['manual'],
    });
    expect(planSuppressionLift(['bounce'], { confirmConsent: false })).toEqual({ kind: 'needs-note' });
    expect(planSuppressionLift(['bounce'], { confirmConsent: false, note: ' ' })).toEqual({
      kind: 'needs-note',
    });
  });

  it('lifts an opt-out only with the consent confirmed and a note saying how, and then refuses the whole lift', () => {
    expect(planSuppressionLift(['opt-out', 'manual'], { confirmConsent: false })).toEqual({
      kind: 'needs-consent-confirmation',
    });
    expect(planSuppressionLift(['opt-out', 'manual'], { confirmConsent: true })).toEqual({
      kind: 'needs-consent-note',
    });
    expect(planSuppressionLift(['opt-out'], { reason: 'opt-out', confirmConsent: true, note: '  ' })).toEqual(
      {
        kind: 'needs-consent-note',
      },
    );
    expect(
      planSuppressionLift(['opt-out'], { reason: 'opt-out', confirmConsent: true, note: 'texted START' }),
    ).toEqual({ kind: 'lift', reasons: ['opt-out'] });
  });

  it('never lifts a review: it is settled by its own choice', () => {
    expect(planSuppressionLift(['review'], { confirmConsent: true, note: 'x' })).toEqual({
      kind: 'review-needs-resolution',
    });
    expect(planSuppressionLift(['review', 'bounce'], { reason: 'review', confirmConsent: false })).toEqual({
      kind: 'review-needs-resolution',
    });
    expect(planSuppressionLift(['review', 'bounce'], { confirmConsent: false, note: 'fixed' })).toEqual({
      kind: 'lift',
      reasons: ['bounce'],
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

  it('tells who by name: the API caller, the operator, the message', () => {
    expect(
      ['api', 'api:arn:aws:iam::1:role/crm', 'operator:ada', 'import:abc123:operator:ada', 'ACmsg1'].map(
        changedByOf,
      ),
    ).toEqual([undefined, 'arn:aws:iam::1:role/crm', 'ada', 'ada', 'ACmsg1']);
  });
});
