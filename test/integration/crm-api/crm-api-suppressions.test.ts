import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import {
  ActivityRepository,
  ContactRepository,
  SuppressionListRepository,
  SuppressionRepository,
} from '../../../lambdas/crm';
import { createCrmApiHandler, MediaLinks } from '../../../lambdas/crm-api';
import { crmApiCaller } from '../../support/crm-api';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';

/**
 * GET/PUT/DELETE /v1/suppressions/{phone} on DynamoDB Local: the CLI's rules (manual adds, an
 * opt-out lifted only with the person's renewed consent) and its audit trail, with source `api`.
 */
let suppressions: SuppressionRepository;
let list: SuppressionListRepository;
let call: ReturnType<typeof crmApiCaller>;
let now = Date.parse('2026-11-20T10:00:00.000Z');

beforeAll(async () => {
  const names = await createBridgeTables();
  const documents = localDocumentClient();
  const crmTable = tableNamed(names, 'CrmTable');
  suppressions = new SuppressionRepository(documents, crmTable);
  list = new SuppressionListRepository(documents, crmTable);
  call = crmApiCaller(
    createCrmApiHandler({
      activities: new ActivityRepository(documents, crmTable),
      contacts: new ContactRepository(documents, crmTable),
      suppressionList: list,
      openPhone: {
        createContact: () => Promise.reject(new Error('suppressions do not call OpenPhone')),
        updateContact: () => Promise.reject(new Error('suppressions do not call OpenPhone')),
      },
      mediaLinks: new MediaLinks(new S3Client({ region: 'us-east-1' }), 'unused'),
      logger: new Logger({ logLevel: 'SILENT' }),
      // Each change a minute after the last, so the audit trail has an order to assert.
      clock: () => new Date((now += 60_000)),
    }),
  );
}, 120_000);

let counter = 0;
const freshNumber = () => `+1555${String(6_200_000 + counter++).padStart(7, '0')}`;
const path = (phone: string, query = '') => `/v1/suppressions/${encodeURIComponent(phone)}${query}`;

async function optOut(phone: string) {
  await suppressions.addSuppression({
    phoneNumber: phone,
    reason: 'opt-out',
    at: '2026-11-01T00:00:00.000Z',
    reference: 'ACstop1',
  });
}

