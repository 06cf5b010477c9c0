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
