import {
  campaignDefinition,
  campaignReport,
  variantStatisticsOf,
  type ReportedRecipient,
  type VariantStatistics,
} from '../../../lambdas/campaigns';

const campaign = {
  campaignId: 'cmp-report',
  definition: campaignDefinition.parse({
    name: 'Spring sale',
    sendingNumber: 'PN123abc',
    variants: [
      { id: 'a', template: 'Hi' },
      { id: 'b', template: 'Hello' },
    ],
    timeZone: 'America/New_York',
  }),
  state: { status: 'running' as const },
};

const recipient = (state: ReportedRecipient['state'], tracked: Omit<ReportedRecipient, 'state'> = {}) => ({
  state,
  ...tracked,
});

const counters = (counts: Partial<VariantStatistics> = {}): VariantStatistics => ({
  sent: 0,
  failed: 0,
  skipped: 0,
  delivered: 0,
  deliveryFailed: 0,
  replied: 0,
  optedOut: 0,
  ...counts,
});

describe('campaignReport', () => {
  it('counts recipients by state, every state present, and by what tracking stamped on them', () => {
    const report = campaignReport(
      campaign,
      [
        recipient('pending'),
        recipient('sent', { delivery: 'delivered', repliedAt: '2026-06-08T12:00:00.000Z' }),
        recipient('sent', { delivery: 'delivered', optedOutAt: '2026-06-08T12:01:00.000Z' }),
        recipient('sent', { delivery: 'failed' }),
        recipient('skipped'),
      ],
      {},
    );
    expect(report).toMatchObject({
      campaignId: 'cmp-report',
      name: 'Spring sale',
      state: { status: 'running' },
    });
    expect(report.recipients).toEqual({
      total: 5,
      byState: { pending: 1, claimed: 0, 'unknown-outcome': 0, sent: 3, failed: 0, skipped: 1, parked: 0 },
      delivered: 2,
      deliveryFailed: 1,
      replied: 1,
      optedOut: 1,
    });
  });

  it('shows send failures apart from delivery failures, and a variant with nothing counted as zeros', () => {
    const report = campaignReport(campaign, [], {
      a: counters({ sent: 4, failed: 1, skipped: 2, delivered: 3, deliveryFailed: 1, replied: 1 }),
    });
    expect(report.variants).toEqual([
      {
        variantId: 'a',
        counts: { sent: 4, delivered: 3, failed: 1, replied: 1, optedOut: 0 },
        sendFailed: 1,
        skipped: 2,
        rates: { deliveryRate: 0.75, failureRate: 0.25, replyRate: 0.25, optOutRate: 0 },
      },
      {
        variantId: 'b',
        counts: { sent: 0, delivered: 0, failed: 0, replied: 0, optedOut: 0 },
        sendFailed: 0,
        skipped: 0,
        rates: { deliveryRate: null, failureRate: null, replyRate: null, optOutRate: null },
      },
    ]);
    expect(report.comparisons.map((c) => [c.variantId, c.controlVariantId])).toEqual([['b', 'a']]);
  });

  it('reports an empty campaign as zero recipients', () => {
    const report = campaignReport(campaign, [], {});
    expect(report.recipients.total).toBe(0);
    expect(Object.values(report.recipients.byState).every((n) => n === 0)).toBe(true);
  });

  describe('significance, read only once replies have stopped arriving', () => {
    const strongLead = { a: counters({ sent: 400, replied: 40 }), b: counters({ sent: 400, replied: 80 }) };
    const completedAt = '2026-11-01T12:00:00.000Z';
    const completed = { ...campaign, state: { status: 'completed' as const }, stateChangedAt: completedAt };

    it('says too early while the campaign runs, however strong the lead', () => {
      const report = campaignReport(campaign, [], strongLead, new Date('2026-12-01T00:00:00Z'));
      expect(report.significance).toEqual({ kind: 'too-early', finalAt: null });
      expect(report.comparisons[0]).toMatchObject({
        verdict: 'too-early',
        significantAfterCorrection: false,
      });
      expect(report.comparisons[0]!.comparison).toMatchObject({ kind: 'compared' });
    });

    it('says too early, with when it can be read, until the reply window after completion has closed', () => {
      const report = campaignReport(completed, [], strongLead, new Date('2026-11-05T00:00:00Z'));
      expect(report.significance).toEqual({ kind: 'too-early', finalAt: '2026-11-08T12:00:00.000Z' });
      expect(report.comparisons[0]!.verdict).toBe('too-early');
    });

    it('calls the test once the window has closed, with a shorter window when the stage has one', () => {
      const late = campaignReport(completed, [], strongLead, new Date('2026-11-08T12:00:00Z'));
      expect(late.significance).toEqual({ kind: 'final' });
      expect(late.comparisons[0]).toMatchObject({ verdict: 'significant', significantAfterCorrection: true });
      const shortWindow = campaignReport(completed, [], strongLead, new Date('2026-11-03T00:00:00Z'), 1);
      expect(shortWindow.comparisons[0]!.verdict).toBe('significant');
    });

    it('calls a cancelled campaign after the window too, and a weak lead not significant', () => {
      const cancelled = { ...completed, state: { status: 'cancelled' as const } };
      const weak = { a: counters({ sent: 40, replied: 4 }), b: counters({ sent: 40, replied: 5 }) };
      const report = campaignReport(cancelled, [], weak, new Date('2026-12-01T00:00:00Z'));
      expect(report.comparisons[0]!.verdict).toBe('not-significant');
    });
  });
});

describe('variantStatisticsOf', () => {
  it("counts each variant from its recipients' rows: finished states, and tracking only on sent rows", () => {
    const counts = variantStatisticsOf([
      { state: 'sent', variantId: 'a', delivery: 'delivered', repliedAt: '2026-06-08T12:00:00Z' },
      { state: 'sent', variantId: 'a', delivery: 'failed', optedOutAt: '2026-06-08T12:00:00Z' },
      { state: 'failed', variantId: 'a' },
      { state: 'skipped', variantId: 'b' },
      { state: 'sent', variantId: 'b' },
      { state: 'pending' },
      { state: 'claimed' },
    ]);
    expect(counts).toEqual({
      a: { sent: 2, failed: 1, skipped: 0, delivered: 1, deliveryFailed: 1, replied: 1, optedOut: 1 },
      b: { sent: 1, failed: 0, skipped: 1, delivered: 0, deliveryFailed: 0, replied: 0, optedOut: 0 },
    });
  });
});
