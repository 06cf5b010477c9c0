import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parseCsv } from '../../lambdas/campaigns';
import {
  changedByOf,
  changeSourceOf,
  checkOperatorRemoval,
  doNotContactEntriesOf,
  maskedExcerpt,
  planSuppressionLift,
  reviewReason,
  type AnnotatedAuditEntry,
  type ListedSuppression,
  type ReviewResolution,
  type SuppressionReason,
  type SuppressionRecord,
} from '../../lambdas/crm';
import { toE164 } from '../../lambdas/shared/phone-numbers';
import { CommandFailure, UsageError } from '../errors';
import { formatTable, maskPhoneNumber, plural, printData, type Output } from '../output';
import type { Target } from '../target';

export interface SuppressionDisplayOptions {
  /** Print whole numbers (off: the last 4 digits). */
  showNumbers?: boolean;
}

export interface ChangeOptions {
  reason: SuppressionReason;
  note?: string;
  confirmConsent?: boolean;
  /** Who ran it, for the audit trail. @default the USER environment variable */
  operator?: string;
}

/** Operator changes carry `operator:<who>` as their reference; the time is the command's. */
const operatorReference = (operator?: string) => `operator:${operator ?? process.env.USER ?? 'unknown'}`;

function e164Of(phoneNumber: string): string {
  const number = toE164(phoneNumber);
  if (!number.ok) throw new UsageError(`"${phoneNumber}" is not a phone number (${number.reason})`);
  return number.e164;
}

const shown = (phoneNumber: string, options: SuppressionDisplayOptions) =>
  options.showNumbers ? phoneNumber : maskPhoneNumber(phoneNumber);

/** Active suppressions, one reason or all, oldest first within each reason. */
export async function listSuppressions(
  target: Target,
  out: Output,
  options: SuppressionDisplayOptions & { reason?: SuppressionReason; since?: string },
): Promise<void> {
  const listed: ListedSuppression[] = options.reason
    ? await target.suppressions.listActive(options.reason, options.since)
    : await target.suppressions.listAllActive(options.since);
  const scope = `${options.reason ?? 'any reason'}${options.since ? ` since ${options.since}` : ''}`;
  const items = listed.map((s) => ({ ...s, phoneNumber: shown(s.phoneNumber, options) }));
  printData(out, { items }, () => {
    out.line(`Suppressions (${scope}) in ${target.name}: ${plural(listed.length, 'number')}`);
    if (listed.length === 0) return;
    const rows = items.map((s) => [s.phoneNumber, s.reason, s.changedAt, s.reference]);
    for (const line of formatTable(['number', 'reason', 'since', 'reference'], rows)) out.line(line);
  });
}

/** A number's reasons and the audit trail of every change, with a masked excerpt of the message behind it. */
export async function showSuppression(
  target: Target,
  out: Output,
  phoneNumber: string,
  options: SuppressionDisplayOptions,
): Promise<void> {
  const number = e164Of(phoneNumber);
  const record: SuppressionRecord = await target.suppressions.recordOf(number);
  if (out.json) {
    // The message excerpts stay out of the JSON: references (message ids) say where to look.
    printData(
      out,
      {
        phoneNumber: shown(number, options),
        ...record,
        suppressions: record.suppressions.map((s) => ({ ...s, phoneNumber: shown(s.phoneNumber, options) })),
        audit: record.audit.map((e) => ({ ...e, phoneNumber: shown(e.phoneNumber, options) })),
      },
      () => undefined,
    );
    return;
  }
  out.line(`Suppressions of ${shown(number, options)} in ${target.name}`);
  if (record.suppressions.length === 0 && record.audit.length === 0) {
    out.line('never suppressed');
    return;
  }
  const state = record.suppressions.map((s) => [
    s.reason,
    s.active ? 'active' : 'lifted',
    s.changedAt,
    s.reference,
  ]);
  for (const line of formatTable(['reason', 'state', 'since', 'reference'], state)) out.line(line);
  out.line('');
  out.line('Audit trail, oldest first');
  const rows: string[][] = [];
  for (const entry of record.audit) {
    // A message id (AC…) is the message that caused it: show a few masked words of it.
    const message = /^AC/.test(entry.reference)
      ? await target.activities.getActivity(entry.reference).catch(() => undefined)
      : undefined;
    const excerpt = message?.text ? `"${maskedExcerpt(message.text)}"` : (entry.note ?? '');
    rows.push([entry.at, entry.action, entry.reason, entry.reference, excerpt]);
  }
  for (const line of formatTable(['at', 'action', 'reason', 'reference', 'message / note'], rows))
    out.line(line);
}

