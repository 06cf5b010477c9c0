import { targetConversationActions } from '../../cli/conversation-actions';
import { ConversationRepository } from '../../lambdas/crm';
import { OpenPhoneClient } from '../../lambdas/openphone';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../local/openphone-simulator';
import { runAgainst, testTarget } from '../support/cli';
import { changeFromWebhook } from '../support/crm-changes';
import { createBridgeTables, localDocumentClient, tableNamed } from '../support/dynamo';
import { legacyEvent, messageObject } from '../support/openphone-payloads';

jest.setTimeout(60_000);

const unlimited = { acquire: async () => ({ grantedAt: Date.now() }) } as never;

/** `conversations done|open` and `conversations tasks list|create`, on DynamoDB Local and the simulator. */
describe('the conversations commands', () => {
  let simulator: OpenPhoneSimulator;
  let conversations: ConversationRepository;
  let cli: (...argv: string[]) => ReturnType<typeof runAgainst>;

  beforeAll(async () => {
    simulator = await startOpenPhoneSimulator({
      seed: 125,
      workspace: { phoneNumbers: 1, conversationsPerNumber: 2 },
    });
    const documents = localDocumentClient();
    const crmTable = tableNamed(await createBridgeTables(), 'CrmTable');
    conversations = new ConversationRepository(documents, crmTable);
    const client = new OpenPhoneClient({
      apiKey: simulator.apiKey,
      rateLimiter: unlimited,
      baseUrl: simulator.url,
    });
    const target = testTarget({
      conversations: targetConversationActions({ documents, crmTable, openPhone: async () => client }),
    });
    cli = (...argv) => runAgainst(target, ...argv);
    for (const conversation of simulator.workspace.conversations()) {
      const at = new Date(Date.now() - 60_000).toISOString();
      const object = messageObject({
        id: `ACcli${conversation.index}`,
        conversationId: conversation.id,
        from: conversation.participant,
        media: [],
        createdAt: at,
      });
      await conversations.recordActivity(
        changeFromWebhook(legacyEvent('message.received', object, at)).update,
      );
    }
  }, 120_000);
  afterAll(() => simulator.stop());

  it('conversations done ends the wait, in OpenPhone and the CRM; open reopens the inbox', async () => {
    const [conversation] = simulator.workspace.conversations();
    const done = await cli('conversations', 'done', conversation!.id);
    expect(done).toMatchObject({ code: 0, stderr: [] });
    expect(done.stdout.join('\n')).toMatch(/inbox +done/);
    expect(done.stdout.join('\n')).toMatch(/waiting +no/);
    expect(simulator.workspace.conversationById(conversation!.id)?.inboxStatus).toBe('done');
    expect((await conversations.conversation(conversation!.id))?.waiting).toBe(false);

    const open = await cli('--json', 'conversations', 'open', conversation!.id);
    expect(JSON.parse(open.stdout.join('\n'))).toMatchObject({
      conversation: { inboxStatus: 'open', waiting: false },
    });
  });

  it('conversations tasks create prints the task id, and tasks list shows it', async () => {
    const [, conversation] = simulator.workspace.conversations();
    const created = await cli(
      'conversations',
      'tasks',
      'create',
      conversation!.id,
      '--title',
      'Call back',
      '--due',
      '2026-12-08T09:00:00-05:00',
    );
    expect(created.code).toBe(0);
    const [id] = created.stdout;
    expect(id).toMatch(/^TK/);
    const listed = await cli('conversations', 'tasks', 'list', conversation!.id);
    expect(listed.stdout.join('\n')).toContain(id);
    expect(listed.stdout.join('\n')).toContain('Call back');
  });

  it('names the flag of a bad value (exit 2) and says what OpenPhone or the CRM refused (exit 1)', async () => {
    const [conversation] = simulator.workspace.conversations();
    const badDue = await cli(
      'conversations',
      'tasks',
      'create',
      conversation!.id,
      '--title',
      'x',
      '--due',
      'friday',
    );
    expect(badDue.code).toBe(2);
    expect(badDue.stderr.join('\n')).toMatch(/--due/);
    const unknown = await cli('conversations', 'done', 'CNnobody');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.join('\n')).toMatch(/not_found/);
    const refused = await cli(
      'conversations',
      'tasks',
      'create',
      conversation!.id,
      '--title',
      'x',
      '--assignee',
      'USnobody',
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr.join('\n')).toMatch(/openphone_refused/);
  });
});
