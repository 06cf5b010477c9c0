import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ImportRepository } from '../lambdas/history-import/adapters/import-repository';
import { ActivityRepository } from '../lambdas/crm/adapters/activity-repository';
import { ContactRepository } from '../lambdas/crm/adapters/contact-repository';
import { OpenPhoneClient } from '../lambdas/openphone/adapters/openphone-client';
import { SharedTokenBucket } from '../lambdas/openphone/adapters/rate-limiter';
import { activityChangeFromApiMessage } from '../lambdas/crm/domain/activity-mapping';
import {
  defaultTokenBucketPolicy,
  sustainedRequestsPerSecond,
} from '../lambdas/openphone/domain/token-bucket';
import { apiMessageSchema } from '../lambdas/openphone/domain/webhook-payloads';
import {
  defaultImportSettings,
  type ImportSettingsOverrides,
  type MessageListing,
} from '../lambdas/history-import/domain/import-settings';
import type { WorkspaceSize } from '../local/openphone-simulator';
import { writeConcurrency } from '../lambdas/history-import/record-writers';
import { inParallel } from '../lambdas/shared/concurrency';
import { createTables, tablesFromTemplate, type CfnTemplate } from '../local/cfn-tables';
import { runImportLocally } from '../local/import-runner';
import { localAwsConfig } from '../local/local-pipeline';
import { tableLogicalId } from '../local/template-reading';
import type { BenchRow } from './report';
import { startSimulatorProcess } from './simulator-process';

/**
 * OpenPhone's limit, and what the shared bucket lets the import use of it with no live traffic:
 * every token (`limit` per window of a little over a second); the reserve of 3 for live traffic
 * is lent while nobody above the import asks.
 */
const openPhoneLimitPerSecond = 10;
const bucketPerSecond = sustainedRequestsPerSecond(defaultTokenBucketPolicy);
const bucketLabel = `${bucketPerSecond.toFixed(2)} req/s`;
/** The import Lambda's timeout (`HistoryImport` `functionTimeout`). */
const invocationMs = 5 * 60_000;
const apiKey = 'bench-import-key';

/**
 * The workspace's shape: conversations of 299 messages (three pages of 100) and one call, two
 * numbers, and contacts; 70 % of the simulator's calls are answered, each with a recording, a
 * summary and a transcript (three requests, one record each).
 */
const messagesPerConversation = 299;
const callsPerConversation = 1;
const phoneNumbers = 2;
const contacts = 500;

/** Message upserts per second on their own, as the import makes them (`writeConcurrency` at once). */
async function upsertsPerSecond(
  activities: Pick<ActivityRepository, 'upsertActivity'>,
  count = 3000,
): Promise<number> {
  const changes = Array.from({ length: count }, (_, i) => {
    const at = new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString();
    const message = apiMessageSchema.parse({
      id: `ACbench${i.toString(16).padStart(24, '0')}`,
      to: ['+14155550100'],
      from: '+14155551000',
      text: 'thanks, see you tomorrow',
      phoneNumberId: 'PNbench0001',
      direction: 'incoming',
      status: 'received',
      createdAt: at,
      updatedAt: at,
    });
    const mapping = activityChangeFromApiMessage(message, { conversationId: 'CNbench' });
    if (!mapping.ok) throw new Error(`bench message not mapped: ${mapping.reason}`);
    return mapping.change;
  });
  const started = performance.now();
  await inParallel(changes, writeConcurrency, async (change) => {
    await activities.upsertActivity(change.update, change.eventTime);
  });
  return (count * 1000) / (performance.now() - started);
}

/** Wall time during which at least one operation of a kind was under way. */
class BusyTime {
  private inFlight = 0;
  private since = 0;
  ms = 0;

  async time<T>(operation: () => Promise<T>): Promise<T> {
    if (this.inFlight++ === 0) this.since = performance.now();
    try {
      return await operation();
    } finally {
      if (--this.inFlight === 0) this.ms += performance.now() - this.since;
    }
  }
}

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
 * 50,000, 10,000 with BENCH_QUICK; messages walked by conversation, as these figures always were),
 * then the office shape each way of listing messages (`benchOfficeShape`), through the real workflow: the synthesized state machine run by `aws-local-stepfunctions`,
 * the import Lambda's handler, DynamoDB Local for the CRM, import and rate-limit tables, and the
 * simulated OpenPhone in its own process enforcing 10 requests per rolling second.
 */
