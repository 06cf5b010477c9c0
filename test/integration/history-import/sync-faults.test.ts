import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ActivityRepository } from '../../../lambdas/crm/adapters/activity-repository';
import { ImportRepository } from '../../../lambdas/history-import/adapters/import-repository';
import { ImportAccessRefusedError } from '../../../lambdas/history-import/errors';
import { importPages, recordImportFailure, type ImportDeps } from '../../../lambdas/history-import/service';
import { localAwsConfig } from '../../../local/local-pipeline';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../../local/openphone-simulator';
import { localDocumentClient } from '../../support/dynamo';
import {
  crmSnapshot,
  importDeps,
  importTables,
  importUntilDone,
  simulatorObjects,
} from '../../support/import-harness';

const workspace = {
  phoneNumbers: 1,
  conversationsPerNumber: 3,
  messagesPerConversation: 3,
  callsPerConversation: 2,
  contacts: 2,
};
// These promises are about the per-conversation walk (its lists, its positions): the workspace-wide
// message listing is tried beside it in history-import.test.ts.
const smallPages = {
  settings: {
    pageSizes: { conversations: 5, messages: 5, calls: 5, contacts: 5 },
    messageListing: 'per-conversation' as const,
  },
};
type Tables = Awaited<ReturnType<typeof importTables>>;

