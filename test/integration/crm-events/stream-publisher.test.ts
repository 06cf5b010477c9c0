import { Logger } from '@aws-lambda-powertools/logger';
import { campaignRepositories } from '../../../lambdas/campaigns/adapters/campaign-repositories';
import { ActivityRepository } from '../../../lambdas/crm/adapters/activity-repository';
import type { ActivityChange } from '../../../lambdas/crm/domain/activity';
import { buildLocalCrmEvents, type LocalCrmEvents } from '../../../local/crm-events';
import { changeFromApiMessage, changeFromWebhook } from '../../support/crm-changes';
import { bridgeTemplate, createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import {
  apiMessage,
  callId,
  completedCall,
  contactNumber,
  legacyEvent,
  line,
  outgoingMessageObject,
  summaryObject,
} from '../../support/openphone-payloads';

const logger = new Logger({ logLevel: 'SILENT' });
let names: Record<string, string>;
let activities: ActivityRepository;
const running: LocalCrmEvents[] = [];

/** A publisher reading the CRM and campaign streams from their start, into its own bus stand-in. */
function publisher(): LocalCrmEvents {
  const built = buildLocalCrmEvents({
    template: bridgeTemplate(),
    tableNames: names,
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT!,
    logger,
  });
  running.push(built);
  return built;
}

beforeAll(async () => {
  names = await createBridgeTables();
  activities = new ActivityRepository(localDocumentClient(), tableNamed(names, 'CrmTable'));
}, 120_000);
afterAll(() => Promise.all(running.map((r) => r.stop())));

async function apply(...changes: ActivityChange[]) {
  for (const change of changes) await activities.upsertActivity(change.update, change.eventTime);
}

describe('the CRM events publisher on the CRM table stream (DynamoDB Local)', () => {
  it('publishes what the repository writes, once per change, and nothing for writes that change nothing', async () => {
    const sentAt = '2026-11-20T10:00:00.000Z';
    const sent = outgoingMessageObject({ id: 'ACstream1', createdAt: sentAt, status: 'sent' });
    await apply(
      changeFromWebhook(legacyEvent('message.delivered', sent, sentAt)),
      // The import finds the same message later: a second source, nothing new for the CRM.
      changeFromApiMessage(
        apiMessage({
          id: 'ACstream1',
          from: line.number,
          to: [contactNumber],
          direction: 'outgoing',
          status: 'sent',
          createdAt: sentAt,
          updatedAt: sentAt,
        }),
      ),
      changeFromWebhook(
        legacyEvent('message.delivered', { ...sent, status: 'delivered' }, '2026-11-20T10:00:07.000Z'),
      ),
      // A late `sent` never rolls the delivered status back, and publishes nothing.
      changeFromWebhook(legacyEvent('message.delivered', sent, '2026-11-20T10:00:08.000Z')),
      // A summary before its call: the call's record is made, and announced when the call arrives.
      changeFromWebhook(legacyEvent('call.summary.completed', summaryObject(), '2026-11-20T11:05:00.000Z')),
      changeFromWebhook(legacyEvent('call.completed', completedCall(), '2026-11-20T11:04:00.000Z')),
    );
    const events = publisher();
    await events.drain();

    const published = events.bus
      .list()
      .map((e) => [e.detailType, (e.detail as { activityId: string }).activityId]);
    expect(published).toEqual([
      ['activity.recorded', 'ACstream1'],
      ['message.status-changed', 'ACstream1'],
      ['activity.recorded', callId],
    ]);
    expect(events.bus.list('activity.recorded')[1]!.detail.changes).toEqual([
      'recorded',
      'status',
      'summary',
    ]);
    expect(events.failures).toEqual([]);
  });

  it('publishes campaign.completed once, from the campaign table stream, and nothing for other transitions', async () => {
    const { campaigns } = campaignRepositories(localDocumentClient(), tableNamed(names, 'CampaignTable'));
    await campaigns.createCampaign({
      campaignId: 'cmp-events-1',
      definition: {
        name: 'Spring sale',
        sendingNumber: 'PNevents',
        variants: [{ id: 'a', template: 'Hi' }],
        timeZone: 'America/New_York',
      },
      at: '2026-11-20T09:00:00.000Z',
    });
    await campaigns.transitionCampaign('cmp-events-1', { type: 'start' }, '2026-11-20T09:01:00.000Z');
    await campaigns.transitionCampaign('cmp-events-1', { type: 'complete' }, '2026-11-20T09:30:00.000Z');
    const events = publisher();
    await events.drain();
    expect(events.bus.list('campaign.completed').map((e) => e.detail)).toEqual([
      expect.objectContaining({
        campaignId: 'cmp-events-1',
        name: 'Spring sale',
        occurredAt: '2026-11-20T09:30:00.000Z',
      }),
    ]);
  });

  it('publishes the same event ids when the stream is read again', async () => {
    const first = publisher();
    await first.drain();
    const replay = publisher();
    await replay.drain();
    const ids = (e: LocalCrmEvents) => e.bus.list().map((event) => event.detail.eventId);
    expect(ids(first).length).toBeGreaterThan(0);
    expect(ids(replay)).toEqual(ids(first));
  });
});
