import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CrmRepository } from '../lambdas/adapters/crm-repository';
import { ImportStore } from '../lambdas/adapters/import-store';
import { OpenPhoneClient } from '../lambdas/adapters/openphone-client';
import { SharedTokenBucket } from '../lambdas/adapters/rate-limiter';
import { defaultImportSettings } from '../lambdas/handlers/import-pages-handler';
import { createTables, tablesFromTemplate, type CfnTemplate } from '../local/cfn-tables';
import { runImportLocally } from '../local/import-runner';
import { localAwsConfig } from '../local/local-pipeline';
import { tableLogicalId } from '../local/template-reading';
import type { BenchRow } from './report';
import { startSimulatorProcess } from './simulator-process';

/** OpenPhone's limit, and what the import lane may use of it (it leaves 3 per window to live traffic). */
const openPhoneLimitPerSecond = 10;
const importLanePerSecond = 7;
/** The import Lambda's timeout (`HistoryImport` `functionTimeout`). */
const invocationMs = 5 * 60_000;

/**
 * The workspace's shape: conversations of 299 messages (three pages of 100) and one call, two
 * numbers, and contacts; 70 % of the simulator's calls are answered, each with a recording, a
 * summary and a transcript (three requests, one record each).
 */
const messagesPerConversation = 299;
const callsPerConversation = 1;
const phoneNumbers = 2;
const contacts = 500;

export function importWorkspace(records: number) {
  const conversations = Math.ceil(records / (messagesPerConversation + callsPerConversation));
  return {
    phoneNumbers,
    conversationsPerNumber: Math.ceil(conversations / phoneNumbers),
    messagesPerConversation,
    callsPerConversation,
    contacts,
  };
}

/**
 * A full history import of a seeded workspace (`BENCH_IMPORT_RECORDS` messages and calls, default
 * 50,000) through the real workflow: the synthesized state machine run by `aws-local-stepfunctions`,
 * the import Lambda's handler, DynamoDB Local for the CRM, import and rate-limit tables, and the
 * simulated OpenPhone in its own process enforcing 10 requests per rolling second.
 */
export async function benchImport(
  dynamoEndpoint: string,
  template: CfnTemplate,
  records = Number(process.env.BENCH_IMPORT_RECORDS ?? 50_000),
): Promise<BenchRow[]> {
  if (!Number.isInteger(records) || records < 1)
    throw new Error(`BENCH_IMPORT_RECORDS must be a whole number ≥ 1, got ${records}`);
  const client = new DynamoDBClient(localAwsConfig(dynamoEndpoint));
  const ids = { crm: 'CrmTable', imports: 'ImportTable', rateLimit: 'RateLimit' } as const;
  const logicalIds = Object.values(ids).map((fragment) => tableLogicalId(template, fragment));
  const names = await createTables(
    client,
    tablesFromTemplate(template, (id) => `bench-import-${Date.now()}-${id}`).filter((t) =>
      logicalIds.includes(t.logicalId),
    ),
  );
  const table = (fragment: string) => names[tableLogicalId(template, fragment)]!;
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const store = new ImportStore(documents, table(ids.imports));
  const crm = new CrmRepository(documents, table(ids.crm));
  const workspace = importWorkspace(records);
  const simulator = await startSimulatorProcess({ seed: 5, apiKey: 'bench-import-key', workspace });
  const openPhone = new OpenPhoneClient({
    apiKey: simulator.apiKey,
    baseUrl: simulator.url,
    rateLimiter: new SharedTokenBucket({ client, tableName: table(ids.rateLimit), apiKey: simulator.apiKey }),
    lane: 'import',
  });

  let invocations = 0;
  let transitions = 0;
  const importId = `bench-${Date.now()}`;
  const started = Date.now();
  try {
    await runImportLocally(
      { importId, kind: 'full', scope: { phoneNumbers: [], includeContacts: true } },
      {
        template,
        deps: () => {
          invocations++;
          const invokedAt = Date.now();
          return { openPhone, store, crm, remainingTimeMs: () => invocationMs - (Date.now() - invokedAt) };
        },
        onEvent: (event) => {
          // Step Functions bills each state entered, a retry included.
          if (event.type === 'StateEntered' || event.type === 'StateRetried') transitions++;
        },
      },
    );
    const seconds = (Date.now() - started) / 1000;
    const run = await store.requireRun(importId);
    const stats = await simulator.stats();
    const imported = Object.values(run.records).reduce((a, b) => a + (b ?? 0), 0);
    const requests = stats.totalRequests - stats.rateLimited;
    const recordsPerSecond = imported / seconds;
    const pageSize = defaultImportSettings.pageSizes.messages;
    const perThousand = (n: number) => (n * 1000) / imported;
    const by = Object.entries(run.records)
      .map(([kind, n]) => `${n} ${kind}`)
      .join(', ');
    console.log(
      `import bench: ${imported} records (${by}) from ${requests} requests in ${seconds.toFixed(1)} s, ${run.pages} pages, ${invocations} invocations, ${run.errors} errors, status ${run.status}`,
    );
    const section = 'history import';
    return [
      {
        section,
        measure: `${imported} records: records/s`,
        value: recordsPerSecond,
        baseline: openPhoneLimitPerSecond * pageSize,
        unit: 'rec/s',
        baselineLabel: `ceiling: ${openPhoneLimitPerSecond} req/s × ${pageSize}`,
        aim: 0.9,
        higherIsBetter: true,
      },
      {
        section,
        measure: 'records/s, beside the import lane (3 of 10 kept for live traffic)',
        value: recordsPerSecond,
        baseline: importLanePerSecond * pageSize,
        unit: 'rec/s',
        baselineLabel: `import lane: ${importLanePerSecond} req/s × ${pageSize}`,
        aim: 0.9,
        higherIsBetter: true,
      },
      {
        section,
        measure: 'records per request (conversation lists, calls, call intelligence)',
        value: imported / requests,
        baseline: pageSize,
        unit: 'rec',
        baselineLabel: 'a full page',
      },
      {
        section,
        measure: 'requests/s (utilization of the import lane)',
        value: requests / seconds,
        baseline: importLanePerSecond,
        unit: 'req/s',
        baselineLabel: 'import lane',
        aim: 0.9,
        higherIsBetter: true,
      },
      {
        section,
        measure: `Lambda invocations per 1,000 records (${invocations})`,
        value: perThousand(invocations),
        baseline: perThousand(run.pages),
        unit: '',
        baselineLabel: 'one per page',
      },
      {
        section,
        measure: `state transitions per 1,000 records (${transitions})`,
        value: perThousand(transitions),
        baseline: 1,
        unit: '',
        baselineLabel: 'aim',
        aim: 1,
      },
      {
        section,
        measure: `429 answers (of ${stats.totalRequests} requests)`,
        value: stats.rateLimited,
        baseline: 0,
        unit: '',
        baselineLabel: 'aim: none',
      },
    ];
  } finally {
    simulator.stop();
    client.destroy();
  }
}
