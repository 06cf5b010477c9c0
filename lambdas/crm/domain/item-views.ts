import type { ContactRecord } from './contact-records';
import { activityListAttributes, crmTableKeys } from './crm-keys';
import type { ActivityRecord } from './activity';

/** The `entity` of a group message's entry in another contact's timeline. */
export const timelineEntryEntity = 'timeline-entry';

/**
 * The ids of the webhook events that wrote an activity or contact (a string set): an erase blanks
 * their raw bodies by key. Bookkeeping, not part of the record.
 */
export const eventIdsAttribute = 'eventIds';

/**
 * A contact's listed events: `<UTC day its event expires>#<event id>` (a string set). A contact is
 * written by webhook after webhook for years, so its put drops the entries whose events the events
 * table has deleted (it used to list every id for ever in `eventIds`: one more write unit per put
 * after about 30, DynamoDB's 400 KB after about 11,000). Activities, which few events write, and
 * contacts from before list bare ids in `eventIds`, kept as they are.
 */
export const listedEventsAttribute = 'listedEvents';

const entryDay = /^(\d{4}-\d{2}-\d{2})#/;

/** The entry of an event that expires on `expiresOn`'s UTC day. */
export function listedEventEntry(eventId: string, expiresOn: Date): string {
  return `${expiresOn.toISOString().slice(0, 10)}#${eventId}`;
}

/** The event ids an item lists: its bare `eventIds` and its dated `listedEvents`. */
export function listedEventIds(item: Record<string, unknown> | undefined): string[] {
  const bare = (item?.[eventIdsAttribute] as Set<string> | undefined) ?? [];
  const dated = (item?.[listedEventsAttribute] as Set<string> | undefined) ?? [];
  return [...bare, ...[...dated].map((entry) => (entryDay.test(entry) ? entry.slice(11) : entry))];
}

/**
 * The entries whose events may still be stored at `now`: expiring today or later, or within
 * `ttlLagDays` before (DynamoDB deletes an expired item within days, not at once). An entry
 * without a day is kept.
 */
export function entriesStillStored(entries: Iterable<string>, now: Date, ttlLagDays: number): string[] {
  const oldest = new Date(now.getTime() - ttlLagDays * 86_400_000).toISOString().slice(0, 10);
  return [...entries].filter((entry) => {
    const day = entryDay.exec(entry)?.[1];
    return day === undefined || day >= oldest;
  });
}

/** Attributes of items that are keys or bookkeeping, not part of a record. */
const storageAttributes = new Set<string>([
  crmTableKeys.partitionKey,
  crmTableKeys.sortKey,
  crmTableKeys.timelinePartitionKey,
  crmTableKeys.timelineSortKey,
  crmTableKeys.conversationPartitionKey,
  crmTableKeys.conversationSortKey,
  crmTableKeys.activityDayPartitionKey,
  crmTableKeys.activityDaySortKey,
  crmTableKeys.expiresAt,
  'entity',
  'statusRank',
  'version',
  eventIdsAttribute,
  listedEventsAttribute,
]);

export function withoutStorageAttributes(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !storageAttributes.has(name)));
}

export function activityRecordOf(item: Record<string, unknown>): ActivityRecord {
  const record = withoutStorageAttributes(item) as unknown as ActivityRecord & { sources?: Iterable<string> };
  return {
    ...record,
    ...(record.sources ? { sources: [...record.sources].sort() as ActivityRecord['sources'] } : {}),
  };
}

/** The list attributes that are part of a record (`entity` is bookkeeping). */
const listRecordAttributes = activityListAttributes.filter((name) => !storageAttributes.has(name));

/**
 * An activity as lists show it (no transcript), from a whole item or an index entry carrying the
 * list attributes: one pass over the names, as a page resolves 20 to 100 of them per request.
 */
export function activityListRecordOf(item: Record<string, unknown>): ActivityRecord {
  const record: Record<string, unknown> = {};
  for (const name of listRecordAttributes) if (item[name] !== undefined) record[name] = item[name];
  if (record.sources) record.sources = [...(record.sources as Iterable<string>)].sort();
  return record as unknown as ActivityRecord;
}

export const contactRecordOfItem = (item: Record<string, unknown>): ContactRecord =>
  withoutStorageAttributes(item) as unknown as ContactRecord;
