import { InvalidCursorError, type ActivityRecord } from '../../lambdas/crm';
import { maskPhoneNumber, toE164 } from '../../lambdas/shared/phone-numbers';
import { UsageError } from '../errors';
import { formatTable, printData, type Output } from '../output';
import { activityForDisplay } from './activities-show';
import type { Target } from '../target';

export interface TimelineOptions {
  limit: number;
  cursor?: string;
  /** Print message text and summaries; off by default so a shared terminal or a log keeps none. */
  showText?: boolean;
}

function duration(seconds: number | undefined): string {
  if (seconds === undefined) return '';
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/** What happened, in a few words: never the text unless asked for. */
function what(activity: ActivityRecord, showText: boolean): string {
  const parts: string[] = [];
  if (activity.kind === 'message') {
    parts.push(showText ? JSON.stringify(activity.text ?? '') : `text ${activity.text?.length ?? 0} chars`);
    if (activity.media?.length) parts.push(`${activity.media.length} media`);
  } else {
    if (activity.durationSeconds !== undefined) parts.push(duration(activity.durationSeconds));
    if (activity.voicemail) parts.push(`voicemail ${duration(activity.voicemail.duration)}`);
    if (activity.recordings?.length) parts.push(`${activity.recordings.length} recording(s)`);
    if (activity.summary?.length) parts.push(showText ? `summary: ${activity.summary.join(' ')}` : 'summary');
    if (activity.transcript) parts.push('transcript');
  }
  return parts.join(', ');
}

/** A contact's activities by phone number, newest first, a page at a time. */
export async function showTimeline(
  target: Target,
  out: Output,
  phoneNumber: string,
  options: TimelineOptions,
): Promise<void> {
  const number = toE164(phoneNumber);
  if (!number.ok) throw new UsageError(`"${phoneNumber}" is not a phone number (${number.reason})`);
  const page = await target.activities
    .timeline(number.e164, { limit: options.limit, ...(options.cursor ? { cursor: options.cursor } : {}) })
    .catch((error: unknown) => {
      if (error instanceof InvalidCursorError)
        throw new UsageError('--cursor is not a cursor printed for this number');
      throw error;
    });
  const showText = options.showText ?? false;
  const data = {
    items: page.items.map((a) => activityForDisplay(a, { showText })),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  };
  printData(out, data, () => {
    out.line(`Timeline of ${maskPhoneNumber(number.e164)} in ${target.name}, newest first`);
    if (page.items.length === 0) {
      out.line('no activities');
      return;
    }
    const rows = page.items.map((a) => [
      a.createdAt ?? '',
      a.kind ?? '',
      a.direction ?? '',
      a.status ?? '',
      what(a, showText),
      // People and lines by name; the id where the directory does not know it.
      a.userName ?? a.userId ?? '',
      a.phoneNumberName ?? a.phoneNumberId ?? '',
      a.activityId,
    ]);
    for (const line of formatTable(
      ['when', 'kind', 'direction', 'status', 'what', 'user', 'line', 'activity'],
      rows,
    ))
      out.line(line);
    if (page.cursor) out.line(`next page: --cursor ${page.cursor}`);
  });
}
