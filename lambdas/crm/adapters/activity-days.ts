import type { ActivityRecord } from '../domain/activity';
import { activityDayPartition, crmKeys, crmTableKeys } from '../domain/crm-keys';
import { activityRecordOf } from '../domain/item-views';
import { inParallel } from '../../shared/concurrency';
import { batchGetAll, queryAll } from '../../shared/dynamo';
import type { CrmTableAccess } from './crm-table';

/** What a report needs of an activity: who, when, which way, and enough to tell whether it needs an answer. */
const reportProjection = {
  expression:
    '#id, #kind, #direction, #from, #to, #contacts, #conversation, #user, #answeredBy, #line, #created,' +
    ' #text, #answeredAt, #status, #erased, #voicemail.#url, #media[0].#url',
  names: {
    '#id': 'activityId',
    '#kind': 'kind',
    '#direction': 'direction',
    '#from': 'from',
    '#to': 'to',
    '#contacts': 'contactNumbers',
    '#conversation': 'conversationId',
    '#user': 'userId',
    '#answeredBy': 'answeredBy',
    '#line': 'phoneNumberId',
    '#created': 'createdAt',
    '#text': 'text',
    '#answeredAt': 'answeredAt',
    '#status': 'status',
    '#erased': 'erasedAt',
    '#voicemail': 'voicemail',
    '#media': 'media',
    '#url': 'url',
  },
};

/** The UTC days (`YYYY-MM-DD`) from `start`'s to `end`'s, inclusive. */
function utcDaysBetween(start: Date, end: Date): string[] {
  const days: string[] = [];
  for (let at = Date.parse(start.toISOString().slice(0, 10)); at <= end.getTime(); at += 86_400_000)
    days.push(new Date(at).toISOString().slice(0, 10));
  return days;
}

/**
 * The messages and calls created from `start` (inclusive) to `end` (exclusive), as a report reads
 * them: a query of the day index per UTC day (every page), then the activities themselves
 * (BatchGetItem, eventually consistent: half the read units; a report may lag a second). Erased
 * activities are left out. In no set order.
 */
export async function readActivitiesBetween(
  table: CrmTableAccess,
  start: Date,
  end: Date,
  { concurrency = 4 }: { concurrency?: number } = {},
): Promise<ActivityRecord[]> {
  const records: ActivityRecord[] = [];
  await inParallel(utcDaysBetween(start, end), concurrency, async (day) => {
    const entries = await queryAll(table.documentClient, {
      TableName: table.tableName,
      IndexName: crmTableKeys.activityDayIndex,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': crmTableKeys.activityDayPartitionKey },
      ExpressionAttributeValues: { ':pk': activityDayPartition(day) },
    });
    const items = await batchGetAll(
      table.documentClient,
      table.tableName,
      entries.map((entry) => crmKeys.activity(entry.activityId as string)),
      { consistentRead: false, projection: reportProjection },
    );
    for (const item of items) {
      const created = Date.parse(String(item.createdAt));
      if (item.erasedAt !== undefined || !(created >= start.getTime() && created < end.getTime())) continue;
      records.push(activityRecordOf(item));
    }
  });
  return records;
}
