import { ContactRepository, HeldSecondSweeps } from '../../../lambdas/crm';
import { readSecondSweepInvocation, runSecondSweep } from '../../../lambdas/crm-api';
import { ErasureRepository } from '../../../lambdas/crm/adapters/erasure-repository';
import { contactChangeFromWebhook, type ContactRecord } from '../../../lambdas/crm/domain/contact-records';
import { parseWebhookEvent } from '../../../lambdas/openphone/domain/webhook-payloads';
import { startLocalS3, type RunningLocalS3 } from '../../../local/s3-local';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import { contactObject, legacyEvent } from '../../support/openphone-payloads';

// Review of c59056e (the second sweep held by id): the Lambda still takes the old input, the sweep
// itself, from any invoker, and `sweepAgain` checks nothing about it: no erase of that number at
// that `erasedAt` need exist. The old shape is kept only for executions started before the deploy
// (the state machine times out after 2 h), so it could be refused unless its erase is on record.

jest.setTimeout(60_000);
const bucket = 'media-second-sweep-input-review';
let s3: RunningLocalS3;
beforeAll(async () => {
  s3 = await startLocalS3([bucket]);
});
afterAll(() => s3.stop());

const neverErased = '+15557770001';

function contactWith(number: string): ContactRecord {
  const iso = '2026-11-10T09:00:00.000Z';
  const parsed = parseWebhookEvent(
    legacyEvent(
      'contact.updated',
      contactObject({ id: 'CTnotErased', phoneNumbers: [{ name: 'mobile', value: number, id: 'p1' }] }),
      iso,
    ),
  );
  if (!parsed.ok) throw new Error(parsed.reason);
  const mapped = contactChangeFromWebhook(parsed.value, iso);
  if (!mapped.ok || mapped.change.kind !== 'upsert') throw new Error('expected a contact upsert');
  return mapped.change.contact;
}

it('an invocation in the old shape for a number nobody erased erases nothing', async () => {
  const documents = localDocumentClient();
  const crmTable = tableNamed(await createBridgeTables(), 'CrmTable');
  const contacts = new ContactRepository(documents, crmTable);
  await contacts.upsertContact(contactWith(neverErased));
  const erasure = new ErasureRepository(documents, crmTable, { s3: s3.client(), mediaBucket: bucket });

  // What `aws lambda invoke` with this payload does to the CRM API function (lambdas/crm-api/handler.ts).
  const forged = {
    secondSweep: { phoneNumber: neverErased, erasedAt: '2999-01-01T00:00:00.000Z', conversationKeys: [] },
  };
  await runSecondSweep(readSecondSweepInvocation(forged), {
    erasure,
    heldSweeps: new HeldSecondSweeps(documents, crmTable),
    logger: { info: () => undefined, warn: () => undefined },
  });

  expect(await erasure.erasureAudit(neverErased)).toEqual([]); // no erase on record...
  expect((await contacts.getContact('CTnotErased'))?.firstName).toBe('Ada'); // ...so nothing erased
});
