import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { contactPhoneNumbers, type ContactRecord } from '../domain/contact-records';
import {
  activityListAttributes,
  crmKeys,
  crmTableKeys,
  conversationPartition,
  numberPartition,
  type ItemKey,
} from '../domain/crm-keys';
import {
  activityIndexKeys,
  aspectAttributes,
  extraTimelineKeys,
  aspectNamesOf,
  newerAspects,
  statusRank,
  type ActivityFacts,
  type ActivityRecord,
  type ActivityUpdate,
  type AspectName,
  type ConsentChange,
  type DeliveryOutcome,
} from '../domain/crm-records';
import {
  applyDeliveryOutcome,
  consecutiveFailures,
  defaultBounceThreshold,
  emptyDeliveryHealth,
  type DeliveryHealth,
  type DeliveryResult,
} from '../domain/delivery-health';
import type { ArchiveField, ArchiveRecord } from '../domain/media-archive';
import { decodeCursor, encodeCursor, type LastKey } from '../../shared/page-cursor';
import { suppressionChangeOf, type SuppressionChange, type SuppressionReason } from '../domain/suppression';
import { isConditionFailure } from '../../shared/dynamo/conditions';

export { InvalidCursorError } from '../../shared/page-cursor';

/** Optimistic writes that kept losing to concurrent writers: the caller retries the whole event. */
export class ConcurrentUpdateError extends Error {
  override readonly name = 'ConcurrentUpdateError';
  constructor(what: string, attempts: number) {
    super(`${what}: still conflicting after ${attempts} attempts`);
  }
}

export interface ActivityUpsertResult {
  /** `applied`: every aspect written; `partly-stale`: some were older than stored; `stale`: all were (facts may still have been filled in). */
  outcome: 'applied' | 'partly-stale' | 'stale';
  appliedAspects: AspectName[];
  staleAspects: AspectName[];
}

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

export interface SuppressionState {
  phoneNumber: string;
  reason: SuppressionReason;
  active: boolean;
  changedAt: string;
  reference: string;
}

export interface SuppressionAuditEntry {
  phoneNumber: string;
  reason: SuppressionReason;
  action: 'add' | 'remove';
  at: string;
  reference: string;
}

export interface DeliveryRecordResult extends DeliveryResult {
  /** The number is suppressed as bouncing after this outcome. */
  suppressed: boolean;
}

export interface CrmRepositoryOptions {
  /** Consecutive failed deliveries that suppress a number. @default 3 */
  bounceThreshold?: number;
  /** Attempts of an optimistic write before ConcurrentUpdateError. @default 5 */
  maxAttempts?: number;
}

/** A transaction lost to a concurrent writer (not one DynamoDB refused for any other reason). */
const isTransactionConflict = (error: unknown) => {
  const { name, CancellationReasons } = error as {
    name?: string;
    CancellationReasons?: { Code?: string }[];
  };
  if (name === 'TransactionConflictException') return true;
  return (
    name === 'TransactionCanceledException' &&
    (CancellationReasons ?? []).some(
      (r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict',
    )
  );
};

const timelineEntryEntity = 'timeline-entry';

/** The attributes the indexes project, so a resolved timeline entry reads like any other list item. */
function listViewOf(item: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!item) return undefined;
  const listed = new Set<string>(activityListAttributes);
  return Object.fromEntries(Object.entries(item).filter(([name]) => listed.has(name)));
}

/** Attributes of items that are keys or bookkeeping, not part of a record. */
const storageAttributes = new Set<string>([
  crmTableKeys.partitionKey,
  crmTableKeys.sortKey,
  crmTableKeys.timelinePartitionKey,
  crmTableKeys.timelineSortKey,
  crmTableKeys.conversationPartitionKey,
  crmTableKeys.conversationSortKey,
  'entity',
  'statusRank',
  'version',
]);

function withoutStorageAttributes(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !storageAttributes.has(name)));
}

function activityRecordOf(item: Record<string, unknown>): ActivityRecord {
  const record = withoutStorageAttributes(item) as unknown as ActivityRecord & { sources?: Iterable<string> };
  return {
    ...record,
    ...(record.sources ? { sources: [...record.sources].sort() as ActivityRecord['sources'] } : {}),
  };
}

