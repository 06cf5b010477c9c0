import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { correlationIdKey } from '../shared/correlation';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { ImportRepository, ImportRun } from './adapters/import-repository';
import { ImportAccessRefusedError, ImportCheckpointConflictError } from './errors';
import type { OpenPhoneClient } from '../openphone';
import { directoryOf, type DirectoryRepository } from '../crm';
import {
  importPagesInput,
  isListLevelError,
  mayStartPage,
  scopeKey,
  syncSince,
  type ImportPagesInput,
  type ImportPagesOutput,
  type ImportRequest,
} from './domain/import-plan';
import {
  importSettingsWith,
  type ImportSettings,
  type ImportSettingsOverrides,
} from './domain/import-settings';
import { bridgeMetrics } from '../shared/metrics';
import { conversationsFinished } from './domain/import-progress';
import type { RecordWriterDeps } from './record-writers';
import { ImportWalker, isAccessRefusal, isSkippableApiError, type WalkerDeps } from './walker';

/**
 * One invocation of the history import: works through pages from the run's checkpoint until the
 * run is done or the time budget is spent, and tells Step Functions which (`done`).
 *
 * Each page's records are written (the same mapping and upserts as webhooks) before the page's
 * checkpoint moves past it, so a crash anywhere re-reads at most one page, and the upserts make
 * that harmless. Problems with one object or one conversation (404, a payload failing validation)
 * are kept on the run and skipped; anything transient (429s beyond the client's retries, 5xx,
 * DynamoDB) is thrown, for Step Functions to retry the invocation from the checkpoint. OpenPhone
 * refusing the key or the access (401, 402, 403) is never skipped: after a 401 the key is read
 * again once, and a refusal that stands throws `ImportAccessRefusedError` (the run stays running
 * for the workflow's retries, then fails; its watermark does not move).
 */

export interface ImportDeps {
  /** Its requests are made in the `import` lane whatever lane it was built with. */
  openPhone: OpenPhoneClient;
  store: ImportRepository;
  activities: RecordWriterDeps['activities'];
  contacts: RecordWriterDeps['contacts'];
  /**
   * After a 401: the API key read again past its cache; a client for a new key, or undefined when
   * the key is the same (the refusal stands). Absent: a 401 stands.
   */
  reloadOpenPhone?: () => Promise<OpenPhoneClient | undefined>;
  /** Marks the imported activities of a conversation OpenPhone deleted (the activity repository). */
  deletedConversations?: WalkerDeps['deletedConversations'];
  conversations?: RecordWriterDeps['conversations'];
  /** Where the workspace's users and numbers are kept, read from OpenPhone as each run starts. */
  directory?: Pick<DirectoryRepository, 'replaceDirectory'>;
  /** The invocation's time left (Lambda: `context.getRemainingTimeInMillis`). */
  remainingTimeMs: () => number;
  settings?: ImportSettingsOverrides;
  clock?: () => Date;
  logger?: Pick<Logger, 'info'>;
  /** Counts ImportRecordsImported and ImportRecordErrors, each only above zero (the dashboard's import progress). */
  metrics?: Pick<Metrics, 'addMetric'>;
}

