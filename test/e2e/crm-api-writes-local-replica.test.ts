import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../local/openphone-simulator';
import { startLocalReplica, type LocalReplica } from '../../local/replica';
import { bridgeTemplate } from '../support/dynamo';

jest.setTimeout(60_000);

/** The replica's CRM API writes through to its OpenPhone (here the simulator), like `npm start` wires it. */
describe('CRM API writes on the local replica', () => {
  let replica: LocalReplica;
  let simulator: OpenPhoneSimulator;

  beforeAll(async () => {
    replica = await startLocalReplica({
      port: 0,
      dynamoEndpoint: process.env.DYNAMODB_ENDPOINT!,
      template: bridgeTemplate(),
      eventSweepEveryMs: 'off',
      log: () => undefined,
    });
    simulator = await startOpenPhoneSimulator({ seed: 61, workspace: { contacts: 1 } });
  }, 120_000);
  afterAll(async () => {
    await replica.stop();
    await simulator.stop();
  });

  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${replica.crmApi.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${replica.crmApi.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('answers 503 until connected, then creates the contact in the simulated OpenPhone and the CRM', async () => {
    const contact = { firstName: 'Replica', phoneNumbers: [{ value: '+15556100001' }] };
    const early = await call('POST', '/contacts', contact);
    expect(early.status).toBe(503);
    expect(await early.json()).toMatchObject({ error: 'openphone_unavailable' });

    replica.connectCrmApiToOpenPhone({ apiKey: simulator.apiKey, baseUrl: simulator.url });
    const created = await call('POST', '/contacts', contact);
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect(simulator.workspace.contacts.get(id)?.defaultFields.firstName).toBe('Replica');
    expect(((await (await call('GET', `/contacts/${id}`)).json()) as { firstName: string }).firstName).toBe(
      'Replica',
    );
  });

  it('suppresses and lifts a number over HTTP', async () => {
    const path = `/suppressions/${encodeURIComponent('+15556100002')}`;
    expect((await call('PUT', path, { note: 'from the e2e test' })).status).toBe(200);
    expect(await (await call('GET', path)).json()).toMatchObject({ suppressed: true, reason: 'manual' });
    expect(await (await call('DELETE', `${path}?note=asked%20again`)).json()).toMatchObject({
      suppressed: false,
    });
    const settled = await call('POST', `${path}/review`, { resolution: 'not-an-opt-out' });
    expect(settled.status).toBe(409);
    expect(await settled.json()).toMatchObject({ error: 'not_in_review' });
  });
});
