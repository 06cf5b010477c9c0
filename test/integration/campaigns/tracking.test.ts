import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import {
  campaignRepositories,
  readCampaignReport,
  type CampaignRepositories,
} from '../../../lambdas/campaigns/adapters/campaign-repositories';
import { ActivityRepository } from '../../../lambdas/crm/adapters/activity-repository';
import { ContactRepository } from '../../../lambdas/crm/adapters/contact-repository';
import { DeliveryHealthRepository } from '../../../lambdas/crm/adapters/delivery-health-repository';
import { SuppressionRepository } from '../../../lambdas/crm/adapters/suppression-repository';
import { EventRepository } from '../../../lambdas/events/adapters/event-repository';
import { createProcessEventsHandler } from '../../../lambdas/events/process/service';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import { processWebhook } from '../../support/local-pipeline';
import { line, messageObject, outgoingMessageObject } from '../../support/openphone-payloads';

/**
 * Campaign tracking through the real messages processor: message webhooks (as recorded events) in,
 * recipients' delivery, replies and opt-outs and the variants' counters out, on DynamoDB Local.
 */
describe('campaign tracking by the messages processor, against DynamoDB Local', () => {
  let repositories: CampaignRepositories;
  let suppressions: SuppressionRepository;
  let events: EventRepository;
  let processMessages: (event: SQSEvent) => Promise<SQSBatchResponse>;
  let nextCampaign = 0;
  let nextPhone = 0;
  let nextEvent = 0;

  beforeAll(async () => {
    const tables = await createBridgeTables();
    const documents = localDocumentClient();
    repositories = campaignRepositories(documents, tableNamed(tables, 'CampaignTable'));
    const crmTable = tableNamed(tables, 'CrmTable');
    suppressions = new SuppressionRepository(documents, crmTable);
    events = new EventRepository(documents, tableNamed(tables, 'EventsTable'));
    processMessages = createProcessEventsHandler({
      family: 'messages',
      deps: {
        events,
        activities: new ActivityRepository(documents, crmTable),
        contacts: new ContactRepository(documents, crmTable),
        suppressions,
        deliveryHealth: new DeliveryHealthRepository(documents, crmTable),
        campaigns: repositories.sendTracking,
        archiveQueue: { enqueue: async () => undefined },
      },
      campaignReplyWindowDays: 7,
      logger: new Logger({ logLevel: 'SILENT' }),
    });
  }, 120_000);

  const freshPhone = () => `+4477008${String(++nextPhone).padStart(5, '0')}`;

  /** A running campaign from `line` whose recipients were sent at `sentAt` (variant by index: a, b, a, …). */
  async function sentCampaign(
    phones: string[],
    options: { sentAt?: string; variantOf?: (i: number) => string; sendingNumber?: string } = {},
  ) {
    const campaignId = `cmp-track-${++nextCampaign}`;
    const sendingNumber = options.sendingNumber ?? line.id;
    await repositories.campaigns.createCampaign({
      campaignId,
      definition: {
        name: 'Tracking',
        sendingNumber,
        variants: [
          { id: 'a', template: 'Hi, offer A' },
          { id: 'b', template: 'Hi, offer B' },
        ],
        timeZone: 'Europe/London',
      },
      state: { status: 'running' },
      at: '2026-11-20T09:00:00.000Z',
    });
    await repositories.recipients.addRecipients(
      campaignId,
      phones.map((phone) => ({ phone, fields: {} })),
    );
    const messageIds: string[] = [];
    for (const [i, phone] of phones.entries()) {
      const messageId = `AC${campaignId.replace(/-/g, '')}x${i}`;
      await repositories.recipients.claimRecipient(campaignId, phone, 'token', '2026-11-20T09:59:00.000Z');
      await repositories.recipients.markSent(campaignId, phone, 'token', {
        variantId: options.variantOf?.(i) ?? (i % 2 === 0 ? 'a' : 'b'),
        messageId,
        at: options.sentAt ?? '2026-11-20T10:00:00.000Z',
        reconciled: false,
        sendingNumber,
      });
      messageIds.push(messageId);
    }
    return { campaignId, messageIds };
  }

  /** Records a webhook as the ingest would and runs the messages processor on it. */
  async function webhook(type: string, object: Record<string, unknown>, createdAt: string) {
    const eventId = `EVtrack${++nextEvent}`;
    const response = await processWebhook(
      { events, processors: { messages: processMessages } },
      { eventId, type, object, createdAt },
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(await events.getEvent(eventId)).toMatchObject({ status: 'processed' });
  }

  const statusEvent = (messageId: string, to: string, status: string, at: string) =>
    webhook(
      `message.${status}`,
      outgoingMessageObject({ id: messageId, to: [to], status, createdAt: '2026-11-20T10:00:00.000Z' }),
      at,
    );
  const inbound = (from: string, text: string, at: string, overrides: Record<string, unknown> = {}) =>
    webhook(
      'message.received',
      messageObject({ id: `ACin${++nextEvent}`, from, text, createdAt: at, media: [], ...overrides }),
      at,
    );

  describe('delivery status', () => {
    it('marks the recipient delivered and counts it once, whatever comes twice or late', async () => {
      const [phone] = [freshPhone()];
      const { campaignId, messageIds } = await sentCampaign([phone!], { variantOf: () => 'a' });

      await statusEvent(messageIds[0]!, phone!, 'delivered', '2026-11-20T10:00:05.000Z');
      await statusEvent(messageIds[0]!, phone!, 'delivered', '2026-11-20T10:00:05.000Z'); // duplicate webhook
      await statusEvent(messageIds[0]!, phone!, 'sent', '2026-11-20T10:00:06.000Z'); // a late `sent`
      await statusEvent(messageIds[0]!, phone!, 'failed', '2026-11-20T10:00:07.000Z'); // a failure after delivery

      expect(await repositories.recipients.getRecipient(campaignId, phone!)).toMatchObject({
        state: 'sent',
        delivery: 'delivered',
        deliveryAt: '2026-11-20T10:00:05.000Z',
      });
      expect((await repositories.statistics.variantStatistics(campaignId)).a).toMatchObject({
        sent: 1,
        delivered: 1,
        deliveryFailed: 0,
      });
    });

    it('counts a failure once, and moves it to delivered when a delivery follows', async () => {
      const phones = [freshPhone(), freshPhone()];
      const { campaignId, messageIds } = await sentCampaign(phones, { variantOf: () => 'b' });

      await statusEvent(messageIds[0]!, phones[0]!, 'undelivered', '2026-11-20T10:00:05.000Z');
      await statusEvent(messageIds[0]!, phones[0]!, 'undelivered', '2026-11-20T10:00:05.000Z');
      await statusEvent(messageIds[1]!, phones[1]!, 'failed', '2026-11-20T10:00:05.000Z');
      await statusEvent(messageIds[1]!, phones[1]!, 'delivered', '2026-11-20T10:00:09.000Z');

      expect(await repositories.recipients.getRecipient(campaignId, phones[0]!)).toMatchObject({
        delivery: 'failed',
      });
      expect(await repositories.recipients.getRecipient(campaignId, phones[1]!)).toMatchObject({
        delivery: 'delivered',
      });
      expect((await repositories.statistics.variantStatistics(campaignId)).b).toMatchObject({
        sent: 2,
        delivered: 1,
        deliveryFailed: 1,
      });
    });

    it('leaves campaigns alone for a message no campaign sent', async () => {
      const phone = freshPhone();
      const { campaignId } = await sentCampaign([phone]);
      await statusEvent('ACnotacampaignmessage', phone, 'delivered', '2026-11-20T10:00:05.000Z');
      expect(await repositories.recipients.getRecipient(campaignId, phone)).not.toHaveProperty('delivery');
      expect((await repositories.statistics.variantStatistics(campaignId)).a).toMatchObject({ delivered: 0 });
    });
  });

  describe('replies and opt-outs', () => {
    it('attributes a reply inside the window to the campaign and variant, once per recipient', async () => {
      const phones = [freshPhone(), freshPhone()];
      const { campaignId } = await sentCampaign(phones);

      await inbound(phones[1]!, 'Sounds good, tell me more', '2026-11-21T08:00:00.000Z');
      await inbound(phones[1]!, 'Are you there?', '2026-11-21T09:00:00.000Z');

      expect(await repositories.recipients.getRecipient(campaignId, phones[1]!)).toMatchObject({
        repliedAt: '2026-11-21T08:00:00.000Z',
      });
      expect(await repositories.recipients.getRecipient(campaignId, phones[0]!)).not.toHaveProperty(
        'repliedAt',
      );
      const stats = await repositories.statistics.variantStatistics(campaignId);
      expect(stats.b).toMatchObject({ replied: 1, optedOut: 0 });
      expect(stats.a).toMatchObject({ replied: 0 });
    });

    it('does not attribute a reply after the window, from a non-recipient, or to another of our numbers', async () => {
      const phones = [freshPhone(), freshPhone()];
      const { campaignId } = await sentCampaign(phones);

      await inbound(phones[0]!, 'Late answer', '2026-11-27T10:00:01.000Z'); // 7 days + 1 s
      await inbound(freshPhone(), 'Who is this?', '2026-11-20T11:00:00.000Z');
      await inbound(phones[1]!, 'Wrong line', '2026-11-20T11:00:00.000Z', {
        phoneNumberId: 'PNotherline',
        to: ['+15550009999'],
      });

      for (const phone of phones)
        expect(await repositories.recipients.getRecipient(campaignId, phone)).not.toHaveProperty('repliedAt');
      const stats = await repositories.statistics.variantStatistics(campaignId);
      expect([stats.a?.replied, stats.b?.replied]).toEqual([0, 0]);
    });

    it('counts a STOP inside the window as an opt-out (not a reply) and still suppresses the number', async () => {
      const phone = freshPhone();
      const { campaignId } = await sentCampaign([phone]);

      await inbound(phone, ' stop ', '2026-11-20T10:30:00.000Z');
      await inbound(phone, 'STOP', '2026-11-20T10:31:00.000Z');

      expect(await suppressions.isSuppressed(phone)).toBe(true);
      expect(await repositories.recipients.getRecipient(campaignId, phone)).toMatchObject({
        optedOutAt: '2026-11-20T10:30:00.000Z',
      });
      expect(await repositories.recipients.getRecipient(campaignId, phone)).not.toHaveProperty('repliedAt');
      expect((await repositories.statistics.variantStatistics(campaignId)).a).toMatchObject({
        optedOut: 1,
        replied: 0,
      });
    });

    it('attributes a reply to the latest campaign sent to that number from that line', async () => {
      const phone = freshPhone();
      const older = await sentCampaign([phone], { sentAt: '2026-11-20T10:00:00.000Z' });
      const newer = await sentCampaign([phone], { sentAt: '2026-11-22T10:00:00.000Z' });
      // Another line's campaign to the same person, later still: not what this line's reply answers.
      const otherLine = await sentCampaign([phone], {
        sentAt: '2026-11-23T10:00:00.000Z',
        sendingNumber: 'PNotherline',
      });

      await inbound(phone, 'Yes please', '2026-11-23T12:00:00.000Z');

      expect(await repositories.recipients.getRecipient(newer.campaignId, phone)).toHaveProperty('repliedAt');
      expect(await repositories.recipients.getRecipient(older.campaignId, phone)).not.toHaveProperty(
        'repliedAt',
      );
      expect(await repositories.recipients.getRecipient(otherLine.campaignId, phone)).not.toHaveProperty(
        'repliedAt',
      );
    });

    it('attributes a reply processed after a newer send on that line to the campaign it answered', async () => {
      const phone = freshPhone();
      const answered = await sentCampaign([phone], { sentAt: '2026-11-20T10:00:00.000Z' });
      // Sent after the reply was written, before it was processed (a backlog, a redrive).
      const later = await sentCampaign([phone], { sentAt: '2026-11-21T10:00:00.000Z' });

      await inbound(phone, 'STOP', '2026-11-20T18:00:00.000Z');

      expect(await repositories.recipients.getRecipient(answered.campaignId, phone)).toMatchObject({
        optedOutAt: '2026-11-20T18:00:00.000Z',
      });
      expect(await repositories.recipients.getRecipient(later.campaignId, phone)).not.toHaveProperty(
        'optedOutAt',
      );
    });

    it('matches a campaign whose sending number is written in E.164 by the message’s `to`', async () => {
      const phone = freshPhone();
      const { campaignId } = await sentCampaign([phone], { sendingNumber: line.number });
      await inbound(phone, 'Hello back', '2026-11-20T12:00:00.000Z');
      expect(await repositories.recipients.getRecipient(campaignId, phone)).toHaveProperty('repliedAt');
    });
  });

  describe('campaignReport', () => {
    it('gives progress by state, per-variant counts and rates, and the reply-rate test against the control', async () => {
      // 30 recipients per variant; a: 6 replies, b: 18 replies; all delivered but 2 of a's.
      const phones = Array.from({ length: 60 }, freshPhone);
      const variantOf = (i: number) => (i < 30 ? 'a' : 'b');
      const { campaignId, messageIds } = await sentCampaign(phones, { variantOf });
      for (const [i, phone] of phones.entries()) {
        const replies = i < 30 ? i < 6 : i < 48;
        if (replies)
          await repositories.sendTracking.recordResponse(
            { campaignId, phone, variantId: variantOf(i) },
            'replied',
            '2026-11-20T12:00:00.000Z',
          );
        await repositories.sendTracking.recordDelivery(
          messageIds[i]!,
          i === 28 || i === 29 ? 'failed' : 'delivered',
          '2026-11-20T10:00:05.000Z',
        );
      }
      await repositories.sendTracking.recordResponse(
        { campaignId, phone: phones[59]!, variantId: 'b' },
        'optedOut',
        '2026-11-20T12:00:00.000Z',
      );
      // Three more recipients who were never sent: pending, skipped (suppressed), refused.
      const [pending, skipped, refused] = [freshPhone(), freshPhone(), freshPhone()];
      await repositories.recipients.addRecipients(
        campaignId,
        [pending!, skipped!, refused!].map((phone) => ({ phone, fields: {} })),
      );
      await repositories.recipients.claimRecipient(campaignId, skipped!, 't', '2026-11-20T10:00:00.000Z');
      await repositories.recipients.markSkipped(campaignId, skipped!, 't', {
        variantId: 'a',
        reason: 'suppressed',
        at: '2026-11-20T10:00:00.000Z',
      });
      await repositories.recipients.claimRecipient(campaignId, refused!, 't', '2026-11-20T10:00:00.000Z');
      await repositories.recipients.markFailed(campaignId, refused!, 't', {
        variantId: 'b',
        reason: 'openphone-400',
        at: '2026-11-20T10:00:00.000Z',
      });

      const report = await readCampaignReport(repositories, campaignId);

      expect(report).toMatchObject({
        campaignId,
        name: 'Tracking',
        state: { status: 'running' },
        recipients: {
          total: 63,
          byState: {
            pending: 1,
            claimed: 0,
            'unknown-outcome': 0,
            sent: 60,
            failed: 1,
            skipped: 1,
            parked: 0,
          },
          delivered: 58,
          deliveryFailed: 2,
          replied: 24,
          optedOut: 1,
        },
      });
      expect(report!.variants).toEqual([
        {
          variantId: 'a',
          counts: { sent: 30, delivered: 28, failed: 2, replied: 6, optedOut: 0 },
          sendFailed: 0,
          skipped: 1,
          rates: { deliveryRate: 28 / 30, failureRate: 2 / 30, replyRate: 0.2, optOutRate: 0 },
        },
        {
          variantId: 'b',
          counts: { sent: 30, delivered: 30, failed: 0, replied: 18, optedOut: 1 },
          sendFailed: 1,
          skipped: 0,
          rates: { deliveryRate: 1, failureRate: 0, replyRate: 0.6, optOutRate: 1 / 30 },
        },
      ]);
      // Pooled two-proportion z-test: p = 0.4, SE = sqrt(0.4 · 0.6 · 2/30) ≈ 0.1265, z ≈ 3.16.
      expect(report!.comparisons).toEqual([
        {
          variantId: 'b',
          controlVariantId: 'a',
          comparison: {
            kind: 'compared',
            z: expect.closeTo(3.162, 3),
            pValue: expect.closeTo(0.00157, 4),
            significantAt95: true,
            approximationReliable: true,
          },
          // Still running: replies may arrive, so the test is not called yet.
          significantAfterCorrection: false,
          verdict: 'too-early',
        },
      ]);
      expect(report!.significance).toEqual({ kind: 'too-early', finalAt: null });
    });

    it('is undefined for an unknown campaign', async () => {
      expect(await readCampaignReport(repositories, 'cmp-nowhere')).toBeUndefined();
    });
  });
});