/** OpenPhone's error body for a status, as the simulator sends it. */
function refusal(status: number): Response {
  const body = { message: `refused ${status}`, code: `0100${status}`, status, title: 'Refused' };
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A fetch that answers `rule`'s response where it gives one, and passes the rest to the simulator. */
function fetchWith(
  rule: (url: URL, init?: RequestInit) => Response | undefined | Promise<Response | undefined>,
): typeof fetch {
  return async (input, init) => (await rule(new URL(String(input)), init)) ?? fetch(input, init);
}

/** A page of conversations as the simulator answers it, changed by `edit`. */
async function editedConversations(
  input: URL,
  init: RequestInit | undefined,
  edit: (conversations: Record<string, unknown>[]) => Record<string, unknown>[],
): Promise<Response> {
  const response = await fetch(input, init);
  const page = (await response.json()) as { data: Record<string, unknown>[] };
  page.data = edit(page.data);
  return new Response(JSON.stringify(page), { status: 200, headers: { 'content-type': 'application/json' } });
}

describe('a sync never skips silently', () => {
  let simulator: OpenPhoneSimulator;
  let tables: Tables;
  let store: ImportRepository;

  beforeAll(async () => {
    simulator = await startOpenPhoneSimulator({ seed: 28, workspace });
    tables = await importTables();
    store = new ImportRepository(localDocumentClient(), tables.importTable);
    const { output } = await importUntilDone({ importId: 'full-0', kind: 'full' }, () =>
      importDeps(simulator, tables, smallPages),
    );
    expect(output.status).toBe('completed');
  }, 120_000);
  afterAll(() => simulator.stop());

  const scope = '*+contacts';

  it('a sync with a revoked key fails, keeps the watermark, and the next sync imports the outage', async () => {
    const watermark = await store.watermarkOf(scope);
    const [number] = simulator.workspace.phoneNumbers;
    const missed = simulator.workspace.receiveMessage({ phoneNumberId: number!.id });
    const revoked = importDeps(simulator, tables, smallPages, { apiKey: 'revoked-key' });

    await expect(importPages({ importId: 'sync-revoked', kind: 'incremental' }, revoked)).rejects.toThrow(
      ImportAccessRefusedError,
    );
    expect(await store.requireRun('sync-revoked')).toMatchObject({
      status: 'running',
      records: { message: 0 },
    });
    await recordImportFailure(
      { importId: 'sync-revoked', error: { Error: 'ImportAccessRefusedError' } },
      { store },
    );
    expect((await store.requireRun('sync-revoked')).status).toBe('failed');
    expect(await store.watermarkOf(scope)).toBe(watermark);

    const { output } = await importUntilDone({ importId: 'sync-restored', kind: 'incremental' }, () =>
      importDeps(simulator, tables, smallPages),
    );
    expect(output.status).toBe('completed');
    const snapshot = await crmSnapshot(tables.crmTable);
    expect(snapshot.activities.has(missed.id)).toBe(true);
  }, 120_000);

  it('after a 401 reads the key again, and goes on with the rotated one', async () => {
    const rotated = importDeps(simulator, tables, smallPages);
    let reloads = 0;
    const deps: ImportDeps = {
      ...importDeps(simulator, tables, smallPages, { apiKey: 'the-key-before-rotation' }),
      reloadOpenPhone: () => {
        reloads++;
        return Promise.resolve(rotated.openPhone);
      },
    };
    const output = await importPages({ importId: 'sync-rotated', kind: 'incremental' }, deps);
    expect(output).toMatchObject({ done: true, status: 'completed' });
    expect(reloads).toBe(1);
  }, 120_000);

  it.each([402, 403])(
    'a %i refusal of the conversations list stops the run instead of completing it',
    async (status) => {
      const refused = importDeps(simulator, tables, smallPages, {
        fetch: fetchWith((url) => (url.pathname === '/v1/conversations' ? refusal(status) : undefined)),
      });
      const importId = `sync-refused-${status}`;
      const failure = await importPages({ importId, kind: 'incremental' }, refused).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ImportAccessRefusedError);
      expect(failure).toMatchObject({ status });
      expect((await store.requireRun(importId)).status).toBe('running');
      await recordImportFailure({ importId, error: {} }, { store });
    },
    60_000,
  );

  it('a refused summary is an error of that call alone: the conversation’s other calls are imported', async () => {
    const fresh = await importTables();
    const [conversation] = simulator.workspace.conversations();
    const calls = [1, 2, 3].map(() =>
      simulator.workspace.receiveCall({
        phoneNumberId: conversation!.phoneNumberId,
        from: conversation!.participant,
        answered: true,
      }),
    );
    const refusedCall = calls[0]!.id;
    const deps = () =>
      importDeps(simulator, fresh, smallPages, {
        fetch: fetchWith((url) =>
          url.pathname === `/v1/call-summaries/${refusedCall}` ? refusal(400) : undefined,
        ),
      });
    const { output } = await importUntilDone({ importId: 'full-refused-summary', kind: 'full' }, deps);
    expect(output.status).toBe('completed');
    const snapshot = await crmSnapshot(fresh.crmTable);
    expect([...snapshot.activities.keys()].sort()).toEqual(simulatorObjects(simulator).activityIds);
    for (const call of calls.slice(1)) expect(snapshot.activities.get(call.id)).toHaveProperty('summary');
    const freshStore = new ImportRepository(localDocumentClient(), fresh.importTable);
    expect((await freshStore.errorsOf('full-refused-summary')).map((e) => [e.subject, e.reason])).toEqual([
      [`summary:${refusedCall}`, 'rejected'],
    ]);
  }, 180_000);

  it('a sync that could not read a list completes but keeps the watermark, so the next one reads it again', async () => {
    const before = await store.watermarkOf(scope);
    const [conversation] = simulator.workspace.conversations();
    const message = simulator.workspace.receiveMessage({
      phoneNumberId: conversation!.phoneNumberId,
      from: conversation!.participant,
    });
    const broken = importDeps(simulator, tables, smallPages, {
      fetch: fetchWith(async (url, init) => {
        if (url.pathname !== '/v1/messages') return undefined;
        const page = (await (await fetch(url, init)).json()) as { data: Record<string, unknown>[] };
        page.data = page.data.map(({ direction: _dropped, ...m }) => m);
        return new Response(JSON.stringify(page), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      }),
    });
    const { output } = await importUntilDone(
      { importId: 'sync-unreadable', kind: 'incremental' },
      () => broken,
    );
    expect(output.status).toBe('completed');
    expect(await store.requireRun('sync-unreadable')).toMatchObject({ listErrors: 1 });
    expect(await store.watermarkOf(scope)).toBe(before);

    await importUntilDone({ importId: 'sync-after-unreadable', kind: 'incremental' }, () =>
      importDeps(simulator, tables, smallPages),
    );
    expect((await crmSnapshot(tables.crmTable)).activities.has(message.id)).toBe(true);
    expect(await store.watermarkOf(scope)).not.toBe(before);
  }, 180_000);
});

describe('one running sync per scope', () => {
  let simulator: OpenPhoneSimulator;
  beforeAll(async () => {
    simulator = await startOpenPhoneSimulator({ seed: 29, workspace });
  }, 60_000);
  afterAll(() => simulator.stop());

  /** One page, then the invocation's time is up: the run stays running between invocations. */
  const onePage = (tables: Tables, overrides: Partial<ImportDeps> = {}) => {
    let calls = 0;
    return importDeps(simulator, tables, {
      ...smallPages,
      remainingTimeMs: () => (calls++ % 2 === 0 ? 60_000 : 1_000),
      ...overrides,
    });
  };

  it('a sync while another sync of the scope runs is skipped, naming it; the next one after it runs', async () => {
    const tables = await importTables();
    const first = await importPages({ importId: 'sync-a', kind: 'incremental' }, onePage(tables));
    expect(first).toMatchObject({ done: false, status: 'running' });

    const second = await importPages({ importId: 'sync-b', kind: 'incremental' }, onePage(tables));
    expect(second).toMatchObject({ done: true, status: 'skipped' });
    const store = new ImportRepository(localDocumentClient(), tables.importTable);
    expect(await store.requireRun('sync-b')).toMatchObject({ status: 'skipped', heldBy: 'sync-a', pages: 0 });

    await importUntilDone(first, () => importDeps(simulator, tables, smallPages));
    const third = await importUntilDone({ importId: 'sync-c', kind: 'incremental' }, () =>
      importDeps(simulator, tables, smallPages),
    );
    expect(third.output.status).toBe('completed');
  }, 120_000);

  it('a sync with no watermark waits for the running full import, then starts from its watermark', async () => {
    const tables = await importTables();
    const store = new ImportRepository(localDocumentClient(), tables.importTable);
    const full = await importPages({ importId: 'full-long', kind: 'full' }, onePage(tables));
    expect(full.status).toBe('running');
    const waiting = await importPages({ importId: 'sync-early', kind: 'incremental' }, onePage(tables));
    expect(waiting.status).toBe('skipped');

    await importUntilDone(full, () => importDeps(simulator, tables, smallPages));
    const { output } = await importUntilDone({ importId: 'sync-late', kind: 'incremental' }, () =>
      importDeps(simulator, tables, smallPages),
    );
    expect(output.status).toBe('completed');
    const fullRun = await store.requireRun('full-long');
    expect((await store.requireRun('sync-late')).since).toBe(
      new Date(Date.parse(fullRun.startedAt) - 10 * 60_000).toISOString(),
    );
  }, 180_000);

  it('a scope held by a run cancelled before its execution let go is free for the next sync', async () => {
    const tables = await importTables();
    const store = new ImportRepository(localDocumentClient(), tables.importTable);
    await importPages({ importId: 'sync-cancelled', kind: 'incremental' }, onePage(tables));
    await store.cancelRun('sync-cancelled', new Date().toISOString());
    const next = await importPages({ importId: 'sync-after-cancel', kind: 'incremental' }, onePage(tables));
    expect(next.status).toBe('running');
  }, 120_000);

  it('a scope held by a run whose execution died is free again once its lease expires', async () => {
    const tables = await importTables();
    let now = Date.parse('2026-03-01T10:00:00Z');
    const clock = () => new Date(now);
    await importPages({ importId: 'sync-died', kind: 'incremental' }, onePage(tables, { clock }));
    now += 30 * 60_000;
    expect(
      (await importPages({ importId: 'sync-next', kind: 'incremental' }, onePage(tables, { clock }))).status,
    ).toBe('skipped');
    now += 31 * 60_000;
    expect(
      (await importPages({ importId: 'sync-after-expiry', kind: 'incremental' }, onePage(tables, { clock })))
        .status,
    ).toBe('running');
  }, 120_000);
});

describe('checkpoints and positions', () => {
  let simulator: OpenPhoneSimulator;
  beforeAll(async () => {
    simulator = await startOpenPhoneSimulator({ seed: 30, workspace });
  }, 60_000);
  afterAll(() => simulator.stop());

  it('an SDK retry of a checkpoint write that was applied is our own write, not another owner', async () => {
    const tables = await importTables();
    const dynamo = new DynamoDBClient({ ...localAwsConfig(process.env.DYNAMODB_ENDPOINT!), maxAttempts: 3 });
    let answersLost = 0;
    // The first checkpoint write reaches DynamoDB, and its answer is lost: the SDK sends it again.
    dynamo.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const request = args.request as { headers?: Record<string, string>; body?: string };
        const isRunUpdate =
          request.headers?.['x-amz-target'] === 'DynamoDB_20120810.UpdateItem' &&
          String(request.body).includes(':checkpoint');
        if (isRunUpdate && answersLost === 0) {
          answersLost++;
          throw Object.assign(new Error('the answer was lost'), { name: 'TimeoutError', $metadata: {} });
        }
        return result;
      },
      { step: 'deserialize', name: 'loseFirstCheckpointAnswer' },
    );
    const deps = importDeps(simulator, tables, {
      ...smallPages,
      store: new ImportRepository(localDocumentClient(dynamo), tables.importTable),
    });
    const output = await importPages({ importId: 'retried-write', kind: 'full' }, deps);
    expect(answersLost).toBe(1);
    expect(output).toMatchObject({ done: true, status: 'completed' });
    const snapshot = await crmSnapshot(tables.crmTable);
    expect([...snapshot.activities.keys()].sort()).toEqual(simulatorObjects(simulator).activityIds);
  }, 120_000);

  it('a conversation removed earlier on the page does not make the next one be skipped', async () => {
    const tables = await importTables();
    const store = new ImportRepository(localDocumentClient(), tables.importTable);
    const hidden: { id?: string } = {};
    const fetchHiding = fetchWith((url, init) =>
      url.pathname === '/v1/conversations' && hidden.id
        ? editedConversations(url, init, (page) => page.filter((c) => c.id !== hidden.id))
        : undefined,
    );
    let calls = 0;
    const deps = () =>
      importDeps(
        simulator,
        tables,
        { ...smallPages, remainingTimeMs: () => (calls++ % 2 === 0 ? 60_000 : 1_000) },
        { fetch: fetchHiding },
      );
    let state = await importPages({ importId: 'shifted', kind: 'full' }, deps());
    while ((await store.requireRun('shifted')).conversationsDone === undefined) {
      state = await importPages(state, deps());
    }
    // The first conversation is done; OpenPhone now lists the page without it.
    hidden.id =
      (await store.requireRun('shifted')).checkpoint.conversation!.id ||
      simulator.workspace.conversations()[0]!.id;
    await importUntilDone(state, deps);
    const snapshot = await crmSnapshot(tables.crmTable);
    expect([...snapshot.activities.keys()].sort()).toEqual(simulatorObjects(simulator).activityIds);
  }, 180_000);
});

