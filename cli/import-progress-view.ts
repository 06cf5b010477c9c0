import {
  type ImportRun,
  estimateImport,
  totalRecords,
  type ImportEstimate,
  importRecordKinds,
  type ImportError,
} from '../lambdas/history-import';
import { maskPhoneNumbersIn } from './output';
import { fractionBar } from './progress-bar';

/** `1h 02m`, `4m 05s`, `12s`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

function phaseFraction(estimate: ImportEstimate, run: ImportRun): number | undefined {
  if (run.status === 'completed') return 1;
  const phase = estimate.phase;
  return phase?.total ? phase.done / phase.total : undefined;
}

function timeLeft(estimate: ImportEstimate, run: ImportRun): string {
  if (run.status !== 'running') return '';
  if (estimate.remainingMs === undefined)
    return 'time left unknown (until a first conversation, or contact page, is done against a known total)';
  const left = `time left ~${formatDuration(estimate.remainingMs)}`;
  return estimate.covers === 'conversations' ? `${left} for the conversations, then the contacts` : left;
}

const rateOf = (estimate: ImportEstimate) =>
  estimate.recordsPerSecond === undefined
    ? 'rate unknown'
    : `${estimate.recordsPerSecond.toFixed(1)} records/s`;

const scopeOf = (run: ImportRun) =>
  `${run.scope.phoneNumbers.length ? `${run.scope.phoneNumbers.length} phone number(s)` : 'all phone numbers'}, ${run.scope.includeContacts ? 'with contacts' : 'no contacts'}`;

/** The full status of a run: what `imports status` prints (and redraws with --watch on a terminal). */
export function statusLines(run: ImportRun, errors: readonly ImportError[], shownErrors = 5): string[] {
  const estimate = estimateImport(run);
  const phase = estimate.phase;
  const counted = phase
    ? ` ${phase.done}${phase.total === undefined ? '' : `/${phase.total}`} ${phase.unit}`
    : '';
  const lines = [
    `Import ${run.importId}: ${run.kind}, ${scopeOf(run)}${run.since ? `, since ${run.since}` : ''}`,
    `${run.status}, phase ${run.phase}, started ${run.startedAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}`,
    `${fractionBar(phaseFraction(estimate, run))}${counted}`,
    `pages ${run.pages}, records ${totalRecords(run.records)} (${importRecordKinds.map((k) => `${k} ${run.records[k] ?? 0}`).join(', ')})`,
    [rateOf(estimate), timeLeft(estimate, run)].filter(Boolean).join(', '),
    `errors ${run.errors}`,
  ];
  if (run.failure) lines.push(`failure: ${maskPhoneNumbersIn(run.failure.split('\n')[0]!.slice(0, 300))}`);
  for (const error of errors.slice(0, shownErrors))
    lines.push(`  ${error.subject}  ${error.reason}  ${maskPhoneNumbersIn(error.detail.slice(0, 120))}`);
  if (errors.length > shownErrors) lines.push(`  … and ${errors.length - shownErrors} more`);
  return lines;
}

/** One line per refresh of `imports status --watch` when stdout is not a terminal (a log, a pipe). */
export function statusLine(run: ImportRun, at: Date): string {
  const estimate = estimateImport(run);
  const phase = estimate.phase;
  const parts = [
    at.toISOString(),
    run.status,
    run.phase,
    ...(phase ? [`${phase.done}${phase.total === undefined ? '' : `/${phase.total}`} ${phase.unit}`] : []),
    `pages ${run.pages}`,
    `records ${totalRecords(run.records)}`,
    rateOf(estimate),
    ...(run.status === 'running' && estimate.remainingMs !== undefined
      ? [
          `~${formatDuration(estimate.remainingMs)} left${estimate.covers === 'conversations' ? ' (conversations)' : ''}`,
        ]
      : []),
    `errors ${run.errors}`,
  ];
  return parts.join('  ');
}
