import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  campaignRepositories,
  type CampaignRepositories,
} from '../../lambdas/campaigns/adapters/campaign-repositories';
import { SuppressionRepository } from '../../lambdas/crm/adapters/suppression-repository';
import { OpenPhoneClient } from '../../lambdas/openphone/adapters/openphone-client';
import { SharedTokenBucket } from '../../lambdas/openphone/adapters/rate-limiter';
import { type CampaignDefinitionInput, type CampaignState } from '../../lambdas/campaigns';
import {
  createCampaignSender,
  type CampaignSenderDeps,
  type CampaignSenderSettings,
} from '../../lambdas/campaigns/service';
import { sendingNumberDay } from '../../lambdas/campaigns/domain/sending-numbers';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../local/openphone-simulator';
import { zoneInsideWindowNow } from './campaigns';
import { createBridgeTables, localDocumentClient, localDynamoClient, tableNamed } from './dynamo';

export const minutes = (n: number) => n * 60_000;
export const farDeadline = () => Date.now() + minutes(10);

/**
 * The campaign sender's integration tests' set-up: the simulated OpenPhone, fresh tables, and the
 * sender, campaigns and OpenPhone clients they build. Call it inside a test file's top describe:
 * it registers the hooks; `h` holds what `beforeAll` made.
 */
export function campaignSenderHarness() {
  const h = {} as {
    simulator: OpenPhoneSimulator;
    repositories: CampaignRepositories;
    suppressions: SuppressionRepository;
    rateLimitTable: string;
  };
  const businessZone = zoneInsideWindowNow();
  let nextNumber = 0;
  let nextCampaign = 0;

  beforeAll(async () => {
    h.simulator = await startOpenPhoneSimulator({
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
    h.repositories = campaignRepositories(documents, tableNamed(tables, 'CampaignTable'));
    h.suppressions = new SuppressionRepository(documents, tableNamed(tables, 'CrmTable'));
    h.rateLimitTable = tableNamed(tables, 'RateLimit');
  }, 120_000);
  afterAll(() => h.simulator.stop());
  afterEach(() => h.simulator.faults.reset());

  function openPhone(apiKey = h.simulator.apiKey): OpenPhoneClient {
    return new OpenPhoneClient({
      apiKey,
      rateLimiter: new SharedTokenBucket({
        client: localDynamoClient(),
        tableName: h.rateLimitTable,
        apiKey,
      }),
      baseUrl: h.simulator.url,
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
      ...h.repositories,
      isSuppressed: (phone) => h.suppressions.isSuppressed(phone),
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
      h.simulator.workspace.phoneNumbers[nextCampaign % h.simulator.workspace.phoneNumbers.length]!.id;
    const recipients = Array.from({ length: count }, () => ({
      phone: `+4477009${String(++nextNumber).padStart(5, '0')}`,
      // The recipients' clock is the business's: a `timeZone` field, as a recipient file may give it.
      fields: { firstName: `Guest${nextNumber}`, timeZone: businessZone },
    }));
    await h.repositories.campaigns.createCampaign({
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
    await h.repositories.recipients.addRecipients(campaignId, recipients);
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
        await h.suppressions.changeSuppression({
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
    expect(await h.repositories.recipients.getRecipient(campaignId, optingOut)).toMatchObject({
      state: 'skipped',
      reason: 'suppressed',
    });
  }
  /** Today's value of the number's cold-outreach counter (its day is the number's own). */
  const countedToday = (sendingNumber: string) => {
    const { id, number } = h.simulator.workspace.phoneNumbers.find((p) => p.id === sendingNumber)!;
    const day = sendingNumberDay({ id, number }, { timeZone: businessZone, dailyCap: 1 }, {}, new Date());
    return h.repositories.dailyCaps.dailyCapCount(id, day.businessDay);
  };
  const sentCount = (phone: string) => h.simulator.requestLog.stats().messagesSentByRecipient[phone] ?? 0;
  const statesOf = async (campaignId: string) =>
    Object.fromEntries(
      (await h.repositories.recipients.allRecipients(campaignId)).map((r) => [r.phone, r.state]),
    );

  return {
    h,
    businessZone,
    openPhone,
    sender,
    runningCampaign,
    openPhoneThat,
    optOutAfterSecondSend,
    diesAfterSend,
    expectOptedOutOnly,
    countedToday,
    sentCount,
    statesOf,
  };
}
