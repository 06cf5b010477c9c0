import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  emptyRecordCounts,
  importCheckpoint,
  importRecordKinds,
  initialCheckpoint,
  type ImportCheckpoint,
  type ImportError,
  type ImportKind,
  type ImportPhase,
  type ImportScope,
  type ImportStatus,
  type RecordCounts,
} from '../domain/import-plan';
import type { RunProgress } from '../domain/import-progress';
import { decodeCursor, encodeCursor, type LastKey } from '../../shared/page-cursor';
import {
  batchGetAll,
  batchWriteAll,
  isConditionFailure,
  queryAll,
  UpdateExpressionBuilder,
} from '../../shared/dynamo';
import { ImportCheckpointConflictError, ImportRunNotFoundError } from '../errors';

/**
 * The import table: one run item per import (its status, counters and checkpoint, updated together
 * in one conditional write per page), the errors it skipped past, and each scope's watermark.
 *
 * | item       | pk                  | sk                 |
 * |------------|---------------------|--------------------|
 * | run        | `IMPORT#<id>`       | `RUN`              |
 * | error      | `IMPORT#<id>`       | `ERROR#<subject>`  |
 * | watermark  | `SCOPE#<scope key>` | `WATERMARK`        |
 * | lease      | `SCOPE#<scope key>` | `LEASE`            |
 *
 * Run items also carry `runsPk` (`RUN`) and `runsSk` (`<startedAt>#<id>`), set once when the run is
 * created: the sparse, keys-only index `RunsByStart` lists runs newest first without a scan, and the
 * per-page updates of a run never touch it.
 */
export const importTableKeys = {
  partitionKey: 'pk',
  sortKey: 'sk',
  runsIndex: 'RunsByStart',
  runsPartitionKey: 'runsPk',
  runsSortKey: 'runsSk',
} as const;

const runKey = (importId: string) => ({ pk: `IMPORT#${importId}`, sk: 'RUN' });
const runsPartition = 'RUN';
const runListing = (run: Pick<ImportRun, 'importId' | 'startedAt'>) => ({
  [importTableKeys.runsPartitionKey]: runsPartition,
  [importTableKeys.runsSortKey]: `${run.startedAt}#${run.importId}`,
});
const watermarkKey = (scopeKey: string) => ({ pk: `SCOPE#${scopeKey}`, sk: 'WATERMARK' });
const leaseKey = (scopeKey: string) => ({ pk: `SCOPE#${scopeKey}`, sk: 'LEASE' });

/** Who holds a scope: the one running run of it, until `expiresAt` unless renewed. */
export type LeaseOutcome = { held: true } | { held: false; holder: string; expiresAt: string };

export interface ImportRun extends RunProgress {
  importId: string;
  kind: ImportKind;
  scope: ImportScope;
  scopeKey: string;
  /** What an incremental sync asked for (`updatedAfter`/`createdAfter`); absent for a full import. */
  since?: string;
  status: ImportStatus;
  phase: ImportPhase;
  checkpoint: ImportCheckpoint;
  /** Incremented by every checkpoint write: the condition that keeps two workers from racing. */
  sequence: number;
  /** Who wrote the checkpoint at `sequence`: an SDK retry of an applied write finds its own. */
  writer?: string;
  /** Errors that left a list unread to its end (`isListLevelError`): the watermark stays. */
  listErrors?: number;
  /** A skipped sync: the run that held its scope. */
  heldBy?: string;
  pages: number;
  records: RecordCounts;
  errors: number;
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
  failure?: string;
}

export interface NewImportRun {
  importId: string;
  kind: ImportKind;
  scope: ImportScope;
  scopeKey: string;
  since?: string;
  startedAt: string;
}

/**
 * One page's progress. Its time and counts are added to the run's (`contactsActiveMs` only for a
 * contacts page); a total, reported by a list's first page, replaces the run's.
 */
export interface ImportProgress extends Partial<
  Pick<
    RunProgress,
    | 'activeMs'
    | 'contactsActiveMs'
    | 'messagesActiveMs'
    | 'conversationsDone'
    | 'contactsDone'
    | 'conversationsTotal'
    | 'contactsTotal'
  >
