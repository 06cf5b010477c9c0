import type { CampaignRepositories } from '../../../lambdas/campaigns/adapters/campaign-repositories';
import type { ActivityRepository } from '../../../lambdas/crm/adapters/activity-repository';
import type { ContactRepository } from '../../../lambdas/crm/adapters/contact-repository';
import type { SuppressionRepository } from '../../../lambdas/crm/adapters/suppression-repository';
import { processorsOnLocalTables } from '../../support/delivery-processing';
import {
  bothEnvelopes,
  completedCall,
  contactObject,
  legacyEvent,
  line,
  messageObject,
  outgoingMessageObject,
  quoEventOf,
} from '../../support/openphone-payloads';

jest.setTimeout(60_000);

/**
 * Each behaviour a message or call drives — consent, the timeline, contact matching, campaign
 * tracking — run over a legacy delivery and a new-envelope (Quo 2026-03-30) delivery of the same
 * fact, through the real processors on DynamoDB Local.
 */
let activities: ActivityRepository;
let contacts: ContactRepository;
let suppressions: SuppressionRepository;
let campaigns: CampaignRepositories;
let processDelivery: Awaited<ReturnType<typeof processorsOnLocalTables>>['processDelivery'];

beforeAll(async () => {
  ({ activities, contacts, suppressions, campaigns, processDelivery } = await processorsOnLocalTables());
}, 120_000);

let next = 0;
const freshPhone = () => `+1555770${String(++next).padStart(4, '0')}`;
const freshId = (prefix: string) => `${prefix}both${++next}`;

describe.each(bothEnvelopes)('from a %s delivery', (_envelope, deliver) => {
  it('consent: a STOP suppresses its sender, and START lifts it', async () => {
    const sender = freshPhone();
    const stop = messageObject({ id: freshId('ACstop'), from: sender, text: 'STOP', media: [] });
    expect(
      await processDelivery(deliver('message.received', stop, '2026-11-20T10:00:00.000Z')),
    ).toMatchObject({
      status: 'processed',
    });
    expect(await suppressions.isSuppressed(sender)).toBe(true);

    const start = messageObject({
      id: freshId('ACstart'),
      from: sender,
      text: 'START',
      media: [],
      createdAt: '2026-11-20T10:05:00.000Z',
    });
    await processDelivery(deliver('message.received', start, '2026-11-20T10:05:00.000Z'));
    expect(await suppressions.isSuppressed(sender)).toBe(false);
  });

  it("timeline: a message and a call land on the other party's timeline and the conversation", async () => {
    const them = freshPhone();
    const conversationId = freshId('CN');
    const messageId = freshId('ACmsg');
    const callId = freshId('ACcall');
    await processDelivery(
      deliver(
        'message.received',
        messageObject({ id: messageId, from: them, conversationId }),
        '2026-11-20T10:00:00.000Z',
      ),
    );
    await processDelivery(
      deliver(
        'call.completed',
        completedCall({ id: callId, direction: 'outgoing', from: line.number, to: them, conversationId }),
        '2026-11-20T11:05:00.000Z',
      ),
    );
    const timeline = await activities.timeline(them);
    expect(timeline.items.map((a) => [a.activityId, a.kind, a.direction, a.from])).toEqual([
      [callId, 'call', 'outgoing', line.number],
      [messageId, 'message', 'incoming', them],
    ]);
    const conversation = await activities.conversationActivities(conversationId);
    expect(conversation.items.map((a) => a.activityId).sort()).toEqual([callId, messageId].sort());
  });

  it("contact matching: the contact with the sender's number sees the message", async () => {
    const them = freshPhone();
    const contactId = freshId('CT');
    await processDelivery(
      legacyEvent(
        'contact.updated',
        contactObject({ id: contactId, phoneNumbers: [{ name: 'mobile', value: them }] }),
        '2026-11-20T09:00:00.000Z',
      ),
    );
    const messageId = freshId('ACmsg');
    await processDelivery(
      deliver('message.received', messageObject({ id: messageId, from: them }), '2026-11-20T10:00:00.000Z'),
    );

    const [contact] = await contacts.contactsByPhoneNumber(them);
    expect(contact).toMatchObject({ contactId });
    expect((await activities.timeline(them)).items.map((a) => a.activityId)).toEqual([messageId]);
  });

  it('campaign tracking: the delivery and an opt-out reply count on the variant', async () => {
    const them = freshPhone();
    const campaignId = freshId('cmp');
    await campaigns.campaigns.createCampaign({
      campaignId,
      definition: {
        name: 'Both',
        sendingNumber: line.id,
        variants: [{ id: 'a', template: 'Hi' }],
        timeZone: 'UTC',
      },
      state: { status: 'running' },
      at: '2026-11-20T09:00:00.000Z',
    });
    await campaigns.recipients.addRecipients(campaignId, [{ phone: them, fields: {} }]);
    const messageId = freshId('ACcmp');
    await campaigns.recipients.claimRecipient(campaignId, them, 'token', '2026-11-20T09:59:00.000Z');
    await campaigns.recipients.markSent(campaignId, them, 'token', {
      variantId: 'a',
      messageId,
      at: '2026-11-20T10:00:00.000Z',
      reconciled: false,
      sendingNumber: line.id,
    });

    await processDelivery(
      deliver(
        'message.delivered',
        outgoingMessageObject({
          id: messageId,
          to: [them],
          status: 'delivered',
          createdAt: '2026-11-20T10:00:00.000Z',
        }),
        '2026-11-20T10:00:05.000Z',
      ),
    );
    await processDelivery(
      deliver(
        'message.received',
        messageObject({
          id: freshId('ACreply'),
          from: them,
          text: 'stop',
          media: [],
          createdAt: '2026-11-20T10:30:00.000Z',
        }),
        '2026-11-20T10:30:00.000Z',
      ),
    );

    expect(await campaigns.recipients.getRecipient(campaignId, them)).toMatchObject({
      delivery: 'delivered',
    });
    expect((await campaigns.statistics.variantStatistics(campaignId)).a).toMatchObject({
      delivered: 1,
      optedOut: 1,
    });
  });
});

describe('a new-envelope event whose other party cannot be determined', () => {
  it('is failed with its reason, writes no activity and suppresses nobody', async () => {
    const sender = freshPhone();
    const messageId = freshId('ACnosender');
    const body = quoEventOf(
      'message.received',
      messageObject({ id: messageId, from: sender, text: 'STOP', media: [] }),
      '2026-11-20T10:00:00.000Z',
      { context: { senderIdentifier: null } },
    );
    expect(await processDelivery(body)).toMatchObject({
      status: 'failed',
      failureReason:
        'data.context.senderIdentifier: absent, so the sender of this incoming message is unknown',
      statusKey: 'failed#messages',
    });
    expect(await activities.getActivity(messageId)).toBeUndefined();
    expect(await suppressions.isSuppressed(sender)).toBe(false);
  });
});
