import { ActivityRepository } from '../../../lambdas/crm/adapters/activity-repository';
import { ErasureRepository } from '../../../lambdas/crm/adapters/erasure-repository';
import { startLocalS3, type RunningLocalS3 } from '../../../local/s3-local';
import { runAgainst, testTarget } from '../../support/cli';
import { changeFromWebhook } from '../../support/crm-changes';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import { legacyEvent, messageObject } from '../../support/openphone-payloads';

describe('contacts erase', () => {
  const customer = '+15555550177';
  let s3: RunningLocalS3;
  let activities: ActivityRepository;
  let erasure: ErasureRepository;

  beforeAll(async () => {
    s3 = await startLocalS3(['media-cli-erase']);
    const crmTable = tableNamed(await createBridgeTables(), 'CrmTable');
    activities = new ActivityRepository(localDocumentClient(), crmTable);
    erasure = new ErasureRepository(localDocumentClient(), crmTable, {
      s3: s3.client(),
      mediaBucket: 'media-cli-erase',
    });
    const createdAt = '2026-11-20T10:00:00.000Z';
    const change = changeFromWebhook(
      legacyEvent('message.received', messageObject({ id: 'ACcli1', from: customer, createdAt }), createdAt),
    );
    await activities.upsertActivity(change.update, change.eventTime);
  }, 120_000);
  afterAll(() => s3.stop());

  it('refuses without --yes and erases nothing', async () => {
    const { code, stderr } = await runAgainst(testTarget({ erasure }), 'contacts', 'erase', customer);
    expect(code).not.toBe(0);
    expect(stderr.join('\n')).toMatch(/add --yes/);
    expect(await activities.getActivity('ACcli1')).toBeDefined();
  });

  it('erases with --yes, prints the counts masked, and audits the operator', async () => {
    const { code, stdout } = await runAgainst(
      testTarget({ erasure }),
      'contacts',
      'erase',
      customer,
      '--yes',
    );
    expect(code).toBe(0);
    expect(stdout[0]).toBe(
      'erased …0177 in the test target: 1 activities, 0 media objects, 0 contacts, 0 sent messages, 0 webhook bodies, 0 campaign recipients',
    );
    expect(stdout[1]).toMatch(/^not reachable: dead-letter queues .*, gone within 14 days$/);
    expect(stdout.join('\n')).not.toContain(customer);
    expect(await activities.getActivity('ACcli1')).toBeUndefined();
    expect((await erasure.erasureAudit(customer))[0]!.requestedBy).toMatch(/^cli:/);
  });
});
