import {
  PutCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { contactMatchesName, contactPhoneNumbers, type ContactRecord } from '../domain/contact-records';
import { crmKeys, numberPartition } from '../domain/crm-keys';
import {
  contactRecordOfItem,
  entriesStillStored,
  eventIdsAttribute,
  listedEventEntry,
  listedEventsAttribute,
} from '../domain/item-views';
import { ConcurrentUpdateError } from '../errors';
import { isConditionFailure, isTransactionConflict } from '../../shared/dynamo';
import { erasedSince } from './erasure-guard';
import {
  defaultMaxAttempts,
  readItem,
  readItems,
  readPartition,
  type CrmTableAccess,
  type OptimisticWriteOptions,
} from './crm-table';

/** DynamoDB deletes an expired item within days of its TTL, not at once: an entry is kept this much longer. */
const ttlLagDays = 7;

const storedSet = (item: Record<string, unknown> | undefined, name: string) =>
  item?.[name] as Set<string> | undefined;

export interface ContactRepositoryOptions extends OptimisticWriteOptions {
  /**
   * Days the events table keeps an event after it closes (`EVENT_RETENTION_DAYS`): the expiry an
   * event this repository lists is dated with. Only the processors list events; a writer that
   * lists none keeps every entry whose own expiry has not passed. @default 90
   */
  eventRetentionDays?: number;
  clock?: () => Date;
}

/**
 * Contacts in the CRM table and the phone links that find a contact by number. A contact and its
 * changed links are written together, in one transaction guarded by the version it replaces (a
 * version that changes no link is one conditional put).
 * Give it a document client made with `marshallOptions: { removeUndefinedValues: true }`.
 */
export class ContactRepository {
  private readonly table: CrmTableAccess;
  private readonly maxAttempts: number;
  private readonly eventRetentionDays: number;
  private readonly clock: () => Date;

  constructor(
    documentClient: DynamoDBDocumentClient,
    tableName: string,
    options: ContactRepositoryOptions = {},
  ) {
    this.table = { documentClient, tableName };
    this.maxAttempts = options.maxAttempts ?? defaultMaxAttempts;
    this.eventRetentionDays = options.eventRetentionDays ?? 90;
    this.clock = options.clock ?? (() => new Date());
  }

  /** The listing of an event processed at `now`: it expires `eventRetentionDays` after it closes. */
  private entryOf(eventId: string, now: Date): string {
    return listedEventEntry(eventId, new Date(now.getTime() + this.eventRetentionDays * 86_400_000));
  }

  /**
   * Writes a contact version unless a newer one is stored, and keeps its phone links (the items
   * that find it by number) in step, guarded by the version it replaced. A version from before an
   * erasure of one of its numbers is not written (`erased`, or `stale` behind the erase's
   * tombstone): the markers are read strongly consistent first, and an erase that passes between
   * that read and the write is undone by the erase's second sweep. A later change in OpenPhone is
   * written. `eventId`: the webhook event writing it, listed in the record's `listedEvents` (an erase
   * blanks those bodies by key); a put replaces the item, so the stored ids are carried over.
   */
  async upsertContact(
    contact: ContactRecord,
    eventId?: string,
  ): Promise<{ outcome: 'applied' | 'stale' | 'erased' }> {
    const { documentClient, tableName } = this.table;
    const key = crmKeys.contact(contact.contactId);
    const newNumbers = contactPhoneNumbers(contact);
    if (await erasedSince(this.table, newNumbers, contact.versionAt)) return { outcome: 'erased' };
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const stored = await readItem(this.table, key);
      const storedVersion = stored?.versionAt as string | undefined;
      if (storedVersion !== undefined && storedVersion >= contact.versionAt)
        return { outcome: await this.listStaleEvent(contact.contactId, eventId) };
      const oldNumbers = stored ? contactPhoneNumbers(stored as unknown as ContactRecord) : [];
      const now = this.clock();
      const listedBefore = storedSet(stored, listedEventsAttribute);
      const listed = new Set(entriesStillStored(listedBefore ?? [], now, ttlLagDays));
      if (eventId) listed.add(this.entryOf(eventId, now));
      const bare = storedSet(stored, eventIdsAttribute);
      const put = {
        TableName: tableName,
        Item: {
          ...key,
          entity: 'contact',
          ...contact,
          ...(listed.size > 0 ? { [listedEventsAttribute]: listed } : {}),
          ...(bare ? { [eventIdsAttribute]: bare } : {}),
        },
        // The version it replaces, and the listing it read: a stale event listed (by ADD) between
        // the read and this put would otherwise be dropped, and its body missed by an erase.
        ...(stored
          ? {
              ConditionExpression: `#versionAt = :stored AND ${
                listedBefore ? 'size(#listed) = :listedCount' : 'attribute_not_exists(#listed)'
              }`,
              ExpressionAttributeNames: { '#versionAt': 'versionAt', '#listed': listedEventsAttribute },
              ExpressionAttributeValues: {
                ':stored': storedVersion,
                ...(listedBefore ? { ':listedCount': listedBefore.size } : {}),
              },
            }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      };
      const linkChanges = [
        ...newNumbers
          .filter((n) => !oldNumbers.includes(n))
          .map((phoneNumber) => ({
            Put: {
              TableName: tableName,
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
            Delete: { TableName: tableName, Key: crmKeys.contactPhoneLink(phoneNumber, contact.contactId) },
          })),
      ];
      try {
        if (linkChanges.length === 0) await documentClient.send(new PutCommand(put));
        else
          await documentClient.send(
            new TransactWriteCommand({ TransactItems: [{ Put: put }, ...linkChanges] }),
          );
        return { outcome: 'applied' };
      } catch (error) {
        if (!isConditionFailure(error) && !isTransactionConflict(error)) throw error;
      }
    }
    throw new ConcurrentUpdateError(`contact ${contact.contactId}`, this.maxAttempts);
  }

  /**
   * Marks a contact deleted (kept for the history that names it) unless a newer version is stored;
   * a deletion of an unknown contact leaves a tombstone so a late, older update cannot revive it.
   * `eventId`: the webhook event deleting it, listed in the record's `listedEvents`.
   */
  async markContactDeleted(
    contactId: string,
    at: string,
    eventId?: string,
  ): Promise<{ outcome: 'applied' | 'stale' | 'erased' }> {
    try {
      await this.table.documentClient.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: crmKeys.contact(contactId),
          UpdateExpression:
            'SET #deleted = :true, #deletedAt = :at, #versionAt = :at, #entity = :entity, #contactId = :contactId,' +
            ' #emails = if_not_exists(#emails, :empty), #phoneNumbers = if_not_exists(#phoneNumbers, :empty),' +
            ` #customFields = if_not_exists(#customFields, :empty)${eventId ? ' ADD #listed :listed' : ''}`,
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
            ...(eventId ? { '#listed': listedEventsAttribute } : {}),
          },
          ExpressionAttributeValues: {
            ':true': true,
            ':at': at,
            ':entity': 'contact',
            ':contactId': contactId,
            ':empty': [],
            ...(eventId ? { ':listed': new Set([this.entryOf(eventId, this.clock())]) } : {}),
          },
        }),
      );
      return { outcome: 'applied' };
    } catch (error) {
      if (isConditionFailure(error)) return { outcome: await this.listStaleEvent(contactId, eventId) };
      throw error;
    }
  }

  /**
   * Lists a stale event on the contact it is about, so an erase finds its body (the tombstone's put
   * answers it); `erased` when the contact is an erase's tombstone already (its body goes too).
   */
  private async listStaleEvent(contactId: string, eventId?: string): Promise<'stale' | 'erased'> {
    if (!eventId) return 'stale';
    try {
      await this.table.documentClient.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: crmKeys.contact(contactId),
          UpdateExpression: 'ADD #listed :listed',
          ConditionExpression: 'attribute_exists(#versionAt) AND attribute_not_exists(#erasedAt)',
          ExpressionAttributeNames: {
            '#listed': listedEventsAttribute,
            '#versionAt': 'versionAt',
            '#erasedAt': 'erasedAt',
          },
          ExpressionAttributeValues: { ':listed': new Set([this.entryOf(eventId, this.clock())]) },
        }),
      );
      return 'stale';
    } catch (error) {
      if (isConditionFailure(error)) return 'erased';
      throw error;
    }
  }

  async getContact(contactId: string): Promise<ContactRecord | undefined> {
    const item = await readItem(this.table, crmKeys.contact(contactId));
    return item ? contactRecordOfItem(item) : undefined;
  }

  /** The contacts that list a number (E.164); deleted ones only when asked. */
  async contactsByPhoneNumber(
    phoneNumber: string,
    options: { includeDeleted?: boolean } = {},
  ): Promise<ContactRecord[]> {
    const links = await readPartition(
      this.table,
      numberPartition(phoneNumber),
      crmKeys.contactPhoneLinkPrefix,
    );
    const contactIds = links.map((link) => link.contactId as string);
    if (contactIds.length === 0) return [];
    const contacts = (
      await readItems(
        this.table,
        contactIds.map((id) => crmKeys.contact(id)),
      )
    ).map(contactRecordOfItem);
    return contacts
      .filter((c) => options.includeDeleted || !c.deleted)
      .sort((a, b) => a.contactId.localeCompare(b.contactId));
  }

  /**
   * Contacts by name, for an operator (the console, with the operator's credentials): no index
   * holds names, so this reads the CRM table page by page with a filter on contact items until it
   * has `limit` matches or has read `maxItemsRead` items; `complete` says whether it read them all.
   * The Lambdas never call it (their roles may not scan).
   */
  async findContactsByName(
    query: string,
    options: { limit?: number; maxItemsRead?: number; pageSize?: number } = {},
  ): Promise<{ items: ContactRecord[]; complete: boolean; itemsRead: number }> {
    const limit = options.limit ?? 20;
    const maxItemsRead = options.maxItemsRead ?? 100_000;
    const items: ContactRecord[] = [];
    let itemsRead = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.table.documentClient.send(
        new ScanCommand({
          TableName: this.table.tableName,
          FilterExpression: '#entity = :contact',
          ExpressionAttributeNames: { '#entity': 'entity' },
          ExpressionAttributeValues: { ':contact': 'contact' },
          Limit: options.pageSize ?? 1000,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      itemsRead += page.ScannedCount ?? 0;
      for (const item of page.Items ?? []) {
        const contact = contactRecordOfItem(item);
        if (!contact.deleted && contactMatchesName(contact, query)) items.push(contact);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && items.length < limit && itemsRead < maxItemsRead);
    return {
      items: items.sort((a, b) => a.contactId.localeCompare(b.contactId)).slice(0, limit),
      complete: startKey === undefined,
      itemsRead,
    };
  }
}
