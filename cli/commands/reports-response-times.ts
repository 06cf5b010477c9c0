import { readFile } from 'node:fs/promises';
import { defaultFollowUpSettings, followUpSettings, type FollowUpSettings } from '../../lambdas/crm';
import { readResponseTimeReport, responseTimeQuery } from '../../lambdas/crm-api';
import { UsageError } from '../errors';
import { formatTable, maskPhoneNumber, printData, type Output } from '../output';
import type { Target } from '../target';

export interface ResponseTimeOptions {
  from: string;
  to: string;
  by?: string;
  /** A JSON file of the stage's `followUp` settings (hours and reply targets per line). */
  followUp?: string;
  showNumbers?: boolean;
}

/** The stage's follow-up settings from a file, or the defaults; a bad file is a usage error naming the field. */
async function settingsFrom(file: string | undefined): Promise<FollowUpSettings> {
  if (!file) return defaultFollowUpSettings;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--follow-up ${file}: ${(error as Error).message}`);
  }
  const parsed = followUpSettings.safeParse(raw);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    throw new UsageError(`--follow-up ${file}: ${issue?.path.join('.') || 'settings'}: ${issue?.message}`);
  }
  return parsed.data;
}

const minutes = (value: number | null) => (value === null ? '-' : value);

/** First-response times per day and line or user, and the missed calls nobody returned. */
export async function showResponseTimes(
  target: Target,
  out: Output,
  options: ResponseTimeOptions,
  now = new Date(),
): Promise<void> {
  const query = responseTimeQuery.safeParse({
    from: options.from,
    to: options.to,
    ...(options.by ? { by: options.by } : {}),
  });
  if (!query.success) {
    const [issue] = query.error.issues;
    throw new UsageError(`--${issue?.path.join('.') || 'from'}: ${issue?.message ?? 'invalid'}`);
  }
  const settings = await settingsFrom(options.followUp);
  const report = await readResponseTimeReport(target.activities, query.data, settings, now);
  printData(out, report, () => {
    out.line(
      `Response times in ${target.name}, ${report.from} to ${report.to}, by ${report.by} (business minutes)`,
    );
    if (report.rows.length === 0) {
      out.line('no waiting spells or missed calls in the period');
      return;
    }
    const t = report.totals;
    const rows = [...report.rows, { day: 'total', key: '', ...t }].map((r) => [
      r.day,
      r.key,
      r.spells,
      r.answered,
      minutes(r.p50Minutes),
      minutes(r.p90Minutes),
      `${r.withinTarget}/${r.targetMinutes}m`,
      r.missedCalls,
      r.missedCallsReturned,
      r.missedCallsNotReturned,
    ]);
    const headers = [
      'day',
      report.by,
      'spells',
      'answered',
      'p50',
      'p90',
      'in target',
      'missed',
      'returned',
      'not',
    ];
    for (const line of formatTable(headers, rows)) out.line(line);
    if (report.unreturnedMissedCalls.length === 0) return;
    out.line('');
    out.line('Missed calls not returned, newest first:');
    for (const call of report.unreturnedMissedCalls)
      out.line(
        `  ${call.at}  ${options.showNumbers ? call.contactNumber : maskPhoneNumber(call.contactNumber)}` +
          `${call.voicemail ? '  voicemail' : ''}  ${call.conversationId}`,
      );
  });
}