describe('/v1/suppressions/{phone}', () => {
  it('shows a number never suppressed as not suppressed, with an empty trail', async () => {
    const phone = freshNumber();
    expect(await call('GET', path(phone))).toMatchObject({
      status: 200,
      body: { phoneNumber: phone, suppressed: false, active: [], audit: [] },
    });
  });

  it('PUT suppresses a number (manual) with the note on the audit trail, source api', async () => {
    const phone = freshNumber();
    const put = await call('PUT', path(phone), { body: { note: 'asked by phone not to be texted' } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ suppressed: true, reason: 'manual', since: expect.any(String) });
    expect(put.body.audit).toEqual([
      {
        at: put.body.since,
        action: 'add',
        reason: 'manual',
        source: 'api',
        note: 'asked by phone not to be texted',
      },
    ]);
    // The campaign sender's gate sees it.
    expect(await suppressions.isSuppressed(phone)).toBe(true);
    expect((await list.listActive('manual')).map((s) => s.phoneNumber)).toContain(phone);
    expect((await call('GET', path(phone))).body).toEqual(put.body);
  });

  it('PUT adds only manual, and names what it refuses', async () => {
    const phone = freshNumber();
    expect((await call('PUT', path(phone), { body: { reason: 'opt-out' } })).body).toMatchObject({
      error: 'invalid_request',
      field: 'reason',
    });
    expect((await call('PUT', path('5550100'), { body: {} })).body).toMatchObject({
      error: 'invalid_phone_number',
      field: 'phone',
    });
    expect((await call('PUT', path(phone), { body: { note: 'x', extra: 1 } })).body).toMatchObject({
      field: 'extra',
    });
    expect(await suppressions.isSuppressed(phone)).toBe(false);
  });

  it('DELETE lifts an opt-out only with confirmConsent=true and a note saying how, and lifts nothing else meanwhile', async () => {
    const phone = freshNumber();
    await optOut(phone);
    await call('PUT', path(phone), { body: { note: 'asked by e-mail' } });
    const unchanged = (await call('GET', path(phone))).body;
    expect(await call('DELETE', path(phone))).toMatchObject({
      status: 400,
      body: { error: 'consent_confirmation_required', field: 'confirmConsent' },
    });
    expect(await call('DELETE', path(phone, '?confirmConsent=false&note=x'))).toMatchObject({
      status: 400,
      body: { field: 'confirmConsent' },
    });
    expect(await call('DELETE', path(phone, '?confirmConsent=true'))).toMatchObject({
      status: 400,
      body: { error: 'consent_note_required', field: 'note' },
    });
    expect(await call('DELETE', path(phone, '?confirmConsent=true&note=%20%20'))).toMatchObject({
      status: 400,
      body: { field: 'note' },
    });
    // A refusal changes nothing: neither reason lifted, no audit entry.
    expect((await call('GET', path(phone))).body).toEqual(unchanged);
    expect(unchanged.active).toEqual([
      { reason: 'opt-out', since: '2026-11-01T00:00:00.000Z' },
      { reason: 'manual', since: expect.any(String) },
    ]);

    const lifted = await call('DELETE', path(phone, '?confirmConsent=true&note=texted%20START%20again'), {
      jwtSubject: 'crm-sync-client',
    });
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ suppressed: false, active: [] });
    expect(lifted.body.audit).toEqual([
      { at: '2026-11-01T00:00:00.000Z', action: 'add', reason: 'opt-out', source: 'message', by: 'ACstop1' },
      expect.objectContaining({ action: 'add', reason: 'manual', source: 'api', note: 'asked by e-mail' }),
      expect.objectContaining({
        action: 'remove',
        reason: 'manual',
        source: 'api',
        by: 'crm-sync-client',
        note: 'texted START again',
      }),
      expect.objectContaining({
        action: 'remove',
        reason: 'opt-out',
        source: 'api',
        by: 'crm-sync-client',
        note: 'texted START again',
      }),
    ]);
    expect(await suppressions.isSuppressed(phone)).toBe(false);
  });

  it('records the caller who suppressed a number, and refuses a suppression without a note', async () => {
    const phone = freshNumber();
    expect(await call('PUT', path(phone), { body: {} })).toMatchObject({
      status: 400,
      body: { field: 'note' },
    });
    expect(await suppressions.isSuppressed(phone)).toBe(false);
    const put = await call('PUT', path(phone), {
      body: { note: 'complaint by phone' },
      jwtSubject: 'ops-dashboard',
    });
    expect(put.body.audit).toEqual([
      expect.objectContaining({
        action: 'add',
        source: 'api',
        by: 'ops-dashboard',
        note: 'complaint by phone',
      }),
    ]);
    const { audit } = await list.recordOf(phone);
    expect(audit[0]).toMatchObject({ reference: 'api:ops-dashboard', note: 'complaint by phone' });
  });

  it('DELETE lifts one reason when asked, a bounce without consent but with a note, and says when it is not active', async () => {
    const phone = freshNumber();
    await optOut(phone);
    await suppressions.addSuppression({
      phoneNumber: phone,
      reason: 'bounce',
      at: '2026-11-03T00:00:00.000Z',
      reference: 'ACfail',
    });
    expect(await call('DELETE', path(phone, '?reason=bounce'))).toMatchObject({
      status: 400,
      body: { error: 'note_required', field: 'note' },
    });
    const afterBounce = await call('DELETE', path(phone, '?reason=bounce&note=number%20works%20again'));
    expect(afterBounce.body.active).toEqual([{ reason: 'opt-out', since: '2026-11-01T00:00:00.000Z' }]);
    expect(await call('DELETE', path(phone, '?reason=manual'))).toMatchObject({
      status: 409,
      body: { error: 'not_suppressed', field: 'reason' },
    });
    expect(await call('DELETE', path(phone, '?reason=opt-out'))).toMatchObject({
      status: 400,
      body: { error: 'consent_confirmation_required' },
    });
    expect((await call('DELETE', path(phone, '?reason=nonsense'))).body).toMatchObject({ field: 'reason' });
  });

  describe('a review (a possible opt-out)', () => {
    async function inReview(phone: string) {
      await suppressions.addSuppression({
        phoneNumber: phone,
        reason: 'review',
        at: '2026-11-02T00:00:00.000Z',
        reference: 'ACmaybe',
        matched: 'remove …',
      });
    }

    it('is never lifted by a plain DELETE, with or without reason=review', async () => {
      const phone = freshNumber();
      await inReview(phone);
      for (const query of ['', '?reason=review', '?reason=review&confirmConsent=true&note=ok'])
        expect(await call('DELETE', path(phone, query))).toMatchObject({
          status: 409,
          body: { error: 'review_needs_resolution' },
        });
      expect((await call('GET', path(phone))).body).toMatchObject({ suppressed: true, reason: 'review' });
    });

    it('is cleared by resolution not-an-opt-out, with the caller, the choice and the note on the trail', async () => {
      const phone = freshNumber();
      await inReview(phone);
      const cleared = await call('POST', path(phone, '/review'), {
        body: { resolution: 'not-an-opt-out', note: 'asked us to remove an old water heater' },
        jwtSubject: 'front-desk',
      });
      expect(cleared).toMatchObject({ status: 200, body: { suppressed: false, active: [] } });
      expect(cleared.body.audit).toEqual([
        expect.objectContaining({ action: 'add', reason: 'review', source: 'message', matched: 'remove …' }),
        expect.objectContaining({
          action: 'remove',
          reason: 'review',
          source: 'api',
          by: 'front-desk',
          resolution: 'not-an-opt-out',
          note: 'asked us to remove an old water heater',
        }),
      ]);
    });

    it('is confirmed by resolution opt-out: the number is opted out from then on', async () => {
      const phone = freshNumber();
      await inReview(phone);
      const confirmed = await call('POST', path(phone, '/review'), { body: { resolution: 'opt-out' } });
      expect(confirmed.body).toMatchObject({
        suppressed: true,
        reason: 'opt-out',
        active: [{ reason: 'opt-out', since: expect.any(String) }],
      });
    });

    it('refuses a settlement without a resolution, or of a number not in review, and changes nothing', async () => {
      const phone = freshNumber();
      await inReview(phone);
      for (const body of [{}, { resolution: 'maybe' }, { resolution: 'opt-out', extra: 1 }])
        expect((await call('POST', path(phone, '/review'), { body })).status).toBe(400);
      expect((await call('POST', path(phone, '/review'), { body: {} })).body).toMatchObject({
        field: 'resolution',
      });
      expect((await call('GET', path(phone))).body).toMatchObject({
        reason: 'review',
        audit: [expect.anything()],
      });
      const other = freshNumber();
      expect(
        await call('POST', path(other, '/review'), { body: { resolution: 'not-an-opt-out' } }),
      ).toMatchObject({
        status: 409,
        body: { error: 'not_in_review' },
      });
    });
  });

  it('DELETE of a number with nothing active answers its unchanged state', async () => {
    const phone = freshNumber();
    expect(await call('DELETE', path(phone))).toMatchObject({
      status: 200,
      body: { suppressed: false, audit: [] },
    });
  });
});
