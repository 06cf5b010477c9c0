import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ImportRepository } from '../../lambdas/history-import/adapters/import-repository';
import { ActivityRepository } from '../../lambdas/crm/adapters/activity-repository';
import { ContactRepository } from '../../lambdas/crm/adapters/contact-repository';
import { DirectoryRepository } from '../../lambdas/crm/adapters/directory-repository';
import {
  OpenPhoneClient,
  type OpenPhoneClientOptions,
} from '../../lambdas/openphone/adapters/openphone-client';
import { SharedTokenBucket } from '../../lambdas/openphone/adapters/rate-limiter';
import type { ImportPagesInput, ImportPagesOutput } from '../../lambdas/history-import/domain/import-plan';
import { importPages, type ImportDeps } from '../../lambdas/history-import/service';
import { localAwsConfig } from '../../local/local-pipeline';
import type { OpenPhoneSimulator } from '../../local/openphone-simulator';
import { createBridgeTables, localDocumentClient, tableNamed } from './dynamo';

/** Fresh tables (CRM, import, rate limit) and the import's dependencies against a simulator. */
export async function importTables(): Promise<{
  crmTable: string;
  importTable: string;
  rateLimitTable: string;
}> {
  const names = await createBridgeTables();
  return {
    crmTable: tableNamed(names, 'CrmTable'),
    importTable: tableNamed(names, 'ImportTable'),
    rateLimitTable: tableNamed(names, 'RateLimitTable'),
  };
}

export function importDeps(
  simulator: OpenPhoneSimulator,
  tables: { crmTable: string; importTable: string; rateLimitTable: string },
  overrides: Partial<ImportDeps> = {},
  clientOptions: Partial<OpenPhoneClientOptions> = {},
): ImportDeps {
  const documents = localDocumentClient();
  const rateLimiter = new SharedTokenBucket({
    client: new DynamoDBClient(localAwsConfig(process.env.DYNAMODB_ENDPOINT!)),
    tableName: tables.rateLimitTable,
    apiKey: simulator.apiKey,
    // The simulator here shares the test worker's event loop with the importer, and the machine
    // with other test workers and DynamoDB Local, so when it sees a request can lag by more than
    // the default window's 50 ms margin. A 100 ms margin for that jitter; `npm run bench` measures
    // the default window with the simulator in a process of its own.
    policy: { windowMs: 1100 },
  });
  const activities = new ActivityRepository(documents, tables.crmTable);
  return {
    openPhone: new OpenPhoneClient({
      apiKey: simulator.apiKey,
      rateLimiter,
      baseUrl: simulator.url,
      ...clientOptions,
    }),
    store: new ImportRepository(documents, tables.importTable),
    activities,
    deletedConversations: activities,
    contacts: new ContactRepository(documents, tables.crmTable),
    directory: new DirectoryRepository(documents, tables.crmTable),
    remainingTimeMs: () => 15 * 60_000,
    ...overrides,
  };
}

/**
 * What Step Functions does: invoke until done, retrying a failed invocation (from its checkpoint).
 * `depsFor(attempt)` gives each invocation its dependencies (a failing writer first, say).
 */
export async function importUntilDone(
  input: ImportPagesInput,
  depsFor: (invocation: number) => ImportDeps,
  limits = { invocations: 500, failures: 20 },
): Promise<{ output: ImportPagesOutput; invocations: number; failures: unknown[] }> {
  const failures: unknown[] = [];
  let state: ImportPagesInput = input;
  for (let invocation = 0; invocation < limits.invocations; invocation++) {
    try {
      const output = await importPages(state, depsFor(invocation));
      if (output.done) return { output, invocations: invocation + 1, failures };
      state = {
        importId: output.importId,
        kind: output.kind,
        scope: output.scope,
        invocation: output.invocation,
      };
    } catch (error) {
      failures.push(error);
      if (failures.length > limits.failures) throw error;
    }
  }
  throw new Error(`import ${input.importId} not done after ${limits.invocations} invocations`);
}

/** Every activity and contact item in a CRM table, keyed by id, bookkeeping sets made sorted lists. */
export async function crmSnapshot(
  tableName: string,
  baseUrl?: string,
): Promise<{
  activities: Map<string, Record<string, unknown>>;
  contacts: Map<string, Record<string, unknown>>;
  items: number;
}> {
  const documents = localDocumentClient();
  const activities = new Map<string, Record<string, unknown>>();
  const contacts = new Map<string, Record<string, unknown>>();
  let items = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    for (const raw of page.Items ?? []) {
      items++;
      const item = normalised(raw, baseUrl);
      if (item.sk === 'ACTIVITY') {
        if (activities.has(item.activityId as string))
          throw new Error(`duplicate activity ${String(item.activityId)}`);
        activities.set(item.activityId as string, item);
      }
      if (item.sk === 'CONTACT') contacts.set(item.contactId as string, item);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return { activities, contacts, items };
}

function normalised(item: Record<string, unknown>, baseUrl: string | undefined): Record<string, unknown> {
  const json = JSON.stringify(item, (_key, value: unknown) =>
    value instanceof Set ? [...(value as Set<unknown>)].sort() : value,
  );
  return JSON.parse(baseUrl ? json.split(baseUrl).join('<simulator>') : json) as Record<string, unknown>;
}

/** The ids of every message and call the simulated workspace holds, and of its contacts. */
export function simulatorObjects(simulator: OpenPhoneSimulator): {
  activityIds: string[];
  contactIds: string[];
} {
  const activityIds = simulator.workspace
    .conversations()
    .flatMap((c) => simulator.workspace.activitiesOf(c).map((a) => a.id))
    .sort();
  return { activityIds, contactIds: [...simulator.workspace.contacts.keys()].sort() };
}
