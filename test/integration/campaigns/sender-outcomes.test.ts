import { Metrics } from '@aws-lambda-powertools/metrics';
import { bridgeMetrics } from '../../../lambdas/shared/metrics';
import { OpenPhoneOutcomeUnknownError } from '../../../lambdas/openphone/adapters/openphone-client';
import { campaignSenderMetrics } from '../../../lambdas/campaigns';
import type { CampaignSenderDeps } from '../../../lambdas/campaigns/service';
import { campaignSenderHarness, farDeadline, minutes } from '../../support/campaign-sender-harness';

// What OpenPhone answers (402, 401, a rotated key), an operator's pause, a schedule, and several
// recipients in flight per run: against DynamoDB Local and the simulated OpenPhone.
describe('the campaign sender: refusals, keys, pauses and schedules', () => {
  const {
    h,
    openPhone,
    sender,
    runningCampaign,
    optOutAfterSecondSend,
    diesAfterSend,
    expectOptedOutOnly,
    countedToday,
    sentCount,
    statesOf,
  } = campaignSenderHarness();

  it('402 (no credits) pauses the campaign with a reason and sends nothing', async () => {
    const { campaignId, sendingNumber, phones } = await runningCampaign(3);
    h.simulator.faults.noCredits = true;
    const metrics = new Metrics({ namespace: 'test', serviceName: 'test' });
    const addMetric = jest.spyOn(metrics, 'addMetric');

    const report = await sender({ metrics }).sendCampaign(campaignId, farDeadline());

    expect(report).toMatchObject({ ended: 'paused', pauseReason: { kind: 'no-credits' } });
    expect((await h.repositories.campaigns.getCampaign(campaignId))?.state).toEqual({
      status: 'paused',
      reason: { kind: 'no-credits' },
    });
    for (const phone of phones) expect(sentCount(phone)).toBe(0);
    expect(Object.values(await statesOf(campaignId))).toEqual(['pending', 'pending', 'pending']);
    expect(await countedToday(sendingNumber)).toBe(0);
    // Its own metric, and the one the alarm reads.
    expect(addMetric).toHaveBeenCalledWith(campaignSenderMetrics.pausedByError, 'Count', 1);
    expect(addMetric).toHaveBeenCalledWith(bridgeMetrics.attention.needsAttention, 'Count', 1);
  }, 120_000);
  it('an unknown outcome whose message is not listed is not sent again until the claim is stale, then once', async () => {
    const { campaignId, phones } = await runningCampaign(1);
    const [phone] = phones as [string];
    const client = openPhone();
    const timesOutBeforeReachingOpenPhone: CampaignSenderDeps['openPhone'] = {
      listMessages: (filters) => client.listMessages(filters),
      listPhoneNumbers: () => client.listPhoneNumbers(),
      sendMessage: () =>
        Promise.reject(
          new OpenPhoneOutcomeUnknownError({
            request: { method: 'POST', path: '/v1/messages' },
            reason: 'timeout',
          }),
        ),
    };

    const first = await sender({ deps: { openPhone: timesOutBeforeReachingOpenPhone } }).sendCampaign(
      campaignId,
      farDeadline(),
    );
    expect(first.unknownOutcome).toBe(1);
    expect((await h.repositories.recipients.getRecipient(campaignId, phone))?.state).toBe('unknown-outcome');

    await sender().sendCampaign(campaignId, farDeadline());
    expect(sentCount(phone)).toBe(0);

    const later = new Date(Date.now() + minutes(6));
    const report = await sender({ now: () => later }).sendCampaign(campaignId, later.getTime() + minutes(10));
    expect(report).toMatchObject({ ended: 'completed', reconciledAsNotSent: 1, sent: 1 });
    expect(sentCount(phone)).toBe(1);
  }, 120_000);

  it('repeated 401s pause the campaign with a reason; nothing is sent', async () => {
    const { campaignId, phones } = await runningCampaign(4);

    const report = await sender({ deps: { openPhone: openPhone('not-the-workspace-key') } }).sendCampaign(
      campaignId,
      farDeadline(),
    );

    expect(report).toMatchObject({ ended: 'paused', pauseReason: { kind: 'api-key-rejected' } });
    expect((await h.repositories.campaigns.getCampaign(campaignId))?.state).toMatchObject({
      status: 'paused',
      reason: { kind: 'api-key-rejected' },
    });
    for (const phone of phones) expect(sentCount(phone)).toBe(0);
    expect(Object.values(await statesOf(campaignId)).every((s) => s === 'pending')).toBe(true);
  }, 120_000);
  it('a rotated API key is read again on a 401 and the campaign goes on without a pause', async () => {
    const { campaignId, phones } = await runningCampaign(3);
    let reloads = 0;

    const report = await sender({
      deps: {
        openPhone: openPhone('the-key-before-rotation'),
        reloadOpenPhone: () => {
          reloads++;
          return Promise.resolve(openPhone(h.simulator.apiKey));
        },
      },
    }).sendCampaign(campaignId, farDeadline());

    expect(report).toMatchObject({ ended: 'completed', sent: 3 });
    expect(report.pauseReason).toBeUndefined();
    expect(reloads).toBe(1);
    for (const phone of phones) expect(sentCount(phone)).toBe(1);
  }, 120_000);

  it('a 401 whose key re-read brings no new key still pauses the campaign', async () => {
    const { campaignId, phones } = await runningCampaign(2);

    const report = await sender({
      deps: {
        openPhone: openPhone('not-the-workspace-key'),
        reloadOpenPhone: () => Promise.resolve(undefined),
      },
    }).sendCampaign(campaignId, farDeadline());

    expect(report).toMatchObject({ ended: 'paused', pauseReason: { kind: 'api-key-rejected' } });
    for (const phone of phones) expect(sentCount(phone)).toBe(0);
  }, 120_000);

  it('an identical message sent to the number well before the claim is not taken as this send', async () => {
    const template = 'Hi {{firstName}}, our monthly reminder';
    const { campaignId, sendingNumber, phones } = await runningCampaign(1, {
      variants: [{ id: 'a', template, weight: 1 }],
    });
    const phone = phones[0]!;
    const recipient = await h.repositories.recipients.getRecipient(campaignId, phone);
    // Last month's run of the same template, to the same number, from the same sending number.
    await openPhone().sendMessage({
      content: template.replace('{{firstName}}', recipient!.fields.firstName!),
      from: sendingNumber,
      to: [phone],
    });
    // The campaign's send is claimed three minutes later: past the look-up's clock tolerance.
    const claimTime = new Date(Date.now() + minutes(3));
    const timesOutBeforeReachingOpenPhone: CampaignSenderDeps['openPhone'] = {
      ...openPhone(),
      listMessages: (filters) => openPhone().listMessages(filters),
      listPhoneNumbers: () => openPhone().listPhoneNumbers(),
      sendMessage: () =>
        Promise.reject(
          new OpenPhoneOutcomeUnknownError({
            request: { method: 'POST', path: '/v1/messages' },
            reason: 'timeout',
          }),
        ),
    };

    const first = await sender({
      deps: { openPhone: timesOutBeforeReachingOpenPhone },
      now: () => claimTime,
    }).sendCampaign(campaignId, claimTime.getTime() + minutes(10));
    expect(first).toMatchObject({ reconciledAsSent: 0, unknownOutcome: 1 });
    expect((await h.repositories.recipients.getRecipient(campaignId, phone))?.state).toBe('unknown-outcome');

    const later = new Date(claimTime.getTime() + minutes(6));
    const report = await sender({ now: () => later }).sendCampaign(campaignId, later.getTime() + minutes(10));

    expect(report).toMatchObject({
      ended: 'completed',
      reconciledAsSent: 0,
      reconciledAsNotSent: 1,
      sent: 1,
    });
    expect(sentCount(phone)).toBe(2);
  }, 120_000);

  it('a campaign paused by an operator sends nothing until it is resumed', async () => {
    const { campaignId, phones } = await runningCampaign(2);
    await h.repositories.campaigns.transitionCampaign(
      campaignId,
      { type: 'pause', reason: { kind: 'operator', note: 'wrong link' } },
      new Date().toISOString(),
    );

    expect(await sender().sendCampaign(campaignId, farDeadline())).toMatchObject({
      ended: 'not-running',
      sent: 0,
    });
    expect(await sender().sendRunningCampaigns(farDeadline())).not.toContainEqual(
      expect.objectContaining({ campaignId }),
    );
    for (const phone of phones) expect(sentCount(phone)).toBe(0);

    await h.repositories.campaigns.transitionCampaign(
      campaignId,
      { type: 'resume' },
      new Date().toISOString(),
    );
    await sender().sendRunningCampaigns(farDeadline());
    for (const phone of phones) expect(sentCount(phone)).toBe(1);
    expect((await h.repositories.campaigns.getCampaign(campaignId))?.state.status).toBe('completed');
  }, 120_000);

  it('a scheduled campaign is started by the first run after its time, and not before', async () => {
    const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
    const due = await runningCampaign(2, {}, { status: 'scheduled', startAt: at(-60_000) });
    const later = await runningCampaign(2, {}, { status: 'scheduled', startAt: at(3_600_000) });

    await sender().sendRunningCampaigns(farDeadline());

    for (const phone of due.phones) expect(sentCount(phone)).toBe(1);
    expect((await h.repositories.campaigns.getCampaign(due.campaignId))?.state.status).toBe('completed');
    for (const phone of later.phones) expect(sentCount(phone)).toBe(0);
    expect((await h.repositories.campaigns.getCampaign(later.campaignId))?.state.status).toBe('scheduled');

    // Rescheduled earlier by an operator: the next run starts it.
    await h.repositories.campaigns.transitionCampaign(
      later.campaignId,
      { type: 'schedule', startAt: at(-1_000) },
      new Date().toISOString(),
    );
    await sender().sendRunningCampaigns(farDeadline());
    for (const phone of later.phones) expect(sentCount(phone)).toBe(1);
  }, 120_000);

  describe('with several recipients in flight per run', () => {
    it('three overlapping runs, six recipients in flight each, send every recipient exactly once', async () => {
      const { campaignId, phones } = await runningCampaign(30);

      const reports = await Promise.all(
        [1, 2, 3].map(() => sender({ settings: { concurrency: 6 } }).sendCampaign(campaignId, farDeadline())),
      );

      for (const phone of phones) expect(sentCount(phone)).toBe(1);
      expect(reports.reduce((sum, r) => sum + r.sent, 0)).toBe(30);
      expect(Object.values(await statesOf(campaignId))).toEqual(phones.map(() => 'sent'));
      expect((await h.repositories.campaigns.getCampaign(campaignId))?.state).toEqual({
        status: 'completed',
      });
      const statistics = await h.repositories.statistics.variantStatistics(campaignId);
      expect(Object.values(statistics).reduce((sum, s) => sum + s.sent, 0)).toBe(30);
    }, 120_000);

    it('a sender dying mid-batch leaves only its own claim; later runs finish without a resend', async () => {
      const { campaignId, phones } = await runningCampaign(10);
      await expect(
        sender({ deps: { openPhone: diesAfterSend(3) }, settings: { concurrency: 4 } }).sendCampaign(
          campaignId,
          farDeadline(),
        ),
      ).rejects.toThrow('Lambda timed out');
      // The recipients in flight beside it recorded their outcome; no new one was started.
      const states = Object.values(await statesOf(campaignId));
      expect(states.filter((s) => s === 'claimed')).toHaveLength(1);
      expect(states.filter((s) => s === 'sent').length).toBeGreaterThanOrEqual(2);
      expect(states.filter((s) => s === 'pending').length).toBeGreaterThanOrEqual(1);

      const early = await sender().sendCampaign(campaignId, farDeadline());
      expect(early.reconciledAsSent + early.reconciledAsNotSent).toBe(0);
      const later = new Date(Date.now() + minutes(6));
      const report = await sender({ now: () => later }).sendCampaign(
        campaignId,
        later.getTime() + minutes(10),
      );

      expect(report).toMatchObject({ ended: 'completed', reconciledAsSent: 1 });
      for (const phone of phones) expect(sentCount(phone)).toBe(1);
    }, 120_000);

    it('an opt-out recorded before a recipient is started is honoured', async () => {
      const { campaignId, phones } = await runningCampaign(12);
      const optingOut = phones[11]!;

      // With 4 in flight, the 12th recipient starts only after 8 have finished, the 2nd send among them.
      await sender({
        deps: { openPhone: optOutAfterSecondSend(optingOut) },
        settings: { concurrency: 4 },
      }).sendCampaign(campaignId, farDeadline());

      await expectOptedOutOnly(campaignId, phones, optingOut);
    }, 120_000);

    it('402 with recipients in flight pauses the campaign once and sends nothing', async () => {
      const { campaignId, phones } = await runningCampaign(8);
      h.simulator.faults.noCredits = true;
      const metrics = new Metrics({ namespace: 'test', serviceName: 'test' });
      const addMetric = jest.spyOn(metrics, 'addMetric');

      const report = await sender({ metrics, settings: { concurrency: 8 } }).sendCampaign(
        campaignId,
        farDeadline(),
      );

      expect(report).toMatchObject({ ended: 'paused', pauseReason: { kind: 'no-credits' } });
      for (const phone of phones) expect(sentCount(phone)).toBe(0);
      expect(Object.values(await statesOf(campaignId)).every((s) => s === 'pending')).toBe(true);
      expect(
        addMetric.mock.calls.filter(([name]) => name === campaignSenderMetrics.pausedByError),
      ).toHaveLength(1);
      // Paged once, however many sends met the 402.
      expect(
        addMetric.mock.calls.filter(([name]) => name === bridgeMetrics.attention.needsAttention),
      ).toHaveLength(1);
    }, 120_000);
  });
});
