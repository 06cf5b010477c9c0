import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { crmKeys, crmTableKeys, conversationPartition, numberPartition } from '../domain/crm-keys';
import { activityIndexKeys, extraTimelineKeys } from '../domain/activity-index-keys';
import {
  aspectAttributes,
  aspectNamesOf,
  newerAspects,
  statusRank,
  type ActivityFacts,
  type ActivityRecord,
  type ActivityUpdate,
  type AspectName,
} from '../domain/activity';
import { activityNamesOf, withActivityNames, type ActivityNames } from '../domain/directory';
import {
  activityRecordOf,
  eventIdsAttribute as activityEventIdsAttribute,
  timelineEntryEntity,
} from '../domain/item-views';
import type { ArchiveField, ArchiveRecord } from '../domain/media-archive';
import { ConcurrentUpdateError } from '../errors';
import { inParallel } from '../../shared/concurrency';
import { isConditionFailure, queryAll, UpdateExpressionBuilder } from '../../shared/dynamo';
import {
  readActivityPage,
  type ActivityIndexPartition,
  type Page,
  type PageRequest,
  type TimelineRequest,
} from './activity-pages';
import { readActivitiesBetween } from './activity-days';
import {
  defaultMaxAttempts,
  readItem,
  writeItems,
  type CrmTableAccess,
  type OptimisticWriteOptions,
} from './crm-table';
import { DirectoryRepository } from './directory-repository';
import { erasedSince } from './erasure-guard';

export interface ActivityUpsertResult {
  /**
   * `applied`: every aspect written; `partly-stale`: some were older than stored; `stale`: all were
   * (facts may still have been filled in); `erased`: nothing written, the activity belongs to a
   * person erased since (docs/operations/security.md, "Privacy").
   */
  outcome: 'applied' | 'partly-stale' | 'stale' | 'erased';
  appliedAspects: AspectName[];
  staleAspects: AspectName[];
  /**
   * Whether the record now lists the writing event's id (`eventIds`), so an erase finds its raw
   * body through the record (a stale event by a write of no aspect): false when erased or no event was given.
   */
  listsEvent: boolean;
}

export type { Page, PageRequest, TimelineRequest } from './activity-pages';

export interface ActivityRepositoryOptions extends OptimisticWriteOptions {
  /** Days after its creation an activity (and its timeline entries) expires by DynamoDB TTL; kept forever when absent. */
  activityRetentionDays?: number;
  /** Where user and line names come from. @default a DirectoryRepository on the same table */
  directory?: Pick<DirectoryRepository, 'directory'>;
}

/**
 * Activities (messages and calls) in the CRM table, their entries in group members' timelines and
 * their archived media keys. Every write is conditional or idempotent: repeated or reordered
 * events converge on the same items.
 * Give it a document client made with `marshallOptions: { removeUndefinedValues: true }`.
 */
export class ActivityRepository {
  private readonly table: CrmTableAccess;
  private readonly maxAttempts: number;
  private readonly retentionDays: number | undefined;
  private readonly directory: Pick<DirectoryRepository, 'directory'>;

  constructor(
    documentClient: DynamoDBDocumentClient,
    tableName: string,
    options: ActivityRepositoryOptions = {},
  ) {
    this.table = { documentClient, tableName };
    this.maxAttempts = options.maxAttempts ?? defaultMaxAttempts;
    this.retentionDays = options.activityRetentionDays;
    this.directory = options.directory ?? new DirectoryRepository(documentClient, tableName);
  }

