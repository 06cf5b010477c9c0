import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../../shared/dynamo';
import { conversationRecordOf, type ConversationRecord } from '../domain/conversation-record';
import { crmKeys, crmTableKeys } from '../domain/crm-keys';
import { isTimerPending, replyDuePartition } from '../domain/reply-due';
import { readItem, type CrmTableAccess } from './crm-table';

/** `fired`: marked overdue now; `not-due`: answered, fired already or due later (a stale index entry). */
export type OverdueOutcome = 'fired' | 'not-due';

/** The oldest entry of the waiting index: when it began and on which line. */
export interface OldestWaiting {
  conversationKey: string;
  waitingSince: string;
  phoneNumberId?: string;
  ourNumber?: string;
}

/** Index pages one run reads at most: 10 × 1 MB of keys is far beyond a minute's spells. */
const maxDuePages = 10;

/**
 * The reply-due timer's reads and its one write (decision 0008): a query of the keys-only
 * reply-due index for what is due, and per conversation one conditional update that marks its
 * spell overdue and takes it out of the index, so a second run, a retry or a racing answer
 * changes nothing.
 */
export class ReplyDueRepository {
  private readonly table: CrmTableAccess;

  constructor(documentClient: DynamoDBDocumentClient, tableName: string) {
    this.table = { documentClient, tableName };
  }

  /** Keys of the conversations due at or before `now`, soonest first: only what is due is read. */
  async dueConversationKeys(now: Date): Promise<string[]> {
    const keys: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    for (let page = 0; page < maxDuePages; page++) {
      const result = await this.table.documentClient.send(
        new QueryCommand({
          TableName: this.table.tableName,
          IndexName: crmTableKeys.replyDueIndex,
          KeyConditionExpression: '#pk = :pk AND #sk <= :upTo',
          ExpressionAttributeNames: {
            '#pk': crmTableKeys.replyDuePartitionKey,
            '#sk': crmTableKeys.replyDueSortKey,
          },
          // `<due>#<key>`: every key due at `now` sorts below `<now>#\uffff`.
          ExpressionAttributeValues: { ':pk': replyDuePartition, ':upTo': `${now.toISOString()}#\uffff` },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of result.Items ?? [])
        keys.push(String(item[crmTableKeys.partitionKey]).replace(/^CONVERSATION#/, ''));
      startKey = result.LastEvaluatedKey;
      if (!startKey) break;
    }
    return keys;
  }

  /**
   * Marks one conversation's spell overdue, once: only if it still waits in the spell read, due
   * by `now` and not yet fired. `waitedMinutes` says how long it waited, in business minutes.
   */
  async markOverdue(
    conversationKey: string,
    now: Date,
    waitedMinutes: (record: ConversationRecord) => number,
  ): Promise<OverdueOutcome> {
    const key = crmKeys.conversationState(conversationKey);
    const item = await readItem(this.table, key);
    const record = item && conversationRecordOf(item);
    if (!record || !isTimerPending(record) || record.replyDueAt! > now.toISOString()) return 'not-due';
    try {
      await this.table.documentClient.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: { ...key },
          UpdateExpression:
            'SET #overdueSince = :now, #overdueMinutes = :minutes, #updatedAt = :now, #version = #version + :one ' +
            'REMOVE #duePk, #dueSk',
          ConditionExpression:
            '#waiting = :true AND #waitingSince = :since AND attribute_not_exists(#overdueSince)',
          ExpressionAttributeNames: {
            '#overdueSince': 'overdueSince',
            '#overdueMinutes': 'overdueBusinessMinutes',
            '#updatedAt': 'updatedAt',
            '#version': 'version',
            '#duePk': crmTableKeys.replyDuePartitionKey,
            '#dueSk': crmTableKeys.replyDueSortKey,
            '#waiting': 'waiting',
            '#waitingSince': 'waitingSince',
          },
          ExpressionAttributeValues: {
            ':now': now.toISOString(),
            ':minutes': waitedMinutes(record),
            ':one': 1,
            ':true': true,
            ':since': record.waitingSince,
          },
        }),
      );
      return 'fired';
    } catch (error) {
      if (isConditionFailure(error)) return 'not-due'; // answered, or fired by another run, meanwhile
      throw error;
    }
  }

  /** The conversation waiting longest (the waiting index's first entry), if any. */
  async oldestWaiting(): Promise<OldestWaiting | undefined> {
    const result = await this.table.documentClient.send(
      new QueryCommand({
        TableName: this.table.tableName,
        IndexName: crmTableKeys.waitingIndex,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': crmTableKeys.waitingPartitionKey },
        ExpressionAttributeValues: { ':pk': 'WAITING' },
        Limit: 1,
      }),
    );
    const entry = result.Items?.[0];
    if (!entry) return undefined;
    const sortKey = String(entry[crmTableKeys.waitingSortKey]);
    return {
      conversationKey: String(entry.conversationKey),
      waitingSince: sortKey.slice(0, sortKey.indexOf('#')),
      ...(typeof entry.phoneNumberId === 'string' ? { phoneNumberId: entry.phoneNumberId } : {}),
      ...(typeof entry.ourNumber === 'string' ? { ourNumber: entry.ourNumber } : {}),
    };
  }

  /** How many conversations wait: a count over the waiting index (small entries, 0.5 units per 4 KB). */
  async waitingCount(): Promise<number> {
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.table.documentClient.send(
        new QueryCommand({
          TableName: this.table.tableName,
          IndexName: crmTableKeys.waitingIndex,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': crmTableKeys.waitingPartitionKey },
          ExpressionAttributeValues: { ':pk': 'WAITING' },
          Select: 'COUNT',
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      count += result.Count ?? 0;
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return count;
  }
}