export async function importPages(raw: ImportPagesInput, deps: ImportDeps): Promise<ImportPagesOutput> {
  const input = importPagesInput.parse(raw);
  const settings = importSettingsWith(deps.settings);
  const clock = deps.clock ?? (() => new Date());
  const run = await startOrResume(input, deps.store, settings, clock);
  const output = (run: ImportRun): ImportPagesOutput => ({
    importId: input.importId,
    kind: run.kind,
    scope: run.scope,
    invocation: input.invocation + 1,
    done: run.status !== 'running',
    status: run.status,
    checkpoint: run.checkpoint,
  });
  const ended = async (run: ImportRun) => {
    if (run.status !== 'skipped')
      await deps.store.releaseLease(run.scopeKey, run.importId, clock().toISOString());
    return output(run);
  };
  if (run.status !== 'running') return ended(run);
  const inImportLane = (client: OpenPhoneClient) =>
    client.lane === 'import' ? client : client.forLane('import');
  let openPhone = inImportLane(deps.openPhone);
  const walkerWith = (client: OpenPhoneClient) =>
    new ImportWalker(
      {
        openPhone: client,
        activities: deps.activities,
        contacts: deps.contacts,
        ...(deps.deletedConversations ? { deletedConversations: deps.deletedConversations } : {}),
        ...(deps.conversations ? { conversations: deps.conversations } : {}),
        clock,
      },
      run,
      settings,
    );
  let walker = walkerWith(openPhone);
  let keyReloaded = false;
  /** A refusal of the key or the access: once after a 401 the key is read again (true: go again). */
  const goAgainAfterRefusal = async (error: unknown): Promise<true> => {
    if (!isAccessRefusal(error)) throw error;
    if (error.status === 401 && !keyReloaded && deps.reloadOpenPhone) {
      keyReloaded = true;
      const reloaded = await deps.reloadOpenPhone();
      if (reloaded) {
        openPhone = inImportLane(reloaded);
        walker = walkerWith(openPhone);
        return true;
      }
    }
    throw new ImportAccessRefusedError(run.importId, error.status, error.message);
  };
  if (input.invocation === 0 && deps.directory) {
    for (;;) {
      try {
        await syncDirectory(openPhone, deps.directory, clock, deps.logger);
        break;
      } catch (error) {
        await goAgainAfterRefusal(error);
      }
    }
  }

  const writer = randomUUID();
  let { checkpoint, sequence } = run;
  const totals = { pages: 0, records: 0, errors: 0 };
  while (checkpoint.phase !== 'done' && mayStartPage(deps.remainingTimeMs(), settings)) {
    const began = clock().getTime();
    let step;
    try {
      step = await walker.step(checkpoint);
    } catch (error) {
      await goAgainAfterRefusal(error);
      continue;
    }
    if (step.errors.length) await deps.store.recordErrors(run.importId, step.errors);
    const at = clock();
    const activeMs = Math.max(0, at.getTime() - began);
    try {
      sequence = await deps.store.recordProgress(run.importId, {
        expectedSequence: sequence,
        writer,
        checkpoint: step.checkpoint,
        pages: step.pages,
        records: step.records,
        errors: step.errors.length,
        listErrors: step.errors.filter(isListLevelError).length,
        at: at.toISOString(),
        activeMs,
        ...(checkpoint.phase === 'contacts' ? { contactsActiveMs: activeMs } : {}),
        ...(step.listedMessages ? { messagesActiveMs: activeMs } : {}),
        conversationsDone: conversationsFinished(checkpoint, step.checkpoint),
        contactsDone: step.contactsRead ?? 0,
        ...step.totals,
      });
    } catch (error) {
      // Cancelled (or finished elsewhere) meanwhile: this execution ends quietly.
      const current =
        error instanceof ImportCheckpointConflictError && (await deps.store.getRun(run.importId));
      if (current && current.status !== 'running') return ended(current);
      throw error;
    }
    checkpoint = step.checkpoint;
    totals.pages += step.pages;
    totals.records += Object.values(step.records).reduce((a, b) => a + (b ?? 0), 0);
    totals.errors += step.errors.length;
  }
  if (checkpoint.phase === 'done') await deps.store.completeRun(run, clock().toISOString());
  deps.logger?.info('import pages worked', {
    [correlationIdKey]: run.importId,
    importId: run.importId,
    phase: checkpoint.phase,
    ...totals,
  });
  // Each series costs $0.30 a month for every hour it is published: a sync that finds nothing publishes none.
  if (totals.records > 0)
    deps.metrics?.addMetric(bridgeMetrics.import.recordsImported, MetricUnit.Count, totals.records);
  if (totals.errors > 0) {
    deps.metrics?.addMetric(bridgeMetrics.import.recordErrors, MetricUnit.Count, totals.errors);
    // The one metric the `NeedsAttention` alarm reads: an error a run keeps is one to look at.
    deps.metrics?.addMetric(bridgeMetrics.attention.needsAttention, MetricUnit.Count, totals.errors);
  }
  const latest = await deps.store.requireRun(run.importId);
  return latest.status === 'running' ? output(latest) : ended(latest);
}

