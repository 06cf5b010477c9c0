/**
 * The operators' side of the suppression list: which reasons an operator may list and lift, and
 * how a do-not-contact file becomes suppressions. Pure: the CLI and the repository call these.
 */
import { toE164 } from '../../shared/phone-numbers';
import { suppressionReasons, type SuppressionReason } from './suppression';

/** A possible opt-out held for an operator to confirm (→ opt-out) or clear. */
export const reviewReason = 'review' as SuppressionReason;

/** Every reason a suppression may carry, as the list shows them (`review` whether or not recognition adds it yet). */
export const listedSuppressionReasons: readonly SuppressionReason[] = [
  ...new Set<SuppressionReason>([...suppressionReasons, reviewReason]),
];

export function isListedSuppressionReason(value: string): value is SuppressionReason {
  return (listedSuppressionReasons as readonly string[]).includes(value);
}

export type RemovalCheck =
  { kind: 'allowed' } | { kind: 'needs-consent-confirmation' } | { kind: 'use-review-commands' };

/**
 * Lifting an opt-out re-opens messaging to a person who asked for none: only with the operator's
 * explicit word that the person consented again. A review is settled by `confirm` or `clear`.
 */
export function checkOperatorRemoval(reason: SuppressionReason, confirmConsent: boolean): RemovalCheck {
  if (reason === reviewReason) return { kind: 'use-review-commands' };
  if (reason === 'opt-out' && !confirmConsent) return { kind: 'needs-consent-confirmation' };
  return { kind: 'allowed' };
}

/** At most 32 characters of a message, digits hidden: enough to recognise it, never a number or a code. */
export function maskedExcerpt(text: string, length = 32): string {
  const flat = text.replace(/\s+/g, ' ').trim().replace(/\d/g, '•');
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

export interface DoNotContactEntry {
  phoneNumber: string;
  note?: string;
}

export type DoNotContactFile =
  | { kind: 'valid'; entries: DoNotContactEntry[] }
  | { kind: 'invalid'; problems: Array<{ line: number; problem: string }> };

const phoneHeaders = ['phone', 'phone_number', 'phonenumber', 'number'];

/**
 * A do-not-contact CSV (records as parsed, the header first): a phone column (`phone`, `number`…)
 * and an optional `note`. Every bad row is reported by its record number (the header is 1); one
 * bad row makes the whole file invalid, so nothing is half imported.
 */
export function doNotContactEntriesOf(records: string[][], defaultCountry = 'US'): DoNotContactFile {
  const [header, ...rows] = records;
  const columns = (header ?? []).map((name) => name.trim().toLowerCase());
  const phoneColumn = columns.findIndex((name) => phoneHeaders.includes(name));
  if (phoneColumn < 0)
    return {
      kind: 'invalid',
      problems: [{ line: 1, problem: `no phone column (a header named ${phoneHeaders.join(', ')})` }],
    };
  const noteColumn = columns.indexOf('note');
  const problems: Array<{ line: number; problem: string }> = [];
  const entries = new Map<string, DoNotContactEntry>();
  rows.forEach((row, index) => {
    const line = index + 2;
    if (row.every((cell) => cell.trim() === '')) return;
    const raw = row[phoneColumn] ?? '';
    const number = toE164(raw, defaultCountry as Parameters<typeof toE164>[1]);
    if (!number.ok) {
      problems.push({ line, problem: number.reason });
      return;
    }
    const note = noteColumn >= 0 ? row[noteColumn]?.trim() : undefined;
    entries.set(number.e164, { phoneNumber: number.e164, ...(note ? { note } : {}) });
  });
  if (problems.length > 0) return { kind: 'invalid', problems };
  if (entries.size === 0)
    return { kind: 'invalid', problems: [{ line: 1, problem: 'no numbers in the file' }] };
  return { kind: 'valid', entries: [...entries.values()] };
}

export type SuppressionLift =
  | { kind: 'lift'; reasons: SuppressionReason[] }
  | { kind: 'not-suppressed'; reason?: SuppressionReason }
  | { kind: 'needs-consent-confirmation' }
  | { kind: 'needs-consent-note' }
  | { kind: 'needs-note' }
  | { kind: 'review-needs-resolution' };

/**
 * What lifting a number's suppression does: the reason asked for, or every active one but a
 * review, always with a note saying why (the audit's evidence). An opt-out is lifted only with
 * `confirmConsent` and a note saying how the person consented again (and then nothing else is
 * lifted either, so a refusal changes nothing). A review is never lifted here: it is settled by
 * its own choice (`settleReview`, `suppressions clear`).
 */
export function planSuppressionLift(
  active: readonly SuppressionReason[],
  options: { reason?: SuppressionReason | undefined; confirmConsent: boolean; note?: string | undefined },
): SuppressionLift {
  const { reason, confirmConsent } = options;
  if (reason === reviewReason) return { kind: 'review-needs-resolution' };
  if (reason && !active.includes(reason)) return { kind: 'not-suppressed', reason };
  const reasons = reason ? [reason] : active.filter((r) => r !== reviewReason);
  if (reasons.length === 0)
    return active.includes(reviewReason) ? { kind: 'review-needs-resolution' } : { kind: 'not-suppressed' };
  if (reasons.some((r) => checkOperatorRemoval(r, confirmConsent).kind === 'needs-consent-confirmation'))
    return { kind: 'needs-consent-confirmation' };
  if (!options.note?.trim())
    return reasons.includes('opt-out') ? { kind: 'needs-consent-note' } : { kind: 'needs-note' };
  return { kind: 'lift', reasons };
}

/** How an operator settles a review: the reply was an opt-out, or it was not one. */
export const reviewResolutions = ['opt-out', 'not-an-opt-out'] as const;
export type ReviewResolution = (typeof reviewResolutions)[number];

/** The reference API changes carry on the audit trail (`api`, or `api:<caller>`). */
export const apiReference = (caller?: string) => (caller ? `api:${caller}` : 'api');

export const suppressionChangeSources = ['api', 'operator', 'import', 'message', 'bridge'] as const;
export type SuppressionChangeSource = (typeof suppressionChangeSources)[number];

/**
 * Who made an audited change, read from its reference: the CRM API, an operator (CLI), a
 * do-not-contact import, a message (a reply or a delivery failure, by its `AC…` id), or the bridge.
 */
export function changeSourceOf(reference: string): SuppressionChangeSource {
  if (reference === 'api' || reference.startsWith('api:')) return 'api';
  if (reference.startsWith('import:')) return 'import';
  if (reference.startsWith('operator:')) return 'operator';
  if (/^AC/.test(reference)) return 'message';
  return 'bridge';
}

/**
 * Who made an audited change, by name: the IAM ARN or JWT subject behind an API call, the operator
 * who ran the CLI (or the import), the message that caused it; `undefined` for an API call whose
 * caller was not identified (the local replica's token).
 */
export function changedByOf(reference: string): string | undefined {
  if (reference === 'api') return undefined;
  if (reference.startsWith('api:')) return reference.slice('api:'.length);
  const operator = /(?:^|:)operator:(.*)$/.exec(reference);
  if (operator) return operator[1];
  return reference;
}

/** Suppressions in the list's order of reasons (opt-out first): the first is the one a number is shown as suppressed for. */
export function inListedOrder<T extends { reason: SuppressionReason }>(items: readonly T[]): T[] {
  return [...items].sort(
    (a, b) => listedSuppressionReasons.indexOf(a.reason) - listedSuppressionReasons.indexOf(b.reason),
  );
}
