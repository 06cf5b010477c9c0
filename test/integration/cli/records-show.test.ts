import {
  ActivityRepository,
  ContactRepository,
  contactRecordOf,
  SuppressionListRepository,
} from '../../../lambdas/crm';
import { runAgainst, testTarget } from '../../support/cli';
import { changeFromWebhook } from '../../support/crm-changes';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import {
  callObject,
  contactNumber,
  contactObject,
  legacyEvent,
  messageObject,
  summaryObject,
  transcriptObject,
} from '../../support/openphone-payloads';

/** `contacts show`, `activities show` and `--json` on the CRM commands, against DynamoDB Local. */
let target: ReturnType<typeof testTarget>;
const customer = '+15555550177';
const callId = 'ACshowcall';

beforeAll(async () => {
  const documents = localDocumentClient();
  const crmTable = tableNamed(await createBridgeTables(), 'CrmTable');
  const activities = new ActivityRepository(documents, crmTable);
  const contacts = new ContactRepository(documents, crmTable);
  const suppressions = new SuppressionListRepository(documents, crmTable);
  target = testTarget({ activities, contacts, suppressions });
  const record = async (event: Record<string, unknown>) => {
    const change = changeFromWebhook(event);
    await activities.upsertActivity(change.update, change.eventTime);
  };
  const at = '2026-11-20T10:00:00.000Z';
  await record(
    legacyEvent(
      'message.received',
      messageObject({ id: 'ACshowmsg', from: customer, text: 'my secret order', createdAt: at }),
      at,
    ),
  );
  await record(
    legacyEvent(
      'call.completed',
      callObject({ id: callId, from: contactNumber, status: 'completed', createdAt: at }),
      at,
    ),
  );
  await record(legacyEvent('call.summary.completed', summaryObject({ callId }), at));
  await record(legacyEvent('call.transcript.completed', transcriptObject({ callId }), at));
  await contacts.upsertContact(contactRecordOf(contactObject({ id: 'CTshow' }) as never, at));
  await suppressions.changeByOperator({
    action: 'add',
    phoneNumber: customer,
    reason: 'manual',
    at,
    reference: 'operator:ada',
    note: 'asked not to be texted',
  });
}, 120_000);

const json = (stdout: string[]) => JSON.parse(stdout.join('\n')) as Record<string, unknown>;

describe('activities show', () => {
  it('prints the whole record, text and transcript only as sizes, numbers masked', async () => {
    const { code, stdout } = await runAgainst(target, 'activities', 'show', callId);
    expect(code).toBe(0);
    const text = stdout.join('\n');
    expect(text).toContain(`Activity ${callId} in the test target`);
    expect(text).toMatch(/summary: 1 lines/);
    expect(text).toMatch(/transcript: .*"dialogue":"2 lines"/);
    expect(text).toContain('sizes only; --show-text prints them');
    expect(text).not.toContain('where is my order');
    expect(text).not.toContain(contactNumber);
  });

  it('prints the words with --show-text, and the whole record as JSON with --json', async () => {
    const shown = (await runAgainst(target, 'activities', 'show', callId, '--show-text')).stdout.join('\n');
    expect(shown).toContain('Hi, where is my order?');
    expect(shown).toContain('The customer asked about delivery times.');
    expect(shown).toContain('…3333: Hi, where is my order?');
    expect(shown).not.toContain(contactNumber);
    const message = json((await runAgainst(target, '--json', 'activities', 'show', 'ACshowmsg')).stdout);
    expect(message).toMatchObject({
      activityId: 'ACshowmsg',
      kind: 'message',
      text: '15 characters',
      hidden: ['text'],
    });
    const whole = json(
      (await runAgainst(target, 'activities', 'show', 'ACshowmsg', '--json', '--show-text', '--show-numbers'))
        .stdout,
    );
    expect(whole).toMatchObject({ text: 'my secret order', from: customer });
    expect(whole).not.toHaveProperty('hidden');
  });

  it('fails with exit 1 for an unknown activity and 2 for something that is not an id', async () => {
    expect(await runAgainst(target, 'activities', 'show', 'ACnothing')).toMatchObject({
      code: 1,
      stderr: ['error: no activity ACnothing in the test target'],
    });
    expect((await runAgainst(target, 'activities', 'show', 'AC/../x')).code).toBe(2);
  });
});

describe('contacts show', () => {
  it('finds a contact by id or by phone number, numbers masked unless asked', async () => {
    const byId = await runAgainst(target, 'contacts', 'show', 'CTshow');
    expect(byId.code).toBe(0);
    expect(byId.stdout[0]).toBe('Contact CTshow in the test target');
    expect(byId.stdout.join('\n')).toContain('firstName: Ada');
    expect(byId.stdout.join('\n')).not.toContain(contactNumber);
    const byPhone = json(
      (await runAgainst(target, '--json', 'contacts', 'show', contactNumber, '--show-numbers')).stdout,
    );
    expect(byPhone.items).toEqual([
      expect.objectContaining({
        contactId: 'CTshow',
        phoneNumbers: [expect.objectContaining({ value: contactNumber })],
      }),
    ]);
    expect(await runAgainst(target, 'contacts', 'show', '+15550009999')).toMatchObject({
      code: 1,
      stderr: ['error: no contact …9999 in the test target'],
    });
  });
});

describe('--json on the CRM listings', () => {
  it('prints a timeline as JSON without message text unless --show-text', async () => {
    const page = json((await runAgainst(target, '--json', 'contacts', 'timeline', customer)).stdout);
    expect(page.items).toEqual([expect.objectContaining({ activityId: 'ACshowmsg', text: '15 characters' })]);
    expect(JSON.stringify(page)).not.toContain('my secret order');
  });

  it('prints suppressions list, show and export as JSON', async () => {
    const listed = json((await runAgainst(target, '--json', 'suppressions', 'list')).stdout);
    expect(listed.items).toEqual([
      {
        phoneNumber: '…0177',
        reason: 'manual',
        changedAt: '2026-11-20T10:00:00.000Z',
        reference: 'operator:ada',
      },
    ]);
    const shown = json((await runAgainst(target, '--json', 'suppressions', 'show', customer)).stdout);
    expect(shown).toMatchObject({
      phoneNumber: '…0177',
      suppressions: [expect.objectContaining({ reason: 'manual', active: true })],
      audit: [expect.objectContaining({ action: 'add', note: 'asked not to be texted' })],
    });
    const active = JSON.parse(
      (await runAgainst(target, '--json', 'suppressions', 'export', '--active')).stdout.join('\n'),
    ) as unknown[];
    expect(active).toEqual([expect.objectContaining({ phoneNumber: customer, reason: 'manual' })]);
    const trail = JSON.parse(
      (await runAgainst(target, '--json', 'suppressions', 'export', customer)).stdout.join('\n'),
    ) as unknown[];
    expect(trail).toEqual([
      expect.objectContaining({ phone: customer, action: 'add', by: 'ada', note: 'asked not to be texted' }),
    ]);
  });
});
