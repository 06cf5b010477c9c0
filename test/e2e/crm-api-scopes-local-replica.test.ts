import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../local/openphone-simulator';
import { startLocalReplica, type LocalReplica } from '../../local/replica';
import { bridgeTemplate } from '../support/dynamo';

jest.setTimeout(60_000);

const readToken = 'read-only-reporting-client-token';
const suppressionsToken = 'suppressions-only-token';

/**
 * The replica's CRM API enforces the routes table's scopes as API Gateway's JWT authorizer does:
 * its own token reaches everything; a token with `crm/read` reads, and is refused (403, naming the
 * scope) every send, contact write, suppression change and erase, which then change nothing.
 */
describe('CRM API scopes on the local replica', () => {
  let replica: LocalReplica;
  let simulator: OpenPhoneSimulator;
  const phone = '+15556200001';
  const encoded = encodeURIComponent(phone);
  let contactId: string;

  beforeAll(async () => {
    replica = await startLocalReplica({
      port: 0,
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT!,
      template: bridgeTemplate(),
      eventSweepEveryMs: 'off',
      log: () => undefined,
      crmApiScopedTokens: [
        { token: readToken, scopes: ['crm/read'] },
        { token: suppressionsToken, scopes: ['crm/suppressions'] },
      ],
    });
    simulator = await startOpenPhoneSimulator({ seed: 62, workspace: { contacts: 1 } });
    replica.connectCrmApiToOpenPhone({
      apiKey: simulator.apiKey,
      baseUrl: simulator.url,
      defaultFrom: simulator.workspace.phoneNumbers[0]!.number,
    });
    const created = await call(replica.crmApi.token, 'POST', '/contacts', {
      firstName: 'Scoped',
      phoneNumbers: [{ value: phone }],
    });
    expect(created.status).toBe(201);
    contactId = (created.body as { id: string }).id;
    expect(
      (
        await call(replica.crmApi.token, 'PUT', `/suppressions/${encoded}`, {
          note: 'asked not to be texted',
        })
      ).status,
    ).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await replica?.stop();
    await simulator?.stop();
  });

  async function call(
    token: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const response = await fetch(`${replica.crmApi.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: response.status,
      wwwAuthenticate: response.headers.get('www-authenticate'),
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  it('lets a read-scoped token read the contact, its timeline and its suppression', async () => {
    expect(await call(readToken, 'GET', `/contacts?phone=${encoded}`)).toMatchObject({
      status: 200,
      body: { items: [expect.objectContaining({ id: contactId })] },
    });
    expect((await call(readToken, 'GET', `/contacts/${encoded}/timeline`)).status).toBe(200);
    expect(await call(readToken, 'GET', `/suppressions/${encoded}`)).toMatchObject({
      status: 200,
      body: { suppressed: true, reason: 'manual' },
    });
  });

  it('refuses a read-scoped token every send, contact write, suppression change and erase, naming the scope, and changes nothing', async () => {
    const openPhoneBefore = simulator.requestLog.stats();
    const refused = [
      [
        'crm/send',
        await call(
          readToken,
          'POST',
          '/messages',
          { to: phone, text: 'hi' },
          { 'idempotency-key': 'scoped-1' },
        ),
      ],
      ['crm/contacts', await call(readToken, 'POST', '/contacts', { firstName: 'Other' })],
      ['crm/contacts', await call(readToken, 'PUT', `/contacts/${contactId}`, { firstName: 'Renamed' })],
      [
        'crm/suppressions',
        await call(readToken, 'PUT', `/suppressions/${encodeURIComponent('+15556200002')}`, {}),
      ],
      [
        'crm/suppressions',
        await call(readToken, 'DELETE', `/suppressions/${encoded}?confirmConsent=true&note=said%20yes`),
      ],
      ['crm/erase', await call(readToken, 'DELETE', `/contacts/${encoded}/data`)],
    ] as const;
    for (const [scope, answer] of refused) {
      expect(answer).toMatchObject({
        status: 403,
        wwwAuthenticate: `Bearer error="insufficient_scope", scope="${scope}"`,
        body: { error: 'insufficient_scope' },
      });
      expect(answer.body.message).toContain(scope);
    }
    expect(simulator.requestLog.stats()).toEqual(openPhoneBefore);
    const contact = await call(replica.crmApi.token, 'GET', `/contacts/${contactId}`);
    expect(contact.body).toMatchObject({ firstName: 'Scoped' });
    expect(
      (await call(replica.crmApi.token, 'GET', `/suppressions/${encodeURIComponent('+15556200002')}`)).body,
    ).toMatchObject({ suppressed: false });
    expect((await call(replica.crmApi.token, 'GET', `/suppressions/${encoded}`)).body).toMatchObject({
      suppressed: true,
    });
  });

  it('lets a suppressions-scoped token lift a suppression but not read', async () => {
    expect(await call(suppressionsToken, 'GET', `/suppressions/${encoded}`)).toMatchObject({
      status: 403,
      body: { error: 'insufficient_scope', message: expect.stringContaining('crm/read') },
    });
    const lifted = await call(suppressionsToken, 'DELETE', `/suppressions/${encoded}?note=asked%20again`);
    expect(lifted).toMatchObject({ status: 200, body: { suppressed: false } });
  });

  it("keeps every route open to the replica's own token, and refuses an unknown token (401)", async () => {
    expect((await call('not-a-token', 'GET', `/contacts/${contactId}`)).status).toBe(401);
    expect(await call(replica.crmApi.token, 'DELETE', `/contacts/${encoded}/data`)).toMatchObject({
      status: 200,
      body: { phoneNumber: phone },
    });
    expect((await call(readToken, 'GET', `/contacts?phone=${encoded}`)).body).toMatchObject({ items: [] });
  });

  it("answers a method or path no route has with API Gateway's own 404, before any token check", async () => {
    for (const [method, path] of [
      ['PATCH', `/contacts/${contactId}`],
      ['GET', `/contacts/${contactId}/data`],
      ['GET', '/nothing-here'],
    ] as const) {
      const answer = await call(readToken, method, path);
      expect([method, path, answer.status, answer.body]).toEqual([
        method,
        path,
        404,
        { message: 'Not Found' },
      ]);
    }
  });
});
