import { ApiRequestError } from '../../../lambdas/crm-api/errors';
import { e164PhoneNumber, parseQuery, timelineQuery } from '../../../lambdas/crm-api/domain/requests';
import { matchRoute } from '../../../lambdas/crm-api/domain/routes';
import { createCrmApiHandler, type CrmApiDeps } from '../../../lambdas/crm-api';
import { apiGatewayEvent } from '../../../local/http-api';

describe('CRM API routes', () => {
  it('tells a contact by id from a contact timeline by phone number', () => {
    expect(matchRoute('GET', '/v1/contacts/CT123')).toEqual({
      kind: 'route',
      name: 'getContact',
      params: { id: 'CT123' },
    });
    expect(matchRoute('GET', '/v1/contacts/%2B15555550123/timeline')).toEqual({
      kind: 'route',
      name: 'contactTimeline',
      params: { phone: '+15555550123' },
    });
    expect(matchRoute('GET', '/v1/contacts')).toMatchObject({ kind: 'route', name: 'findContacts' });
  });

  it('answers unknown paths and wrong methods apart, and never decodes a broken escape', () => {
    expect(matchRoute('GET', '/v1/nothing-here')).toEqual({ kind: 'not-found' });
    expect(matchRoute('GET', '/v1/activities/AC1/extra')).toEqual({ kind: 'not-found' });
    expect(matchRoute('DELETE', '/v1/activities/AC1')).toEqual({
      kind: 'method-not-allowed',
      allowed: ['GET'],
    });
    expect(matchRoute('GET', '/v1/activities/%E0%A4%A')).toEqual({ kind: 'not-found' });
  });
});

describe('CRM API request parameters', () => {
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return error instanceof ApiRequestError
        ? { status: error.status, code: error.code, field: error.field }
        : error;
    }
    return 'accepted';
  };

  it('takes E.164 numbers only, and says which field is wrong', () => {
    expect(e164PhoneNumber('+15555550123', 'phone')).toBe('+15555550123');
    for (const other of ['5555550123', '(555) 555-0123', '+1 555 555 0123', '', '+1555', '+999999999999999'])
      expect(refusal(() => e164PhoneNumber(other, 'phone'))).toEqual({
        status: 400,
        code: 'invalid_phone_number',
        field: 'phone',
      });
  });

  it('reads limit, cursor and kind, refusing out-of-range values by name', () => {
    expect(parseQuery(timelineQuery, { limit: '5', kind: 'call' })).toEqual({ limit: 5, kind: 'call' });
    expect(refusal(() => parseQuery(timelineQuery, { limit: '0' }))).toMatchObject({
      status: 400,
      field: 'limit',
    });
    expect(refusal(() => parseQuery(timelineQuery, { limit: '101' }))).toMatchObject({ field: 'limit' });
    expect(refusal(() => parseQuery(timelineQuery, { limit: 'ten' }))).toMatchObject({ field: 'limit' });
    expect(refusal(() => parseQuery(timelineQuery, { kind: 'fax' }))).toMatchObject({ field: 'kind' });
  });
});

describe('CRM API request bodies', () => {
  const sends: unknown[] = [];
  const changes: unknown[] = [];
  const unused = () => {
    throw new Error('not read by these requests');
  };
  const api = createCrmApiHandler({
    activities: { getActivity: unused, timeline: unused, conversationActivities: unused },
    contacts: { getContact: unused, contactsByPhoneNumber: unused, upsertContact: unused },
    mediaLinks: { linksFor: unused },
    messageSending: {
      send: async (key: unknown, body: unknown) => {
        sends.push({ key, body });
        throw new Error('a refused body never reaches the sender');
      },
      show: unused,
    },
    suppressionList: {
      recordOf: async () => ({ suppressions: [], audit: [] }),
      changeByOperator: async (change: unknown) => void changes.push(change),
    },
    logger: { error: () => {}, info: () => {} },
  } as unknown as CrmApiDeps);
  const request = (method: string, path: string, body: string, base64 = false) => {
    const event = apiGatewayEvent({
      method,
      path,
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1' },
      body: Buffer.from(body),
      sourceIp: '127.0.0.1',
    });
    return api(
      base64 ? { ...event, body: Buffer.from(body).toString('base64'), isBase64Encoded: true } : event,
    );
  };
  const answer = async (response: Promise<{ statusCode?: number; body?: string }>) => {
    const { statusCode, body } = await response;
    return { statusCode, ...(JSON.parse(body ?? '{}') as object) };
  };

  it('answers a body that is not JSON with 400 invalid_json naming the body, and sends nothing', async () => {
    for (const [body, base64] of [
      ['{"to": "+15555550123", "text": ', false],
      ['to=+15555550123&text=hi', false],
      ['{not json', true],
    ] as const)
      await expect(answer(request('POST', '/v1/messages', body, base64))).resolves.toMatchObject({
        statusCode: 400,
        error: 'invalid_json',
        field: 'body',
      });
    expect(sends).toEqual([]);
  });

  it('refuses JSON of the wrong shape by the field at fault, and changes nothing', async () => {
    for (const body of ['[]', '"manual"', '{"reason": "opt-out"}', '{"note": 42}'])
      await expect(answer(request('PUT', '/v1/suppressions/%2B15555550123', body))).resolves.toMatchObject({
        statusCode: 400,
        error: 'invalid_request',
      });
    expect(changes).toEqual([]);
  });
});
