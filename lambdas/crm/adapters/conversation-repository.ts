import {
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { cancellationReasons, isConditionFailure, isTransactionConflict } from '../../shared/dynamo';
import { decodeCursor, encodeCursor, type LastKey } from '../../shared/page-cursor';
import type { ActivityUpdate } from '../domain/activity';
import { defaultFollowUpSettings, type FollowUpSettings } from '../domain/business-hours';
import type { ConsentRuleOptions } from '../domain/consent';
import { conversationKeyOf, conversationSignalOf } from '../domain/conversation';
import {
  conversationItem,
  conversationRecordOf,
  recordAfterSignal,
  recordWithInboxStatus,
  recordWithOpenPhoneState,
  type ConversationRecord,
  type OpenPhoneState,
} from '../domain/conversation-record';
import { crmKeys, crmTableKeys } from '../domain/crm-keys';
import { ConcurrentUpdateError } from '../errors';
import type { Page } from './activity-repository';
import {
  defaultMaxAttempts,
  readItem,
  readItems,
  type CrmTableAccess,
  type OptimisticWriteOptions,
} from './crm-table';
import { erasureChecks, refusedByErasure } from './erasure-guard';

/** `erased`: the person was erased at or after the state's time; nothing was written. */
export type ConversationWriteOutcome = 'written' | 'unchanged' | 'not-a-conversation-activity' | 'erased';

export interface WaitingQuery {
  /** Our line: its `PN…` id or its E.164 number. */
  number?: string;
  /** `US…`: only conversations OpenPhone assigns to this user. */
  assignedTo?: string;
  /** Only conversations waiting since before this instant (ISO 8601). */
  olderThan?: string;
  /** @default 20, at most 100 */
  limit?: number;
  cursor?: string;
}

const waitingPartition = 'WAITING';
/** Index pages read for one answer page when filters drop most entries: bounds a request's reads. */
const maxIndexPagesPerRequest = 5;
const indexPageSize = 100;

/** Where a query of the waiting index resumes after an entry: the table's key and the index's. */
const indexKeyOf = (entry: Record<string, unknown>): LastKey => ({
  [crmTableKeys.partitionKey]: String(entry[crmTableKeys.partitionKey]),
  [crmTableKeys.sortKey]: String(entry[crmTableKeys.sortKey]),
  [crmTableKeys.waitingPartitionKey]: String(entry[crmTableKeys.waitingPartitionKey]),
  [crmTableKeys.waitingSortKey]: String(entry[crmTableKeys.waitingSortKey]),
});

export interface ConversationRepositoryOptions extends OptimisticWriteOptions {
  /** How inbound texts are read for opt-outs. @default {} */
  consentRule?: ConsentRuleOptions;
  /** Business hours and reply targets: a spell's due time and response time. @default the domain's defaults */
  followUp?: FollowUpSettings;
  now?: () => Date;
}

/**
 * Conversation state in the CRM table: one item per conversation, read, merged with what one
 * activity means to it (a pure join, domain/conversation.ts) and put back on the condition that
 * its version is still the one read. A signal that changes nothing writes nothing.
 */
export class ConversationRepository {
  private readonly table: CrmTableAccess;
  private readonly maxAttempts: number;
  private readonly consentRule: ConsentRuleOptions;
  private readonly followUp: FollowUpSettings;
  private readonly now: () => Date;

  constructor(
    documentClient: DynamoDBDocumentClient,
    tableName: string,
    options: ConversationRepositoryOptions = {},
  ) {
    this.table = { documentClient, tableName };
    // One record takes every event of its conversation: more tries than an activity's write.
    this.maxAttempts = options.maxAttempts ?? defaultMaxAttempts * 4;
    this.consentRule = options.consentRule ?? {};
    this.followUp = options.followUp ?? defaultFollowUpSettings;
    this.now = options.now ?? (() => new Date());
  }

  /** Folds one activity update into its conversation's state. */
  async recordActivity(update: ActivityUpdate): Promise<ConversationWriteOutcome> {
    const signal = conversationSignalOf(update, this.consentRule);
    if (!signal) return 'not-a-conversation-activity';
    return this.fold(
      conversationKeyOf(signal.parties),
      (stored, now) => recordAfterSignal(stored, signal, now, this.followUp),
      // Atomic with the write: an erase between the activity's write and this one is not undone.
      erasureChecks(this.table.tableName, [signal.parties.contactNumber], signal.mark.at),
    );
  }

  /**
   * Records OpenPhone's assignee and snooze/mute of a conversation, as the import read them; not
   * for a person erased at or after the reading's time (undated: erased at all), as activities.
   */
  async recordOpenPhoneState(state: OpenPhoneState): Promise<ConversationWriteOutcome> {
    return this.fold(
      state.conversationId,
      (stored, now) => recordWithOpenPhoneState(stored, state, now),
      erasureChecks(this.table.tableName, [state.contactNumber], state.at ?? ''),
    );
  }

  /**
   * Records the inbox state the bridge just set at OpenPhone (done ends the waiting spell);
   * answers the record as written, or undefined when there is no such conversation.
   */
  async recordInboxStatus(
    conversationKey: string,
    status: 'done' | 'open' | 'read',
  ): Promise<ConversationRecord | undefined> {
    let written: ConversationRecord | undefined;
    await this.fold(conversationKey, (stored, now) => {
      written = stored && recordWithInboxStatus(stored, status, now);
      return written;
    });
    return written;
  }

  /** Read, change, put on the version read; again on a race. `change` answers undefined for "no change". */
  private async fold(
    conversationKey: string,
    change: (stored: ConversationRecord | undefined, now: string) => ConversationRecord | undefined,
    checks: ReturnType<typeof erasureChecks> = [],
  ): Promise<ConversationWriteOutcome> {
    const key = crmKeys.conversationState(conversationKey);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const item = await readItem(this.table, key);
      const stored = item ? conversationRecordOf(item) : undefined;
      const next = change(stored, this.now().toISOString());
      if (!next) return 'unchanged';
      const put = {
        TableName: this.table.tableName,
        Item: { ...key, ...conversationItem(next) },
        ConditionExpression: stored ? '#version = :version' : 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: (stored
          ? { '#version': 'version' }
          : { '#pk': crmTableKeys.partitionKey }) as Record<string, string>,
        ...(stored ? { ExpressionAttributeValues: { ':version': stored.version } } : {}),
      };
      try {
        const { documentClient } = this.table;
        if (checks.length)
          await documentClient.send(new TransactWriteCommand({ TransactItems: [...checks, { Put: put }] }));
        else await documentClient.send(new PutCommand(put));
        return 'written';
      } catch (error) {
        if (refusedByErasure(error, checks.length)) return 'erased';
        const raced =
          cancellationReasons(error)?.[checks.length] === 'ConditionalCheckFailed' ||
          isTransactionConflict(error);
        if (!raced && !isConditionFailure(error)) throw error;
        // Many events of one conversation at once (a burst of texts): spread the next tries out.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** Math.min(attempt, 6)));
      }
    }
    throw new ConcurrentUpdateError(`conversation ${key.pk}`, this.maxAttempts);
  }

  /** One conversation by its key (`CN…`, or `PN…~+1…` when OpenPhone gave none). */
  async conversation(conversationKey: string): Promise<ConversationRecord | undefined> {
    const item = await readItem(this.table, crmKeys.conversationState(conversationKey));
    return item ? conversationRecordOf(item) : undefined;
  }

  /** Conversations waiting for an answer, oldest first: a query of the waiting index, never a scan. */
  async waiting(query: WaitingQuery = {}): Promise<Page<ConversationRecord>> {
    const limit = Math.min(Math.max(query.limit ?? 20, 1), 100);
    const filters: string[] = [];
    const names: Record<string, string> = { '#pk': crmTableKeys.waitingPartitionKey };
    const values: Record<string, string> = { ':pk': waitingPartition };
    if (query.number) {
      filters.push('(#phoneNumberId = :number OR #ourNumber = :number)');
      Object.assign(names, { '#phoneNumberId': 'phoneNumberId', '#ourNumber': 'ourNumber' });
      values[':number'] = query.number;
    }
    if (query.assignedTo) {
      filters.push('#assignedTo = :assignedTo');
      names['#assignedTo'] = 'assignedTo';
      values[':assignedTo'] = query.assignedTo;
    }
    let keyCondition = '#pk = :pk';
    if (query.olderThan) {
      keyCondition += ' AND #sk < :olderThan';
      names['#sk'] = crmTableKeys.waitingSortKey;
      values[':olderThan'] = query.olderThan;
    }
    const keys: Record<string, unknown>[] = [];
    let startKey = query.cursor ? decodeCursor(waitingPartition, query.cursor) : undefined;
    let cursorKey: LastKey | undefined;
    for (let page = 0; page < maxIndexPagesPerRequest; page++) {
      const result = await this.table.documentClient.send(
        new QueryCommand({
          TableName: this.table.tableName,
          IndexName: crmTableKeys.waitingIndex,
          KeyConditionExpression: keyCondition,
          ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          // Filtered, an index page of small entries is read whole (Limit counts before the filter).
          Limit: filters.length ? indexPageSize : limit - keys.length,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      const matches = result.Items ?? [];
      const taken = matches.slice(0, limit - keys.length);
      keys.push(...taken);
      startKey = result.LastEvaluatedKey as LastKey | undefined;
      // Stopped inside a page: the next page starts after the last entry given.
      cursorKey = taken.length < matches.length ? indexKeyOf(taken[taken.length - 1]!) : startKey;
      if (!startKey || keys.length >= limit) break;
    }
    const items = await readItems(
      this.table,
      keys.map((k) => crmKeys.conversationState(String(k.conversationKey))),
    );
    const byKey = new Map(items.map((i) => [String(i.conversationKey), conversationRecordOf(i)]));
    return {
      // The index is eventually consistent: an entry whose item no longer waits is left out.
      items: keys
        .map((k) => byKey.get(String(k.conversationKey)))
        .filter((r): r is ConversationRecord => r?.waiting === true),
      ...(cursorKey ? { cursor: encodeCursor(waitingPartition, cursorKey) } : {}),
    };
  }
}
