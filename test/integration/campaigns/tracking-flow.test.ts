import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { OpenPhoneClient } from '../../../lambdas/openphone/adapters/openphone-client';
import { SharedTokenBucket } from '../../../lambdas/openphone/adapters/rate-limiter';
import { createCampaignSender } from '../../../lambdas/campaigns/service';
import { readCampaignReport } from '../../../lambdas/campaigns/adapters/campaign-repositories';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../../local/openphone-simulator';
import { startLocalS3, type RunningLocalS3 } from '../../../local/s3-local';
import { webhookRequestEvent } from '../../support/api-gateway';
import { zoneInsideWindowNow } from '../../support/campaigns';
import { localDynamoClient, tableNamed } from '../../support/dynamo';
import { localIngestAndProcessing } from '../../support/local-pipeline';
import { newLegacyKey } from '../../support/signers';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';

jest.setTimeout(90_000);

/**
 * The whole loop on local parts: the sender sends through the simulated OpenPhone, whose signed
 * webhooks for those message ids (deliveries, then a reply and a STOP) go through the ingest,
 * the stream, the messages queue and the processor, and end up in the campaign's report.
 */
describe('a campaign sent through the simulator, tracked from its webhooks', () => {
  const key = newLegacyKey();
  let simulator: OpenPhoneSimulator;
  let receiver: WebhookReceiver;
  let s3: RunningLocalS3;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    s3 = await startLocalS3(['media-tracking']);
    simulator = await startOpenPhoneSimulator({
      seed: 23,
      workspace: {
        phoneNumbers: 1,
        conversationsPerNumber: 1,
        messagesPerConversation: 1,
        callsPerConversation: 0,
      },
      webhookTarget: { url: receiver.url, scheme: 'legacy', key },
    });
  }, 60_000);
  afterAll(async () => {
    await simulator.stop();
    await receiver.stop();
    await s3.stop();
  });

  it('counts deliveries, a reply and an opt-out on the right variants, and the STOP suppresses', async () => {
    const silent = new Logger({ logLevel: 'SILENT' });
    const { tableNames, ingest, processing } = await localIngestAndProcessing({
      signingKeys: [key],
      s3,
      bucket: 'media-tracking',
      logger: silent,
    });
    const { campaigns: repositories, suppressions } = processing;

    const sendingNumber = simulator.workspace.phoneNumbers[0]!.id;
    const phones = ['+447700900101', '+447700900102', '+447700900103', '+447700900104'];
    const businessZone = zoneInsideWindowNow();
    await repositories.campaigns.createCampaign({
      campaignId: 'cmp-flow',
      definition: {
        name: 'Flow',
        sendingNumber,
        variants: [
          { id: 'a', template: 'Hi {{firstName}}, offer A' },
          { id: 'b', template: 'Hello {{firstName}}, offer B' },
        ],
        timeZone: businessZone,
      },
      state: { status: 'running' },
      at: new Date().toISOString(),
    });
    await repositories.recipients.addRecipients(
      'cmp-flow',
      phones.map((phone, i) => ({ phone, fields: { firstName: `Guest${i}`, timeZone: businessZone } })),
    );
    const sender = createCampaignSender({
      ...repositories,
      isSuppressed: (phone) => suppressions.isSuppressed(phone),
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
    });

    expect(await sender.sendCampaign('cmp-flow', Date.now() + 60_000)).toMatchObject({
      sent: 4,
      ended: 'completed',
    });
    await simulator.webhooks.settled();
    simulator.workspace.receiveMessage({
      phoneNumberId: sendingNumber,
      from: phones[0]!,
      text: 'Yes please!',
    });
    simulator.workspace.receiveMessage({ phoneNumberId: sendingNumber, from: phones[1]!, text: 'STOP' });
    await simulator.webhooks.settled();

    const hooks = receiver.received.filter((h) => h.json.type.startsWith('message.'));
    expect(hooks.map((h) => h.json.type).sort()).toEqual([
      'message.delivered',
      'message.delivered',
      'message.delivered',
      'message.delivered',
      'message.received',
      'message.received',
    ]);
    for (const hook of hooks) {
      const answer = await ingest.ingest(
        webhookRequestEvent(hook.rawBody, {
          'openphone-signature': String(hook.headers['openphone-signature']),
        }),
      );
      expect(answer.statusCode).toBe(202);
    }
    while (ingest.queues.messages.depth > 0)
      await ingest.queues.messages.pollOnce(processing.processors.messages);

    const recipients = await repositories.recipients.allRecipients('cmp-flow');
    expect(recipients.map((r) => r.delivery)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
    const variantOf = new Map(recipients.map((r) => [r.phone, r.variantId!]));
    const report = (await readCampaignReport(repositories, 'cmp-flow'))!;
    expect(report.recipients).toMatchObject({ total: 4, delivered: 4, replied: 1, optedOut: 1 });
    const row = (id: string) => report.variants.find((v) => v.variantId === id)?.counts;
    const expected = (id: string) => ({
      sent: phones.filter((p) => variantOf.get(p) === id).length,
      delivered: phones.filter((p) => variantOf.get(p) === id).length,
      failed: 0,
      replied: variantOf.get(phones[0]!) === id ? 1 : 0,
      optedOut: variantOf.get(phones[1]!) === id ? 1 : 0,
    });
    expect([row('a'), row('b')]).toEqual([expected('a'), expected('b')]);
    expect(await suppressions.isSuppressed(phones[1]!)).toBe(true);
    expect(simulator.requestLog.stats().messagesSentByRecipient).toEqual(
      Object.fromEntries(phones.map((p) => [p, 1])),
    );
  });
});
