import { Logger } from '@aws-lambda-powertools/logger';
import { bridgeMetrics } from '../../../lambdas/shared/metrics';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  campaignRepositories,
  type CampaignRepositories,
} from '../../../lambdas/campaigns/adapters/campaign-repositories';
import { RecentSendsRepository } from '../../../lambdas/campaigns/adapters/recent-sends-repository';
import { SuppressionRepository } from '../../../lambdas/crm/adapters/suppression-repository';
import {
  OpenPhoneClient,
  OpenPhoneOutcomeUnknownError,
} from '../../../lambdas/openphone/adapters/openphone-client';
import { SharedTokenBucket } from '../../../lambdas/openphone/adapters/rate-limiter';
import { campaignSenderMetrics, type CampaignDefinitionInput } from '../../../lambdas/campaigns';
import { sendingNumberDay } from '../../../lambdas/campaigns/domain/sending-numbers';
import {
  createCampaignSender,
  type CampaignSenderDeps,
  type CampaignSenderSettings,
} from '../../../lambdas/campaigns/service';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../../local/openphone-simulator';
import { zoneInsideWindowNow } from '../../support/campaigns';
import { createBridgeTables, localDocumentClient, localDynamoClient, tableNamed } from '../../support/dynamo';

const minutes = (n: number) => n * 60_000;

/**
 * The sender's promises under the faults of the world: OpenPhone's clock and precision, texts it
 * normalises, refusals of the sending number, a pause or a closing window while a send waits for
 * its token, reconciliation that cannot ask. Real DynamoDB Local, the simulated OpenPhone.
 */
