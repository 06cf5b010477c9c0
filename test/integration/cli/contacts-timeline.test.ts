import { ActivityRepository } from '../../../lambdas/crm/adapters/activity-repository';
import { DirectoryRepository } from '../../../lambdas/crm/adapters/directory-repository';
import { directoryOf } from '../../../lambdas/crm/domain/directory';
import { createBridgeTables, localDocumentClient, tableNamed } from '../../support/dynamo';
import { runAgainst, testTarget } from '../../support/cli';
import { changeFromWebhook } from '../../support/crm-changes';
import { callObject, legacyEvent, line, messageObject } from '../../support/openphone-payloads';

describe('contacts timeline', () => {
  let activities: ActivityRepository;
  const customer = '+15555550123';

  beforeAll(async () => {
    const crmTable = tableNamed(await createBridgeTables(), 'CrmTable');
    await new DirectoryRepository(localDocumentClient(), crmTable).replaceDirectory(
      directoryOf([{ id: line.id, number: line.number, name: 'Sales line', users: [] }]),
      '2026-11-20T00:00:00.000Z',
    );
    activities = new ActivityRepository(localDocumentClient(), crmTable);
    for (let i = 0; i < 3; i++) {
      const createdAt = `2026-11-20T10:0${i}:00.000Z`;
      const change = changeFromWebhook(
        legacyEvent(
          'message.received',
          messageObject({ id: `ACmsg${i}`, from: customer, text: `secret text ${i}`, createdAt }),
          createdAt,
        ),
      );
      await activities.upsertActivity(change.update, change.eventTime);
    }
    const completed = '2026-11-20T11:00:00.000Z';
    const call = changeFromWebhook(
      legacyEvent(
        'call.completed',
        callObject({
          id: 'ACcall1',
          from: customer,
          status: 'completed',
          createdAt: completed,
          answeredAt: completed,
          completedAt: '2026-11-20T11:03:05.000Z',
        }),
        completed,
      ),
    );
    await activities.upsertActivity(call.update, call.eventTime);
  }, 120_000);

  it("shows a contact's activities newest first, masked, without message text", async () => {
    const { code, stdout } = await runAgainst(
      testTarget({ activities }),
      'contacts',
      'timeline',
      '(555) 555-0123',
    );
    expect(code).toBe(0);
    expect(stdout[0]).toBe('Timeline of …0123 in the test target, newest first');
    const rows = stdout.filter((l) => /^2026-/.test(l));
    expect(rows.map((l) => l.split(/\s+/)[1])).toEqual(['call', 'message', 'message', 'message']);
    expect(rows[1]).toContain('text 13 chars');
    expect(rows[1]).toContain('Sales line');
    expect(stdout.join('\n')).not.toContain('secret text');
    expect(stdout.join('\n')).not.toContain(customer);
  });

  it('pages with the printed cursor and prints text only when asked', async () => {
    const first = await runAgainst(
      testTarget({ activities }),
      'contacts',
      'timeline',
      customer,
      '--limit',
      '2',
      '--show-text',
    );
    const cursor = /--cursor (\S+)/.exec(first.stdout.join('\n'))?.[1];
    expect(cursor).toBeDefined();
    expect(first.stdout.join('\n')).toContain('"secret text 2"');
    const second = await runAgainst(
      testTarget({ activities }),
      'contacts',
      'timeline',
      customer,
      '--limit',
      '2',
      '--cursor',
      cursor!,
    );
    const secondRows = second.stdout.filter((l) => /^2026-/.test(l));
    expect(secondRows).toHaveLength(2);
    expect(secondRows.every((l) => l.includes('message'))).toBe(true);
  });

  it('refuses something that is not a phone number with exit code 2', async () => {
    const { code, stderr } = await runAgainst(testTarget({ activities }), 'contacts', 'timeline', 'abc');
    expect(code).toBe(2);
    expect(stderr.join('\n')).toMatch(/"abc" is not a phone number/);
  });
});
