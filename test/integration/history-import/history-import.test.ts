import { activityChangeFromWebhook } from '../../../lambdas/crm/domain/activity-mapping';
import { parseWebhookEvent } from '../../../lambdas/openphone/domain/webhook-payloads';
import { ImportRepository } from '../../../lambdas/history-import/adapters/import-repository';
import { DirectoryRepository } from '../../../lambdas/crm/adapters/directory-repository';
import { ErasureRepository } from '../../../lambdas/crm/adapters/erasure-repository';
import type { ActivityRepository } from '../../../lambdas/crm/adapters/activity-repository';
import { S3Client } from '@aws-sdk/client-s3';
import { recordImportFailure, type ImportDeps } from '../../../lambdas/history-import/service';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../../local/openphone-simulator';
import { localDocumentClient } from '../../support/dynamo';
import {
  crmSnapshot,
  importDeps,
  importTables,
  importUntilDone,
  simulatorObjects,
} from '../../support/import-harness';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';

const seed = 11;
const workspace = {
  phoneNumbers: 2,
  conversationsPerNumber: 2,
  messagesPerConversation: 5,
  callsPerConversation: 3,
  contacts: 4,
};
// Workspace-wide message pages of 3: the listing's cursor moves through several checkpoints.
const smallPages = {
  settings: { pageSizes: { conversations: 2, messages: 2, workspaceMessages: 3, calls: 2, contacts: 3 } },
};
const perConversation = {
  settings: { ...smallPages.settings, messageListing: 'per-conversation' as const },
};

type Tables = Awaited<ReturnType<typeof importTables>>;