> {
  /** The sequence the worker read: the write fails if another worker moved the run since. */
  expectedSequence: number;
  /** This invocation's own token: tells its own applied write from another worker's. */
  writer: string;
  listErrors?: number;
  checkpoint: ImportCheckpoint;
  pages: number;
  records: Partial<RecordCounts>;
  errors: number;
  at: string;
}

export interface ImportRunPage {
  /** Newest first. */
  runs: ImportRun[];
  /** Pass it back for the next page; absent on the last one. */
  cursor?: string;
}

function runOf(item: Record<string, unknown>): ImportRun {
  const { pk: _pk, sk: _sk, runsPk: _runsPk, runsSk: _runsSk, ...run } = item;
  return { ...(run as unknown as ImportRun), checkpoint: importCheckpoint.parse(run.checkpoint) };
}

/** Give it a document client made with `marshallOptions: { removeUndefinedValues: true }`. */
export class ImportRepository {
  constructor(
    private readonly documentClient: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /** Creates the run, or returns the one already there under that id (a resumed import). */
  async startRun(run: NewImportRun): Promise<{ run: ImportRun; created: boolean }> {
    const item: ImportRun = { ...newRunFields(run), status: 'running' };
    return (await this.putRunOnce(item))
      ? { run: item, created: true }
      : { run: await this.requireRun(run.importId), created: false };
  }

  /** Puts a new run unless one has its id: false (nothing written) when it existed. */
  private async putRunOnce(item: ImportRun): Promise<boolean> {
    try {
      await this.documentClient.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...runKey(item.importId), ...runListing(item), ...item },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return false;
    }
  }

  async getRun(importId: string): Promise<ImportRun | undefined> {
    const { Item } = await this.documentClient.send(
      new GetCommand({ TableName: this.tableName, Key: runKey(importId), ConsistentRead: true }),
    );
    return Item ? runOf(Item) : undefined;
  }

  async requireRun(importId: string): Promise<ImportRun> {
    const run = await this.getRun(importId);
    if (!run) throw new ImportRunNotFoundError(importId);
    return run;
  }

  /**
   * Moves the checkpoint and adds the page's counters in one conditional write, after the page's
   * records are written: a crash in between re-reads that page, and counts it once.
   */
  async recordProgress(importId: string, progress: ImportProgress): Promise<number> {
    const sequence = progress.expectedSequence + 1;
    const values: Record<string, unknown> = {
      ':expected': progress.expectedSequence,
      ':sequence': sequence,
      ':checkpoint': progress.checkpoint,
      ':phase': progress.checkpoint.phase,
      ':pages': progress.pages,
      ':errors': progress.errors,
      ':at': progress.at,
      ':running': 'running',
      ':writer': progress.writer,
    };
    const adds = ['pages :pages', 'errors :errors'];
    if (progress.listErrors) {
      values[':listErrors'] = progress.listErrors;
      adds.push('listErrors :listErrors');
    }
    const sets: string[] = [];
    const counters = [
      'activeMs',
      'contactsActiveMs',
      'messagesActiveMs',
      'conversationsDone',
      'contactsDone',
    ] as const;
    for (const counter of counters) {
      if (!progress[counter]) continue;
      values[`:${counter}`] = progress[counter];
      adds.push(`${counter} :${counter}`);
    }
    for (const total of ['conversationsTotal', 'contactsTotal'] as const) {
      if (progress[total] === undefined) continue;
      values[`:${total}`] = progress[total];
      sets.push(`, ${total} = :${total}`);
    }
    const names: Record<string, string> = {};
    for (const kind of importRecordKinds) {
      const count = progress.records[kind] ?? 0;
      if (!count) continue;
      names[`#${kind}`] = kind;
      values[`:${kind}`] = count;
      adds.push(`records.#${kind} :${kind}`);
    }
    try {
      await this.documentClient.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: runKey(importId),
          UpdateExpression: `SET #sequence = :sequence, #writer = :writer, checkpoint = :checkpoint, phase = :phase, updatedAt = :at${sets.join('')} ADD ${adds.join(', ')}`,
          ConditionExpression: '#sequence = :expected AND #status = :running',
          ExpressionAttributeNames: {
            ...names,
            '#sequence': 'sequence',
            '#status': 'status',
            '#writer': 'writer',
          },
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // The SDK retried a write that had been applied (its answer lost): the run holds our own write.
      const current = await this.getRun(importId);
      if (current?.sequence === sequence && current.writer === progress.writer) return sequence;
      throw new ImportCheckpointConflictError(importId);
    }
    return sequence;
  }

