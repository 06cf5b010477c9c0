import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  ActivityRepository,
  ContactRepository,
  DirectoryRepository,
  directoryOf,
  ErasureRepository,
  SuppressionRepository,
} from '../../../lambdas/crm';
import { createCrmApiHandler, crmApiDocument, MediaLinks } from '../../../lambdas/crm-api';
import { apiGatewayEvent } from '../../../local/http-api';
import { startLocalS3, type RunningLocalS3 } from '../../../local/s3-local';
import { changeFromWebhook } from '../../support/crm-changes';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import { createOpenApiValidator, type OpenApiDocument } from '../../support/openapi';
import { legacyEvent, line, messageObject, userId } from '../../support/openphone-payloads';

const validator = createOpenApiValidator(crmApiDocument() as unknown as OpenApiDocument);
const bucket = 'media-api-erase';
const phone = '+15558880000';
let s3: RunningLocalS3;
let writer: ActivityRepository;
let suppressions: SuppressionRepository;
let api: ReturnType<typeof createCrmApiHandler>;

beforeAll(async () => {
  s3 = await startLocalS3([bucket]);
  const documents = localDocumentClient();
  const crmTable = tableNamed(await createBridgeTables(), 'CrmTable');
  // Written before any import stored the directory: no names on the items.
  writer = new ActivityRepository(documents, crmTable);
  for (const id of ['ACpeople1', 'ACpeople2']) {
    const change = changeFromWebhook(
      legacyEvent(
        'message.received',
        messageObject({ id, from: phone, userId, media: [] }),
        '2026-11-20T10:00:00.000Z',
      ),
    );
    await writer.upsertActivity(change.update, change.eventTime);
  }
  await new DirectoryRepository(documents, crmTable).replaceDirectory(
    directoryOf([
      {
        id: line.id,
        number: line.number,
        name: 'Support line',
        users: [
          { id: userId, firstName: 'Katherine', lastName: 'Johnson', email: 'kj@example.com', role: 'admin' },
        ],
      },
      {
        id: 'PNsecond01',
        number: '+15550002222',
        name: null,
        users: [{ id: userId, firstName: 'Katherine', lastName: 'Johnson' }],
      },
    ]),
    '2026-11-20T00:00:00.000Z',
  );
  suppressions = new SuppressionRepository(documents, crmTable);
  api = createCrmApiHandler({
    activities: new ActivityRepository(documents, crmTable),
    contacts: new ContactRepository(documents, crmTable),
    mediaLinks: new MediaLinks(s3.client(), bucket),
    directory: new DirectoryRepository(documents, crmTable),
    erasure: new ErasureRepository(documents, crmTable, {
      s3: s3.client(),
      mediaBucket: bucket,
      indexSettleMs: 0,
    }),
    logger: new Logger({ logLevel: 'SILENT' }),
  });
}, 120_000);
afterAll(() => s3.stop());

/** One request through the handler; a documented answer is checked against the OpenAPI document. */
async function call(method: 'GET' | 'DELETE', path: string, caller?: string) {
  const event = apiGatewayEvent({ method, path, headers: {}, body: Buffer.alloc(0) });
  const withCaller = caller
    ? ({
        ...event,
        requestContext: { ...event.requestContext, authorizer: { iam: { userArn: caller } } },
      } as APIGatewayProxyEventV2)
    : event;
  const response = await api(withCaller);
  const body = JSON.parse(response.body ?? 'null') as Record<string, unknown>;
  const template = validator.templateOf(method, path.split('?')[0]!);
  expect(template).toBeDefined();
  expect(validator.validateResponse(method, template!, response.statusCode ?? 200, body)).toEqual({
    valid: true,
  });
  return { status: response.statusCode, body };
}

describe('people and privacy routes', () => {
  it('GET /v1/users lists the workspace users with the numbers each holds', async () => {
    expect(await call('GET', '/v1/users')).toEqual({
      status: 200,
      body: {
        items: [
          {
            id: userId,
            name: 'Katherine Johnson',
            firstName: 'Katherine',
            lastName: 'Johnson',
            email: 'kj@example.com',
            role: 'admin',
            phoneNumbers: [
              { id: line.id, number: line.number, name: 'Support line' },
              { id: 'PNsecond01', number: '+15550002222' },
            ],
          },
        ],
      },
    });
  });

  it('fills in the names an older activity was stored without, in the activity and the timeline', async () => {
    const activity = await call('GET', '/v1/activities/ACpeople1');
    expect(activity.body).toMatchObject({
      userId,
      userName: 'Katherine Johnson',
      phoneNumberId: line.id,
      phoneNumberName: 'Support line',
    });
    const timeline = await call('GET', `/v1/contacts/${encodeURIComponent(phone)}/timeline`);
    expect(timeline.body.items).toEqual([
      expect.objectContaining({ userName: 'Katherine Johnson', phoneNumberName: 'Support line' }),
      expect.objectContaining({ userName: 'Katherine Johnson', phoneNumberName: 'Support line' }),
    ]);
  });

  it('DELETE /v1/contacts/{phone}/data erases the history, keeps the suppression, and refuses a bad number', async () => {
    await suppressions.changeSuppression({
      phoneNumber: phone,
      reason: 'opt-out',
      action: 'add',
      at: '2026-11-20T10:01:00.000Z',
      reference: 'ACstop',
    });
    expect((await call('DELETE', '/v1/contacts/5558880000/data')).body).toMatchObject({
      error: 'invalid_phone_number',
      field: 'phone',
    });

    const erased = await call(
      'DELETE',
      `/v1/contacts/${encodeURIComponent(phone)}/data`,
      'arn:aws:iam::1:role/crm',
    );
    expect(erased).toEqual({
      status: 200,
      body: {
        phoneNumber: phone,
        erased: {
          activities: 2,
          media: 0,
          contacts: 0,
          apiMessages: 0,
          eventPayloads: 0,
          campaignRecipients: 0,
        },
        erasedAt: expect.any(String),
        expiringCopies: [expect.objectContaining({ expiresWithin: '14 days' })],
      },
    });
    expect((await call('GET', '/v1/activities/ACpeople1')).status).toBe(404);
    expect((await call('GET', `/v1/contacts/${encodeURIComponent(phone)}/timeline`)).body.items).toEqual([]);
    expect(await suppressions.isSuppressed(phone)).toBe(true);
  });
});
