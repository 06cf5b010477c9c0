import { ConversationRepository } from '../../../lambdas/crm/adapters/conversation-repository';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../../local/openphone-simulator';
import { localDocumentClient } from '../../support/dynamo';
import { importDeps, importTables, importUntilDone } from '../../support/import-harness';

describe('a history import keeps conversation state', () => {
  let simulator: OpenPhoneSimulator;

  beforeAll(async () => {
    simulator = await startOpenPhoneSimulator({
      seed: 24,
      workspace: {
        phoneNumbers: 1,
        conversationsPerNumber: 3,
        messagesPerConversation: 4,
        callsPerConversation: 2,
        contacts: 0,
      },
    });
  }, 120_000);
  afterAll(() => simulator.stop());

  it('gives every imported conversation a record with its assignee and last activities', async () => {
    const tables = await importTables();
    const conversations = new ConversationRepository(localDocumentClient(), tables.crmTable);
    const { output } = await importUntilDone({ importId: 'conversations-1', kind: 'full' }, () =>
      importDeps(simulator, tables, { conversations }),
    );
    expect(output).toMatchObject({ done: true, status: 'completed' });
    for (const simulated of simulator.workspace.conversations()) {
      const record = await conversations.conversation(simulated.id);
      expect(record).toMatchObject({
        conversationId: simulated.id,
        phoneNumberId: simulated.phoneNumberId,
        contactNumber: simulated.participant,
        ...(simulated.userId ? { assignedTo: simulated.userId } : {}),
      });
      expect(record?.lastInbound ?? record?.lastOutbound).toBeDefined();
    }
  }, 180_000);
});
