import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import { ActivityRepository, ContactRepository, followUpSettings } from '../../../lambdas/crm';
import { createCrmApiHandler, MediaLinks } from '../../../lambdas/crm-api';
import { changeFromWebhook } from '../../support/crm-changes';
import { crmApiCaller } from '../../support/crm-api';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import {
  callObject,
  legacyEvent,
  line,
  messageObject,
  outgoingMessageObject,
} from '../../support/openphone-payloads';

let api: ReturnType<typeof createCrmApiHandler>;
const now = new Date('2026-12-20T12:00:00Z');

beforeAll(async () => {
  const names = await createBridgeTables();
  const documents = localDocumentClient();
  const crmTable = tableNamed(names, 'CrmTable');
  const activities = new ActivityRepository(documents, crmTable);
  api = createCrmApiHandler({
    activities,
    contacts: new ContactRepository(documents, crmTable),
    mediaLinks: new MediaLinks(
      new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1' }),
      'media',
    ),
    activityDays: activities,
    followUp: followUpSettings.parse({
      byNumber: { [line.id]: { timeZone: 'America/Chicago', replyTargetMinutes: 30 } },
    }),
    now: () => now,
    logger: new Logger({ logLevel: 'SILENT' }),
  });

  const inbound = (id: string, conversationId: string, from: string, createdAt: string) =>
    legacyEvent(
      'message.received',
      messageObject({ id, conversationId, from, text: 'When can you come?', media: [], createdAt }),
      createdAt,
    );
  const reply = (id: string, conversationId: string, to: string, createdAt: string) =>
    legacyEvent(
      'message.sent',
      outgoingMessageObject({ id, conversationId, to: [to], createdAt }),
      createdAt,
    );
  const missedCall = (status: string, eventAt: string) =>
    legacyEvent(
      status === 'ringing' ? 'call.ringing' : 'call.completed',
      callObject({
        id: 'ACmissed',
        conversationId: 'CNcaller',
        from: '+15550100009',
        status,
        createdAt: '2026-12-08T17:00:00.000Z',
      }),
      eventAt,
    );
  for (const event of [
    // Monday 7 Dec, 10:00 Chicago, answered at 10:12 by the user of the sample payloads.
    inbound('ACq1', 'CNasker', '+15550100001', '2026-12-07T16:00:00.000Z'),
    reply('ACr1', 'CNasker', '+15550100001', '2026-12-07T16:12:00.000Z'),
    // Tuesday 8 Dec, 11:00 Chicago: a call seen ringing, then missed; never returned.
    missedCall('ringing', '2026-12-08T17:00:00.000Z'),
    missedCall('no-answer', '2026-12-08T17:00:30.000Z'),
    // November: outside the period asked about.
    inbound('ACold', 'CNold', '+15550100002', '2026-11-10T16:00:00.000Z'),
  ])
    await activities.upsertActivity(changeFromWebhook(event).update, String(event.createdAt));
}, 120_000);

const get = async (path: string) => crmApiCaller(api)('GET', path);

describe('GET /v1/reports/response-times', () => {
  it('reports the period’s spells per day and line, read from the day index', async () => {
    const { status, body } = await get('/v1/reports/response-times?from=2026-12-01&to=2026-12-15');
    expect(status).toBe(200);
    expect(body).toMatchObject({ from: '2026-12-01', to: '2026-12-15', by: 'number' });
    expect(body.rows).toEqual([
      {
        day: '2026-12-07',
        key: line.id,
        spells: 1,
        answered: 1,
        p50Minutes: 12,
        p90Minutes: 12,
        withinTarget: 1,
        targetMinutes: 30,
        missedCalls: 0,
        missedCallsReturned: 0,
        missedCallsNotReturned: 0,
      },
      expect.objectContaining({ day: '2026-12-08', key: line.id, spells: 1, answered: 0, missedCalls: 1 }),
    ]);
    expect(body.totals).toMatchObject({ spells: 2, answered: 1, missedCallsNotReturned: 1 });
    expect(body.unreturnedMissedCalls).toEqual([
      {
        conversationId: 'CNcaller',
        phoneNumberId: line.id,
        contactNumber: '+15550100009',
        at: '2026-12-08T17:00:00.000Z',
        voicemail: false,
        returned: false,
      },
    ]);
  });

  it('by user, counts each answered spell for who answered it', async () => {
    const { body } = await get('/v1/reports/response-times?from=2026-12-07&to=2026-12-08&by=user');
    expect((body.rows as { key: string }[]).map((r) => r.key)).toEqual(['USuser0001', 'unassigned']);
  });

  it.each([
    ['from=2026-12-01', 'to', 'a missing date'],
    ['from=12/01/2026&to=2026-12-02', 'from', 'a date not written YYYY-MM-DD'],
    ['from=2026-02-30&to=2026-03-02', 'from', 'a day that does not exist'],
    ['from=2026-12-10&to=2026-12-01', 'to', 'from after to'],
    ['from=2026-01-01&to=2026-04-03', 'to', 'more than 92 days'],
    ['from=2026-12-01&to=2026-12-02&by=team', 'by', 'an unknown grouping'],
  ])('refuses %s with a 400 naming %s (%s)', async (query, field) => {
    expect(await get(`/v1/reports/response-times?${query}`)).toMatchObject({
      status: 400,
      body: { error: 'invalid_request', field },
    });
  });

  it('accepts exactly 92 days', async () => {
    expect((await get('/v1/reports/response-times?from=2026-01-01&to=2026-04-02')).status).toBe(200);
  });
});
