import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import {
  ActivityRepository,
  contactChangeFromWebhook,
  ContactRepository,
  SuppressionListRepository,
} from '../../../lambdas/crm';
import { createCrmApiHandler, MediaLinks } from '../../../lambdas/crm-api';
import { OpenPhoneClient, parseWebhookBody, SharedTokenBucket } from '../../../lambdas/openphone';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../../local/openphone-simulator';
import { crmApiCaller } from '../../support/crm-api';
import { createBridgeTables, localDocumentClient, localDynamoClient, tableNamed } from '../../support/dynamo';
import { legacyEvent } from '../../support/openphone-payloads';

jest.setTimeout(60_000);

/**
 * Contact writes through the CRM API: OpenPhone first (the simulator, validating what it is sent),
 * then the CRM record on DynamoDB Local, racing the `contact.updated` webhook the way production does.
 */
let simulator: OpenPhoneSimulator;
let contacts: ContactRepository;
let call: ReturnType<typeof crmApiCaller>;

beforeAll(async () => {
  simulator = await startOpenPhoneSimulator({ seed: 16, workspace: { contacts: 2 } });
  const names = await createBridgeTables();
  const documents = localDocumentClient();
  const crmTable = tableNamed(names, 'CrmTable');
  contacts = new ContactRepository(documents, crmTable);
  const api = createCrmApiHandler({
    activities: new ActivityRepository(documents, crmTable),
    contacts,
    suppressionList: new SuppressionListRepository(documents, crmTable),
    openPhone: new OpenPhoneClient({
      apiKey: simulator.apiKey,
      baseUrl: simulator.url,
      lane: 'interactive',
      rateLimiter: new SharedTokenBucket({
        client: localDynamoClient(),
        tableName: tableNamed(names, 'RateLimitTable'),
        apiKey: simulator.apiKey,
      }),
    }),
    mediaLinks: new MediaLinks(new S3Client({ region: 'us-east-1' }), 'unused'),
    logger: new Logger({ logLevel: 'SILENT' }),
  });
  call = crmApiCaller(api);
}, 120_000);
afterAll(() => simulator.stop());

let counter = 0;
const freshNumber = () => `+1555${String(6_100_000 + counter++).padStart(7, '0')}`;

async function createContact(body: Record<string, unknown> = {}) {
  const created = await call('POST', '/v1/contacts', {
    body: { firstName: 'Grace', lastName: 'Hopper', phoneNumbers: [{ value: freshNumber() }], ...body },
  });
  expect(created.status).toBe(201);
  return created.body as { id: string; updatedAt: string; phoneNumbers: { value: string }[] };
}

/** A `contact.updated` webhook as the contacts processor applies it. */
async function contactWebhook(id: string, firstName: string, updatedAt: string, phone: string) {
  const event = parseWebhookBody(
    JSON.stringify(
      legacyEvent(
        'contact.updated',
        {
          id,
          object: 'contact',
          firstName,
          phoneNumbers: [{ name: 'phone', value: phone }],
          emails: [],
          customFields: [],
          createdAt: '2026-01-01T00:00:00.000Z',
          updatedAt,
        },
        updatedAt,
      ),
    ),
  );
  if (!event.ok) throw new Error('the test webhook does not parse');
  const change = contactChangeFromWebhook(event.value, updatedAt);
  if (!change.ok || change.change.kind !== 'upsert') throw new Error('not a contact upsert');
  return contacts.upsertContact(change.change.contact);
}

const inOpenPhone = (id: string) => simulator.workspace.contacts.get(id)!;
const patchesOf = (id: string) =>
  simulator.requestLog.entries.filter((e) => e.method === 'PATCH' && e.path === `/v1/contacts/${id}`).length;

