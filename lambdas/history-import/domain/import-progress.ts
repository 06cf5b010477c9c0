import type { ImportCheckpoint, ImportKind, ImportPhase, ImportStatus, RecordCounts } from './import-plan';

/**
 * How far an import run has come, pure: its rate over the time it actually worked, and an estimate
 * of the time left from the conversations (then contacts) done against the totals OpenPhone's lists
 * reported. The estimate is only as good as those totals, and it is unknown until they are known.
 */

/** What the run item holds for progress (fields absent on runs written before they existed). */
export interface RunProgress {
  status: ImportStatus;
  phase: ImportPhase;
  scope: { includeContacts: boolean };
  records: RecordCounts;
  /** Time spent working pages, summed over invocations (no retry waits, no gaps between them). */
  activeMs?: number;
  /** The part of `activeMs` spent on contacts pages. */
  contactsActiveMs?: number;
  /** The part of `activeMs` spent on pages of the workspace-wide message listing. */
  messagesActiveMs?: number;
  conversationsDone?: number;
  contactsDone?: number;
  /** `totalItems` of the first conversations page (OpenPhone documents it as inaccurate). */
  conversationsTotal?: number;
  /** `totalItems` of the first contacts page. */
  contactsTotal?: number;
}

export interface PhaseProgress {
  unit: 'conversations' | 'contacts';
  done: number;
  /** Absent while the list has not said how many it holds. */
  total?: number;
}

export interface ImportEstimate {
  /** Records per second over the active time; absent until some time was measured. */
  recordsPerSecond?: number;
  /** Time left; absent when it cannot be estimated yet. */
  remainingMs?: number;
  /**
   * What `remainingMs` covers: the whole run; only the conversations (the contacts phase has not
   * started, so its size is not known yet); or nothing (`unknown`).
   */
  covers: 'run' | 'conversations' | 'unknown';
  /** The current phase: done of total. */
  phase?: PhaseProgress;
}

export const totalRecords = (records: Partial<RecordCounts>): number =>
  Object.values(records).reduce((sum, n) => sum + (n ?? 0), 0);

/** Time left of a phase, at the pace of its part already done: none without a total or a first item. */
function phaseRemainingMs(activeMs: number, done: number, total: number | undefined): number | undefined {
  if (total === undefined || done === 0 || activeMs <= 0) return undefined;
  if (done === total) return 0;
  // More done than the list reported: the total was wrong, so there is nothing to estimate from.
  if (done > total) return undefined;
  return Math.round((activeMs * (total - done)) / done);
}

export function estimateImport(run: RunProgress): ImportEstimate {
  const activeMs = run.activeMs ?? 0;
  const contactsActiveMs = run.contactsActiveMs ?? 0;
  const records = totalRecords(run.records);
  const rate = activeMs > 0 ? { recordsPerSecond: (records * 1000) / activeMs } : {};
  if (run.status !== 'running' || run.phase === 'done') return { ...rate, remainingMs: 0, covers: 'run' };
  if (run.phase === 'contacts') {
    const phase: PhaseProgress = {
      unit: 'contacts',
      done: run.contactsDone ?? 0,
      ...(run.contactsTotal === undefined ? {} : { total: run.contactsTotal }),
    };
    const remainingMs = phaseRemainingMs(contactsActiveMs, phase.done, phase.total);
    return remainingMs === undefined
      ? { ...rate, covers: 'unknown', phase }
      : { ...rate, remainingMs, covers: 'run', phase };
  }
  const phase: PhaseProgress = {
    unit: 'conversations',
    done: run.conversationsDone ?? 0,
    ...(run.conversationsTotal === undefined ? {} : { total: run.conversationsTotal }),
  };
  // The conversations' own pace: the listing's pages, read before any conversation, are not theirs.
  const conversationsMs = activeMs - contactsActiveMs - (run.messagesActiveMs ?? 0);
  const remainingMs = phaseRemainingMs(conversationsMs, phase.done, phase.total);
  if (remainingMs === undefined) return { ...rate, covers: 'unknown', phase };
  return { ...rate, remainingMs, covers: run.scope.includeContacts ? 'conversations' : 'run', phase };
}

/**
 * Conversations a page finished: the checkpoint left a conversation (`finishConversation` marks it
 * finished), so each one counts once however often its pages were re-read.
 */
export function conversationsFinished(before: ImportCheckpoint, after: ImportCheckpoint): number {
  const finished = after.conversation;
  if (!finished || !isFinished(finished)) return 0;
  const previous = before.conversation;
  const same =
    previous && isFinished(previous) && previous.id === finished.id && previous.index === finished.index;
  return same ? 0 : 1;
}

/** Checkpoints written before `finished` existed marked a finished conversation by an empty id. */
const isFinished = (conversation: NonNullable<ImportCheckpoint['conversation']>) =>
  conversation.finished === true || conversation.id === '';

/** `full-20260301T101500Z`: an import id for a run started now (the schedule's are `sync-<time>`). */
export function newImportId(kind: ImportKind, at: Date): string {
  return `${kind}-${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`;
}

/** `rate(1 hour)` → 3,600,000 ms; undefined for `cron(…)`, `off` or anything else. */
export function rateExpressionMs(expression: string): number | undefined {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!match) return undefined;
  const unit = { minute: 60_000, hour: 3_600_000, day: 86_400_000 }[match[2]!.replace(/s$/, '') as 'minute'];
  return Number(match[1]) * unit;
}