/**
 * The workspace directory (users and the numbers each holds, numbers' names), once per execution
 * of a run or a scheduled sync: one request. OpenPhone refusing it (4xx) leaves the stored
 * directory as it was; the history is imported all the same.
 */
async function syncDirectory(
  openPhone: OpenPhoneClient,
  directory: NonNullable<ImportDeps['directory']>,
  clock: () => Date,
  logger: ImportDeps['logger'],
): Promise<void> {
  try {
    const numbers = await openPhone.listPhoneNumbers();
    const stored = await directory.replaceDirectory(directoryOf(numbers), clock().toISOString());
    logger?.info('workspace directory synced', stored);
  } catch (error) {
    if (!isSkippableApiError(error)) throw error; // an access refusal too: the run stops
    logger?.info('workspace directory not synced', { error: (error as Error).message });
  }
}

/**
 * The run to work on: resumed (its scope's lease renewed), reopened after a failure (the
 * operator's resume), or created. A new sync takes its scope's lease first and, finding another
 * run of the scope running (a full import, or an earlier sync still at work), is kept `skipped`:
 * one read of a scope at a time, and a sync with no watermark yet waits for the full import's.
 * A full import (an operator's request) takes the lease from whoever held it.
 */
async function startOrResume(
  input: ImportRequest,
  store: ImportRepository,
  settings: ImportSettings,
  clock: () => Date,
): Promise<ImportRun> {
  const now = clock();
  const lease = (force = false) => ({
    at: now.toISOString(),
    expiresAt: new Date(now.getTime() + settings.scopeLeaseMs).toISOString(),
    force,
  });
  const existing = await store.getRun(input.importId);
  if (existing?.status === 'failed' && input.invocation === 0) {
    // A new execution for a failed run is the operator's resume: on from its checkpoint.
    await store.reopenRun(input.importId, now.toISOString());
    await store.holdLease(existing.scopeKey, existing.importId, lease());
    return store.requireRun(input.importId);
  }
  if (existing?.status === 'running') await store.holdLease(existing.scopeKey, existing.importId, lease());
  if (existing) return existing;
  const key = scopeKey(input.scope);
  const newRun = {
    importId: input.importId,
    kind: input.kind,
    scope: input.scope,
    scopeKey: key,
    startedAt: now.toISOString(),
  };
  let held = await store.holdLease(key, input.importId, lease(input.kind === 'full'));
  if (!held.held && (await store.getRun(held.holder))?.status !== 'running') {
    // The holder ended (cancelled, failed) before its execution gave the lease up: not a sync at work.
    held = await store.holdLease(key, input.importId, { ...lease(), staleHolder: held.holder });
  }
  if (!held.held) return store.recordSkippedRun(newRun, held.holder);
  const watermark = input.kind === 'incremental' ? await store.watermarkOf(key) : undefined;
  const since = syncSince(input.kind, watermark, settings.overlapMs);
  const { run } = await store.startRun({ ...newRun, ...(since ? { since } : {}) });
  return run;
}

/** Failure path of the state machine: the run is kept as failed, with the reason, resumable by id. */
export async function recordImportFailure(
  input: { importId: string; error?: unknown },
  deps: Pick<ImportDeps, 'store' | 'clock'>,
): Promise<{ importId: string; status: 'failed' }> {
  const reason =
    typeof input.error === 'object' && input.error !== null
      ? JSON.stringify(input.error)
      : String(input.error ?? 'unknown');
  const at = (deps.clock ?? (() => new Date()))().toISOString();
  await deps.store.failRun(input.importId, reason, at);
  const run = await deps.store.getRun(input.importId);
  if (run) await deps.store.releaseLease(run.scopeKey, run.importId, at);
  return { importId: input.importId, status: 'failed' };
}

/** What the state machine sends: a pages step, or (from its Catch) the run's failure. */
export type ImportTaskEvent =
  ImportPagesInput | { action: 'record-failure'; importId: string; error?: unknown };

export function handleImportTask(
  event: ImportTaskEvent,
  deps: ImportDeps,
): Promise<ImportPagesOutput | { importId: string; status: 'failed' }> {
  if ('action' in event && event.action === 'record-failure') return recordImportFailure(event, deps);
  return importPages(event as ImportPagesInput, deps);
}
