import type { CampaignSenderDeps } from '../../../lambdas/campaigns/service';
import { campaignSenderHarness, farDeadline, minutes } from '../../support/campaign-sender-harness';

// Exactly once, inside the daily cap and the opt-outs, whatever dies between two writes.
describe('the campaign sender, against DynamoDB Local and the simulated OpenPhone', () => {
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

  it('two senders at once send every recipient exactly once, skip none, and complete the campaign', async () => {
    const { campaignId, phones } = await runningCampaign(16);

    await Promise.all([
      sender().sendCampaign(campaignId, farDeadline()),
      sender().sendCampaign(campaignId, farDeadline()),
    ]);

    for (const phone of phones) expect(sentCount(phone)).toBe(1);
    expect(Object.values(await statesOf(campaignId))).toEqual(phones.map(() => 'sent'));
    expect((await h.repositories.campaigns.getCampaign(campaignId))?.state).toEqual({ status: 'completed' });
    const statistics = await h.repositories.statistics.variantStatistics(campaignId);
    expect(Object.values(statistics).reduce((sum, s) => sum + s.sent, 0)).toBe(16);
  }, 120_000);

  const conversationTo = (sendingNumber: string, phone: string) =>
    h.simulator.workspace.conversationFor(sendingNumber, phone);

  it("leaves each recipient's conversation done in Quo's inbox, and a reply reopens it", async () => {
    const { campaignId, sendingNumber, phones } = await runningCampaign(3);

    await sender().sendCampaign(campaignId, farDeadline());

    for (const phone of phones) expect(conversationTo(sendingNumber, phone)?.inboxStatus).toBe('done');
    h.simulator.workspace.receiveMessage({
      phoneNumberId: sendingNumber,
      from: phones[0]!,
      text: 'Is it on?',
    });
    expect(conversationTo(sendingNumber, phones[0]!)?.inboxStatus).toBe('open');
    expect(conversationTo(sendingNumber, phones[1]!)?.inboxStatus).toBe('done');
  }, 120_000);

  it('a campaign defined with markConversationDone false leaves its conversations open', async () => {
    const { campaignId, sendingNumber, phones } = await runningCampaign(2, { markConversationDone: false });

    await sender().sendCampaign(campaignId, farDeadline());

    for (const phone of phones) {
      expect(sentCount(phone)).toBe(1);
      expect(conversationTo(sendingNumber, phone)?.inboxStatus).toBe('open');
    }
  }, 120_000);

  it('two senders at once never exceed the daily cap of the sending number', async () => {
    const { campaignId, sendingNumber, phones } = await runningCampaign(12, { dailyCap: 5 });

    const reports = await Promise.all([
      sender().sendCampaign(campaignId, farDeadline()),
      sender().sendCampaign(campaignId, farDeadline()),
    ]);

    const messages = phones.reduce((sum, phone) => sum + sentCount(phone), 0);
    expect(messages).toBe(5);
    expect(await countedToday(sendingNumber)).toBe(5);
    expect(reports.map((r) => r.ended)).toContain('daily-cap-reached');
    const states = Object.values(await statesOf(campaignId));
    expect(states.filter((s) => s === 'sent')).toHaveLength(5);
    expect(states.filter((s) => s === 'pending')).toHaveLength(7);
    expect((await h.repositories.campaigns.getCampaign(campaignId))?.state.status).toBe('running');
  }, 120_000);

  it('an opt-out recorded while a recipient waits for its token withdraws that send', async () => {
    const { campaignId, sendingNumber, phones } = await runningCampaign(3);
    const optingOut = phones[1]!;
    const client = openPhone();
    // The STOP lands after the recipient's suppression check and cap slot, while its send waits
    // for a rate-limit token: the last check, just before the request goes out, must see it.
    const optOutDuringTokenWait: CampaignSenderDeps['openPhone'] = {
      listMessages: (filters) => client.listMessages(filters),
      listPhoneNumbers: () => client.listPhoneNumbers(),
      sendMessage: async (message, options) => {
        if (message.to[0] === optingOut)
          await h.suppressions.changeSuppression({
            action: 'add',
            phoneNumber: optingOut,
            reason: 'opt-out',
            at: new Date().toISOString(),
            reference: 'ACstop-during-wait',
          });
        return client.sendMessage(message, options);
      },
    };

    const report = await sender({
      deps: { openPhone: optOutDuringTokenWait },
      settings: { concurrency: 1 },
    }).sendCampaign(campaignId, farDeadline());

    await expectOptedOutOnly(campaignId, phones, optingOut);
    expect(report).toMatchObject({ sent: 2, skipped: 1 });
    // The withdrawn send's cap slot was given back.
    expect(await countedToday(sendingNumber)).toBe(2);
  }, 120_000);

  it('a last check that cannot read suppression sends nothing and gives the recipient and its cap slot back', async () => {
    const { campaignId, sendingNumber, phones } = await runningCampaign(1);
    const [phone] = phones as [string];
    let reads = 0;
    const outage = new Error('DynamoDB unavailable');
    const failsOnLastCheck = async (number: string) => {
      if (++reads === 2) throw outage;
      return h.suppressions.isSuppressed(number);
    };

    await expect(
      sender({ deps: { isSuppressed: failsOnLastCheck } }).sendCampaign(campaignId, farDeadline()),
    ).rejects.toBe(outage);

    expect(sentCount(phone)).toBe(0);
    expect(await h.repositories.recipients.getRecipient(campaignId, phone)).toMatchObject({
      state: 'pending',
    });
    expect(await countedToday(sendingNumber)).toBe(0);
  }, 120_000);

  it('an opt-out arriving mid-campaign stops sends to that number', async () => {
    const { campaignId, phones } = await runningCampaign(5);
    const optingOut = phones[3]!;

    // One recipient at a time, so "after the 2nd send" comes before the 4th recipient's check.
    await sender({
      deps: { openPhone: optOutAfterSecondSend(optingOut) },
      settings: { concurrency: 1 },
    }).sendCampaign(campaignId, farDeadline());

    await expectOptedOutOnly(campaignId, phones, optingOut);
  }, 120_000);

  it('a connection dropped after OpenPhone accepted the send is reconciled: no second message', async () => {
    const { campaignId, phones } = await runningCampaign(3);
    h.simulator.faults.dropConnectionAfterSend = 1;

    const report = await sender().sendCampaign(campaignId, farDeadline());

    for (const phone of phones) expect(sentCount(phone)).toBe(1);
    expect(report.reconciledAsSent).toBe(1);
    const reconciled = (await h.repositories.recipients.allRecipients(campaignId)).filter(
      (r) => r.reconciled,
    );
    expect(reconciled).toHaveLength(1);
    expect(reconciled[0]).toMatchObject({ state: 'sent', messageId: expect.stringMatching(/^AC/) });
    expect((await h.repositories.campaigns.getCampaign(campaignId))?.state.status).toBe('completed');
  }, 120_000);

  it('a sender that dies after the send, before recording it, is finished by a later run without a resend', async () => {
    const { campaignId, phones } = await runningCampaign(4);
    // One recipient at a time, so the states it leaves behind are exactly these (concurrently: below).
    await expect(
      sender({ deps: { openPhone: diesAfterSend(2) }, settings: { concurrency: 1 } }).sendCampaign(
        campaignId,
        farDeadline(),
      ),
    ).rejects.toThrow('Lambda timed out');
    expect(Object.values(await statesOf(campaignId)).sort()).toEqual(
      ['claimed', 'pending', 'pending', 'sent'].sort(),
    );

    // Too soon: the claim may still belong to a live sender, so it is left alone.
    const early = await sender().sendCampaign(campaignId, farDeadline());
    expect(early.reconciledAsSent + early.reconciledAsNotSent).toBe(0);

    const later = new Date(Date.now() + minutes(6));
    const report = await sender({ now: () => later }).sendCampaign(campaignId, later.getTime() + minutes(10));

    expect(report).toMatchObject({ ended: 'completed', reconciledAsSent: 1 });
    for (const phone of phones) expect(sentCount(phone)).toBe(1);
  }, 120_000);

  it('a sender that dies after claiming, before sending, is finished by a later run that sends once', async () => {
    const { campaignId, phones } = await runningCampaign(3);
    const doomed = phones[1]!;
    const client = openPhone();
    // The claim is taken by the last check, just before the request: the process dies right after it.
    const diesAfterClaiming: CampaignSenderDeps['openPhone'] = {
      listMessages: (filters) => client.listMessages(filters),
      listPhoneNumbers: () => client.listPhoneNumbers(),
      sendMessage: async (message, options) => {
        if (!message.to.includes(doomed)) return client.sendMessage(message, options);
        await options?.beforeSend?.();
        throw new Error('process killed');
      },
    };
    await expect(
      sender({ deps: { openPhone: diesAfterClaiming } }).sendCampaign(campaignId, farDeadline()),
    ).rejects.toThrow('process killed');
    expect((await h.repositories.recipients.getRecipient(campaignId, doomed))?.state).toBe('claimed');
    expect(sentCount(doomed)).toBe(0);

    const later = new Date(Date.now() + minutes(6));
    const report = await sender({ now: () => later }).sendCampaign(campaignId, later.getTime() + minutes(10));

    expect(report).toMatchObject({ ended: 'completed', reconciledAsNotSent: 1 });
    for (const phone of phones) expect(sentCount(phone)).toBe(1);
  }, 120_000);
});
