import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { activityListAttributes, crmKeys, crmTableKeys } from '../domain/crm-keys';
import type { ActivityKind, ActivityRecord } from '../domain/activity';
import { activityListRecordOf } from '../domain/item-views';
import { decodeCursor, encodeCursor, type LastKey } from '../../shared/page-cursor';
import { readItems, type CrmTableAccess } from './crm-table';

export interface Page<T> {
  items: T[];
  /** Pass back to read the next page; absent on the last page. */
  cursor?: string;
}

export interface PageRequest {
  /** @default 20, at most 100 */
  limit?: number;
  cursor?: string;
}

export interface TimelineRequest extends PageRequest {
  /** Only activities of this kind; a page may then hold fewer than `limit` and still have a cursor. */
  kind?: ActivityKind;
}

/** Index pages (each of `limit` entries) one request reads at most, so a rare kind never reads a whole timeline. */
export const maxIndexPagesPerRequest = 5;

/** An index (`byContactNumber`, `byConversation`) and one partition of it. */
export interface ActivityIndexPartition {
  indexName: string;
  partitionAttribute: string;
  sortAttribute: string;
  partition: string;
}

/**
 * One page of the activities an index partition lists, newest first, that `matches` accepts:
 * index pages are read and their entries resolved in order until `limit` activities match or
 * `maxIndexPagesPerRequest` pages are read. The cursor is the key of the last entry looked at —
 * the last activity returned when the page is full — so no match is ever skipped or repeated.
 * Entries of erased activities are passed over.
 */
export async function readActivityPage(
  table: CrmTableAccess,
  index: ActivityIndexPartition,
  page: PageRequest,
  matches: (record: ActivityRecord) => boolean = () => true,
): Promise<Page<ActivityRecord>> {
  const limit = Math.min(Math.max(page.limit ?? 20, 1), 100);
  const items: ActivityRecord[] = [];
  let startKey: LastKey | undefined = page.cursor ? decodeCursor(index.partition, page.cursor) : undefined;
  for (let read = 0; read < maxIndexPagesPerRequest; read++) {
    const result = await table.documentClient.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: index.indexName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.partitionAttribute },
        ExpressionAttributeValues: { ':pk': index.partition },
        ScanIndexForward: false,
        Limit: limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const entries = result.Items ?? [];
    const records = await activitiesOfEntries(table, entries);
    for (const [i, record] of records.entries()) {
      if (!record || !matches(record)) continue;
      items.push(record);
      if (items.length < limit) continue;
      const atEnd = i === entries.length - 1 && !result.LastEvaluatedKey;
      return atEnd ? { items } : { items, cursor: encodeCursor(index.partition, keyOf(entries[i]!, index)) };
    }
    startKey = result.LastEvaluatedKey as LastKey | undefined;
    if (!startKey) return { items };
  }
  return { items, cursor: encodeCursor(index.partition, startKey!) };
}

/** The index key of an entry: the table's key and the index's, as DynamoDB's LastEvaluatedKey holds them. */
function keyOf(entry: Record<string, unknown>, index: ActivityIndexPartition): LastKey {
  const names = [
    crmTableKeys.partitionKey,
    crmTableKeys.sortKey,
    index.partitionAttribute,
    index.sortAttribute,
  ];
  return Object.fromEntries(names.map((name) => [name, String(entry[name])]));
}

/**
 * Only what a list shows, and whether the activity was erased: not its transcript (a call's can be
 * KBs), keys or bookkeeping. The read costs the same units; DynamoDB sends, and the SDK
 * unmarshals, less.
 */
const listProjection = (() => {
  const names = [...activityListAttributes, 'erasedAt'];
  return {
    expression: names.map((_, i) => `#a${i}`).join(', '),
    names: Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
  };
})();

/**
 * The activity each index entry names, in the entries' order, as lists show them; undefined for an
 * erased one. An activity's own entry in an index that projects the list attributes (the timeline)
 * is the list view itself; the others (a group message's timeline entry, the conversation index's
 * ids) are resolved in one batch read.
 */
async function activitiesOfEntries(
  table: CrmTableAccess,
  entries: Record<string, unknown>[],
): Promise<(ActivityRecord | undefined)[]> {
  const carriesView = (entry: Record<string, unknown>) =>
    entry.entity === 'activity' && entry.kind !== undefined;
  const ids = [...new Set(entries.filter((e) => !carriesView(e)).map((entry) => entry.activityId as string))];
  const stored = new Map<string, Record<string, unknown>>();
  if (ids.length > 0)
    for (const item of await readItems(
      table,
      ids.map((id) => crmKeys.activity(id)),
      listProjection,
    )) {
      if (item.erasedAt === undefined) stored.set(item.activityId as string, item);
    }
  return entries.map((entry) => {
    const listed = carriesView(entry) ? entry : stored.get(entry.activityId as string);
    return listed && activityListRecordOf(listed);
  });
}
