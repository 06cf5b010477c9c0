import { createHash } from 'node:crypto';
import type { CrmEventType } from './crm-event-schemas';

/** Stable event ids and the small readers every event family's mapping shares. */

export type Item = Record<string, unknown>;

/** JSON with sorted keys (sets as sorted arrays): equal content, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Set) return [...(v as Set<unknown>)].sort();
    if (v && typeof v === 'object' && !Array.isArray(v))
      return Object.fromEntries(Object.entries(v as Item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return v;
  });
}

/** The id of one change: its type, the record and what the change is, hashed (never the stream's record id). */
export function crmEventId(type: CrmEventType, recordId: string, change: unknown): string {
  return createHash('sha256')
    .update(`${type}\n${recordId}\n${canonicalJson(change)}`)
    .digest('hex')
    .slice(0, 32);
}

export const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