  /** Keeps the problems a page skipped past; keyed by subject, so a re-read page writes them once. */
  async recordErrors(importId: string, errors: readonly ImportError[]): Promise<void> {
    const unique = [...new Map(errors.map((e) => [e.subject, e])).values()];
    await batchWriteAll(
      this.documentClient,
      this.tableName,
      unique.map((error) => ({ put: { pk: `IMPORT#${importId}`, sk: `ERROR#${error.subject}`, ...error } })),
    );
  }

  async errorsOf(importId: string): Promise<ImportError[]> {
    const items = await queryAll(this.documentClient, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `IMPORT#${importId}`, ':prefix': 'ERROR#' },
    });
    return items.map(({ pk: _pk, sk: _sk, ...error }) => error as unknown as ImportError);
  }

  /**
   * Marks the run completed and moves its scope's watermark (never backwards) to the run's start,
   * unless the run left a list unread (`listErrors`): then the next sync reads from the old one.
   */
  async completeRun(run: ImportRun, at: string): Promise<{ watermarkMoved: boolean }> {
    await this.finish(run.importId, 'completed', at);
    const finished = await this.requireRun(run.importId);
    if (finished.status !== 'completed' || (finished.listErrors ?? 0) > 0) return { watermarkMoved: false };
    try {
      await this.documentClient.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...watermarkKey(run.scopeKey),
            watermark: run.startedAt,
            importId: run.importId,
            updatedAt: at,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR watermark < :watermark',
          ExpressionAttributeValues: { ':watermark': run.startedAt },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    return { watermarkMoved: true };
  }

  /**
   * A sync that found its scope held: kept, `skipped`, naming the holder, so `imports list` shows
   * why no sync ran that hour.
   */
  async recordSkippedRun(run: NewImportRun, heldBy: string): Promise<ImportRun> {
    const item: ImportRun = {
      ...newRunFields(run),
      status: 'skipped',
      heldBy,
      finishedAt: run.startedAt,
    };
    return (await this.putRunOnce(item)) ? item : this.requireRun(run.importId);
  }

  /**
   * Takes or renews the scope's lease for the run: when it is free, expired, the run's own, or
   * held by `staleHolder` (a run known to have ended); with `force` (an operator's full import)
   * whoever held it. One running sync per scope.
   */
  async holdLease(
    scopeKey: string,
    importId: string,
    lease: { at: string; expiresAt: string; force?: boolean; staleHolder?: string },
  ): Promise<LeaseOutcome> {
    try {
      await this.documentClient.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...leaseKey(scopeKey), holder: importId, expiresAt: lease.expiresAt, takenAt: lease.at },
          ...(lease.force
            ? {}
            : {
                ConditionExpression:
                  'attribute_not_exists(pk) OR holder IN (:me, :stale) OR expiresAt <= :now',
                ExpressionAttributeValues: {
                  ':me': importId,
                  ':stale': lease.staleHolder ?? importId,
                  ':now': lease.at,
                },
              }),
        }),
      );
      return { held: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const { Item } = await this.documentClient.send(
      new GetCommand({ TableName: this.tableName, Key: leaseKey(scopeKey), ConsistentRead: true }),
    );
    return { held: false, holder: String(Item?.holder), expiresAt: String(Item?.expiresAt) };
  }

  /**
   * Gives the scope's lease up (it expires now), if the run still holds it: a full import may have
   * taken it meanwhile.
   */
  async releaseLease(scopeKey: string, importId: string, at: string): Promise<void> {
    try {
      await this.documentClient.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: leaseKey(scopeKey),
          UpdateExpression: 'SET expiresAt = :at',
          ConditionExpression: 'holder = :me',
          ExpressionAttributeValues: { ':me': importId, ':at': at },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** The run could not go on (its retries were spent): kept with the reason, resumable by its id. */
  async failRun(importId: string, failure: string, at: string): Promise<void> {
    await this.finish(importId, 'failed', at, failure);
  }

  /** Stops a running import at its next page; false when the run was not running (or is unknown). */
  async cancelRun(importId: string, at: string): Promise<boolean> {
    return this.finish(importId, 'cancelled', at);
  }

  /** A failed or cancelled run set running again, to resume from its checkpoint. */
  async reopenRun(importId: string, at: string): Promise<void> {
    const update = new UpdateExpressionBuilder();
    const status = update.set('status', 'running').name;
    update.set('updatedAt', at);
    update.remove('failure');
    update.remove('finishedAt');
    update.when(`${status} IN (${update.value('failed')}, ${update.value('cancelled')})`);
    await this.documentClient.send(
      new UpdateCommand({ TableName: this.tableName, Key: runKey(importId), ...update.input() }),
    );
  }

  /** Runs newest first, a page at a time: the keys-only index, then the runs themselves. */
  async listRuns(options: { limit?: number; cursor?: string } = {}): Promise<ImportRunPage> {
    const { Items = [], LastEvaluatedKey } = await this.documentClient.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: importTableKeys.runsIndex,
        KeyConditionExpression: '#runs = :runs',
        ExpressionAttributeNames: { '#runs': importTableKeys.runsPartitionKey },
        ExpressionAttributeValues: { ':runs': runsPartition },
        ScanIndexForward: false,
        Limit: Math.min(options.limit ?? 20, 100), // one BatchGet
        ...(options.cursor ? { ExclusiveStartKey: decodeCursor(runsPartition, options.cursor) } : {}),
      }),
    );
    const keys = Items.map((item) => ({ pk: item.pk, sk: item.sk }));
    const byKey = new Map(
      (await batchGetAll(this.documentClient, this.tableName, keys)).map((item) => [
        item.pk as string,
        runOf(item),
      ]),
    );
    return {
      runs: Items.flatMap((item) => byKey.get(item.pk as string) ?? []),
      ...(LastEvaluatedKey ? { cursor: encodeCursor(runsPartition, LastEvaluatedKey as LastKey) } : {}),
    };
  }

  async watermarkOf(scopeKey: string): Promise<string | undefined> {
    const { Item } = await this.documentClient.send(
      new GetCommand({ TableName: this.tableName, Key: watermarkKey(scopeKey), ConsistentRead: true }),
    );
    return Item?.watermark as string | undefined;
  }

  private async finish(
    importId: string,
    status: ImportStatus,
    at: string,
    failure?: string,
  ): Promise<boolean> {
    const update = new UpdateExpressionBuilder();
    const current = update.set('status', status).name;
    update.set('updatedAt', at);
    update.set('finishedAt', at);
    if (failure) update.set('failure', failure.slice(0, 1000));
    update.when(`${current} = ${update.value('running')}`);
    try {
      await this.documentClient.send(
        new UpdateCommand({ TableName: this.tableName, Key: runKey(importId), ...update.input() }),
      );
      return true;
    } catch (error) {
      // Already finished (a retried last step, or a cancel racing the end): the first word stands.
      if (!isConditionFailure(error)) throw error;
      return false;
    }
  }
}

/** A run as it starts: at the first checkpoint, nothing counted yet. */
function newRunFields(run: NewImportRun): Omit<ImportRun, 'status'> {
  return {
    ...run,
    phase: initialCheckpoint.phase,
    checkpoint: initialCheckpoint,
    sequence: 0,
    pages: 0,
    records: emptyRecordCounts(),
    errors: 0,
    updatedAt: run.startedAt,
  };
}
