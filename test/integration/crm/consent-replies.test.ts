import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createCampaignSender } from '../../../lambdas/campaigns/service';
import { OpenPhoneClient } from '../../../lambdas/openphone/adapters/openphone-client';
import { SharedTokenBucket } from '../../../lambdas/openphone/adapters/rate-limiter';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../../local/openphone-simulator';
import { startLocalS3, type RunningLocalS3 } from '../../../local/s3-local';
import { zoneInsideWindowNow } from '../../support/campaigns';
import { localDynamoClient, tableNamed } from '../../support/dynamo';
import {
  localIngestAndProcessing,
  processWebhook as processQueuedWebhook,
} from '../../support/local-pipeline';
import { messageObject, outgoingMessageObject } from '../../support/openphone-payloads';
import { newLegacyKey } from '../../support/signers';

jest.setTimeout(90_000);

/**
 * Consent replies recorded through the messages processor, read back the way the campaign
 * sender reads them at send time: DynamoDB Local, the real processor, the simulated OpenPhone.
 */
const silent = new Logger({ logLevel: 'SILENT' });
let s3: RunningLocalS3;
let simulator: OpenPhoneSimulator;
let pipeline: Awaited<ReturnType<typeof localIngestAndProcessing>>;

beforeAll(async () => {
  s3 = await startLocalS3(['media-consent']);
  simulator = await startOpenPhoneSimulator({
    seed: 41,
    workspace: {
      phoneNumbers: 4,
      conversationsPerNumber: 1,
      messagesPerConversation: 1,
      callsPerConversation: 0,
    },
  });
  pipeline = await localIngestAndProcessing({
    signingKeys: [newLegacyKey()],
    s3,
    bucket: 'media-consent',
    logger: silent,
  });
}, 120_000);
afterAll(async () => {
  await simulator.stop();
  await s3.stop();
});

let counter = 0;
const freshNumber = () => `+1555${String(4_000_000 + counter++).padStart(7, '0')}`;
const hoursAfter = (start: string, hours: number) =>
  new Date(Date.parse(start) + hours * 3_600_000).toISOString();
const start = '2026-11-20T10:00:00.000Z';

/** One webhook through the messages processor, as the ingest would have recorded and queued it. */
async function processWebhook(type: string, object: Record<string, unknown>, createdAt: string) {
  const eventId = `EVconsent${Date.now().toString(36)}${counter++}`;
  const response = await processQueuedWebhook(pipeline.processing, { eventId, type, object, createdAt });
  expect(response.batchItemFailures).toEqual([]);
}

const reply = (from: string, text: string, at: string) =>
  processWebhook(
    'message.received',
    messageObject({ id: `ACr${counter++}`, from, text, media: [], createdAt: at }),
    at,
  );

const outgoing = (to: string, extra: Record<string, unknown>, at: string) =>
  processWebhook(
    'message.delivered',
    outgoingMessageObject({ id: `ACo${counter++}`, to: [to], status: 'delivered', createdAt: at, ...extra }),
    at,
  );

const activeReasons = async (phone: string) =>
  (await pipeline.processing.suppressions.suppressionsOf(phone)).filter((s) => s.active).map((s) => s.reason);

