import {
  OpenPhoneApiError,
  OpenPhoneNetworkError,
  OpenPhoneNoCreditsError,
  OpenPhoneOutcomeUnknownError,
  RateLimitWaitExceededError,
} from '../../../lambdas/openphone';
import { refusalOfOpenPhone } from '../../../lambdas/crm-api/routes/openphone-refusals';

const request = { method: 'PATCH', path: '/v1/contacts/CT1' };
const apiError = (status: number, details: Record<string, unknown>[] = []) =>
  new OpenPhoneApiError({ request, status, message: 'nope', trace: 'tr1', details });

describe('OpenPhone refusals as CRM API errors', () => {
  it("names the field OpenPhone refused, in this API's spelling", () => {
    const refusal = refusalOfOpenPhone(
      apiError(400, [{ path: '/defaultFields/emails/0/value', message: 'Expected an email' }]),
      'the contact update',
    );
    expect(refusal).toMatchObject({
      status: 400,
      code: 'openphone_rejected',
      field: 'emails.0.value',
      message: 'OpenPhone refused the contact update: Expected an email',
    });
  });

  it('maps what OpenPhone does not have to 404, and its own trouble to 503 with the trace', () => {
    expect(refusalOfOpenPhone(apiError(404), 'the contact update')).toMatchObject({
      status: 404,
      code: 'not_found',
    });
    expect(refusalOfOpenPhone(apiError(500), 'the contact update')).toMatchObject({
      status: 503,
      code: 'openphone_unavailable',
      message: expect.stringContaining('trace tr1'),
    });
    expect(
      refusalOfOpenPhone(new OpenPhoneNoCreditsError({ request, status: 402, message: 'no credits' }), 'x'),
    ).toMatchObject({ status: 503 });
    expect(refusalOfOpenPhone(new OpenPhoneNetworkError(request, 'ECONNREFUSED'), 'x')).toMatchObject({
      status: 503,
      code: 'openphone_unavailable',
    });
  });

  it('answers 429 with Retry-After when the shared limit is saturated, and outcome_unknown for a maybe-made create', () => {
    expect(refusalOfOpenPhone(new RateLimitWaitExceededError('interactive', 2000), 'x')).toMatchObject({
      status: 429,
      headers: { 'retry-after': '1' },
    });
    expect(
      refusalOfOpenPhone(
        new OpenPhoneOutcomeUnknownError({ request, reason: 'timeout' }),
        'the contact creation',
      ),
    ).toMatchObject({ status: 503, code: 'outcome_unknown' });
  });

  it('leaves errors that are not OpenPhone’s alone (they are 500s)', () => {
    expect(refusalOfOpenPhone(new Error('bug'), 'x')).toBeUndefined();
  });
});
