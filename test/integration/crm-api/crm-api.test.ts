import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import {
  ActivityRepository,
  ContactRepository,
  contactRecordOf,
  SuppressionListRepository,
  DirectoryRepository,
  ErasureRepository,
} from '../../../lambdas/crm';
import { createCrmApiHandler, MediaLinks } from '../../../lambdas/crm-api';
import { changeFromWebhook } from '../../support/crm-changes';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import { crmApiCaller } from '../../support/crm-api';
import {
  completedCall,
  contactNumber,
  contactObject,
  conversationId,
  legacyEvent,
  messageObject,
  recording,
  summaryObject,
} from '../../support/openphone-payloads';

let activities: ActivityRepository;
let contacts: ContactRepository;
let api: ReturnType<typeof createCrmApiHandler>;

beforeAll(async () => {
  const names = await createBridgeTables();
  const documents = localDocumentClient();
  activities = new ActivityRepository(documents, tableNamed(names, 'CrmTable'));
  contacts = new ContactRepository(documents, tableNamed(names, 'CrmTable'));
  const s3 = new S3Client({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  api = createCrmApiHandler({
    activities,
    contacts,
    suppressionList: new SuppressionListRepository(documents, tableNamed(names, 'CrmTable')),
    // Reads never reach OpenPhone (crm-api-writes.test.ts covers the writes against the simulator).
    openPhone: {
      createContact: () => Promise.reject(new Error('reads do not call OpenPhone')),
      updateContact: () => Promise.reject(new Error('reads do not call OpenPhone')),
    },
    mediaLinks: new MediaLinks(s3, 'media-bucket'),
    directory: new DirectoryRepository(documents, tableNamed(names, 'CrmTable')),
    erasure: new ErasureRepository(documents, tableNamed(names, 'CrmTable'), {
      s3,
      mediaBucket: 'media-bucket',
    }),
    logger: new Logger({ logLevel: 'SILENT' }),
  });
}, 120_000);

/** One GET through the handler; the answer is checked against the generated OpenAPI document. */
async function get(path: string) {
  const { status, body } = await crmApiCaller(api)('GET', path);
  return { status, body };
}

async function record(event: Record<string, unknown>) {
  const change = changeFromWebhook(event);
  await activities.upsertActivity(change.update, change.eventTime);
}

/** The ids on every page of a list, following its cursors (at most 20 requests). */
async function idsOfEveryPage(path: string): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const { status, body } = await get(cursor ? `${path}&cursor=${cursor}` : path);
    expect(status).toBe(200);
    pages.push((body.items as { id: string }[]).map((a) => a.id));
    cursor = body.cursor as string | undefined;
  } while (cursor && pages.length < 20);
  return pages;
}

const at = (minute: number) => `2026-11-20T10:${String(minute).padStart(2, '0')}:00.000Z`;

