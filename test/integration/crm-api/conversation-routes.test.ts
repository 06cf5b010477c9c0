import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import {
  ActivityRepository,
  ContactRepository,
  ConversationRepository,
  DirectoryRepository,
  ErasureRepository,
  followUpSettings,
  SuppressionListRepository,
} from '../../../lambdas/crm';
import { createCrmApiHandler, MediaLinks } from '../../../lambdas/crm-api';
import type { Conversation } from '../../../lambdas/crm-api/domain/conversation-routes';
import { changeFromWebhook } from '../../support/crm-changes';
import { crmApiCaller } from '../../support/crm-api';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import { legacyEvent, line, messageObject, outgoingMessageObject } from '../../support/openphone-payloads';

let conversations: ConversationRepository;
let api: ReturnType<typeof createCrmApiHandler>;
// Monday 7 Dec 2026, 10:30 in Chicago
const now = new Date('2026-12-07T16:30:00Z');

beforeAll(async () => {
  const names = await createBridgeTables();
  const documents = localDocumentClient();
  const crmTable = tableNamed(names, 'CrmTable');
  conversations = new ConversationRepository(documents, crmTable);
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  api = createCrmApiHandler({
    activities: new ActivityRepository(documents, crmTable),
    contacts: new ContactRepository(documents, crmTable),
    suppressionList: new SuppressionListRepository(documents, crmTable),
    openPhone: {
      createContact: () => Promise.reject(new Error('reads do not call OpenPhone')),
      updateContact: () => Promise.reject(new Error('reads do not call OpenPhone')),
    },
    mediaLinks: new MediaLinks(s3, 'media-bucket'),
    directory: new DirectoryRepository(documents, crmTable),
    erasure: new ErasureRepository(documents, crmTable, { s3, mediaBucket: 'media-bucket' }),
    conversations,
    followUp: followUpSettings.parse({
      byNumber: { [line.id]: { timeZone: 'America/Chicago', replyTargetMinutes: 30 } },
    }),
    now: () => now,
    logger: new Logger({ logLevel: 'SILENT' }),
  });

  const inbound = (
    conversationId: string,
    from: string,
    id: string,
    createdAt: string,
    text = 'When can you come?',
  ) =>
    changeFromWebhook(
      legacyEvent(
        'message.received',
        messageObject({ id, conversationId, from, text, media: [], createdAt }),
        createdAt,
      ),
    ).update;
  const reply = (conversationId: string, to: string, id: string, createdAt: string) =>
    changeFromWebhook(
      legacyEvent(
        'message.sent',
        outgoingMessageObject({ id, conversationId, to: [to], createdAt }),
        createdAt,
      ),
    ).update;
  for (const update of [
    // Friday 4 Dec 16:50 Chicago: 10 business minutes on Friday, 150 on Monday morning
    inbound('CNfriday', '+15550100001', 'ACf1', '2026-12-04T22:50:00Z'),
    // Monday 10:20 Chicago: 10 business minutes
    inbound('CNmonday', '+15550100002', 'ACm1', '2026-12-07T16:20:00Z'),
    inbound('CNanswered', '+15550100003', 'ACa1', '2026-12-07T15:00:00Z'),
    reply('CNanswered', '+15550100003', 'ACa2', '2026-12-07T15:05:00Z'),
  ])
    await conversations.recordActivity(update);
}, 120_000);

interface Answer {
  status: number | undefined;
  body: Record<string, unknown> & { items: Conversation[]; cursor?: string; waitingBusinessMinutes?: number };
}
const get = async (path: string) => (await crmApiCaller(api)('GET', path)) as unknown as Answer;

describe('GET /v1/conversations?waiting=true', () => {
  it('lists the waiting conversations oldest first, with their business-time wait and target', async () => {
    const { status, body } = await get('/v1/conversations?waiting=true');
    expect(status).toBe(200);
    expect(body.items.map((c) => c.id)).toEqual(['CNfriday', 'CNmonday']);
    expect(body.items[0]).toMatchObject({
      waiting: true,
      waitingSince: '2026-12-04T22:50:00Z'.replace('Z', '.000Z'),
      waitingBusinessMinutes: 160,
      replyTargetMinutes: 30,
      overdue: true,
      replyDueAt: '2026-12-07T14:20:00.000Z',
      waitingFor: { activityId: 'ACf1', kind: 'message' },
    });
    expect(body.items[1]).toMatchObject({ waitingBusinessMinutes: 10, overdue: false });
  });

  it('filters by our line, by age and pages with a cursor', async () => {
    expect(
      (await get(`/v1/conversations?waiting=true&number=${line.id}&olderThan=2026-12-07T00:00:00Z`)).body
        .items,
    ).toHaveLength(1);
    expect((await get('/v1/conversations?waiting=true&number=PNnobody')).body.items).toEqual([]);
    const first = await get('/v1/conversations?waiting=true&limit=1');
    const second = await get(`/v1/conversations?waiting=true&limit=1&cursor=${first.body.cursor}`);
    expect(second.body.items.map((c) => c.id)).toEqual(['CNmonday']);
  });

  it('refuses a bad filter with a 400 naming it', async () => {
    expect((await get('/v1/conversations')).body).toMatchObject({
      error: 'invalid_request',
      field: 'waiting',
    });
    expect((await get('/v1/conversations?waiting=false')).status).toBe(400);
    expect((await get('/v1/conversations?waiting=true&olderThan=yesterday')).body).toMatchObject({
      field: 'olderThan',
    });
    expect((await get('/v1/conversations?waiting=true&number=5551234')).body).toMatchObject({
      field: 'number',
    });
    expect((await get('/v1/conversations?waiting=true&assignedTo=bob')).body).toMatchObject({
      field: 'assignedTo',
    });
    expect((await get('/v1/conversations?waiting=true&cursor=garbage')).body).toMatchObject({
      error: 'invalid_cursor',
    });
  });
});

describe('GET /v1/conversations/{id}', () => {
  it('shows an answered conversation with its last inbound and outbound activity', async () => {
    const { status, body } = await get('/v1/conversations/CNanswered');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: 'CNanswered',
      waiting: false,
      overdue: false,
      lastInbound: { activityId: 'ACa1' },
      lastOutbound: { activityId: 'ACa2' },
    });
    expect(body.waitingBusinessMinutes).toBeUndefined();
  });

  it('answers 404 for an unknown conversation and 400 for an id that cannot be one', async () => {
    expect(await get('/v1/conversations/CNnobody')).toMatchObject({
      status: 404,
      body: { error: 'not_found' },
    });
    expect(await get('/v1/conversations/bad%20id')).toMatchObject({ status: 400, body: { field: 'id' } });
  });

  it('still serves a conversation’s activities under /activities', async () => {
    expect((await get('/v1/conversations/CNanswered/activities')).status).toBe(200);
  });
});