  /**
   * Writes what one event (or imported object) says about an activity: facts where absent, each
   * aspect only if newer than the stored one. One write when nothing is stale; otherwise the
   * stored versions are read and only the newer aspects (and any missing facts) are written.
   * An activity with contact numbers is written only if none of them was erased at or after its
   * creation (`erased`, read strongly consistent just before); an erase that passes between that
   * read and the write is undone by the erase's second sweep (`ErasureRepository.sweepAgain`).
   * `eventId`: the webhook event writing it, added to the record's `eventIds` by the same write.
   */
  async upsertActivity(
    update: ActivityUpdate,
    eventTime: string,
    eventId?: string,
  ): Promise<ActivityUpsertResult> {
    const all = aspectNamesOf(update);
    const erased: ActivityUpsertResult = {
      outcome: 'erased',
      appliedAspects: [],
      staleAspects: all,
      listsEvent: false,
    };
    if (await this.erasedSinceCreation(update)) return erased;
    const names = await this.namesOf(update);
    let aspects = all;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      try {
        await this.writeActivity(update, eventTime, aspects, names, eventId);
        await this.writeTimelineEntries(update);
        const staleAspects = all.filter((a) => !aspects.includes(a));
        return {
          outcome: staleAspects.length === 0 ? 'applied' : aspects.length === 0 ? 'stale' : 'partly-stale',
          appliedAspects: aspects,
          staleAspects,
          listsEvent: eventId !== undefined,
        };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const stored = await readItem(this.table, crmKeys.activity(update.activityId));
      if (stored?.erasedAt !== undefined) return erased;
      aspects = newerAspects(update, eventTime, stored).filter((a) => aspects.includes(a));
      // A stale event is still listed (a write of no aspect): an erase that read the record's ids
      // before finds it on the tombstone's put; one that tombstoned it first refuses the write.
      const listed = stored?.[activityEventIdsAttribute] as Set<string> | undefined;
      const unlisted = eventId !== undefined && listed?.has(eventId) !== true;
      if (aspects.length === 0 && stored && !this.addsFacts(update, stored) && !unlisted) {
        await this.writeTimelineEntries(update);
        return { outcome: 'stale', appliedAspects: [], staleAspects: all, listsEvent: eventId !== undefined };
      }
    }
    throw new ConcurrentUpdateError(`activity ${update.activityId}`, this.maxAttempts);
  }

  /** Whether one of the activity's contact numbers was erased at or after its creation. */
  private erasedSinceCreation(update: ActivityUpdate): Promise<boolean> {
    const { contactNumbers, createdAt } = update.facts;
    if (!contactNumbers?.length || !createdAt) return Promise.resolve(false);
    return erasedSince(this.table, contactNumbers, createdAt);
  }

  /** The user's and the line's names; the directory being unreadable leaves them out, never fails the write. */
  private async namesOf(update: ActivityUpdate): Promise<ActivityNames> {
    if (!update.facts.userId && !update.facts.phoneNumberId) return {};
    try {
      return activityNamesOf(await this.directory.directory(), update.facts);
    } catch {
      return {};
    }
  }

  /** The TTL attribute of an activity created then, when the stage keeps activities for a while. */
  private expiryOf(createdAt: string | undefined): Record<string, number> {
    if (this.retentionDays === undefined || !createdAt) return {};
    const created = Date.parse(createdAt);
    if (Number.isNaN(created)) return {};
    return { [crmTableKeys.expiresAt]: Math.floor(created / 1000) + this.retentionDays * 86_400 };
  }

  /** Whether an update would fill in any fact, index key or source the stored item lacks. */
  private addsFacts(update: ActivityUpdate, stored: Record<string, unknown>): boolean {
    const attributes = { ...update.facts, ...activityIndexKeys(update.activityId, update.facts) };
    const sources = stored.sources as Set<string> | undefined;
    return Object.keys(attributes).some((name) => stored[name] === undefined) || !sources?.has(update.source);
  }

