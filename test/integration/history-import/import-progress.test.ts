import { ImportRepository } from '../../../lambdas/history-import/adapters/import-repository';
import { estimateImport } from '../../../lambdas/history-import/domain/import-progress';
import { InvalidCursorError } from '../../../lambdas/shared/page-cursor';
import { importPages } from '../../../lambdas/history-import/service';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../../local/openphone-simulator';
import { localDocumentClient } from '../../support/dynamo';
import { importDeps, importTables, importUntilDone } from '../../support/import-harness';

const workspace = {
  phoneNumbers: 2,
  conversationsPerNumber: 3,
  messagesPerConversation: 3,
  callsPerConversation: 1,
  contacts: 7,
};
const smallPages = { conversations: 2, messages: 2, calls: 1, contacts: 3 };

/** A clock that moves one second each time it is read: every page takes a measurable time. */
function tickingClock(start = Date.parse('2026-03-01T10:00:00Z')) {
  let now = start;
  return () => new Date((now += 1000));
}

describe('listing import runs', () => {
  it('lists runs newest first, a page at a time, through every run exactly once', async () => {
    const { importTable } = await importTables();
    const store = new ImportRepository(localDocumentClient(), importTable);
    const started = ['2026-03-01T10:00:00.000Z', '2026-03-03T10:00:00.000Z', '2026-03-02T10:00:00.000Z'];
    for (const [i, startedAt] of [
      ...started,
      '2026-03-04T10:00:00.000Z',
      '2026-02-28T10:00:00.000Z',
    ].entries())
      await store.startRun({
        importId: `run-${i}`,
        kind: 'full',
        scope: { phoneNumbers: [], includeContacts: true },
        scopeKey: '*+contacts',
        startedAt,
      });
    // A watermark and an error item are not runs.
    await store.recordErrors('run-0', [
      { subject: 'conversation:CN1', reason: 'not-found', detail: 'gone', at: started[0]! },
    ]);
    await store.cancelRun('run-1', '2026-03-03T11:00:00.000Z');

    const first = await store.listRuns({ limit: 2 });
    expect(first.runs.map((r) => r.importId)).toEqual(['run-3', 'run-1']);
    expect(first.runs[1]).toMatchObject({ status: 'cancelled', kind: 'full' });
    expect(first.runs[0]).not.toHaveProperty('runsPk');
    const second = await store.listRuns({ limit: 2, cursor: first.cursor! });
    expect(second.runs.map((r) => r.importId)).toEqual(['run-2', 'run-0']);
    const third = await store.listRuns({ limit: 2, cursor: second.cursor! });
    expect(third.runs.map((r) => r.importId)).toEqual(['run-4']);
    expect(third.cursor).toBeUndefined();

    await expect(store.listRuns({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('cancels only a running run', async () => {
    const { importTable } = await importTables();
    const store = new ImportRepository(localDocumentClient(), importTable);
    await store.startRun({
      importId: 'c',
      kind: 'full',
      scope: { phoneNumbers: [], includeContacts: true },
      scopeKey: '*+contacts',
      startedAt: '2026-03-01T10:00:00.000Z',
    });
    expect(await store.cancelRun('c', '2026-03-01T10:01:00.000Z')).toBe(true);
    expect(await store.cancelRun('c', '2026-03-01T10:02:00.000Z')).toBe(false);
    expect(await store.cancelRun('unknown', '2026-03-01T10:02:00.000Z')).toBe(false);
  });
});

describe('import progress against the simulated OpenPhone', () => {
  let simulator: OpenPhoneSimulator;
  beforeAll(async () => {
    simulator = await startOpenPhoneSimulator({ seed: 3, workspace });
  }, 120_000);
  afterAll(() => simulator.stop());

  it('records active time, conversations and contacts done against the totals, and estimates the time left', async () => {
    const tables = await importTables();
    const clock = tickingClock();
    let calls = 0;
    const deps = () =>
      importDeps(simulator, tables, {
        clock,
        settings: { pageSizes: smallPages },
        // One page per invocation, so the run can be looked at between pages.
        remainingTimeMs: () => (calls++ % 2 === 0 ? 60_000 : 1_000),
      });
    const store = deps().store;
    const conversations = simulator.workspace.conversations().length;

    let state = await importPages({ importId: 'progress-1', kind: 'full' }, deps());
    let early = await store.requireRun('progress-1');
    while (!early.conversationsDone && !state.done) {
      state = await importPages({ ...state }, deps());
      early = await store.requireRun('progress-1');
    }
    expect(early).toMatchObject({ phase: 'conversations', conversationsTotal: conversations });
    expect(early.conversationsDone).toBe(1);
    expect(early.activeMs).toBeGreaterThan(0);
    const estimate = estimateImport(early);
    expect(estimate.recordsPerSecond).toBeGreaterThan(0);
    expect(estimate).toMatchObject({
      covers: 'conversations',
      phase: { unit: 'conversations', done: 1, total: conversations },
    });
    expect(estimate.remainingMs).toBeGreaterThan(0);

    await importUntilDone({ importId: 'progress-1', kind: 'full' }, deps);
    const done = await store.requireRun('progress-1');
    expect(done).toMatchObject({
      status: 'completed',
      conversationsDone: conversations,
      conversationsTotal: conversations,
      contactsDone: workspace.contacts,
      contactsTotal: workspace.contacts,
    });
    expect(done.contactsActiveMs).toBeGreaterThan(0);
    expect(done.activeMs).toBeGreaterThan(done.contactsActiveMs!);
    expect(estimateImport(done)).toMatchObject({ remainingMs: 0, covers: 'run' });
  }, 120_000);
});