describe('history import against the simulated OpenPhone and DynamoDB Local', () => {
  let simulator: OpenPhoneSimulator;
  let receiver: WebhookReceiver;
  let reference: Awaited<ReturnType<typeof crmSnapshot>>;
  let referenceTables: Tables;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    simulator = await startOpenPhoneSimulator({
      seed,
      workspace,
      webhookTarget: { url: receiver.url, scheme: 'legacy' },
    });
  }, 120_000);
  afterAll(async () => {
    await simulator.stop();
    await receiver.stop();
  });

  it('a full import ends with exactly the simulated objects, once each', async () => {
    referenceTables = await importTables();
    const { output } = await importUntilDone({ importId: 'full-1', kind: 'full' }, () =>
      importDeps(simulator, referenceTables, smallPages),
    );
    expect(output).toMatchObject({ done: true, status: 'completed' });

    reference = await crmSnapshot(referenceTables.crmTable, simulator.url);
    const expected = simulatorObjects(simulator);
    expect([...reference.activities.keys()].sort()).toEqual(expected.activityIds);
    expect([...reference.contacts.keys()].sort()).toEqual(expected.contactIds);
    const answered = [...reference.activities.values()].filter((a) => a.answeredAt);
    expect(answered.length).toBeGreaterThan(0);
    for (const call of answered) expect(call).toHaveProperty('summary');

    const run = await new ImportRepository(localDocumentClient(), referenceTables.importTable).requireRun(
      'full-1',
    );
    const counts = simulator.workspace.counts();
    expect(run.records).toMatchObject({
      message: counts.messages,
      call: counts.calls,
      contact: counts.contacts,
    });
    expect(run.errors).toBe(0);
    expect(simulator.requestLog.stats().rateLimited).toBe(0);
  }, 180_000);

  it('the per-conversation walk writes the same records as the workspace-wide listing, in more requests', async () => {
    const requestsBefore = simulator.requestLog.stats().totalRequests;
    const workspaceRequests = simulator.requestLog.stats().requestsByRoute['GET /messages'] ?? 0;
    expect(workspaceRequests).toBeGreaterThan(1);
    const tables = await importTables();
    await importUntilDone({ importId: 'walk-1', kind: 'full' }, () =>
      importDeps(simulator, tables, perConversation),
    );
    const walked = await crmSnapshot(tables.crmTable, simulator.url);
    expect({ activities: walked.activities, contacts: walked.contacts }).toEqual({
      activities: reference.activities,
      contacts: reference.contacts,
    });
    const stats = simulator.requestLog.stats();
    expect(stats.requestsByRoute['GET /messages'] ?? 0).toBe(workspaceRequests);
    // The simulator has served only the reference import before this one.
    expect(stats.totalRequests - requestsBefore).toBeGreaterThan(requestsBefore);
  }, 180_000);

  it('stores the workspace directory and names the user and line on every imported activity', async () => {
    const directory = await new DirectoryRepository(
      localDocumentClient(),
      referenceTables.crmTable,
    ).listUsers();
    const { users, phoneNumbers } = simulator.workspace;
    expect(directory.map((u) => u.userId).sort()).toEqual(
      users
        .filter((u) => phoneNumbers.some((p) => p.userIds.includes(u.id)))
        .map((u) => u.id)
        .sort(),
    );
    const [first] = phoneNumbers;
    const holder = directory.find((u) => u.userId === first!.userIds[0])!;
    const person = simulator.workspace.userById(holder.userId)!;
    expect(holder).toMatchObject({
      name: `${person.firstName} ${person.lastName}`,
      email: person.email,
      role: person.role,
    });
    expect(holder.phoneNumbers).toContainEqual({
      phoneNumberId: first!.id,
      number: first!.number,
      name: first!.name,
    });

    for (const activity of reference.activities.values()) {
      const line = phoneNumbers.find((p) => p.id === activity.phoneNumberId)!;
      expect(activity.phoneNumberName).toBe(line.name);
      if (activity.userId) {
        const user = simulator.workspace.userById(activity.userId as string)!;
        expect(activity.userName).toBe(`${user.firstName} ${user.lastName}`);
      }
    }
  });

  it('a re-import after erasing one participant does not bring their history back', async () => {
    const tables = await importTables();
    await importUntilDone({ importId: 'erase-1', kind: 'full' }, () =>
      importDeps(simulator, tables, smallPages),
    );
    const [conversation] = simulator.workspace.conversations();
    const erasure = new ErasureRepository(localDocumentClient(), tables.crmTable, {
      s3: new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1' }),
      mediaBucket: 'unused',
    });
    const { erased } = await erasure.erase(conversation!.participant, 'test');
    expect(erased.activities).toBeGreaterThan(0);

    await importUntilDone({ importId: 'erase-2', kind: 'full' }, () =>
      importDeps(simulator, tables, smallPages),
    );
    const { activities } = importDeps(simulator, tables);
    expect((await (activities as ActivityRepository).timeline(conversation!.participant)).items).toEqual([]);
  }, 180_000);

  it('an import stopped by a failing writer at a random page and resumed ends identical', async () => {
    const tables = await importTables();
    const failAt = 1 + Math.floor(Math.random() * 30);
    let writes = 0;
    const failing = (deps: ImportDeps): ImportDeps => ({
      ...deps,
      activities: {
        upsertActivity: (...args) => {
          if (++writes === failAt) throw new Error(`writer stopped at write ${failAt}`);
          return deps.activities.upsertActivity(...args);
        },
      },
    });
    const { failures } = await importUntilDone({ importId: 'stopped-1', kind: 'full' }, (invocation) =>
      invocation === 0
        ? failing(importDeps(simulator, tables, smallPages))
        : importDeps(simulator, tables, smallPages),
    );
    expect(failures).toHaveLength(1);
    const resumed = await crmSnapshot(tables.crmTable, simulator.url);
    // failAt is in the comparison so that a failure names the write it stopped at.
    expect({ failAt, activities: resumed.activities, contacts: resumed.contacts }).toEqual({
      failAt,
      activities: reference.activities,
      contacts: reference.contacts,
    });
  }, 180_000);

  it('a run marked failed resumes from its checkpoint when started again with its id', async () => {
    const tables = await importTables();
    const broken = (deps: ImportDeps): ImportDeps => ({
      ...deps,
      contacts: {
        upsertContact: () => Promise.reject(new Error('CRM unavailable')),
      },
    });
    const failing = () => broken(importDeps(simulator, tables, smallPages));
    const failure = await importUntilDone({ importId: 'failed-1', kind: 'full' }, failing, {
      invocations: 3,
      failures: 0,
    }).catch((error: unknown) => error);
    expect(failure).toEqual(new Error('CRM unavailable'));
    const store = new ImportRepository(localDocumentClient(), tables.importTable);
    await recordImportFailure({ importId: 'failed-1', error: { Error: 'Error' } }, { store });
    expect(await store.requireRun('failed-1')).toMatchObject({ status: 'failed', phase: 'contacts' });

    const { output } = await importUntilDone({ importId: 'failed-1', kind: 'full' }, () =>
      importDeps(simulator, tables, smallPages),
    );
    expect(output.status).toBe('completed');
    const resumed = await crmSnapshot(tables.crmTable, simulator.url);
    expect(resumed.activities).toEqual(reference.activities);
    expect(resumed.contacts).toEqual(reference.contacts);
  }, 180_000);

  it('a run cancelled while a page is written ends at that page, cancelled, not failed', async () => {
    const tables = await importTables();
    const store = new ImportRepository(localDocumentClient(), tables.importTable);
    let writes = 0;
    const cancelling = (deps: ImportDeps): ImportDeps => ({
      ...deps,
      activities: {
        upsertActivity: async (...args) => {
          if (++writes === 2) await store.cancelRun('cancel-1', new Date().toISOString());
          return deps.activities.upsertActivity(...args);
        },
      },
    });
    const { output, invocations } = await importUntilDone({ importId: 'cancel-1', kind: 'full' }, () =>
      cancelling(importDeps(simulator, tables, smallPages)),
    );
    expect(output).toMatchObject({ done: true, status: 'cancelled' });
    expect(invocations).toBe(1);
    expect((await store.requireRun('cancel-1')).pages).toBe(0);
  }, 180_000);

  it('an import with a tiny time budget (one page per invocation) ends identical', async () => {
    const tables = await importTables();
    let calls = 0;
    const { invocations } = await importUntilDone({ importId: 'budget-1', kind: 'full' }, () =>
      importDeps(simulator, tables, {
        ...smallPages,
        // Time for one page, then the reserve is reached.
        remainingTimeMs: () => (calls++ % 2 === 0 ? 60_000 : 1_000),
      }),
    );
    expect(invocations).toBeGreaterThan(5);
    const budgeted = await crmSnapshot(tables.crmTable, simulator.url);
    expect(budgeted.activities).toEqual(reference.activities);
    expect(budgeted.contacts).toEqual(reference.contacts);
  }, 180_000);

  it('a webhook upsert for an object mid-import leaves one record, from both sources', async () => {
    const tables = await importTables();
    // The oldest conversation is walked last: a message arriving there mid-walk is also imported.
    // (The workspace-wide listing, newest first, reads what existed as it started: see the next test.)
    const last = simulator.workspace.conversations().at(-1)!;
    let calls = 0;
    const onePage = () =>
      importDeps(simulator, tables, {
        ...perConversation,
        remainingTimeMs: () => (calls++ % 2 === 0 ? 60_000 : 1_000),
      });
    await importUntilDone({ importId: 'mid-1', kind: 'full' }, onePage, {
      invocations: 1,
      failures: 0,
    }).catch(() => undefined);
    const message = simulator.workspace.receiveMessage({
      phoneNumberId: last.phoneNumberId,
      from: last.participant,
    });
    const hook = await receiver.waitFor(
      (h) => (h.json.data as { object?: { id?: string } }).object?.id === message.id,
    );
    const parsed = parseWebhookEvent(hook.json);
    if (!parsed.ok) throw new Error(parsed.reason);
    const mapping = activityChangeFromWebhook(parsed.value, new Date().toISOString());
    if (!mapping.ok) throw new Error(mapping.reason);
    const { activities } = importDeps(simulator, tables);
    await activities.upsertActivity(mapping.change.update, mapping.change.eventTime);

    await importUntilDone({ importId: 'mid-1', kind: 'full' }, onePage);
    const snapshot = await crmSnapshot(tables.crmTable, simulator.url);
    expect([...snapshot.activities.keys()].sort()).toEqual(simulatorObjects(simulator).activityIds);
    expect(snapshot.activities.get(message.id)).toMatchObject({
      sources: ['import', 'webhook'],
      text: message.text,
      conversationId: last.id,
    });
  }, 180_000);

  it('an incremental sync after new activity adds exactly the new objects', async () => {
    const before = await crmSnapshot(referenceTables.crmTable, simulator.url);
    const [number] = simulator.workspace.phoneNumbers;
    const message = simulator.workspace.receiveMessage({ phoneNumberId: number!.id });
    const call = simulator.workspace.receiveCall({ phoneNumberId: number!.id, answered: true });

    const { output } = await importUntilDone({ importId: 'sync-1', kind: 'incremental' }, () =>
      importDeps(simulator, referenceTables, smallPages),
    );
    expect(output.status).toBe('completed');
    const after = await crmSnapshot(referenceTables.crmTable, simulator.url);
    const added = [...after.activities.keys()].filter((id) => !before.activities.has(id)).sort();
    // New since the full import: these two, and the message the mid-import test received.
    const expectedNew = simulatorObjects(simulator).activityIds.filter((id) => !before.activities.has(id));
    expect(expectedNew).toEqual(expect.arrayContaining([message.id, call.id]));
    expect(added).toEqual(expectedNew);
    expect([...after.activities.keys()].sort()).toEqual(simulatorObjects(simulator).activityIds);

    const run = await new ImportRepository(localDocumentClient(), referenceTables.importTable).requireRun(
      'sync-1',
    );
    expect(run.since).toBeDefined();
    // Only conversations with new activity are read, and only activity since the last run.
    expect(run.records.message + run.records.call).toBe(expectedNew.length);
  }, 180_000);
});