export async function addSuppression(
  target: Target,
  out: Output,
  phoneNumber: string,
  options: ChangeOptions,
): Promise<void> {
  const number = e164Of(phoneNumber);
  if (options.reason !== 'manual')
    throw new UsageError(
      `operators add only --reason manual (${options.reason} is recorded by the bridge from replies and deliveries)`,
    );
  if (!options.note?.trim()) throw new UsageError('--note is required: say why, for the audit trail');
  await target.suppressions.changeByOperator({
    action: 'add',
    phoneNumber: number,
    reason: 'manual',
    at: new Date().toISOString(),
    reference: operatorReference(options.operator),
    note: options.note.trim(),
  });
  out.line(`${maskPhoneNumber(number)} is suppressed (manual): no campaign message will go to it`);
}

export async function removeSuppression(
  target: Target,
  out: Output,
  phoneNumber: string,
  options: ChangeOptions,
): Promise<void> {
  const number = e164Of(phoneNumber);
  if (checkOperatorRemoval(options.reason, false).kind === 'use-review-commands')
    throw new UsageError(
      'a review is settled with `suppressions confirm <phone>` or `suppressions clear <phone>`',
    );
  // The same rule as DELETE /v1/suppressions/{phone} in the CRM API.
  const { suppressions } = await target.suppressions.recordOf(number);
  const plan = planSuppressionLift(
    suppressions.filter((s) => s.active).map((s) => s.reason),
    { reason: options.reason, confirmConsent: options.confirmConsent ?? false, note: options.note },
  );
  if (plan.kind === 'needs-consent-confirmation')
    throw new UsageError(
      `refusing to lift the opt-out of ${maskPhoneNumber(number)}: it is the person's own request. ` +
        'Only if they consented again (in writing, or by texting START), run it again with --confirm-consent and a --note saying how',
    );
  if (plan.kind === 'needs-consent-note')
    throw new UsageError(
      '--note is required to lift an opt-out: say how the person consented again (e.g. "texted START on 2026-11-20")',
    );
  if (plan.kind === 'needs-note') throw new UsageError('--note is required: say why, for the audit trail');
  if (plan.kind === 'review-needs-resolution')
    throw new UsageError(
      'a review is settled with `suppressions confirm <phone>` or `suppressions clear <phone>`',
    );
  if (plan.kind === 'not-suppressed')
    throw new CommandFailure(`${maskPhoneNumber(number)} has no active ${options.reason} suppression`);
  await target.suppressions.changeByOperator({
    action: 'remove',
    phoneNumber: number,
    reason: options.reason,
    at: new Date().toISOString(),
    reference: operatorReference(options.operator),
    note: options.note?.trim(),
  });
  out.line(`lifted the ${options.reason} suppression of ${maskPhoneNumber(number)}`);
}

async function activeReview(target: Target, number: string): Promise<void> {
  const { suppressions } = await target.suppressions.recordOf(number);
  if (!suppressions.some((s) => s.reason === reviewReason && s.active))
    throw new CommandFailure(`${maskPhoneNumber(number)} is not waiting for review`);
}

async function settleReview(
  target: Target,
  phoneNumber: string,
  resolution: ReviewResolution,
  options: { note?: string; operator?: string },
): Promise<string> {
  const number = e164Of(phoneNumber);
  await activeReview(target, number);
  await target.suppressions.settleReview(number, resolution, {
    at: new Date().toISOString(),
    reference: operatorReference(options.operator),
    note: options.note?.trim() || undefined,
  });
  return number;
}

/** A possible opt-out confirmed: it becomes an opt-out. */
export async function confirmReview(
  target: Target,
  out: Output,
  phoneNumber: string,
  options: { note?: string; operator?: string },
): Promise<void> {
  const number = await settleReview(target, phoneNumber, 'opt-out', options);
  out.line(`${maskPhoneNumber(number)}: review confirmed, it is opted out`);
}

