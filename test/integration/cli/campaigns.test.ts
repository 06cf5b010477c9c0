import { join } from 'node:path';
import {
  campaignRepositories,
  type CampaignRepositories,
} from '../../../lambdas/campaigns/adapters/campaign-repositories';
import { runAgainst, testTarget } from '../../support/cli';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';

const examples = join(__dirname, '..', '..', '..', 'examples');
const exampleDefinition = join(examples, 'campaign.json');
const exampleCsv = join(examples, 'recipients.csv');

describe('the campaigns commands, against DynamoDB Local', () => {
  let repositories: CampaignRepositories;
  let target: ReturnType<typeof testTarget>;
  let next = 0;
  const freshId = () => `cmp-it-${++next}-${Date.now()}`;

  beforeAll(async () => {
    const tables = await createBridgeTables();
    repositories = campaignRepositories(localDocumentClient(), tableNamed(tables, 'CampaignTable'));
    target = testTarget({ campaigns: repositories });
  }, 60_000);

  async function createExample(campaignId = freshId()) {
    const result = await runAgainst(
      target,
      'campaigns',
      'create',
      '--definition',
      exampleDefinition,
      '--csv',
      exampleCsv,
      '--id',
      campaignId,
    );
    return { campaignId, result };
  }

  /** Moves a recipient through claim → sent / skipped, as the sender records it. */
  async function record(campaignId: string, phone: string, outcome: 'sent' | 'skipped', variantId: string) {
    await repositories.recipients.claimRecipient(campaignId, phone, 'token', new Date().toISOString());
    if (outcome === 'sent')
      await repositories.recipients.markSent(campaignId, phone, 'token', {
        variantId,
        messageId: `AC-${phone}`,
        sendingNumber: 'PN3feb3a9229',
        at: new Date().toISOString(),
        reconciled: false,
      });
    else
      await repositories.recipients.markSkipped(campaignId, phone, 'token', {
        variantId,
        reason: 'suppressed',
        at: new Date().toISOString(),
      });
  }

  it('creates a draft from the example CSV with exactly its valid, unique rows, and reports the others', async () => {
    const { campaignId, result } = await createExample();

    expect(result.code).toBe(0);
    expect(result.stdout).toEqual([
      `Created campaign ${campaignId} "Spring sale" (draft) with 4 recipients.`,
      'Not imported: 2 invalid rows, 1 duplicate row:',
      '  row 5: not a valid phone number',
      '  row 6: no phone number',
      '  row 7: duplicate of row 2 (…0100)',
      `Next: npm run cli -- campaigns preview ${campaignId}, then campaigns start ${campaignId}`,
    ]);
    const stored = await repositories.recipients.allRecipients(campaignId);
    expect(stored.map((r) => r.phone).sort()).toEqual(
      ['+12125550100', '+13125550188', '+14155550134', '+442079460958'].sort(),
    );
    expect(stored.every((r) => r.state === 'pending')).toBe(true);
    // The first row of a repeated number is the one kept.
    expect(stored.find((r) => r.phone === '+12125550100')?.fields).toEqual({
      firstName: 'Ann',
      city: 'New York',
    });
    expect((await repositories.campaigns.getCampaign(campaignId))?.state).toEqual({ status: 'draft' });

    const again = await createExample(campaignId);
    expect(again.result).toMatchObject({
      code: 1,
      stderr: [`error: a campaign ${campaignId} already exists`],
    });
  });

  it('previews the stored recipients as the sender would render them, numbers masked', async () => {
    const { campaignId } = await createExample();
    const preview = await runAgainst(target, 'campaigns', 'preview', campaignId, '--limit', '2');
    expect(preview.code).toBe(0);
    expect(preview.stdout[0]).toBe(`Campaign ${campaignId} "Spring sale": the first 2 of 4 recipients.`);
    const headings = preview.stdout.filter((l) => l.startsWith('…'));
    expect(headings).toHaveLength(2);
    for (const heading of headings)
      expect(heading).toMatch(/^…\d{4} {2}variant [AB] {2}\d+ characters, \d segments? \((GSM-7|UCS-2)\)$/);
    expect(preview.stdout.join('\n')).not.toMatch(/\+\d{7}/);
    expect(preview.stdout.at(-1)).toBe('All 4 recipients render.');
  });

  it('schedules a campaign for a time (kept in UTC), moves it back to draft, and refuses a time without a zone', async () => {
    const { campaignId } = await createExample();
    const run = (...argv: string[]) => runAgainst(target, 'campaigns', ...argv);

    expect(await run('schedule', campaignId, '--at', '2031-12-01T09:00:00-05:00')).toMatchObject({
      code: 0,
      stdout: [`Campaign ${campaignId}: draft → scheduled for 2031-12-01T14:00:00.000Z.`],
    });
    expect(
      await repositories.campaigns.dueScheduledCampaignIds(new Date('2031-12-01T13:59:59Z')),
    ).not.toContain(campaignId);
    expect(await repositories.campaigns.dueScheduledCampaignIds(new Date('2031-12-01T14:00:00Z'))).toContain(
      campaignId,
    );
    const noZone = await run('schedule', campaignId, '--at', '2031-12-01T09:00:00');
    expect(noZone.code).toBe(2);
    expect(noZone.stderr.join(' ')).toMatch(/an ISO time with its zone/);
    expect(await run('unschedule', campaignId)).toMatchObject({
      code: 0,
      stdout: [`Campaign ${campaignId}: scheduled → draft.`],
    });
    expect(
      await repositories.campaigns.dueScheduledCampaignIds(new Date('2031-12-02T00:00:00Z')),
    ).not.toContain(campaignId);
  });

  it('starts, pauses, resumes and cancels through the state machine, refusing what it forbids', async () => {
    const { campaignId } = await createExample();
    const run = (...argv: string[]) => runAgainst(target, 'campaigns', ...argv);

    expect(await run('pause', campaignId)).toMatchObject({
      code: 1,
      stderr: [
        `error: campaign ${campaignId} is draft, so it cannot pause (a draft campaign can: schedule, start, cancel)`,
      ],
    });
    expect(await run('start', campaignId)).toMatchObject({
      code: 0,
      stdout: [`Campaign ${campaignId}: draft → running.`],
    });
    expect(await repositories.campaigns.runningCampaignIds()).toContain(campaignId);
    expect(await run('pause', campaignId, '--note', 'holiday')).toMatchObject({
      code: 0,
      stdout: [`Campaign ${campaignId}: running → paused (by an operator: holiday).`],
    });
    expect((await repositories.campaigns.getCampaign(campaignId))?.state).toEqual({
      status: 'paused',
      reason: { kind: 'operator', note: 'holiday' },
    });
    expect((await run('pause', campaignId)).stderr).toEqual([
      `error: campaign ${campaignId} is paused, so it cannot pause (a paused campaign can: resume, cancel)`,
    ]);
    expect((await run('resume', campaignId)).stdout).toEqual([`Campaign ${campaignId}: paused → running.`]);
    expect((await run('cancel', campaignId)).stdout).toEqual([
      `Campaign ${campaignId}: running → cancelled.`,
    ]);
    expect(await repositories.campaigns.runningCampaignIds()).not.toContain(campaignId);
    expect(await run('start', campaignId)).toMatchObject({
      code: 1,
      stderr: [
        `error: campaign ${campaignId} is cancelled, so it cannot start (a cancelled campaign is final)`,
      ],
    });
    expect(await run('start', 'cmp-nope')).toMatchObject({
      code: 1,
      stderr: ['error: no campaign cmp-nope'],
    });
  });

  it('shows progress by recipient state and the per-variant table, and lists campaigns', async () => {
    const { campaignId } = await createExample();
    await runAgainst(target, 'campaigns', 'start', campaignId);
    await record(campaignId, '+12125550100', 'sent', 'A');
    await record(campaignId, '+14155550134', 'sent', 'B');
    await record(campaignId, '+13125550188', 'skipped', 'A');
    await repositories.sendTracking.recordDelivery('AC-+14155550134', 'delivered', new Date().toISOString());

    const status = await runAgainst(target, 'campaigns', 'status', campaignId);
    expect(status.code).toBe(0);
    expect(status.stdout.slice(0, 3)).toEqual([
      `Campaign ${campaignId} "Spring sale": running`,
      '[######################--------]  75%  3/4 recipients done',
      'pending 1 · claimed 0 · unknown-outcome 0 · sent 2 · failed 0 · skipped 1 · parked 0',
    ]);
    expect(status.stdout).toContainEqual(
      expect.stringMatching(/^A\s+3\s+1\s+0\s+0\s+0\s+1\s+0\s+0\s+0\.0%$/),
    );
    expect(status.stdout).toContainEqual(
      expect.stringMatching(/^B\s+1\s+1\s+1\s+0\s+0\s+0\s+0\s+0\s+0\.0%$/),
    );
    expect(status.stdout.at(-1)).toMatch(
      /^A vs B: reply rate 0\.0% vs 0\.0% so far: too early to call \(the campaign may still send/,
    );

    const list = await runAgainst(target, 'campaigns', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout[0]).toMatch(/^id\s+name\s+state\s+recipients\s+sent\s+created$/);
    expect(list.stdout).toContainEqual(
      expect.stringMatching(new RegExp(`^${campaignId}\\s+Spring sale\\s+running\\s+4\\s+2\\s+\\d{4}-`)),
    );
  });

  it('watches until the campaign is finished', async () => {
    const { campaignId } = await createExample();
    await runAgainst(target, 'campaigns', 'cancel', campaignId);
    const watch = await runAgainst(target, 'campaigns', 'status', campaignId, '--watch', '--every', '1');
    expect(watch.code).toBe(0);
    expect(watch.stdout[0]).toBe(`Campaign ${campaignId} "Spring sale": cancelled`);
    expect(watch.stdout.filter((l) => l.startsWith('Campaign '))).toHaveLength(1);
  });
});