describe('history import through 429 and 5xx bursts', () => {
  it('completes with the same objects as an undisturbed import', async () => {
    const calm = await startOpenPhoneSimulator({ seed, workspace });
    const stormy = await startOpenPhoneSimulator({
      seed,
      workspace,
      rateLimit: { limit: 3, windowMs: 1000 },
    });
    try {
      stormy.faults.serverErrorRate = 0.15;
      const calmTables = await importTables();
      const stormyTables = await importTables();
      await importUntilDone({ importId: 'calm', kind: 'full' }, () =>
        importDeps(calm, calmTables, smallPages),
      );
      const { output } = await importUntilDone({ importId: 'stormy', kind: 'full' }, () =>
        importDeps(stormy, stormyTables, smallPages),
      );
      expect(output.status).toBe('completed');
      const stats = stormy.requestLog.stats();
      expect(stats.rateLimited + stats.serverErrors).toBeGreaterThan(0);
      const [expected, actual] = await Promise.all([
        crmSnapshot(calmTables.crmTable, calm.url),
        crmSnapshot(stormyTables.crmTable, stormy.url),
      ]);
      expect(actual.activities).toEqual(expected.activities);
      expect(actual.contacts).toEqual(expected.contacts);
    } finally {
      await calm.stop();
      await stormy.stop();
    }
  }, 300_000);
});