  private async writeActivity(
    update: ActivityUpdate,
    eventTime: string,
    aspects: AspectName[],
    names: ActivityNames,
    eventId: string | undefined,
  ): Promise<void> {
    const expression = new UpdateExpressionBuilder();
    // An erased activity's tombstone takes no more writes.
    expression.when(`attribute_not_exists(${expression.name('erasedAt')})`);
    const kind = update.facts.kind;
    const writesVoicemail = aspects.includes('voicemail');
    expression.setIfAbsent('entity', 'activity');
    expression.setIfAbsent('activityId', update.activityId);
    for (const [name, value] of Object.entries(update.facts) as [keyof ActivityFacts, unknown][]) {
      // The voicemail aspect sets the kind itself; one expression cannot set a path twice.
      if (name === 'kind' && writesVoicemail) continue;
      expression.setIfAbsent(name, value);
    }
    for (const [name, value] of Object.entries(activityIndexKeys(update.activityId, update.facts))) {
      expression.setIfAbsent(name, value);
    }
    for (const [name, value] of Object.entries(names)) expression.setIfAbsent(name, value);
    for (const [name, value] of Object.entries(this.expiryOf(update.facts.createdAt)))
      expression.set(name, value);
    expression.add('sources', new Set([update.source]));
    // The erase's way to this event's raw body (no byObject entry on the events table).
    if (eventId) expression.add(activityEventIdsAttribute, new Set([eventId]));

    for (const aspect of aspects) {
      for (const [name, value] of Object.entries(aspectAttributes(aspect, update, kind))) {
        expression.set(name, value);
      }
      const { name: at, value: time } = expression.set(`${aspect}At`, eventTime);
      if (aspect === 'status') {
        const rankName = expression.name('statusRank');
        const statusName = expression.name('status');
        const rank = expression.value(statusRank(kind, update.aspects.status!));
        const status = expression.value(update.aspects.status);
        expression.when(
          `(attribute_not_exists(${at}) OR ${rankName} < ${rank} OR (${rankName} = ${rank} AND ${at} < ${time})` +
            ` OR (${rankName} = ${rank} AND ${at} = ${time} AND ${statusName} < ${status}))`,
        );
      } else {
        expression.when(`(attribute_not_exists(${at}) OR ${at} < ${time})`);
      }
    }

    await this.table.documentClient.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: crmKeys.activity(update.activityId),
        ...expression.input(),
      }),
    );
  }

  /** Idempotent puts of a group message's entries in each other contact's timeline (one per contact after the first). */
  private async writeTimelineEntries(update: ActivityUpdate): Promise<void> {
    const puts = extraTimelineKeys(update.activityId, update.facts).map(({ phoneNumber, ...indexKeys }) => ({
      put: {
        ...crmKeys.timelineEntry(update.activityId, phoneNumber),
        entity: timelineEntryEntity,
        activityId: update.activityId,
        ...indexKeys,
        ...this.expiryOf(update.facts.createdAt),
      },
    }));
    if (puts.length > 0) await writeItems(this.table, puts);
  }

  /**
   * Stores an archived copy's S3 key (or why it was not archived) beside the original URL: only
   * when that URL is still at that place on the activity, touching no other attribute.
   * `activity-erased`: an erase made it a tombstone meanwhile (the copy is then the caller's to delete).
   */
  async recordMediaArchive(
    target: { activityId: string; field: ArchiveField; index: number; url: string },
    record: ArchiveRecord,
  ): Promise<{ outcome: 'recorded' | 'url-not-on-activity' | 'activity-erased' }> {
    const path = target.field === 'voicemail' ? '#field' : `#field[${target.index}]`;
    const entries = Object.entries(record);
    try {
      await this.table.documentClient.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: crmKeys.activity(target.activityId),
          UpdateExpression: `SET ${entries.map((_, i) => `${path}.#a${i} = :v${i}`).join(', ')}`,
          ConditionExpression: `${path}.#url = :url`,
          ExpressionAttributeNames: {
            '#field': target.field,
            '#url': 'url',
            ...Object.fromEntries(entries.map(([name], i) => [`#a${i}`, name])),
          },
          ExpressionAttributeValues: {
            ':url': target.url,
            ...Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value])),
          },
          // A tombstone says so without a read (the archiver may only update).
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { outcome: 'recorded' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const stored = (error as { Item?: Record<string, unknown> }).Item;
      return { outcome: stored && 'erasedAt' in stored ? 'activity-erased' : 'url-not-on-activity' };
    }
  }

  async getActivity(activityId: string): Promise<ActivityRecord | undefined> {
    const item = await readItem(this.table, crmKeys.activity(activityId));
    if (!item || item.erasedAt !== undefined) return undefined;
    const [named] = await this.withNames([activityRecordOf(item)]);
    return named;
  }

  /** Names filled in where a record lacks them (written before the directory knew them). */
  private async withNames(records: ActivityRecord[]): Promise<ActivityRecord[]> {
    if (!records.some((r) => (r.userId && !r.userName) || (r.phoneNumberId && !r.phoneNumberName)))
      return records;
    try {
      const directory = await this.directory.directory();
      return records.map((r) => withActivityNames(r, directory));
    } catch {
      return records;
    }
  }

  /**
   * A contact number's activities, newest first, as lists show them (no transcripts); with `kind`,
   * only those of that kind (a page may then hold fewer than `limit`, with a cursor).
   */
  async timeline(phoneNumber: string, page: TimelineRequest = {}): Promise<Page<ActivityRecord>> {
    const { kind } = page;
    return this.readPage(
      {
        indexName: crmTableKeys.timelineIndex,
        partitionAttribute: crmTableKeys.timelinePartitionKey,
        sortAttribute: crmTableKeys.timelineSortKey,
        partition: numberPartition(phoneNumber),
      },
      page,
      kind && ((record) => record.kind === kind),
    );
  }

  /**
   * OpenPhone deleted the conversation: each of its stored activities keeps its content and gets
   * `conversationDeletedAt` (the CRM decides what to hide); answers how many were marked.
   */
  async markConversationDeleted(conversationId: string, deletedAt: string): Promise<number> {
    const entries = await queryAll(this.table.documentClient, {
      TableName: this.table.tableName,
      IndexName: crmTableKeys.conversationIndex,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': crmTableKeys.conversationPartitionKey },
      ExpressionAttributeValues: { ':pk': conversationPartition(conversationId) },
    });
    const ids = [...new Set(entries.map((e) => e.activityId as string))];
    let marked = 0;
    await inParallel(ids, 10, async (activityId) => {
      try {
        await this.table.documentClient.send(
          new UpdateCommand({
            TableName: this.table.tableName,
            Key: crmKeys.activity(activityId),
            UpdateExpression: 'SET #deleted = :at',
            // Not on an erased activity's tombstone, and once: a re-read keeps the first time.
            ConditionExpression: 'attribute_exists(#kind) AND attribute_not_exists(#deleted)',
            ExpressionAttributeNames: { '#deleted': 'conversationDeletedAt', '#kind': 'kind' },
            ExpressionAttributeValues: { ':at': deletedAt },
          }),
        );
        marked++;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    });
    return marked;
  }

  /** A conversation's activities, newest first. */
  async conversationActivities(
    conversationId: string,
    page: PageRequest = {},
  ): Promise<Page<ActivityRecord>> {
    return this.readPage(
      {
        indexName: crmTableKeys.conversationIndex,
        partitionAttribute: crmTableKeys.conversationPartitionKey,
        sortAttribute: crmTableKeys.conversationSortKey,
        partition: conversationPartition(conversationId),
      },
      page,
    );
  }

  /** The messages and calls created in [start, end), in no set order, for reports (the day index). */
  activitiesBetween(start: Date, end: Date): Promise<ActivityRecord[]> {
    return readActivitiesBetween(this.table, start, end);
  }

  private async readPage(
    index: ActivityIndexPartition,
    page: PageRequest,
    matches?: (record: ActivityRecord) => boolean,
  ): Promise<Page<ActivityRecord>> {
    const read = await readActivityPage(this.table, index, page, matches);
    return { ...read, items: await this.withNames(read.items) };
  }
}