export async function benchImport(
  dynamoEndpoint: string,
  template: CfnTemplate,
  records = Number(process.env.BENCH_IMPORT_RECORDS ?? (process.env.BENCH_QUICK ? 10_000 : 50_000)),
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
  const busy = {
    tokens: new BusyTime(),
    http: new BusyTime(),
    writes: new BusyTime(),
    progress: new BusyTime(),
  };
  const store = new ImportRepository(documents, table(ids.imports));
  const recordProgress = store.recordProgress.bind(store);
  store.recordProgress = (...args) => busy.progress.time(() => recordProgress(...args));
  const activityRepository = new ActivityRepository(documents, table(ids.crm));
  const contactRepository = new ContactRepository(documents, table(ids.crm));
  const activities: Pick<ActivityRepository, 'upsertActivity'> = {
    upsertActivity: (...args) => busy.writes.time(() => activityRepository.upsertActivity(...args)),
  };
  const contactWrites: Pick<ContactRepository, 'upsertContact'> = {
    upsertContact: (...args) => busy.writes.time(() => contactRepository.upsertContact(...args)),
  };
  const bucket = new SharedTokenBucket({ client, tableName: table(ids.rateLimit), apiKey });
  /** One full import of `workspace` through the workflow, its own simulator process, the shared bucket. */
  const importOnce = async (workspace: Partial<WorkspaceSize>, settings: ImportSettingsOverrides) => {
    const simulator = await startSimulatorProcess({ seed: 5, apiKey, workspace });
    const openPhone = new OpenPhoneClient({
      apiKey: simulator.apiKey,
      baseUrl: simulator.url,
      rateLimiter: { acquire: (lane) => busy.tokens.time(() => bucket.acquire(lane)) },
      fetch: (...args) => busy.http.time(() => fetch(...args)),
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
            return {
              openPhone,
              store,
              activities,
              contacts: contactWrites,
              settings,
              remainingTimeMs: () => invocationMs - (Date.now() - invokedAt),
            };
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
      return { seconds, run, stats, imported, invocations, transitions };
    } finally {
      simulator.stop();
    }
  };

  try {
    const today = await importOnce(importWorkspace(records), { messageListing: 'per-conversation' });
    const { seconds, run, stats, imported, invocations, transitions } = today;
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
    const share = (b: BusyTime) => `${((100 * b.ms) / 1000 / seconds).toFixed(0)} %`;
    console.log(
      `import bench: time with a token wait under way ${share(busy.tokens)}, an OpenPhone request ${share(busy.http)}, a record write ${share(busy.writes)}, a checkpoint write ${share(busy.progress)}`,
    );
    const office = await benchOfficeShape(importOnce);
    const storageRate = await upsertsPerSecond(activities);
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
        measure: `records/s, beside the shared bucket's ceiling (${defaultTokenBucketPolicy.limit} per ${defaultTokenBucketPolicy.windowMs} ms)`,
        value: recordsPerSecond,
        baseline: bucketPerSecond * pageSize,
        unit: 'rec/s',
        baselineLabel: `bucket: ${bucketLabel} × ${pageSize}`,
        aim: 0.9,
        higherIsBetter: true,
      },
      {
        section,
        measure: `records/s, beside what the bucket allows this workspace (${(imported / requests).toFixed(1)} records per request)`,
        value: recordsPerSecond,
        baseline: (bucketPerSecond * imported) / requests,
        unit: 'rec/s',
        baselineLabel: `${bucketLabel} × records per request`,
        aim: 0.9,
        higherIsBetter: true,
      },
      {
        section,
        measure: `records/s, beside DynamoDB Local's upserts alone (${writeConcurrency} at once)`,
        value: recordsPerSecond,
        baseline: storageRate,
        unit: 'rec/s',
        baselineLabel: 'same run',
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
      ...office,
    ];
  } finally {
    client.destroy();
  }
}

type ImportOnce = (
  workspace: Partial<WorkspaceSize>,
  settings: ImportSettingsOverrides,
) => Promise<{
  seconds: number;
  imported: number;
  stats: { totalRequests: number; rateLimited: number };
  run: { records: Partial<Record<string, number>>; errors: number; status: string };
}>;

/**
 * An office: thousands of short texting threads (`BENCH_IMPORT_OFFICE_CONVERSATIONS`, default
 * 1,000 with BENCH_QUICK, else 3,000) of 4 items, a call in every 4th, imported once per way of
 * listing messages, in the same run against the same bucket and the simulator's 10 requests/s.
 */
export const officeWorkspace = (conversations: number): Partial<WorkspaceSize> => ({
  phoneNumbers,
  conversationsPerNumber: Math.ceil(conversations / phoneNumbers),
  messagesPerConversation: 3,
  callsPerConversation: 1,
  callsInEvery: 4,
  contacts: 0,
});

async function benchOfficeShape(importOnce: ImportOnce): Promise<BenchRow[]> {
  const conversations = Number(
    process.env.BENCH_IMPORT_OFFICE_CONVERSATIONS ?? (process.env.BENCH_QUICK ? 1_000 : 3_000),
  );
  const section = `history import, office (${conversations} conversations)`;
  const measured: Record<MessageListing, { requestsPerThousand: number; recordsPerSecond: number }> =
    {} as never;
  for (const messageListing of ['per-conversation', 'workspace'] as const) {
    const { seconds, imported, stats, run } = await importOnce(officeWorkspace(conversations), {
      messageListing,
    });
    const requests = stats.totalRequests - stats.rateLimited;
    console.log(
      `import bench, office, ${messageListing}: ${imported} records (${JSON.stringify(run.records)}) from ${requests} requests (${stats.rateLimited} answered 429) in ${seconds.toFixed(1)} s, ${run.errors} errors, status ${run.status}`,
    );
    measured[messageListing] = {
      requestsPerThousand: (requests * 1000) / imported,
      recordsPerSecond: imported / seconds,
    };
  }
  const walk = measured['per-conversation'];
  const listing = measured.workspace;
  return [
    {
      section,
      measure: 'requests per 1,000 records: workspace-wide listing',
      value: listing.requestsPerThousand,
      baseline: walk.requestsPerThousand,
      unit: '',
      baselineLabel: 'per-conversation walk, same run',
      aim: 1,
    },
    {
      section,
      measure: 'records/s: workspace-wide listing',
      value: listing.recordsPerSecond,
      baseline: walk.recordsPerSecond,
      unit: 'rec/s',
      baselineLabel: 'per-conversation walk, same run',
      aim: 1,
      higherIsBetter: true,
    },
  ];
}