describe('deleted conversations', () => {
  it('are not imported, and what was imported of them before is marked deleted', async () => {
    const simulator = await startOpenPhoneSimulator({ seed: 31, workspace });
    try {
      const [deleted] = simulator.workspace.conversations();
      const deletedAt = '2026-02-01T00:00:00.000Z';
      const markingDeleted = fetchWith((url, init) =>
        url.pathname === '/v1/conversations'
          ? editedConversations(url, init, (page) =>
              page.map((c) => (c.id === deleted!.id ? { ...c, deletedAt } : c)),
            )
          : undefined,
      );
      const ids = simulator.workspace.activitiesOf(deleted!).map((a) => a.id);

      const fresh = await importTables();
      await importUntilDone({ importId: 'with-deleted', kind: 'full' }, () =>
        importDeps(simulator, fresh, smallPages, { fetch: markingDeleted }),
      );
      const freshSnapshot = await crmSnapshot(fresh.crmTable);
      for (const id of ids) expect(freshSnapshot.activities.has(id)).toBe(false);
      expect(freshSnapshot.activities.size).toBe(simulatorObjects(simulator).activityIds.length - ids.length);

      const imported = await importTables();
      await importUntilDone({ importId: 'before-delete', kind: 'full' }, () =>
        importDeps(simulator, imported, smallPages),
      );
      const activities = new ActivityRepository(localDocumentClient(), imported.crmTable);
      await importUntilDone({ importId: 'after-delete', kind: 'full' }, () =>
        importDeps(simulator, imported, smallPages, { fetch: markingDeleted }),
      );
      for (const id of ids)
        expect(await activities.getActivity(id)).toMatchObject({ conversationDeletedAt: deletedAt });
      const kept = simulatorObjects(simulator).activityIds.filter((id) => !ids.includes(id));
      expect(await activities.getActivity(kept[0]!)).not.toHaveProperty('conversationDeletedAt');
    } finally {
      await simulator.stop();
    }
  }, 180_000);
});
