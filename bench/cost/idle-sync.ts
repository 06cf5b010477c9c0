// What an hourly sync costs when nothing changed, measured: two incremental syncs of a small
// simulated workspace through the template's state machine (aws-local-stepfunctions), the import
// Lambda's handler and DynamoDB Local; the second finds nothing new and is the one counted.
import {
  ActivityRepository,
  ContactRepository,
  ConversationRepository,
  DirectoryRepository,
} from '../../lambdas/crm';
import { ImportRepository } from '../../lambdas/history-import';
import { OpenPhoneClient, SharedTokenBucket } from '../../lambdas/openphone';
import type { CfnTemplate } from '../../local/cfn-tables';
import { runImportLocally } from '../../local/import-runner';
import { startOpenPhoneSimulator } from '../../local/openphone-simulator';
import { meteredTables } from '../capacity-meter';
import type { IdleSyncUnits } from './per-event';

export interface IdleSync extends IdleSyncUnits {
  openPhoneRequests: number;
}

export async function measureIdleSync(endpoint: string, template: CfnTemplate): Promise<IdleSync> {
  const { writes, reads, client, documents, table } = await meteredTables(endpoint, template, 'sync');
  const apiKey = 'bench-idle-sync-key';
  const simulator = await startOpenPhoneSimulator({
    port: 0,
    seed: 11,
    apiKey,
    workspace: {
      phoneNumbers: 1,
      conversationsPerNumber: 3,
      messagesPerConversation: 3,
      callsPerConversation: 1,
      contacts: 3,
    },
  });
  try {
    const crmTable = table('CrmTable');
    const store = new ImportRepository(documents, table('ImportTable'));
    const openPhone = new OpenPhoneClient({
      apiKey,
      baseUrl: simulator.url,
      lane: 'import',
      rateLimiter: new SharedTokenBucket({ client, tableName: table('RateLimit'), apiKey }),
    });
    const sync = async (importId: string) => {
      let transitions = 0;
      let importInvocations = 0;
      await runImportLocally(
        { importId, kind: 'incremental', scope: { phoneNumbers: [], includeContacts: true } },
        {
          template,
          deps: () => {
            importInvocations++;
            const directory = new DirectoryRepository(documents, crmTable);
            const activities = new ActivityRepository(documents, crmTable, { directory });
            return {
              openPhone,
              store,
              activities,
              deletedConversations: activities,
              contacts: new ContactRepository(documents, crmTable),
              conversations: new ConversationRepository(documents, crmTable),
              directory,
              remainingTimeMs: () => 300_000,
            };
          },
          onEvent: (event) => {
            if (event.type === 'StateEntered' || event.type === 'StateRetried') transitions++;
          },
        },
      );
      const run = await store.requireRun(importId);
      if (run.status !== 'completed') throw new Error(`the sync ${importId} ended ${run.status}`);
      return { transitions, importInvocations };
    };
    await sync(`sync-first-${Date.now()}`);
    const before = simulator.requestLog.stats().totalRequests;
    writes.reset();
    reads.reset();
    const idle = await sync(`sync-idle-${Date.now()}`);
    const after = simulator.requestLog.stats().totalRequests;
    return {
      ...idle,
      openPhoneRequests: after - before,
      writeUnits: writes.total(),
      readUnits: reads.total(),
    };
  } finally {
    await simulator.stop();
  }
}
