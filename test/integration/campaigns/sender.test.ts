import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  campaignRepositories,
  type CampaignRepositories,
} from '../../../lambdas/campaigns/adapters/campaign-repositories';
import { SuppressionRepository } from '../../../lambdas/crm/adapters/suppression-repository';
import {
  OpenPhoneClient,
  OpenPhoneOutcomeUnknownError,
} from '../../../lambdas/openphone/adapters/openphone-client';
import { SharedTokenBucket } from '../../../lambdas/openphone/adapters/rate-limiter';
import {
  campaignSenderMetrics,
  type CampaignDefinitionInput,
  type CampaignState,
} from '../../../lambdas/campaigns';
import {
  createCampaignSender,
  type CampaignSenderDeps,
  type CampaignSenderSettings,
} from '../../../lambdas/campaigns/service';
import { sendingNumberDay } from '../../../lambdas/campaigns/domain/sending-numbers';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../../local/openphone-simulator';
import { zoneInsideWindowNow } from '../../support/campaigns';
import { createBridgeTables, localDocumentClient, localDynamoClient, tableNamed } from '../../support/dynamo';

const minutes = (n: number) => n * 60_000;
const farDeadline = () => Date.now() + minutes(10);

describe('the campaign sender, against DynamoDB Local and the simulated OpenPhone', () => {
  let simulator: OpenPhoneSimulator;
  let repositories: CampaignRepositories;
  let suppressions: SuppressionRepository;
  let rateLimitTable: string;
  const businessZone = zoneInsideWindowNow();
  let nextNumber = 0;
  let nextCampaign = 0;

  beforeAll(async () => {
    simulator = await startOpenPhoneSimulator({
      seed: 11,
      workspace: {
        phoneNumbers: 12,
        conversationsPerNumber: 1,
        messagesPerConversation: 1,
        callsPerConversation: 0,
      },
    });
    const tables = await createBridgeTables();
    const documents = localDocumentClient();
    repositories = campaignRepositories(documents, tableNamed(tables, 'CampaignTable'));
    suppressions = new SuppressionRepository(documents, tableNamed(tables, 'CrmTable'));
    rateLimitTable = tableNamed(tables, 'RateLimit');
  }, 120_000);
  afterAll(() => simulator.stop());
  afterEach(() => simulator.faults.reset());

  function openPhone(apiKey = simulator.apiKey): OpenPhoneClient {
    return new OpenPhoneClient({
      apiKey,
      rateLimiter: new SharedTokenBucket({
        client: localDynamoClient(),
        tableName: rateLimitTable,
        apiKey,
      }),
      baseUrl: simulator.url,
      lane: 'campaign',
    });
  }

  function sender(
    overrides: {
      deps?: Partial<Pick<CampaignSenderDeps, 'isSuppressed' | 'openPhone' | 'reloadOpenPhone'>>;
      settings?: Partial<CampaignSenderSettings>;
      now?: () => Date;
      metrics?: Metrics;
    } = {},
  ) {
    return createCampaignSender({
      ...repositories,
      isSuppressed: (phone) => suppressions.isSuppressed(phone),
      openPhone: openPhone(),
      ...overrides.deps,
      settings: { safetyMarginMs: 0, ...overrides.settings },
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: overrides.metrics ?? new Metrics({ namespace: 'test', serviceName: 'test' }),
      ...(overrides.now ? { now: overrides.now } : {}),
    });
  }

  /** A running campaign from its own sending number (so daily counters never mix) to `count` fresh numbers. */
  async function runningCampaign(
    count: number,
    definition: Partial<CampaignDefinitionInput> = {},
    state: CampaignState = { status: 'running' },
  ) {
    const campaignId = `cmp-${++nextCampaign}-${Date.now()}`;
    const sendingNumber =
      simulator.workspace.phoneNumbers[nextCampaign % simulator.workspace.phoneNumbers.length]!.id;
    const recipients = Array.from({ length: count }, () => ({
      phone: `+4477009${String(++nextNumber).padStart(5, '0')}`,
      // The recipients' clock is the business's: a `timeZone` field, as a recipient file may give it.
      fields: { firstName: `Guest${nextNumber}`, timeZone: businessZone },
    }));
    await repositories.campaigns.createCampaign({
      campaignId,
      definition: {
        name: 'Spring offer',
        sendingNumber,
        variants: [
          { id: 'a', template: 'Hi {{firstName}}, spring offer A', weight: 1 },
          { id: 'b', template: 'Hello {{firstName}}, spring offer B', weight: 1 },
        ],
        timeZone: businessZone,
        window: { start: '08:00', end: '21:00' },
        dailyCap: 125,
        ...definition,
      },
      state,
      at: new Date().toISOString(),
    });
    await repositories.recipients.addRecipients(campaignId, recipients);
    return { campaignId, sendingNumber, phones: recipients.map((r) => r.phone) };
  }

  /** The real client, with `afterSend(n)` run after the n-th accepted send (before the sender hears of it). */
  function openPhoneThat(afterSend: (sends: number) => Promise<void>): CampaignSenderDeps['openPhone'] {
    const client = openPhone();
    let sends = 0;
    return {
      listMessages: (filters) => client.listMessages(filters),
      listPhoneNumbers: () => client.listPhoneNumbers(),
      sendMessage: async (message, options) => {
        const sent = await client.sendMessage(message, options);
        await afterSend(++sends);
        return sent;
      },
    };
  }
  const optOutAfterSecondSend = (phoneNumber: string) =>
    openPhoneThat(async (sends) => {
      if (sends === 2)
        await suppressions.changeSuppression({
          action: 'add',
          phoneNumber,
          reason: 'opt-out',
          at: new Date().toISOString(),
          reference: 'ACstop',
        });
    });
  const diesAfterSend = (nth: number) =>
    openPhoneThat(async (sends) => {
      if (sends === nth) throw new Error('Lambda timed out');
    });

  /** The opted-out number got nothing and is skipped as suppressed; every other number got one message. */
  async function expectOptedOutOnly(campaignId: string, phones: string[], optingOut: string) {
    expect(sentCount(optingOut)).toBe(0);
    for (const phone of phones.filter((p) => p !== optingOut)) expect(sentCount(phone)).toBe(1);
    expect(await repositories.recipients.getRecipient(campaignId, optingOut)).toMatchObject({
      state: 'skipped',
      reason: 'suppressed',
    });
  }
  /** Today's value of the number's cold-outreach counter (its day is the number's own). */
  const countedToday = (sendingNumber: string) => {
    const { id, number } = simulator.workspace.phoneNumbers.find((p) => p.id === sendingNumber)!;
    const day = sendingNumberDay({ id, number }, { timeZone: businessZone, dailyCap: 1 }, {}, new Date());
    return repositories.dailyCaps.dailyCapCount(id, day.businessDay);
  };
  const sentCount = (phone: string) => simulator.requestLog.stats().messagesSentByRecipient[phone] ?? 0;
  const statesOf = async (campaignId: string) =>
    Object.fromEntries(
      (await repositories.recipients.allRecipients(campaignId)).map((r) => [r.phone, r.state]),
    );

  it('two senders at once send every recipient exactly once, skip none, and complete the campaign', async () => {
    const { campaignId, phones } = await runningCampaign(16);

    await Promise.all([
      sender().sendCampaign(campaignId, farDeadline()),
      sender().sendCampaign(campaignId, farDeadline()),
    ]);

    for (const phone of phones) expect(sentCount(phone)).toBe(1);
    expect(Object.values(await statesOf(campaignId))).toEqual(phones.map(() => 'sent'));
    expect((await repositories.campaigns.getCampaign(campaignId))?.state).toEqual({ status: 'completed' });
    const statistics = await repositories.statistics.variantStatistics(campaignId);
    expect(Object.values(statistics).reduce((sum, s) => sum + s.sent, 0)).toBe(16);
  }, 120_000);

  const conversationTo = (sendingNumber: string, phone: string) =>
    simulator.workspace.conversationFor(sendingNumber, phone);

  it("leaves each recipient's conversation done in Quo's inbox, and a reply reopens it", async () => {
    const { campaignId, sendingNumber, phones } = await runningCampaign(3);

    await sender().sendCampaign(campaignId, farDeadline());

    for (const phone of phones) expect(conversationTo(sendingNumber, phone)?.inboxStatus).toBe('done');
    simulator.workspace.receiveMessage({ phoneNumberId: sendingNumber, from: phones[0]!, text: 'Is it on?' });
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
    expect((await repositories.campaigns.getCampaign(campaignId))?.state.status).toBe('running');
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
          await suppressions.changeSuppression({
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
      return suppressions.isSuppressed(number);
    };

    await expect(
      sender({ deps: { isSuppressed: failsOnLastCheck } }).sendCampaign(campaignId, farDeadline()),
    ).rejects.toBe(outage);

    expect(sentCount(phone)).toBe(0);
    expect(await repositories.recipients.getRecipient(campaignId, phone)).toMatchObject({ state: 'pending' });
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
    simulator.faults.dropConnectionAfterSend = 1;

    const report = await sender().sendCampaign(campaignId, farDeadline());

    for (const phone of phones) expect(sentCount(phone)).toBe(1);
    expect(report.reconciledAsSent).toBe(1);
    const reconciled = (await repositories.recipients.allRecipients(campaignId)).filter((r) => r.reconciled);
    expect(reconciled).toHaveLength(1);
    expect(reconciled[0]).toMatchObject({ state: 'sent', messageId: expect.stringMatching(/^AC/) });
    expect((await repositories.campaigns.getCampaign(campaignId))?.state.status).toBe('completed');
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
    expect((await repositories.recipients.getRecipient(campaignId, doomed))?.state).toBe('claimed');
    expect(sentCount(doomed)).toBe(0);

    const later = new Date(Date.now() + minutes(6));
    const report = await sender({ now: () => later }).sendCampaign(campaignId, later.getTime() + minutes(10));

    expect(report).toMatchObject({ ended: 'completed', reconciledAsNotSent: 1 });
    for (const phone of phones) expect(sentCount(phone)).toBe(1);
  }, 120_000);

  it('402 (no credits) pauses the campaign with a reason and sends nothing', async () => {
    const { campaignId, sendingNumber, phones } = await runningCampaign(3);
    simulator.faults.noCredits = true;
    const metrics = new Metrics({ namespace: 'test', serviceName: 'test' });
    const addMetric = jest.spyOn(metrics, 'addMetric');

    const report = await sender({ metrics }).sendCampaign(campaignId, farDeadline());

    expect(report).toMatchObject({ ended: 'paused', pauseReason: { kind: 'no-credits' } });
    expect((await repositories.campaigns.getCampaign(campaignId))?.state).toEqual({
      status: 'paused',
      reason: { kind: 'no-credits' },
    });
    for (const phone of phones) expect(sentCount(phone)).toBe(0);
    expect(Object.values(await statesOf(campaignId))).toEqual(['pending', 'pending', 'pending']);
    expect(await countedToday(sendingNumber)).toBe(0);
    // Its own metric, and the one the alarm reads.
    expect(addMetric).toHaveBeenCalledWith(campaignSenderMetrics.pausedByError, 'Count', 1);
    expect(addMetric).toHaveBeenCalledWith(campaignSenderMetrics.senderTrouble, 'Count', 1);
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
    expect((await repositories.recipients.getRecipient(campaignId, phone))?.state).toBe('unknown-outcome');

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
    expect((await repositories.campaigns.getCampaign(campaignId))?.state).toMatchObject({
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
          return Promise.resolve(openPhone(simulator.apiKey));
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
    const recipient = await repositories.recipients.getRecipient(campaignId, phone);
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
    expect((await repositories.recipients.getRecipient(campaignId, phone))?.state).toBe('unknown-outcome');

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
    await repositories.campaigns.transitionCampaign(
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

    await repositories.campaigns.transitionCampaign(campaignId, { type: 'resume' }, new Date().toISOString());
    await sender().sendRunningCampaigns(farDeadline());
    for (const phone of phones) expect(sentCount(phone)).toBe(1);
    expect((await repositories.campaigns.getCampaign(campaignId))?.state.status).toBe('completed');
  }, 120_000);

  it('a scheduled campaign is started by the first run after its time, and not before', async () => {
    const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
    const due = await runningCampaign(2, {}, { status: 'scheduled', startAt: at(-60_000) });
    const later = await runningCampaign(2, {}, { status: 'scheduled', startAt: at(3_600_000) });

    await sender().sendRunningCampaigns(farDeadline());

    for (const phone of due.phones) expect(sentCount(phone)).toBe(1);
    expect((await repositories.campaigns.getCampaign(due.campaignId))?.state.status).toBe('completed');
    for (const phone of later.phones) expect(sentCount(phone)).toBe(0);
    expect((await repositories.campaigns.getCampaign(later.campaignId))?.state.status).toBe('scheduled');

    // Rescheduled earlier by an operator: the next run starts it.
    await repositories.campaigns.transitionCampaign(
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
      expect((await repositories.campaigns.getCampaign(campaignId))?.state).toEqual({ status: 'completed' });
      const statistics = await repositories.statistics.variantStatistics(campaignId);
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
      simulator.faults.noCredits = true;
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
        addMetric.mock.calls.filter(([name]) => name === campaignSenderMetrics.senderTrouble),
      ).toHaveLength(1);
    }, 120_000);
  });
});