describe('the CRM API over DynamoDB Local', () => {
  const phone = '+15557770000';

  beforeAll(async () => {
    for (let i = 0; i < 25; i++)
      await record(
        legacyEvent(
          'message.received',
          messageObject({ id: `ACapi${i}`, from: phone, createdAt: at(i), media: [] }),
          at(i),
        ),
      );
    await record(
      legacyEvent(
        'call.completed',
        completedCall({ id: 'ACapicall', from: phone, createdAt: at(30), media: [recording] }),
        at(31),
      ),
    );
    await record(legacyEvent('call.summary.completed', summaryObject({ callId: 'ACapicall' }), at(32)));
    await activities.recordMediaArchive(
      { activityId: 'ACapicall', field: 'recordings', index: 0, url: recording.url },
      { archiveKey: 'media/ACapicall/0-recording.mp3' },
    );
  }, 60_000);

  it('reads a whole activity, with a short-lived link to its archived recording', async () => {
    const { status, body } = await get('/v1/activities/ACapicall');
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: 'ACapicall', kind: 'call', summary: expect.any(Array) });
    const [rec] = body.recordings as { url: string; archivedUrl: string }[];
    expect(rec!.url).toBe(recording.url);
    expect(rec!.archivedUrl).toMatch(/media-bucket\/media\/ACapicall\/0-recording\.mp3\?.*X-Amz-Signature=/);
    expect(rec!.archivedUrl).toMatch(/X-Amz-Expires=300/);
    expect(body).not.toHaveProperty('archiveKey');
    expect(body).not.toHaveProperty('statusAt');
  });

  it('pages a timeline newest first with an opaque cursor, and filters by kind', async () => {
    const first = await get(`/v1/contacts/${encodeURIComponent(phone)}/timeline?limit=10`);
    expect(first.status).toBe(200);
    const ids = (first.body.items as { id: string }[]).map((a) => a.id);
    expect(ids.slice(0, 3)).toEqual(['ACapicall', 'ACapi24', 'ACapi23']);
    const second = await get(
      `/v1/contacts/${encodeURIComponent(phone)}/timeline?limit=10&cursor=${first.body.cursor as string}`,
    );
    expect((second.body.items as { id: string }[])[0]!.id).toBe('ACapi15');
    expect(
      await idsOfEveryPage(`/v1/contacts/${encodeURIComponent(phone)}/timeline?kind=call&limit=5`),
    ).toEqual([['ACapicall'], []]);
  });

  it('pages a kind filter without dropping the matches a full page leaves behind', async () => {
    const other = '+15557770001';
    // Newest first: call, message, call, call, message: the second page of 2 holds two matches.
    for (const [i, kind] of ['message', 'call', 'call', 'message', 'call'].entries()) {
      const object =
        kind === 'call'
          ? completedCall({ id: `ACkind${i}`, from: other, createdAt: at(i) })
          : messageObject({ id: `ACkind${i}`, from: other, createdAt: at(i), media: [] });
      await record(legacyEvent(kind === 'call' ? 'call.completed' : 'message.received', object, at(i)));
    }

    const pages = await idsOfEveryPage(
      `/v1/contacts/${encodeURIComponent(other)}/timeline?kind=call&limit=2`,
    );

    expect(pages.flat()).toEqual(['ACkind4', 'ACkind2', 'ACkind1']);
  });

  it('refuses what it cannot read with one error shape naming the field', async () => {
    expect(await get('/v1/contacts/5557770000/timeline')).toEqual({
      status: 400,
      body: expect.objectContaining({ error: 'invalid_phone_number', field: 'phone' }),
    });
    expect(await get(`/v1/contacts/${encodeURIComponent(phone)}/timeline?cursor=not-a-cursor`)).toEqual({
      status: 400,
      body: expect.objectContaining({ error: 'invalid_cursor', field: 'cursor' }),
    });
    const other = await get(`/v1/contacts/%2B15550001234/timeline?limit=1`);
    const foreign = await get(`/v1/contacts/${encodeURIComponent(phone)}/timeline?limit=1`);
    // A cursor from one timeline cannot page through another's.
    expect(
      (await get(`/v1/contacts/%2B15550001234/timeline?cursor=${foreign.body.cursor as string}`)).status,
    ).toBe(400);
    expect(other.status).toBe(200);
    expect((await get('/v1/activities/ACnothing')).status).toBe(404);
    expect((await get('/v1/activities/ACnothing')).body).toMatchObject({ error: 'not_found' });
    expect((await get('/v1/elsewhere')).status).toBe(404);
    // A hostile id never reaches DynamoDB (a key over its size limit would be a 500).
    for (const id of ['A'.repeat(3000), 'AC%00x', 'AC..%2F..'])
      expect(await get(`/v1/activities/${id}`)).toEqual({
        status: 400,
        body: expect.objectContaining({ error: 'invalid_id', field: 'id' }),
      });
    expect((await get(`/v1/contacts/${'C'.repeat(200)}`)).status).toBe(400);
  });

  it('lists a conversation and finds contacts by phone number', async () => {
    const conversation = await get(`/v1/conversations/${conversationId}/activities?limit=2`);
    expect(conversation.status).toBe(200);
    expect((conversation.body.items as unknown[]).length).toBe(2);
    await contacts.upsertContact(contactRecordOf(contactObject({ id: 'CTapi' }) as never, at(0)));
    const found = await get(`/v1/contacts?phone=${encodeURIComponent(contactNumber)}`);
    expect(found.status).toBe(200);
    expect(found.body.items).toEqual([expect.objectContaining({ id: 'CTapi', firstName: 'Ada' })]);
    expect((await get('/v1/contacts/CTapi')).body).toMatchObject({ id: 'CTapi' });
    expect((await get('/v1/contacts?phone=abc')).status).toBe(400);
  });

  it('serves its own OpenAPI document, every route in it', async () => {
    const { status, body } = await get('/v1/openapi.json');
    expect(status).toBe(200);
    expect(Object.keys(body.paths as object)).toEqual(
      expect.arrayContaining(['/v1/activities/{id}', '/v1/contacts/{phone}/timeline', '/v1/contacts']),
    );
  });
});
