import { ApiRequestError } from '../../../lambdas/crm-api/errors';
import { e164PhoneNumber, parseQuery, timelineQuery } from '../../../lambdas/crm-api/domain/requests';
import { matchRoute } from '../../../lambdas/crm-api/domain/routes';

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