describe('POST /v1/contacts', () => {
  it('creates the contact in OpenPhone, then the CRM record, findable by its number', async () => {
    const phone = freshNumber();
    const created = await call('POST', '/v1/contacts', {
      body: {
        firstName: 'Ada',
        company: 'Analytical Engines',
        emails: [{ name: 'work', value: 'ada@example.com' }],
        phoneNumbers: [{ name: 'mobile', value: phone }],
        externalId: 'crm-42',
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(inOpenPhone(id).defaultFields).toMatchObject({ firstName: 'Ada', company: 'Analytical Engines' });
    expect(inOpenPhone(id).externalId).toBe('crm-42');
    expect(created.body).toMatchObject({
      id,
      firstName: 'Ada',
      externalId: 'crm-42',
      emails: [{ name: 'work', value: 'ada@example.com' }],
      phoneNumbers: [{ name: 'mobile', value: phone }],
    });
    expect(created.headers.etag).toBe(`"${created.body.updatedAt as string}"`);
    expect((await call('GET', `/v1/contacts/${id}`)).body).toEqual(created.body);
    const found = await call('GET', `/v1/contacts?phone=${encodeURIComponent(phone)}`);
    expect(found.body.items).toEqual([expect.objectContaining({ id })]);
  });

  it('refuses bad fields by name before anything reaches OpenPhone', async () => {
    const before = simulator.workspace.contacts.size;
    const refused = async (body: unknown) => (await call('POST', '/v1/contacts', { body })).body;
    expect(await refused({ firstName: 'A', emails: [{ value: 'not-an-email' }] })).toMatchObject({
      error: 'invalid_request',
      field: 'emails.0.value',
    });
    expect(await refused({ firstName: 'A', phoneNumbers: [{ value: '555-0100' }] })).toMatchObject({
      error: 'invalid_phone_number',
      field: 'phoneNumbers.0.value',
    });
    expect(await refused({ firstName: 'A', nickname: 'Al' })).toMatchObject({
      error: 'invalid_request',
      field: 'nickname',
    });
    expect(await refused({ firstName: 42 })).toMatchObject({ field: 'firstName' });
    expect((await call('POST', '/v1/contacts')).body).toMatchObject({ field: 'body' });
    expect(simulator.workspace.contacts.size).toBe(before);
  });

  it('answers 503 outcome_unknown when OpenPhone fails mid-create, and records nothing', async () => {
    simulator.faults.failNextRequests = 1;
    const failed = await call('POST', '/v1/contacts', { body: { firstName: 'Lost' } });
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ error: 'outcome_unknown' });
  });
});

describe('PUT /v1/contacts/{id}', () => {
  it('changes the fields it carries in OpenPhone and the CRM, leaving the others', async () => {
    const contact = await createContact({ company: 'Navy' });
    const updated = await call('PUT', `/v1/contacts/${contact.id}`, {
      headers: { 'if-match': `"${contact.updatedAt}"` },
      body: { role: 'Rear Admiral', emails: [{ value: 'grace@example.com' }] },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      firstName: 'Grace',
      company: 'Navy',
      role: 'Rear Admiral',
      emails: [{ name: 'email', value: 'grace@example.com' }],
    });
    expect(Date.parse(updated.body.updatedAt as string)).toBeGreaterThan(Date.parse(contact.updatedAt));
    expect(inOpenPhone(contact.id).defaultFields.role).toBe('Rear Admiral');
    expect((await call('GET', `/v1/contacts/${contact.id}`)).body).toEqual(updated.body);
  });

  it('answers 409 conflict, changing nothing, when OpenPhone changed the contact after If-Match', async () => {
    const contact = await createContact();
    const later = new Date(Date.parse(contact.updatedAt) + 60_000).toISOString();
    await contactWebhook(contact.id, 'Amazing Grace', later, contact.phoneNumbers[0]!.value);
    const conflict = await call('PUT', `/v1/contacts/${contact.id}`, {
      headers: { 'if-match': contact.updatedAt },
      body: { firstName: 'Overwritten' },
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ error: 'conflict', field: 'If-Match' });
    expect(conflict.body.message).toContain(later);
    expect(conflict.headers.etag).toBe(`"${later}"`);
    expect(patchesOf(contact.id)).toBe(0);
    expect((await contacts.getContact(contact.id))!.firstName).toBe('Amazing Grace');
    // With the time read now, the change goes through.
    const retried = await call('PUT', `/v1/contacts/${contact.id}`, {
      headers: { 'if-match': later },
      body: { lastName: 'Hopper-Murray' },
    });
    expect(retried.status).toBe(200);
  });

  it('ends with the newer of an API update and a racing contact.updated webhook', async () => {
    for (let round = 0; round < 4; round++) {
      const contact = await createContact();
      const phone = contact.phoneNumbers[0]!.value;
      // OpenPhone changed it again (webhook newer than anything the API write produces) …
      const newer = new Date(Date.now() + 3_600_000).toISOString();
      await Promise.all([
        call('PUT', `/v1/contacts/${contact.id}`, { body: { firstName: `Api ${round}` } }),
        contactWebhook(contact.id, `Webhook ${round}`, newer, phone),
      ]);
      expect(await contacts.getContact(contact.id)).toMatchObject({
        firstName: `Webhook ${round}`,
        updatedAt: newer,
      });
      // … or the webhook is an older change arriving late: the API's write stays.
      const other = await createContact();
      const older = new Date(Date.parse(other.updatedAt) - 60_000).toISOString();
      const [answer] = await Promise.all([
        call('PUT', `/v1/contacts/${other.id}`, { body: { firstName: `Api ${round}` } }),
        contactWebhook(other.id, `Stale ${round}`, older, other.phoneNumbers[0]!.value),
      ]);
      const stored = await contacts.getContact(other.id);
      expect(stored).toMatchObject({ firstName: `Api ${round}` });
      expect(answer.body).toMatchObject({ firstName: `Api ${round}`, updatedAt: stored!.updatedAt });
    }
  });

  it('refuses what it cannot apply: unknown contact, bad If-Match, nothing to change', async () => {
    expect(await call('PUT', '/v1/contacts/CTnobody', { body: { firstName: 'X' } })).toMatchObject({
      status: 404,
      body: { error: 'not_found' },
    });
    const contact = await createContact();
    expect(
      (
        await call('PUT', `/v1/contacts/${contact.id}`, {
          headers: { 'if-match': 'yesterday' },
          body: { role: 'x' },
        })
      ).body,
    ).toMatchObject({ error: 'invalid_request', field: 'If-Match' });
    expect((await call('PUT', `/v1/contacts/${contact.id}`, { body: {} })).body).toMatchObject({
      error: 'invalid_request',
      field: 'body',
    });
    expect(
      (await call('PUT', `/v1/contacts/${contact.id}`, { body: { phoneNumbers: [{ value: '+1555' }] } }))
        .body,
    ).toMatchObject({ error: 'invalid_phone_number', field: 'phoneNumbers.0.value' });
    expect(patchesOf(contact.id)).toBe(0);
  });
});