describe('a reply recorded through the processor, read by the campaign sender', () => {
  function sender() {
    const { processing, tableNames } = pipeline;
    let replied: Promise<void> | undefined;
    return {
      /**
       * Sends, with a reply arriving (and processed) at the sender's first suppression check; checks
       * made at the same time (the sender checks recipients side by side) wait for it too.
       */
      run: (campaignId: string, replyDuringRun?: () => Promise<void>) =>
        createCampaignSender({
          ...processing.campaigns,
          isSuppressed: async (phone) => {
            if (replyDuringRun) await (replied ??= replyDuringRun());
            return processing.suppressions.isSuppressed(phone);
          },
          openPhone: new OpenPhoneClient({
            apiKey: simulator.apiKey,
            rateLimiter: new SharedTokenBucket({
              client: localDynamoClient(),
              tableName: tableNamed(tableNames, 'RateLimit'),
              apiKey: simulator.apiKey,
            }),
            baseUrl: simulator.url,
            lane: 'campaign',
          }),
          settings: { safetyMarginMs: 0 },
          logger: silent,
          metrics: new Metrics({ namespace: 'test', serviceName: 'test' }),
        }).sendCampaign(campaignId, Date.now() + 60_000),
    };
  }

  async function campaignTo(phones: string[]) {
    const campaignId = `cmp-consent-${counter++}`;
    const businessZone = zoneInsideWindowNow();
    const { campaigns } = pipeline.processing;
    await campaigns.campaigns.createCampaign({
      campaignId,
      definition: {
        name: 'Consent',
        sendingNumber: simulator.workspace.phoneNumbers[counter % 4]!.id,
        variants: [{ id: 'a', template: 'Hi {{firstName}}, an offer' }],
        timeZone: businessZone,
      },
      state: { status: 'running' },
      at: new Date().toISOString(),
    });
    await campaigns.recipients.addRecipients(
      campaignId,
      phones.map((phone) => ({ phone, fields: { firstName: 'Guest', timeZone: businessZone } })),
    );
    return campaignId;
  }

  it('an opt-out that arrives while a campaign runs stops every later send to that number', async () => {
    const phones = [freshNumber(), freshNumber(), freshNumber()];
    const campaignId = await campaignTo(phones);
    const result = await sender().run(campaignId, () => reply(phones[2]!, 'Stop texting me please!', start));
    expect(result).toMatchObject({ sent: 2, ended: 'completed' });
    const states = await pipeline.processing.campaigns.recipients.allRecipients(campaignId);
    expect(states.find((r) => r.phone === phones[2])?.state).not.toBe('sent');
    expect(await activeReasons(phones[2]!)).toEqual(['opt-out']);
  });

  it('a possible opt-out is held for review and blocks sends until an operator decides', async () => {
    const phones = [freshNumber(), freshNumber()];
    await reply(phones[1]!, 'who is this? stop', start);
    expect(await activeReasons(phones[1]!)).toEqual(['review']);
    const audit = await pipeline.processing.suppressions.suppressionAudit(phones[1]!);
    expect(audit).toEqual([
      expect.objectContaining({ reason: 'review', action: 'add', excerpt: 'who is this? stop' }),
    ]);
    expect(await sender().run(await campaignTo(phones))).toMatchObject({ sent: 1 });
  });

  it('an ordinary reply that looks like a keyword changes nothing', async () => {
    const phone = freshNumber();
    await reply(phone, 'Can you stop by tomorrow? End of the week works too', start);
    expect(await pipeline.processing.suppressions.suppressionsOf(phone)).toEqual([]);
  });
});

describe('opting back in', () => {
  it('YES lifts an opt-out only within the window after a message that asked for it', async () => {
    const phone = freshNumber();
    await reply(phone, 'STOP', start);
    await reply(phone, 'Yes', hoursAfter(start, 1));
    expect(await activeReasons(phone)).toEqual(['opt-out']);

    await outgoing(phone, { text: 'Reply YES to get our texts again' }, hoursAfter(start, 2));
    await reply(phone, 'yes', hoursAfter(start, 2 + 25));
    expect(await activeReasons(phone)).toEqual(['opt-out']);

    await outgoing(phone, { text: 'Reply YES to get our texts again' }, hoursAfter(start, 30));
    await reply(phone, 'Yes!', hoursAfter(start, 31));
    expect(await activeReasons(phone)).toEqual([]);
  });

  it('START never lifts a manual or a review suppression', async () => {
    const phone = freshNumber();
    await pipeline.processing.suppressions.addSuppression({
      phoneNumber: phone,
      reason: 'manual',
      at: start,
      reference: 'operator',
    });
    await reply(phone, 'I already asked you to stop', hoursAfter(start, 1));
    await reply(phone, 'START', hoursAfter(start, 2));
    expect((await activeReasons(phone)).sort()).toEqual(['manual', 'review']);
    expect(await pipeline.processing.suppressions.isSuppressed(phone)).toBe(true);
  });
});

describe('bounces by kind', () => {
  it('a failure saying the number cannot receive SMS suppresses it at once', async () => {
    const phone = freshNumber();
    await outgoing(phone, { status: 'undelivered', errorCode: 30006, errorMessage: 'Landline' }, start);
    expect(await activeReasons(phone)).toEqual(['bounce-hard']);
  });

  it('carrier filtering and unknown errors keep the consecutive-failure rule', async () => {
    const phone = freshNumber();
    await outgoing(
      phone,
      { status: 'undelivered', error: { code: '30007', message: 'Carrier filtering' } },
      start,
    );
    await outgoing(phone, { status: 'undelivered', errorCode: '49999' }, hoursAfter(start, 1));
    expect(await activeReasons(phone)).toEqual([]);
    await outgoing(phone, { status: 'undelivered' }, hoursAfter(start, 2));
    expect(await activeReasons(phone)).toEqual(['bounce']);
  });
});
