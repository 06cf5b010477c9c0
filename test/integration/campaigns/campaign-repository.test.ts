import { campaignRepositories } from '../../../lambdas/campaigns/adapters/campaign-repositories';
import type { CampaignRepository } from '../../../lambdas/campaigns/adapters/campaign-repository';
import type { DailyCapRepository } from '../../../lambdas/campaigns/adapters/daily-cap-repository';
import type { RecipientRepository } from '../../../lambdas/campaigns/adapters/recipient-repository';
import type { VariantStatisticsRepository } from '../../../lambdas/campaigns/adapters/variant-statistics-repository';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';

describe('the campaign repository, against DynamoDB Local', () => {
  let campaigns: CampaignRepository;
  let recipients: RecipientRepository;
  let dailyCaps: DailyCapRepository;
  let statistics: VariantStatisticsRepository;
  let nextId = 0;

  beforeAll(async () => {
    ({ campaigns, recipients, dailyCaps, statistics } = campaignRepositories(
      localDocumentClient(),
      tableNamed(await createBridgeTables(), 'CampaignTable'),
    ));
  }, 120_000);

  async function campaignWith(phones: string[]) {
    const campaignId = `cmp-repo-${++nextId}`;
    await campaigns.createCampaign({
      campaignId,
      definition: {
        name: 'Repo',
        sendingNumber: 'PNrepo',
        variants: [{ id: 'a', template: 'Hi' }],
        timeZone: 'America/New_York',
      },
      state: { status: 'running' },
      at: '2026-06-08T12:00:00.000Z',
    });
    await recipients.addRecipients(
      campaignId,
      phones.map((phone) => ({ phone, fields: {} })),
    );
    return campaignId;
  }

  it('hands out exactly `cap` daily slots to 30 concurrent takers', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, () => dailyCaps.takeDailyCapSlot('PNcap', '2026-06-08', 10, new Date())),
    );
    expect(results.filter((r) => r.kind === 'taken')).toHaveLength(10);
    expect(results.filter((r) => r.kind === 'cap-reached')).toHaveLength(20);
    expect(await dailyCaps.dailyCapCount('PNcap', '2026-06-08')).toBe(10);
    expect(await dailyCaps.dailyCapCount('PNcap', '2026-06-09')).toBe(0);
  });

  it('leases daily slots several per write, never past the cap: concurrent leases of 4 under a cap of 10 get 4, 4 and the 2 left', async () => {
    const leased = await Promise.all(
      Array.from({ length: 6 }, () =>
        dailyCaps.leaseDailyCapSlots('PNlease', '2026-06-08', 10, 4, new Date()),
      ),
    );
    expect(leased.reduce((a, b) => a + b, 0)).toBe(10);
    expect(leased.filter((n) => n > 0).sort()).toEqual([2, 4, 4]);
    expect(await dailyCaps.dailyCapCount('PNlease', '2026-06-08')).toBe(10);
    await dailyCaps.returnDailyCapSlot('PNlease', '2026-06-08', 3);
    expect(await dailyCaps.dailyCapCount('PNlease', '2026-06-08')).toBe(7);
  });

  it('lets exactly one of many concurrent claimers claim a recipient', async () => {
    const campaignId = await campaignWith(['+12125550101']);
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        recipients.claimRecipient(campaignId, '+12125550101', `token-${i}`, new Date().toISOString()),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('records sent once, with the variant counter, and only for the claim owner', async () => {
    const campaignId = await campaignWith(['+12125550102']);
    await recipients.claimRecipient(campaignId, '+12125550102', 'mine', '2026-06-08T12:00:00.000Z');
    const sent = {
      variantId: 'a',
      messageId: 'AC1',
      at: '2026-06-08T12:00:01.000Z',
      reconciled: false,
      sendingNumber: 'PNrepo',
    };

    expect(await recipients.markSent(campaignId, '+12125550102', 'someone-else', sent)).toBe(false);
    expect(await recipients.markSent(campaignId, '+12125550102', 'mine', sent)).toBe(true);
    expect(await recipients.markSent(campaignId, '+12125550102', 'mine', sent)).toBe(false);

    expect(await statistics.variantStatistics(campaignId)).toEqual({
      a: { sent: 1, failed: 0, skipped: 0, delivered: 0, deliveryFailed: 0, replied: 0, optedOut: 0 },
    });
    expect(await recipients.getRecipient(campaignId, '+12125550102')).toMatchObject({
      state: 'sent',
      messageId: 'AC1',
    });
    expect((await recipients.openRecipientsPage(campaignId)).recipients).toEqual([]);
  });

  it('keeps a recipient already added as it is when it is added again', async () => {
    const campaignId = await campaignWith(['+12125550103']);
    await recipients.claimRecipient(campaignId, '+12125550103', 'mine', '2026-06-08T12:00:00.000Z');
    expect(await recipients.addRecipients(campaignId, [{ phone: '+12125550103', fields: {} }])).toEqual({
      added: 0,
      alreadyPresent: 1,
    });
    expect((await recipients.getRecipient(campaignId, '+12125550103'))?.state).toBe('claimed');
  });

  it('changes a campaign only through the lifecycle rules, and lists it as running only while it runs', async () => {
    const campaignId = await campaignWith([]);
    expect(await campaigns.runningCampaignIds()).toContain(campaignId);
    expect(await campaigns.transitionCampaign(campaignId, { type: 'start' }, 'now')).toEqual({
      kind: 'forbidden-transition',
      from: 'running',
      action: 'start',
    });
    await campaigns.transitionCampaign(campaignId, { type: 'pause', reason: { kind: 'no-credits' } }, 'now');
    expect(await campaigns.runningCampaignIds()).not.toContain(campaignId);
    expect((await campaigns.getCampaign(campaignId))?.state).toEqual({
      status: 'paused',
      reason: { kind: 'no-credits' },
    });
  });
});