describe('the campaign sender under faults', () => {
  let simulator: OpenPhoneSimulator;
  let repositories: CampaignRepositories;
  let recentSends: RecentSendsRepository;
  let suppressions: SuppressionRepository;
  let rateLimitTable: string;
  const businessZone = zoneInsideWindowNow();
  let nextNumber = 0;
  let nextCampaign = 0;

  beforeAll(async () => {
    simulator = await startOpenPhoneSimulator({
      seed: 23,
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
    recentSends = new RecentSendsRepository(documents, tableNamed(tables, 'CampaignTable'));
    suppressions = new SuppressionRepository(documents, tableNamed(tables, 'CrmTable'));
    rateLimitTable = tableNamed(tables, 'RateLimit');
  }, 120_000);
  afterAll(() => simulator.stop());
  afterEach(() => simulator.faults.reset());

  function openPhone(apiKey = simulator.apiKey): OpenPhoneClient {
    return new OpenPhoneClient({
      apiKey,
      rateLimiter: new SharedTokenBucket({ client: localDynamoClient(), tableName: rateLimitTable, apiKey }),
      baseUrl: simulator.url,
      lane: 'campaign',
    });
  }

  function sender(
    overrides: {
      deps?: Partial<Pick<CampaignSenderDeps, 'openPhone' | 'recipients' | 'reloadOpenPhone'>>;
      settings?: Partial<CampaignSenderSettings>;
      now?: () => Date;
      metrics?: Metrics;
    } = {},
  ) {
    return createCampaignSender({
      ...repositories,
      recentSends,
      isSuppressed: (phone) => suppressions.isSuppressed(phone),
      openPhone: openPhone(),
      ...overrides.deps,
      settings: { safetyMarginMs: 0, ...overrides.settings },
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: overrides.metrics ?? new Metrics({ namespace: 'test', serviceName: 'test' }),
      ...(overrides.now ? { now: overrides.now } : {}),
    });
  }

  /** A running campaign from its own sending number; recipients are UK numbers unless given. */
  async function runningCampaign(
    count: number,
    definition: Partial<CampaignDefinitionInput> = {},
    phonesGiven?: string[],
  ) {
    const campaignId = `fault-${++nextCampaign}-${Date.now()}`;
    const numbers = simulator.workspace.phoneNumbers;
    const sendingNumber = numbers[nextCampaign % numbers.length]!.number;
    const phones =
      phonesGiven ?? Array.from({ length: count }, () => `+4477008${String(++nextNumber).padStart(5, '0')}`);
    await repositories.campaigns.createCampaign({
      campaignId,
      definition: {
        name: 'Fault drill',
        sendingNumber,
        variants: [{ id: 'a', template: 'Hi {{firstName}}, your boiler service is due', weight: 1 }],
        timeZone: businessZone,
        window: { start: '08:00', end: '21:00' },
        dailyCap: 125,
        ...definition,
      },
      state: { status: 'running' },
      at: new Date().toISOString(),
    });
    await repositories.recipients.addRecipients(
      campaignId,
      // UK numbers carry the business's zone (inside the window now); given numbers their own.
      phones.map((phone, i) => ({
        phone,
        fields: { firstName: `Guest${i}`, ...(phonesGiven ? {} : { timeZone: businessZone }) },
      })),
    );
    return { campaignId, sendingNumber, phones };
  }

  const sentCount = (phone: string) => simulator.requestLog.stats().messagesSentByRecipient[phone] ?? 0;
  const statesOf = async (campaignId: string) =>
    (await repositories.recipients.allRecipients(campaignId)).map((r) => r.state).sort();
  const statusOf = async (campaignId: string) =>
    (await repositories.campaigns.getCampaign(campaignId))?.state;
  const farDeadline = () => Date.now() + minutes(10);

  /** A run 6 minutes on (claims stale), as a later scheduled run would be. */
  const laterRun = (campaignId: string, overrides: Parameters<typeof sender>[0] = {}) => {
    const later = new Date(Date.now() + minutes(6));
    return sender({ now: () => later, ...overrides }).sendCampaign(campaignId, later.getTime() + minutes(10));
  };

  describe('at most one message, counted once', () => {
    const cases: [string, (faults: OpenPhoneSimulator['faults']) => void][] = [
      ['a response lost after OpenPhone accepted the send', () => {}],
      ["OpenPhone's clock 2 s behind", (f) => (f.clockSkewMs = -2_000)],
      ['whole-second timestamps', (f) => (f.wholeSecondTimestamps = true)],
      ['OpenPhone trimming the trailing space a template left', (f) => (f.trimsSentText = true)],
    ];
    it.each(cases)(
      '%s: one message, reconciled as sent, counted once for the state limit',
      async (_, fault) => {
        const { campaignId, phones } = await runningCampaign(2, {
          variants: [{ id: 'a', template: 'Hi {{firstName}}, your boiler service is due ', weight: 1 }],
        });
        fault(simulator.faults);
        simulator.faults.dropConnectionAfterSend = 2;

        const first = await sender({ settings: { concurrency: 1 } }).sendCampaign(campaignId, farDeadline());
        // Found at once, or left unknown for a later run: either way never sent twice.
        expect(first.reconciledAsSent + first.unknownOutcome).toBe(2);
        const report = await laterRun(campaignId);

        expect(report.reconciledAsNotSent).toBe(0);
        for (const phone of phones) {
          expect(sentCount(phone)).toBe(1);
          expect(await recentSends.recentSendsTo(phone, new Date())).toHaveLength(1);
        }
        expect(await statesOf(campaignId)).toEqual(['sent', 'sent']);
        expect((await statusOf(campaignId))?.status).toBe('completed');
      },
      120_000,
    );

    it('a plain send is counted for the state limit in the same write that records it', async () => {
      const { campaignId, phones } = await runningCampaign(1);
      await sender().sendCampaign(campaignId, farDeadline());
      const [recipient] = await repositories.recipients.allRecipients(campaignId);
      expect(await recentSends.recentSendsTo(phones[0]!, new Date())).toEqual([recipient!.sentAt]);
    }, 120_000);
  });

  describe('the last check is the real check', () => {
    /** A clock at `start` that jumps to `after` once the client has its token (just before the last check). */
    function clockJumpingDuringTokenWait(start: string, after: string) {
      let current = new Date(start);
      const client = openPhone();
      const jumping: CampaignSenderDeps['openPhone'] = {
        listMessages: (f) => client.listMessages(f),
        listPhoneNumbers: () => client.listPhoneNumbers(),
        sendMessage: (message, options) => {
          current = new Date(after);
          return client.sendMessage(message, options);
        },
      };
      return { now: () => current, openPhone: jumping };
    }

    it('a Florida recipient decided at 19:59:50 gets nothing when the token comes at 20:00:15', async () => {
      const { campaignId, phones } = await runningCampaign(1, { timeZone: 'America/New_York' }, [
        '+13055550101',
      ]);
      const clock = clockJumpingDuringTokenWait('2026-06-02T23:59:50Z', '2026-06-03T00:00:15Z');

      const report = await sender({ now: clock.now, deps: { openPhone: clock.openPhone } }).sendCampaign(
        campaignId,
        Date.parse('2026-06-03T00:30:00Z'),
      );

      expect(sentCount(phones[0]!)).toBe(0);
      expect(report.sent).toBe(0);
      expect(await statesOf(campaignId)).toEqual(['pending']);
      expect((await statusOf(campaignId))?.status).toBe('running');
    }, 120_000);

    it('a recipient decided at 20:59:50 gets nothing when the token comes at 21:00:15', async () => {
      const { campaignId, phones } = await runningCampaign(1, { timeZone: 'America/Chicago' }, [
        '+13125550102',
      ]);
      const clock = clockJumpingDuringTokenWait('2026-06-03T01:59:50Z', '2026-06-03T02:00:15Z');

      await sender({ now: clock.now, deps: { openPhone: clock.openPhone } }).sendCampaign(
        campaignId,
        Date.parse('2026-06-03T02:30:00Z'),
      );

      expect(sentCount(phones[0]!)).toBe(0);
      expect(await statesOf(campaignId)).toEqual(['pending']);
    }, 120_000);

    it('a campaign cancelled while a send waits for its token sends nothing more', async () => {
      const { campaignId, phones } = await runningCampaign(3);
      const client = openPhone();
      let sends = 0;
      const cancelsOnSecond: CampaignSenderDeps['openPhone'] = {
        listMessages: (f) => client.listMessages(f),
        listPhoneNumbers: () => client.listPhoneNumbers(),
        sendMessage: async (message, options) => {
          if (++sends === 2)
            await repositories.campaigns.transitionCampaign(
              campaignId,
              { type: 'cancel' },
              new Date().toISOString(),
            );
          return client.sendMessage(message, options);
        },
      };

      const report = await sender({
        deps: { openPhone: cancelsOnSecond },
        settings: { concurrency: 1 },
      }).sendCampaign(campaignId, farDeadline());

      expect(report).toMatchObject({ sent: 1, ended: 'not-running' });
      expect(phones.reduce((sum, p) => sum + sentCount(p), 0)).toBe(1);
      expect(await statesOf(campaignId)).toEqual(['pending', 'pending', 'sent']);
    }, 120_000);
  });

  describe('refusals about the sender', () => {
    it.each([
      ['A2P registration not approved (400)', 'a2p-not-approved', 400],
      ['the key no longer a user of the number (403)', 'not-phone-number-user', 403],
    ] as const)(
      '%s pauses the campaign with every recipient released',
      async (_, refusal, status) => {
        const { campaignId, sendingNumber, phones } = await runningCampaign(4);
        simulator.faults.refusedSenders.set(sendingNumber, refusal);
        const metrics = new Metrics({ namespace: 'test', serviceName: 'test' });
        const addMetric = jest.spyOn(metrics, 'addMetric');

        const report = await sender({ metrics }).sendCampaign(campaignId, farDeadline());

        expect(report).toMatchObject({ ended: 'paused', failed: 0 });
        expect(await statusOf(campaignId)).toMatchObject({
          status: 'paused',
          reason: { kind: 'sending-number-unavailable', status },
        });
        expect(await statesOf(campaignId)).toEqual(['pending', 'pending', 'pending', 'pending']);
        expect(addMetric).toHaveBeenCalledWith(campaignSenderMetrics.pausedByError, 'Count', 1);

        // Fixed at OpenPhone and resumed: everyone gets one message.
        simulator.faults.refusedSenders.clear();
        await repositories.campaigns.transitionCampaign(
          campaignId,
          { type: 'resume' },
          new Date().toISOString(),
        );
        await sender().sendCampaign(campaignId, farDeadline());
        for (const phone of phones) expect(sentCount(phone)).toBe(1);
      },
      120_000,
    );

    it('a key revoked mid-run pauses the campaign; restored and resumed, nobody is sent twice or lost', async () => {
      const { campaignId, phones } = await runningCampaign(6);
      const client = openPhone();
      let sends = 0;
      const revokesAfterTwo: CampaignSenderDeps['openPhone'] = {
        listMessages: (f) => client.listMessages(f),
        listPhoneNumbers: () => client.listPhoneNumbers(),
        sendMessage: async (message, options) => {
          if (++sends === 3) simulator.faults.apiKeyRevoked = true;
          return client.sendMessage(message, options);
        },
      };

      const report = await sender({
        deps: { openPhone: revokesAfterTwo },
        settings: { concurrency: 1 },
      }).sendCampaign(campaignId, farDeadline());
      expect(report).toMatchObject({ ended: 'paused', sent: 2, pauseReason: { kind: 'api-key-rejected' } });

      simulator.faults.apiKeyRevoked = false;
      await repositories.campaigns.transitionCampaign(
        campaignId,
        { type: 'resume' },
        new Date().toISOString(),
      );
      await sender().sendCampaign(campaignId, farDeadline());

      for (const phone of phones) expect(sentCount(phone)).toBe(1);
      expect((await statusOf(campaignId))?.status).toBe('completed');
    }, 120_000);
  });

  describe('one campaign does not hold up the others', () => {
    it('a campaign whose pass fails is reported failed and counted; the next campaign is still sent', async () => {
      const broken = await runningCampaign(2);
      const healthy = await runningCampaign(2);
      const failsForBroken: CampaignSenderDeps['recipients'] = Object.create(repositories.recipients);
      failsForBroken.openRecipientsPage = (campaignId, ...rest) =>
        campaignId === broken.campaignId
          ? Promise.reject(new Error('ProvisionedThroughputExceededException'))
          : repositories.recipients.openRecipientsPage(campaignId, ...rest);
      const metrics = new Metrics({ namespace: 'test', serviceName: 'test' });
      const addMetric = jest.spyOn(metrics, 'addMetric');

      const reports = await sender({ deps: { recipients: failsForBroken }, metrics }).sendRunningCampaigns(
        farDeadline(),
      );

      expect(reports.find((r) => r.campaignId === broken.campaignId)?.ended).toBe('failed');
      expect(reports.find((r) => r.campaignId === healthy.campaignId)?.ended).toBe('completed');
      for (const phone of healthy.phones) expect(sentCount(phone)).toBe(1);
      expect(addMetric).toHaveBeenCalledWith(campaignSenderMetrics.campaignRunsFailed, 'Count', 1);
      expect(addMetric).toHaveBeenCalledWith(bridgeMetrics.attention.needsAttention, 'Count', 1);
      await repositories.campaigns.transitionCampaign(
        broken.campaignId,
        { type: 'cancel' },
        new Date().toISOString(),
      );
    }, 120_000);

    it('a recipient whose reconciliation keeps failing is parked, never resent, and the campaign completes', async () => {
      const { campaignId, phones } = await runningCampaign(1);
      const client = openPhone();
      // OpenPhone takes the message, the answer is lost, and OpenPhone then answers nothing but 500s.
      const acceptsThenFails: CampaignSenderDeps['openPhone'] = {
        listMessages: (f) => client.listMessages(f),
        listPhoneNumbers: () => client.listPhoneNumbers(),
        sendMessage: async (message, options) => {
          await client.sendMessage(message, options);
          simulator.faults.serverErrorRate = 1;
          throw new OpenPhoneOutcomeUnknownError({
            request: { method: 'POST', path: '/v1/messages' },
            reason: 'connection-lost',
          });
        },
      };
      const first = await sender({ deps: { openPhone: acceptsThenFails } }).sendCampaign(
        campaignId,
        farDeadline(),
      );
      expect(first.unknownOutcome).toBe(1);
      const metrics = new Metrics({ namespace: 'test', serviceName: 'test' });
      const addMetric = jest.spyOn(metrics, 'addMetric');

      const reports = [];
      for (let run = 1; run <= 3; run++) {
        const at = new Date(Date.now() + minutes(6 * run));
        reports.push(
          await sender({ now: () => at, settings: { reconcileAttempts: 3 }, metrics }).sendCampaign(
            campaignId,
            at.getTime() + minutes(10),
          ),
        );
      }

      expect(reports.map((r) => r.ended)).toEqual(['worked-through', 'worked-through', 'completed']);
      expect(reports[2]).toMatchObject({ parked: 1, reconciledAsNotSent: 0 });
      expect(await repositories.recipients.getRecipient(campaignId, phones[0]!)).toMatchObject({
        state: 'parked',
        reason: expect.stringContaining('reconciliation-failed'),
      });
      simulator.faults.serverErrorRate = 0;
      expect(sentCount(phones[0]!)).toBe(1);
      expect(addMetric).toHaveBeenCalledWith(campaignSenderMetrics.recipientsParked, 'Count', 1);
      expect(addMetric).toHaveBeenCalledWith(bridgeMetrics.attention.needsAttention, 'Count', 1);
    }, 120_000);
  });

  describe('one daily counter per sending number', () => {
    it('two campaigns on one number, named by id and by number in two zones, share its counter and cap', async () => {
      const { number, id } = simulator.workspace.phoneNumbers[11]!;
      const byId = await runningCampaign(4, { sendingNumber: id, timeZone: 'Asia/Tokyo' });
      const byNumber = await runningCampaign(4, { sendingNumber: number, timeZone: 'Pacific/Honolulu' });
      // Earlier tests may have sent from this number today: the cap leaves room for five more.
      const { businessDay } = sendingNumberDay(
        { id, number },
        { timeZone: 'UTC', dailyCap: 1 },
        {},
        new Date(),
      );
      const already = await repositories.dailyCaps.dailyCapCount(id, businessDay);
      const capped = sender({ settings: { sendingNumbers: { [number]: { dailyCap: already + 5 } } } });

      await capped.sendCampaign(byId.campaignId, farDeadline());
      const second = await capped.sendCampaign(byNumber.campaignId, farDeadline());

      const sent = [...byId.phones, ...byNumber.phones].reduce((sum, p) => sum + sentCount(p), 0);
      expect(sent).toBe(5);
      expect(second.ended).toBe('daily-cap-reached');
      expect(await repositories.dailyCaps.dailyCapCount(id, businessDay)).toBe(already + 5);
    }, 120_000);
  });
});
