import { campaignRunLogLine, parseCampaignSenderEvery } from '../../local/campaign-schedule';

describe('the local campaign sender schedule', () => {
  it('reads LOCAL_CAMPAIGN_SENDER_EVERY_MS: default a minute, off or 0 disables, anything else refused', () => {
    expect(parseCampaignSenderEvery(undefined)).toBe(60_000);
    expect(parseCampaignSenderEvery('5000')).toBe(5000);
    expect(parseCampaignSenderEvery('off')).toBe('off');
    expect(parseCampaignSenderEvery('0')).toBe('off');
    expect(() => parseCampaignSenderEvery('1m')).toThrow(
      'LOCAL_CAMPAIGN_SENDER_EVERY_MS must be a number of milliseconds or "off", not "1m"',
    );
  });

  it('logs one line per run with counts and campaign ids', () => {
    expect(campaignRunLogLine([])).toBe('[campaign-sender] no running campaign');
    const report = {
      sent: 3,
      skipped: 1,
      failed: 0,
      reconciledAsSent: 1,
      reconciledAsNotSent: 0,
      unknownOutcome: 0,
      parked: 0,
    };
    expect(
      campaignRunLogLine([
        { campaignId: 'cmp-a', ended: 'completed', ...report },
        { campaignId: 'cmp-b', ended: 'daily-cap-reached', ...report },
      ]),
    ).toBe(
      '[campaign-sender] 2 campaigns: 6 sent, 2 skipped, 0 failed, 2 reconciled as sent, 0 unknown outcome (cmp-a completed, cmp-b daily-cap-reached)',
    );
  });
});