/** A possible opt-out that was not one: the review is lifted and campaigns may message the number again. */
export async function clearReview(
  target: Target,
  out: Output,
  phoneNumber: string,
  options: { note?: string; operator?: string },
): Promise<void> {
  const number = await settleReview(target, phoneNumber, 'not-an-opt-out', options);
  out.line(`${maskPhoneNumber(number)}: review cleared, not an opt-out`);
}

/** A do-not-contact CSV as manual suppressions: all rows, or none when any row is bad. */
export async function importSuppressions(
  target: Target,
  out: Output,
  file: string,
  options: { defaultCountry: string; operator?: string },
): Promise<void> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CommandFailure(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const parsed = parseCsv(text);
  if (parsed.kind === 'malformed')
    throw new UsageError(`${file} is not CSV: line ${parsed.record}: ${parsed.reason}; nothing imported`);
  const checked = doNotContactEntriesOf(parsed.records, options.defaultCountry);
  if (checked.kind === 'invalid') {
    for (const p of checked.problems) out.line(`line ${p.line}: ${p.problem}`);
    throw new UsageError(
      `${file}: ${plural(checked.problems.length, 'invalid row')}; nothing imported (fix them and run it again)`,
    );
  }
  // The file's hash names the import: running the same file again writes the same entries.
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 12);
  const at = new Date().toISOString();
  await target.suppressions.importDoNotContact(
    checked.entries,
    at,
    `import:${digest}:${operatorReference(options.operator)}`,
  );
  out.line(`imported ${plural(checked.entries.length, 'number')} as manual suppressions (import ${digest})`);
}

const csvField = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

export type ExportFormat = 'csv' | 'json';

/** Every active suppression, whole numbers: the list for another system (`export --active`). */
async function exportActive(target: Target, out: Output, format: ExportFormat): Promise<void> {
  const listed = await target.suppressions.listAllActive();
  if (format === 'json') {
    out.line(JSON.stringify(listed, null, 2));
    return;
  }
  out.line('phone,reason,since,reference');
  for (const s of listed)
    out.line([s.phoneNumber, s.reason, s.changedAt, s.reference].map(csvField).join(','));
}

/** The export's columns: who (source, by, reference) and why (note, resolution, matched, excerpt). */
const auditColumns = [
  'phone',
  'at',
  'action',
  'reason',
  'source',
  'by',
  'reference',
  'note',
  'resolution',
  'matched',
  'excerpt',
] as const;
type AuditRecord = Record<(typeof auditColumns)[number], string>;

function auditRecordOf(entry: AnnotatedAuditEntry): AuditRecord {
  return {
    phone: entry.phoneNumber,
    at: entry.at,
    action: entry.action,
    reason: entry.reason,
    source: changeSourceOf(entry.reference),
    by: changedByOf(entry.reference) ?? '',
    reference: entry.reference,
    note: entry.note ?? '',
    resolution: entry.resolution ?? '',
    matched: entry.matched ?? '',
    excerpt: entry.excerpt ?? '',
  };
}

/**
 * The suppression audit trail for a compliance request: one number's, or every number's (a scan
 * of the CRM table), oldest first, as CSV or JSON on stdout. Nothing is masked: it is the
 * operator's own record of who changed what and why. `active`: the active list instead.
 */
export async function exportSuppressions(
  target: Target,
  out: Output,
  options: { phoneNumber?: string; format?: ExportFormat; active?: boolean } = {},
): Promise<void> {
  const format = options.format ?? (out.json ? 'json' : 'csv');
  if (options.active) {
    if (options.phoneNumber)
      throw new UsageError('--active lists every number: give no phone number with it');
    return exportActive(target, out, format);
  }
  const entries = options.phoneNumber
    ? (await target.suppressions.recordOf(e164Of(options.phoneNumber))).audit
    : await target.suppressions.allAudit();
  const records = entries.map(auditRecordOf);
  if (format === 'json') {
    out.line(JSON.stringify(records, null, 2));
    return;
  }
  out.line(auditColumns.join(','));
  for (const record of records) out.line(auditColumns.map((column) => csvField(record[column])).join(','));
}
