import type { ActivityRecord } from '../../lambdas/crm';
import { CommandFailure, UsageError } from '../errors';
import { maskPhoneNumber, printData, type Output } from '../output';
import type { Target } from '../target';

export interface ShowRecordOptions {
  /** Print message text, summaries, next steps and transcripts (off: their sizes only). */
  showText?: boolean;
  /** Print whole phone numbers (off: the last 4 digits). */
  showNumbers?: boolean;
}

const numberFields = ['from', 'forwardedFrom', 'forwardedTo'] as const;
const numberListFields = ['to', 'participants', 'contactNumbers'] as const;

/**
 * The whole stored activity as an operator may see it: words people said or wrote only with
 * `showText` (otherwise how much there is), numbers masked unless `showNumbers`.
 */
export function activityForDisplay(
  record: ActivityRecord,
  options: ShowRecordOptions,
): Record<string, unknown> {
  const view: Record<string, unknown> = { ...record };
  const hidden: string[] = [];
  if (!options.showNumbers) {
    for (const field of numberFields)
      if (typeof record[field] === 'string') view[field] = maskPhoneNumber(record[field]);
    for (const field of numberListFields) if (record[field]) view[field] = record[field].map(maskPhoneNumber);
    // A transcript names a caller by number.
    if (record.transcript)
      view.transcript = {
        ...record.transcript,
        dialogue: record.transcript.dialogue.map((turn) =>
          turn.identifier?.startsWith('+') ? { ...turn, identifier: maskPhoneNumber(turn.identifier) } : turn,
        ),
      };
  }
  if (!options.showText) {
    if (record.text !== undefined) {
      view.text = `${record.text.length} characters`;
      hidden.push('text');
    }
    for (const field of ['summary', 'nextSteps'] as const)
      if (record[field]) {
        view[field] = `${record[field].length} lines`;
        hidden.push(field);
      }
    if (record.transcript) {
      view.transcript = { ...record.transcript, dialogue: `${record.transcript.dialogue.length} lines` };
      hidden.push('transcript');
    }
    if (record.voicemail?.transcript !== undefined) {
      view.voicemail = {
        ...record.voicemail,
        transcript: `${record.voicemail.transcript.length} characters`,
      };
      hidden.push('voicemail.transcript');
    }
  }
  return hidden.length ? { ...view, hidden } : view;
}

/** `key: value` lines of a record; nested values as compact JSON, a transcript one line per turn. */
export function recordLines(view: Record<string, unknown>): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(view)) {
    if (key === 'hidden') continue;
    const transcript = key === 'transcript' ? (value as { dialogue?: unknown }) : undefined;
    if (transcript && Array.isArray(transcript.dialogue)) {
      lines.push('transcript:');
      for (const turn of transcript.dialogue as { start?: number; identifier?: string; content?: string }[])
        lines.push(`  [${turn.start ?? ''}] ${turn.identifier ?? '?'}: ${turn.content ?? ''}`);
      continue;
    }
    lines.push(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  if (Array.isArray(view.hidden) && view.hidden.length)
    lines.push(`(${(view.hidden as string[]).join(', ')}: sizes only; --show-text prints them)`);
  return lines;
}

/** One activity by its OpenPhone id (`AC…`): every stored field. */
export async function showActivity(
  target: Target,
  out: Output,
  activityId: string,
  options: ShowRecordOptions,
): Promise<void> {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(activityId))
    throw new UsageError(`"${activityId}" is not an OpenPhone id (AC…)`);
  const record = await target.activities.getActivity(activityId);
  if (!record) throw new CommandFailure(`no activity ${activityId} in ${target.name}`);
  const view = activityForDisplay(record, options);
  printData(out, view, () => {
    out.line(`Activity ${activityId} in ${target.name}`);
    for (const line of recordLines(view)) out.line(`  ${line}`);
  });
}