/** Builds one UpdateItem expression from named parts, numbering placeholders as it goes. */
class UpdateExpressionBuilder {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  readonly conditions: string[] = [];
  private readonly sets: string[] = [];
  private readonly adds: string[] = [];
  private count = 0;

  name(attribute: string): string {
    const existing = Object.entries(this.names).find(([, n]) => n === attribute);
    if (existing) return existing[0];
    const placeholder = `#n${this.count++}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  value(value: unknown): string {
    const placeholder = `:v${this.count++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** SET attribute = value; returns both placeholders for use in the condition. */
  set(attribute: string, value: unknown): { name: string; value: string } {
    const placeholders = { name: this.name(attribute), value: this.value(value) };
    this.sets.push(`${placeholders.name} = ${placeholders.value}`);
    return placeholders;
  }

  setIfAbsent(attribute: string, value: unknown): void {
    const name = this.name(attribute);
    this.sets.push(`${name} = if_not_exists(${name}, ${this.value(value)})`);
  }

  add(attribute: string, value: unknown): void {
    this.adds.push(`${this.name(attribute)} ${this.value(value)}`);
  }

  expression(): string {
    return [
      this.sets.length ? `SET ${this.sets.join(', ')}` : '',
      this.adds.length ? `ADD ${this.adds.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
  }

  condition(): string | undefined {
    return this.conditions.length ? this.conditions.join(' AND ') : undefined;
  }
}

/**
 * The CRM table behind small, intention-named operations. Every write is a conditional write or
 * an idempotent one: repeated or reordered events converge on the same items.
 * Give it a document client made with `marshallOptions: { removeUndefinedValues: true }`.
 */
export class CrmRepository {
  private readonly bounceThreshold: number;
  private readonly maxAttempts: number;

  constructor(
    private readonly documentClient: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: CrmRepositoryOptions = {},
  ) {
    this.bounceThreshold = options.bounceThreshold ?? defaultBounceThreshold;
    this.maxAttempts = options.maxAttempts ?? 5;
  }

  // ---- activities ----------------------------------------------------------------------------

  /**
   * Writes what one event (or imported object) says about an activity: facts where absent, each
   * aspect only if newer than the stored one. One UpdateItem when nothing is stale; otherwise the
   * stored versions are read and only the newer aspects (and any missing facts) are written.
   */
  async upsertActivity(update: ActivityUpdate, eventTime: string): Promise<ActivityUpsertResult> {
    const all = aspectNamesOf(update);
    let aspects = all;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      try {
        await this.writeActivity(update, eventTime, aspects);
        await this.writeTimelineEntries(update);
        const staleAspects = all.filter((a) => !aspects.includes(a));
        return {
          outcome: staleAspects.length === 0 ? 'applied' : aspects.length === 0 ? 'stale' : 'partly-stale',
          appliedAspects: aspects,
          staleAspects,
        };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const stored = await this.getItem(crmKeys.activity(update.activityId));
      aspects = newerAspects(update, eventTime, stored).filter((a) => aspects.includes(a));
      if (aspects.length === 0 && stored && !this.addsFacts(update, stored)) {
        await this.writeTimelineEntries(update);
        return { outcome: 'stale', appliedAspects: [], staleAspects: all };
      }
    }
    throw new ConcurrentUpdateError(`activity ${update.activityId}`, this.maxAttempts);
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
  ): Promise<void> {
    const expression = new UpdateExpressionBuilder();
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
    expression.add('sources', new Set([update.source]));

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
        expression.conditions.push(
          `(attribute_not_exists(${at}) OR ${rankName} < ${rank} OR (${rankName} = ${rank} AND ${at} < ${time})` +
            ` OR (${rankName} = ${rank} AND ${at} = ${time} AND ${statusName} < ${status}))`,
        );
      } else {
        expression.conditions.push(`(attribute_not_exists(${at}) OR ${at} < ${time})`);
      }
    }

    const condition = expression.condition();
    await this.documentClient.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: crmKeys.activity(update.activityId),
        UpdateExpression: expression.expression(),
        ExpressionAttributeNames: expression.names,
        ExpressionAttributeValues: expression.values,
        ...(condition ? { ConditionExpression: condition } : {}),
      }),
    );
  }

  /** Idempotent puts: a group message's entry in each other contact's timeline. */
  private async writeTimelineEntries(update: ActivityUpdate): Promise<void> {
    await Promise.all(
      extraTimelineKeys(update.activityId, update.facts).map(({ phoneNumber, ...indexKeys }) =>
        this.documentClient.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...crmKeys.timelineEntry(update.activityId, phoneNumber),
              entity: timelineEntryEntity,
              activityId: update.activityId,
              ...indexKeys,
            },
          }),
        ),
      ),
    );
  }

  /**
   * Stores an archived copy's S3 key (or why it was not archived) beside the original URL: only
   * when that URL is still at that place on the activity, touching no other attribute.
   */
  async recordMediaArchive(
    target: { activityId: string; field: ArchiveField; index: number; url: string },
    record: ArchiveRecord,
  ): Promise<{ outcome: 'recorded' | 'url-not-on-activity' }> {
    const path = target.field === 'voicemail' ? '#field' : `#field[${target.index}]`;
    const [attribute, value] =
      'archiveKey' in record ? ['archiveKey', record.archiveKey] : ['archiveSkipped', record.archiveSkipped];
    try {
      await this.documentClient.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: crmKeys.activity(target.activityId),
          UpdateExpression: `SET ${path}.#attribute = :value`,
          ConditionExpression: `${path}.#url = :url`,
          ExpressionAttributeNames: { '#field': target.field, '#attribute': attribute, '#url': 'url' },
          ExpressionAttributeValues: { ':value': value, ':url': target.url },
        }),
      );
      return { outcome: 'recorded' };
    } catch (error) {
      if (isConditionFailure(error)) return { outcome: 'url-not-on-activity' };
      throw error;
    }
  }

