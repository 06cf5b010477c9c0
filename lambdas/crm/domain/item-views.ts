import type { ContactRecord } from './contact-records';
import { activityListAttributes, crmTableKeys } from './crm-keys';
import type { ActivityRecord } from './activity';

/** The `entity` of a group message's entry in another contact's timeline. */
export const timelineEntryEntity = 'timeline-entry';

/** The attributes the indexes project, so a resolved timeline entry reads like any other list item. */
export function listViewOf(item: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!item) return undefined;
  const listed = new Set<string>(activityListAttributes);
  return Object.fromEntries(Object.entries(item).filter(([name]) => listed.has(name)));
}

/**
 * The ids of the webhook events that wrote an activity or contact (a string set): an erase blanks
 * their raw bodies by key. Bookkeeping, not part of the record.
 */
export const eventIdsAttribute = 'eventIds';

const listedDay = /@(\d{4}-\d{2}-\d{2})$/;

/**
 * A contact's entry in `eventIds`: `<event id>@<UTC day it was listed>`, so that a contact written
 * again and again drops the ids whose events the events table has let expire (a contact lists one
 * per webhook; unbounded, its item outgrew a write unit after about 30 and DynamoDB's 400 KB after
 * about 11,000). Activities, which few events write, and items from before list bare ids.
 */
export function listedEventEntry(eventId: string, at: Date): string {
  return `${eventId}@${at.toISOString().slice(0, 10)}`;
}

/** The event id of an `eventIds` entry, dated or bare. */
export function eventIdOfEntry(entry: string): string {
  return entry.replace(listedDay, '');
}

/** The event ids an item lists, whatever form its entries take. */
export function listedEventIds(item: Record<string, unknown> | undefined): string[] {
  return [...((item?.[eventIdsAttribute] as Set<string> | undefined) ?? [])].map(eventIdOfEntry);
}

/**
 * The entries to keep from `entries`: the dated ones listed within `keepDays` of `now` (an event
 * expires `retentionDays` after it closes, which is when it was listed), and every bare one.
 */
export function entriesWithinRetention(entries: Iterable<string>, now: Date, keepDays: number): string[] {
  const oldest = new Date(now.getTime() - keepDays * 86_400_000).toISOString().slice(0, 10);
  return [...entries].filter((entry) => {
    const day = listedDay.exec(entry)?.[1];
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

export const contactRecordOfItem = (item: Record<string, unknown>): ContactRecord =>
  withoutStorageAttributes(item) as unknown as ContactRecord;