describe('history import past objects it cannot read', () => {
  it('records a deleted conversation (404) and an invalid page on the run, skips them, and imports the rest', async () => {
    const simulator = await startOpenPhoneSimulator({ seed: 3, workspace });
    try {
      const [gone, broken] = simulator.workspace.conversations();
      const tables = await importTables();
      const faulty: typeof fetch = async (input, init) => {
        const url = new URL(String(input));
        const participant = url.searchParams.getAll('participants')[0];
        if (url.pathname === '/v1/messages' && participant === gone!.participant) {
          const body = {
            message: 'Conversation not found',
            code: '0300404',
            status: 404,
            title: 'Not Found',
          };
          return new Response(JSON.stringify(body), {
            status: 404,
            headers: { 'content-type': 'application/json' },
          });
        }
        const response = await fetch(input, init);
        if (url.pathname === '/v1/calls' && participant === broken!.participant) {
          const page = (await response.json()) as { data: Record<string, unknown>[] };
          page.data = page.data.map(({ direction: _dropped, ...call }) => call);
          return new Response(JSON.stringify(page), {
            status: 200,
            headers: { 'content-type': 'application/json' },
          });
        }
        return response;
      };
      const deps = () => importDeps(simulator, tables, perConversation, { fetch: faulty });
      const { output } = await importUntilDone({ importId: 'skips-1', kind: 'full' }, deps);
      expect(output.status).toBe('completed');

      const store = new ImportRepository(localDocumentClient(), tables.importTable);
      const errors = await store.errorsOf('skips-1');
      expect(errors.map((e) => [e.subject, e.reason]).sort()).toEqual(
        [
          [`calls:${broken!.id}`, 'invalid-payload'],
          [`conversation:${gone!.id}`, 'not-found'],
        ].sort(),
      );
      expect((await store.requireRun('skips-1')).errors).toBe(2);

      const skipped = new Set([
        ...simulator.workspace.activitiesOf(gone!).map((a) => a.id),
        ...simulator.workspace
          .activitiesOf(broken!)
          .filter((a) => a.kind === 'call')
          .map((a) => a.id),
      ]);
      const snapshot = await crmSnapshot(tables.crmTable);
      const expected = simulatorObjects(simulator).activityIds.filter((id) => !skipped.has(id));
      expect([...snapshot.activities.keys()].sort()).toEqual(expected);
    } finally {
      await simulator.stop();
    }
  }, 180_000);
});