  async getActivity(activityId: string): Promise<ActivityRecord | undefined> {
    const item = await this.getItem(crmKeys.activity(activityId));
    return item ? activityRecordOf(item) : undefined;
  }

  /** A contact number's activities, newest first (the index carries everything but transcripts). */
  async timeline(phoneNumber: string, page: PageRequest = {}): Promise<Page<ActivityRecord>> {
    return this.queryActivities(
      crmTableKeys.timelineIndex,
      crmTableKeys.timelinePartitionKey,
      numberPartition(phoneNumber),
      page,
    );
  }

  /** A conversation's activities, newest first. */
  async conversationActivities(
    conversationId: string,
    page: PageRequest = {},
  ): Promise<Page<ActivityRecord>> {
    return this.queryActivities(
      crmTableKeys.conversationIndex,
      crmTableKeys.conversationPartitionKey,
      conversationPartition(conversationId),
      page,
    );
  }

  private async queryActivities(
    indexName: string,
    partitionAttribute: string,
    partition: string,
    page: PageRequest,
  ): Promise<Page<ActivityRecord>> {
    const limit = Math.min(Math.max(page.limit ?? 20, 1), 100);
    const result = await this.documentClient.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: indexName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': partitionAttribute },
        ExpressionAttributeValues: { ':pk': partition },
        ScanIndexForward: false,
        Limit: limit,
        ...(page.cursor ? { ExclusiveStartKey: decodeCursor(partition, page.cursor) } : {}),
      }),
    );
    return {
      items: await this.withTimelineEntriesResolved(result.Items ?? []),
      ...(result.LastEvaluatedKey
        ? { cursor: encodeCursor(partition, result.LastEvaluatedKey as LastKey) }
        : {}),
    };
  }

  /** Replaces timeline entry items by the activities they point at, keeping the page's order. */
  private async withTimelineEntriesResolved(items: Record<string, unknown>[]): Promise<ActivityRecord[]> {
    const entryIds = items.filter((i) => i.entity === timelineEntryEntity).map((i) => i.activityId as string);
    const resolved = new Map<string, Record<string, unknown>>();
    for (const item of await this.batchGet(entryIds.map((id) => crmKeys.activity(id)))) {
      resolved.set(item.activityId as string, item);
    }
    return items
      .map((item) =>
        item.entity === timelineEntryEntity ? listViewOf(resolved.get(item.activityId as string)) : item,
      )
      .filter((item): item is Record<string, unknown> => item !== undefined)
      .map(activityRecordOf);
  }

  // ---- contacts --------------------------------------------------------------------------------

  /**
   * Writes a contact version unless a newer one is stored, and keeps its phone links (the items
   * that find it by number) in step, in one transaction guarded by the version it replaced.
   */
  async upsertContact(contact: ContactRecord): Promise<{ outcome: 'applied' | 'stale' }> {
    const key = crmKeys.contact(contact.contactId);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const stored = await this.getItem(key);
      const storedVersion = stored?.versionAt as string | undefined;
      if (storedVersion !== undefined && storedVersion >= contact.versionAt) return { outcome: 'stale' };
      const newNumbers = contactPhoneNumbers(contact);
      const oldNumbers = stored ? contactPhoneNumbers(stored as unknown as ContactRecord) : [];
      try {
        await this.documentClient.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: { ...key, entity: 'contact', ...contact },
                  ...(stored
                    ? {
                        ConditionExpression: '#versionAt = :stored',
                        ExpressionAttributeNames: { '#versionAt': 'versionAt' },
                        ExpressionAttributeValues: { ':stored': storedVersion },
                      }
                    : { ConditionExpression: 'attribute_not_exists(pk)' }),
                },
              },
              ...newNumbers.map((phoneNumber) => ({
                Put: {
                  TableName: this.tableName,
                  Item: {
                    ...crmKeys.contactPhoneLink(phoneNumber, contact.contactId),
                    entity: 'contact-phone',
                    contactId: contact.contactId,
                    phoneNumber,
                  },
                },
              })),
              ...oldNumbers
                .filter((n) => !newNumbers.includes(n))
                .map((phoneNumber) => ({
                  Delete: {
                    TableName: this.tableName,
                    Key: crmKeys.contactPhoneLink(phoneNumber, contact.contactId),
                  },
                })),
            ],
          }),
        );
        return { outcome: 'applied' };
      } catch (error) {
        if (!isTransactionConflict(error)) throw error;
      }
    }
    throw new ConcurrentUpdateError(`contact ${contact.contactId}`, this.maxAttempts);
  }

  /**
   * Marks a contact deleted (kept for the history that names it) unless a newer version is stored;
   * a deletion of an unknown contact leaves a tombstone so a late, older update cannot revive it.
   */
  async markContactDeleted(contactId: string, at: string): Promise<{ outcome: 'applied' | 'stale' }> {
    try {
      await this.documentClient.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: crmKeys.contact(contactId),
          UpdateExpression:
            'SET #deleted = :true, #deletedAt = :at, #versionAt = :at, #entity = :entity, #contactId = :contactId,' +
            ' #emails = if_not_exists(#emails, :empty), #phoneNumbers = if_not_exists(#phoneNumbers, :empty),' +
            ' #customFields = if_not_exists(#customFields, :empty)',
          ConditionExpression: 'attribute_not_exists(#versionAt) OR #versionAt < :at',
          ExpressionAttributeNames: {
            '#deleted': 'deleted',
            '#deletedAt': 'deletedAt',
            '#versionAt': 'versionAt',
            '#entity': 'entity',
            '#contactId': 'contactId',
            '#emails': 'emails',
            '#phoneNumbers': 'phoneNumbers',
            '#customFields': 'customFields',
          },
          ExpressionAttributeValues: {
            ':true': true,
            ':at': at,
            ':entity': 'contact',
            ':contactId': contactId,
            ':empty': [],
          },
        }),
      );
      return { outcome: 'applied' };
    } catch (error) {
      if (isConditionFailure(error)) return { outcome: 'stale' };
      throw error;
    }
  }

  async getContact(contactId: string): Promise<ContactRecord | undefined> {
    const item = await this.getItem(crmKeys.contact(contactId));
    return item ? (withoutStorageAttributes(item) as unknown as ContactRecord) : undefined;
  }

  /** The contacts that list a number (E.164); deleted ones only when asked. */
  async contactsByPhoneNumber(
    phoneNumber: string,
    options: { includeDeleted?: boolean } = {},
  ): Promise<ContactRecord[]> {
    const links = await this.queryPartition(numberPartition(phoneNumber), crmKeys.contactPhoneLinkPrefix);
    const contactIds = links.map((link) => link.contactId as string);
    if (contactIds.length === 0) return [];
    const contacts = (await this.batchGet(contactIds.map((id) => crmKeys.contact(id)))).map(
      (item) => withoutStorageAttributes(item) as unknown as ContactRecord,
    );
    return contacts
      .filter((c) => options.includeDeleted || !c.deleted)
      .sort((a, b) => a.contactId.localeCompare(b.contactId));
  }

  // ---- suppressions ----------------------------------------------------------------------------

  /**
   * Adds or removes one suppression reason for a number. The audit entry is always written
   * (idempotently: its key is the change); the state changes only if this change is newer.
   */
  async changeSuppression(change: SuppressionChange): Promise<{ outcome: 'applied' | 'stale' }> {
    const entry: SuppressionAuditEntry = {
      phoneNumber: change.phoneNumber,
      reason: change.reason,
      action: change.action,
      at: change.at,
      reference: change.reference,
    };
    await this.documentClient.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...crmKeys.suppressionAudit(
            change.phoneNumber,
            change.at,
            change.reason,
            change.action,
            change.reference,
          ),
          entity: 'suppression-audit',
          ...entry,
        },
      }),
    );
    try {
      await this.documentClient.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: crmKeys.suppression(change.phoneNumber, change.reason),
          UpdateExpression:
            'SET #entity = :entity, #phoneNumber = :phoneNumber, #reason = :reason, #active = :active,' +
            ' #changedAt = :at, #reference = :reference',
          ConditionExpression: 'attribute_not_exists(#changedAt) OR #changedAt < :at',
          ExpressionAttributeNames: {
            '#entity': 'entity',
            '#phoneNumber': 'phoneNumber',
            '#reason': 'reason',
            '#active': 'active',
            '#changedAt': 'changedAt',
            '#reference': 'reference',
          },
          ExpressionAttributeValues: {
            ':entity': 'suppression',
            ':phoneNumber': change.phoneNumber,
            ':reason': change.reason,
            ':active': change.action === 'add',
            ':at': change.at,
            ':reference': change.reference,
          },
        }),
      );
      return { outcome: 'applied' };
    } catch (error) {
      if (isConditionFailure(error)) return { outcome: 'stale' };
      throw error;
    }
  }

  addSuppression(change: Omit<SuppressionChange, 'action'>): Promise<{ outcome: 'applied' | 'stale' }> {
    return this.changeSuppression({ ...change, action: 'add' });
  }

  removeSuppression(change: Omit<SuppressionChange, 'action'>): Promise<{ outcome: 'applied' | 'stale' }> {
    return this.changeSuppression({ ...change, action: 'remove' });
  }

  /** STOP → opt-out suppression, START → lifted; HELP changes nothing (`ignored`). */
  async applyConsentChange(consent: ConsentChange): Promise<{ outcome: 'applied' | 'stale' | 'ignored' }> {
    const change = suppressionChangeOf(consent);
    return change ? this.changeSuppression(change) : { outcome: 'ignored' };
  }

  /** Every suppression reason recorded for a number, active or lifted. */
  async suppressionsOf(phoneNumber: string): Promise<SuppressionState[]> {
    const items = await this.queryPartition(numberPartition(phoneNumber), crmKeys.suppressionPrefix);
    return items.map((item) => ({
      phoneNumber: item.phoneNumber as string,
      reason: item.reason as SuppressionReason,
      active: item.active as boolean,
      changedAt: item.changedAt as string,
      reference: item.reference as string,
    }));
  }

  /** The campaign's gate: one strongly consistent query of the number's suppression items. */
  async isSuppressed(phoneNumber: string): Promise<boolean> {
    return (await this.suppressionsOf(phoneNumber)).some((s) => s.active);
  }

  /** A number's suppression history, oldest first. */
  async suppressionAudit(phoneNumber: string): Promise<SuppressionAuditEntry[]> {
    const items = await this.queryPartition(numberPartition(phoneNumber), crmKeys.suppressionAuditPrefix);
    return items.map((item) => ({
      phoneNumber: item.phoneNumber as string,
      reason: item.reason as SuppressionReason,
      action: item.action as 'add' | 'remove',
      at: item.at as string,
      reference: item.reference as string,
    }));
  }

  // ---- delivery health ---------------------------------------------------------------------------

  /**
   * Counts a delivery outcome for a recipient; at `bounceThreshold` consecutive failures the number
   * is suppressed (`bounce`), and a later delivery lifts that suppression again.
   */
  async recordDeliveryOutcome(outcome: DeliveryOutcome): Promise<DeliveryRecordResult> {
    const key = crmKeys.deliveryHealth(outcome.phoneNumber);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const stored = await this.getItem(key);
      const health: DeliveryHealth = stored
        ? {
            failures: (stored.failures as DeliveryHealth['failures']) ?? [],
            ...(stored.lastDeliveredAt ? { lastDeliveredAt: stored.lastDeliveredAt as string } : {}),
          }
        : emptyDeliveryHealth;
      const result = applyDeliveryOutcome(health, outcome, this.bounceThreshold);
      if (result.changed) {
        const version = (stored?.version as number | undefined) ?? 0;
        try {
          await this.documentClient.send(
            new PutCommand({
              TableName: this.tableName,
              Item: {
                ...key,
                entity: 'delivery-health',
                phoneNumber: outcome.phoneNumber,
                ...result.health,
                consecutiveFailures: result.consecutiveFailures,
                version: version + 1,
              },
              ConditionExpression: stored ? '#version = :version' : 'attribute_not_exists(pk)',
              ...(stored
                ? {
                    ExpressionAttributeNames: { '#version': 'version' },
                    ExpressionAttributeValues: { ':version': version },
                  }
                : {}),
            }),
          );
        } catch (error) {
          if (isConditionFailure(error)) continue;
          throw error;
        }
      }
      if (result.bouncing) {
        // Keyed by the latest failure, so a redelivered event re-asserts the same suppression.
        const latest = result.health.failures[result.health.failures.length - 1]!;
        await this.addSuppression({
          phoneNumber: outcome.phoneNumber,
          reason: 'bounce',
          at: latest.at,
          reference: latest.messageId,
        });
      } else if (
        outcome.outcome === 'delivered' &&
        result.changed &&
        consecutiveFailures(health) >= this.bounceThreshold
      ) {
        await this.removeSuppression({
          phoneNumber: outcome.phoneNumber,
          reason: 'bounce',
          at: outcome.at,
          reference: outcome.messageId,
        });
      }
      return { ...result, suppressed: result.bouncing };
    }
    throw new ConcurrentUpdateError(`delivery health of a recipient`, this.maxAttempts);
  }

  // ---- plumbing ------------------------------------------------------------------------------------

  private async getItem(key: ItemKey): Promise<Record<string, unknown> | undefined> {
    const result = await this.documentClient.send(
      new GetCommand({ TableName: this.tableName, Key: { ...key }, ConsistentRead: true }),
    );
    return result.Item;
  }

  /** Strongly consistent BatchGetItem in chunks of 100, retrying unprocessed keys. */
  private async batchGet(keys: ItemKey[]): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Record<string, unknown>[] = keys.slice(i, i + 100).map((key) => ({ ...key }));
      while (pending.length) {
        const result = await this.documentClient.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        items.push(...(result.Responses?.[this.tableName] ?? []));
        pending =
          (result.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      }
    }
    return items;
  }

  private async queryPartition(partition: string, sortKeyPrefix: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.documentClient.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': crmTableKeys.partitionKey, '#sk': crmTableKeys.sortKey },
          ExpressionAttributeValues: { ':pk': partition, ':prefix': sortKeyPrefix },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      items.push(...(result.Items ?? []));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}