describe('history import when the workspace-wide message listing fails', () => {
  it.each([
    ['refused with a 400 on its first page', 'refused', 'rejected'],
    ['answering an unreadable second page', 'unreadable', 'invalid-payload'],
  ] as const)(
    'a listing %s falls back to the per-conversation walk: every object imported, the reason on the run',
    async (_name, fault, reason) => {
      const simulator = await startOpenPhoneSimulator({ seed: 5, workspace });
      try {
        const tables = await importTables();
        let listed = 0;
        const faulty: typeof fetch = async (input, init) => {
          const url = new URL(String(input));
          if (url.pathname !== '/messages') return fetch(input, init);
          listed += 1;
          if (fault === 'refused') {
            const body = { message: 'Unknown filter', code: '0100400', status: 400, title: 'Bad Request' };
            return new Response(JSON.stringify(body), {
              status: 400,
              headers: { 'content-type': 'application/json' },
            });
          }
          const response = await fetch(input, init);
          if (!url.searchParams.has('after')) return response;
          const page = (await response.json()) as { data: Record<string, unknown>[] };
          page.data = page.data.map(({ direction: _dropped, ...message }) => message);
          return new Response(JSON.stringify(page), {
            status: 200,
            headers: { 'content-type': 'application/json' },
          });
        };
        const { output } = await importUntilDone({ importId: 'fallback-1', kind: 'full' }, () =>
          importDeps(simulator, tables, smallPages, { fetch: faulty }),
        );
        expect(output.status).toBe('completed');
        expect(listed).toBeGreaterThan(0);

        const store = new ImportRepository(localDocumentClient(), tables.importTable);
        expect((await store.errorsOf('fallback-1')).map((e) => [e.subject, e.reason])).toEqual([
          ['messages', reason],
        ]);
        const snapshot = await crmSnapshot(tables.crmTable);
        expect([...snapshot.activities.keys()].sort()).toEqual(simulatorObjects(simulator).activityIds);
        expect(simulator.requestLog.stats().requestsByRoute['GET /v1/messages']).toBeGreaterThan(0);
      } finally {
        await simulator.stop();
      }
    },
    180_000,
  );
});

describe('history import of one phone number', () => {
  it.each([
    ['by its id, lists messages workspace-wide filtered to it', (pn: string) => pn, 1],
    ['by its E.164 number, walks its conversations', (_pn: string, e164: string) => e164, 0],
  ] as const)(
    'a scope of one number %s, and imports exactly its objects',
    async (_name, scopeOf, listings) => {
      const simulator = await startOpenPhoneSimulator({ seed: 9, workspace });
      try {
        const tables = await importTables();
        const [number] = simulator.workspace.phoneNumbers;
        const { output } = await importUntilDone(
          {
            importId: 'one-number',
            kind: 'full',
            scope: { phoneNumbers: [scopeOf(number!.id, number!.number)], includeContacts: false },
          },
          () => importDeps(simulator, tables, smallPages),
        );
        expect(output.status).toBe('completed');
        const expected = simulator.workspace
          .conversations()
          .filter((c) => c.phoneNumberId === number!.id)
          .flatMap((c) => simulator.workspace.activitiesOf(c).map((a) => a.id))
          .sort();
        const snapshot = await crmSnapshot(tables.crmTable);
        expect([...snapshot.activities.keys()].sort()).toEqual(expected);
        // Exactly its objects: the listing was filtered to the number (the other's messages are not there).
        const listed = simulator.requestLog.entries.filter((e) => e.route === 'GET /messages').length;
        expect(listed > 0 ? 1 : 0).toBe(listings);
      } finally {
        await simulator.stop();
      }
    },
    180_000,
  );
});
