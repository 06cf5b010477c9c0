import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inParallel } from '../../shared/concurrency';
import { queryAll } from '../../shared/dynamo';
import {
  conversationPartition,
  crmKeys,
  crmTableKeys,
  numberPartition,
  type ItemKey,
} from '../domain/crm-keys';
import { contactPhoneNumbers, type ContactRecord } from '../domain/contact-records';
import {
  archivedObjectKeysOf,
  completeErasureCounts,
  conversationHeldOnlyBefore,
  expiringCopiesAfterErase,
  type ErasureAuditEntry,
  type ErasureCounts,
  type ErasureResult,
  type PersonalDataEraser,
  type SecondSweep,
  type SecondSweepScheduler,
} from '../domain/erasure';
import type { ActivityRecord } from '../domain/activity';
import { listedEventIds } from '../domain/item-views';
import { readItem, readItems, readPartition, writeItems, type CrmTableAccess } from './crm-table';

export interface ErasureRepositoryOptions {
  s3: S3Client;
  /** The media archive bucket (archived copies under `media/`). */
  mediaBucket: string;
  /**
   * The other stores holding people by number (API messages, webhook bodies, campaign recipients),
   * erased after the CRM's own items and counted on the same audit entry.
   */
  otherStores?: readonly PersonalDataEraser[];
  /**
   * How long the erase waits before reading the timeline index once more: an activity written
   * just before the marker may not be in the (eventually consistent) index at the first read.
   * @default 2000 ms
   */
  indexSettleMs?: number;
  /**
   * Starts the second sweep once a writer that read the marker before the erase can no longer
   * write (the stack's Step Functions wait). Without one, only the first sweep runs: for tests and
   * tools that call `sweepAgain` themselves.
   */
  secondSweep?: SecondSweepScheduler;
  now?: () => Date;
}

/** Activities erased at once. */
const eraseConcurrency = 8;

/**
 * Erases one person (a phone number) from the CRM table, the media archive and the other stores
 * it is given, and keeps the erasure marker that makes the activity writers skip that history if
 * it comes again. The audit entry, written last with every store's count, is what the CRM events
 * publisher announces as `contact.erased`; each activity tombstone as `activity.erased`.
 * Give it a document client made with `marshallOptions: { removeUndefinedValues: true }`.
 */
export class ErasureRepository {
  private readonly table: CrmTableAccess;
  private readonly now: () => Date;

  constructor(
    documentClient: DynamoDBDocumentClient,
    tableName: string,
    private readonly options: ErasureRepositoryOptions,
  ) {
    this.table = { documentClient, tableName };
    this.now = options.now ?? (() => new Date());
  }

  /**
   * The marker goes first, so a webhook or import that reads it from then on skips what it is
   * removing; one that read it before and writes after this sweep is found by the second sweep
   * (`sweepAgain`), scheduled last. Each activity becomes a tombstone holding only its id and
   * `erasedAt` (a late summary or status for it is refused by the write's condition); contacts
   * become deleted tombstones versioned at `erasedAt` (an older OpenPhone version cannot revive
   * them, a newer one can). Repeatable.
   */
  async erase(phoneNumber: string, requestedBy: string): Promise<ErasureResult> {
    const erasedAt = this.now().toISOString();
    await this.table.documentClient.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...crmKeys.erasure(phoneNumber), entity: 'erasure', phoneNumber, erasedAt, requestedBy },
      }),
    );
    const erased: ErasureCounts = completeErasureCounts({});
    const conversationKeys = new Set<string>();
    const seen = await this.sweep(phoneNumber, erasedAt, erased, conversationKeys, { allOtherStores: true });
    // One committed just before the marker reaches the timeline index a moment later: read the
    // index again once it has settled.
    await new Promise((resolve) => setTimeout(resolve, this.options.indexSettleMs ?? 2000));
    await this.sweep(phoneNumber, erasedAt, erased, conversationKeys, { seen });
    await this.eraseConversations(phoneNumber, conversationKeys);
    const entry: ErasureAuditEntry = { phoneNumber, erased, erasedAt, requestedBy };
    await writeItems(this.table, [
      { put: { ...crmKeys.erasureAudit(phoneNumber, erasedAt), entity: 'erasure-audit', ...entry } },
      { put: { ...crmKeys.erasure(phoneNumber), entity: 'erasure', ...entry } },
    ]);
    await this.options.secondSweep?.schedule({
      phoneNumber,
      erasedAt,
      conversationKeys: [...conversationKeys],
    });
    return { phoneNumber, erased, erasedAt, expiringCopies: [...expiringCopiesAfterErase] };
  }

  /**
   * The erase's second sweep, once no writer that read the marker before it can still write: what
   * such a writer put after the first sweep — activities and contacts dated at or before the erase,
   * their raw webhook bodies, conversation records a late fold put back — is erased too, and the
   * counts are added to the erase's audit entry. What is dated after the erase stays. Repeatable.
   */
  async sweepAgain({ phoneNumber, erasedAt, conversationKeys }: SecondSweep): Promise<ErasureCounts> {
    const erased: ErasureCounts = completeErasureCounts({});
    const keys = new Set(conversationKeys);
    await this.sweep(phoneNumber, erasedAt, erased, keys, { upTo: erasedAt });
    await this.eraseConversations(phoneNumber, keys, erasedAt);
    const audit = crmKeys.erasureAudit(phoneNumber, erasedAt);
    const entry = await readItem(this.table, audit);
    if (entry && Object.values(erased).some((n) => n > 0)) {
      const before = completeErasureCounts(entry.erased as Partial<ErasureCounts>);
      const total = completeErasureCounts(
        Object.fromEntries(
          Object.entries(before).map(([store, n]) => [store, n + erased[store as keyof ErasureCounts]]),
        ),
      );
      await writeItems(this.table, [{ put: { ...entry, erased: total } }]);
    }
    return erased;
  }

  /**
   * One pass over what holds the number: its timeline's activities (and the tasks on their
   * conversations) not in `seen`, the other stores, the contacts listing it. `upTo`: only what is
   * dated at or before it (the second sweep). Answers every activity id it has seen.
   */
  private async sweep(
    phoneNumber: string,
    erasedAt: string,
    erased: ErasureCounts,
    conversationKeys: Set<string>,
    pass: { allOtherStores?: boolean; seen?: Set<string>; upTo?: string },
  ): Promise<Set<string>> {
    const seen = pass.seen ?? new Set<string>();
    // Tasks name no number: they are found on the conversations with them alone (titles name them).
    const numbered = (await this.activityIdsOf(phoneNumber, pass.upTo)).filter((id) => !seen.has(id));
    const found = [...numbered, ...(await this.tasksOnTheirConversations(numbered, phoneNumber, pass.upTo))];
    const activityIds = [...new Set(found)].filter((id) => !seen.has(id));
    const contactIds = pass.seen ? [] : await this.contactIdsOf(phoneNumber, pass.upTo);
    // The other stores first, while they can still read the records (an API message its status);
    // after the first pass only the one keyed by activity (raw webhook bodies) has more to find.
    const others = (this.options.otherStores ?? []).filter(
      (other) =>
        pass.allOtherStores || (other.store === 'eventPayloads' && activityIds.length + contactIds.length),
    );
    const eventIds = others.length > 0 ? await this.eventIdsListedBy(activityIds, contactIds) : [];
    for (const other of others)
      erased[other.store] += await other.erase(phoneNumber, erasedAt, { activityIds, contactIds, eventIds });
    // Events a writer listed on a record after the read above: the tombstones' puts answer them.
    const listedLate = new Set<string>();
    await inParallel(activityIds, eraseConcurrency, async (activityId) => {
      const media = await this.eraseActivity(activityId, erasedAt, phoneNumber, conversationKeys, listedLate);
      erased.activities++;
      erased.media += media;
    });
    await this.eraseContacts(phoneNumber, contactIds, erasedAt, listedLate);
    erased.contacts += contactIds.length;
    for (const id of eventIds) listedLate.delete(id);
    const bodies = others.find((other) => other.store === 'eventPayloads');
    if (bodies && listedLate.size > 0)
      erased.eventPayloads += await bodies.erase(phoneNumber, erasedAt, {
        activityIds: [],
        contactIds: [],
        eventIds: [...listedLate],
      });
    return new Set([...seen, ...activityIds]);
  }

  /** The webhook events these activities and contacts list (`eventIds`), read before they are erased. */
  private async eventIdsListedBy(activityIds: string[], contactIds: string[]): Promise<string[]> {
    const records = await readItems(this.table, [
      ...activityIds.map((id) => crmKeys.activity(id)),
      ...contactIds.map((id) => crmKeys.contact(id)),
    ]);
    return [...new Set(records.flatMap((r) => listedEventIds(r)))];
  }

  /** When the number was last erased, if ever. */
  async erasedAt(phoneNumber: string): Promise<string | undefined> {
    return (await readItem(this.table, crmKeys.erasure(phoneNumber)))?.erasedAt as string | undefined;
  }

  /** The erasures of a number, oldest first (counts and who asked; no content). */
  async erasureAudit(phoneNumber: string): Promise<ErasureAuditEntry[]> {
    const items = await readPartition(this.table, numberPartition(phoneNumber), crmKeys.erasureAuditPrefix);
    return items.map(({ phoneNumber, erased, erasedAt, requestedBy }) => ({
      phoneNumber,
      erased: completeErasureCounts(erased as Partial<ErasureCounts>),
      erasedAt,
      requestedBy,
    })) as ErasureAuditEntry[];
  }

  /**
   * The number's timeline: activities keyed by it and group messages it has an entry for; with
   * `upTo`, those created at or before it (the sort key starts with the creation time).
   */
  private async activityIdsOf(phoneNumber: string, upTo?: string): Promise<string[]> {
    const items = await queryAll(this.table.documentClient, {
      TableName: this.table.tableName,
      IndexName: crmTableKeys.timelineIndex,
      KeyConditionExpression: upTo ? '#pk = :pk AND #sk <= :upTo' : '#pk = :pk',
      ExpressionAttributeNames: {
        '#pk': crmTableKeys.timelinePartitionKey,
        '#id': 'activityId',
        ...(upTo ? { '#sk': crmTableKeys.timelineSortKey } : {}),
      },
      ExpressionAttributeValues: {
        ':pk': numberPartition(phoneNumber),
        ...(upTo ? { ':upTo': `${upTo}#\uffff` } : {}),
      },
      ProjectionExpression: '#id',
    });
    return [...new Set(items.map((item) => item.activityId as string))];
  }

  /**
   * The tasks (activities of kind `task`) on the conversations whose only other party is the number;
   * with `upTo`, those created at or before it (a task made after the erase stays).
   */
  private async tasksOnTheirConversations(
    activityIds: string[],
    phoneNumber: string,
    upTo?: string,
  ): Promise<string[]> {
    const activities = await readItems(
      this.table,
      activityIds.map((id) => crmKeys.activity(id)),
    );
    const conversationIds = new Set<string>();
    for (const activity of activities) {
      const others = activity.contactNumbers as string[] | undefined;
      if (activity.conversationId && others?.length === 1 && others[0] === phoneNumber)
        conversationIds.add(String(activity.conversationId));
    }
    const ids: string[] = [];
    for (const conversationId of conversationIds) {
      const entries = await queryAll(this.table.documentClient, {
        TableName: this.table.tableName,
        IndexName: crmTableKeys.conversationIndex,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': crmTableKeys.conversationPartitionKey, '#id': 'activityId' },
        ExpressionAttributeValues: { ':pk': conversationPartition(conversationId) },
        ProjectionExpression: '#id',
      });
      const stored = await readItems(
        this.table,
        [...new Set(entries.map((entry) => entry.activityId as string))].map((id) => crmKeys.activity(id)),
      );
      const tasks = stored.filter(
        (item) => item.kind === 'task' && (!upTo || String(item.createdAt) <= upTo),
      );
      ids.push(...tasks.map((item) => item.activityId as string));
    }
    return ids;
  }

  /** Tombstone, timeline entries deleted, archived objects deleted; answers how many objects. */
  private async eraseActivity(
    activityId: string,
    erasedAt: string,
    phoneNumber: string,
    conversationKeys: Set<string>,
    listedLate: Set<string>,
  ): Promise<number> {
    const key = crmKeys.activity(activityId);
    const [stored, entries] = await Promise.all([
      readItem(this.table, key),
      readPartition(this.table, key.pk, crmKeys.timelineEntryPrefix),
    ]);
    const objectKeys = stored ? archivedObjectKeysOf(stored as unknown as ActivityRecord) : [];
    if (stored?.conversationId) conversationKeys.add(String(stored.conversationId));
    if (stored?.phoneNumberId) conversationKeys.add(`${String(stored.phoneNumberId)}~${phoneNumber}`);
    await Promise.all(
      objectKeys.map((Key) =>
        this.options.s3.send(new DeleteObjectCommand({ Bucket: this.options.mediaBucket, Key })),
      ),
    );
    await writeItems(
      this.table,
      entries.map((entry) => ({ delete: { pk: entry.pk as string, sk: entry.sk as string } })),
    );
    const tombstone = { ...key, entity: 'erased-activity', activityId, erasedAt };
    for (const id of await this.replaceListingEvents(tombstone)) listedLate.add(id);
    return objectKeys.length;
  }

  /**
   * The conversation records with this person (a group's, kept under another member, stays); with
   * `upTo`, only those holding nothing dated after it.
   */
  private async eraseConversations(
    phoneNumber: string,
    conversationKeys: Set<string>,
    upTo?: string,
  ): Promise<void> {
    const stored = await readItems(
      this.table,
      [...conversationKeys].map((k) => crmKeys.conversationState(k)),
    );
    const theirs = stored.filter(
      (item) => item.contactNumber === phoneNumber && (!upTo || conversationHeldOnlyBefore(item, upTo)),
    );
    await writeItems(
      this.table,
      theirs.map((item) => ({ delete: { pk: item.pk as string, sk: item.sk as string } })),
    );
  }

  /** The contacts listing the number, by its phone links; with `upTo`, those of a version at or before it. */
  private async contactIdsOf(phoneNumber: string, upTo?: string): Promise<string[]> {
    const links = await readPartition(
      this.table,
      numberPartition(phoneNumber),
      crmKeys.contactPhoneLinkPrefix,
    );
    const ids = [...new Set(links.map((link) => link.contactId as string))];
    if (!upTo) return ids;
    const contacts = await readItems(
      this.table,
      ids.map((id) => crmKeys.contact(id)),
    );
    return contacts.filter((c) => String(c.versionAt) <= upTo).map((c) => c.contactId as string);
  }

  /** Every phone link of these contacts deleted, each record replaced by a tombstone. */
  private async eraseContacts(
    phoneNumber: string,
    contactIds: string[],
    erasedAt: string,
    listedLate: Set<string>,
  ): Promise<void> {
    for (const contactId of contactIds) {
      const stored = await readItem(this.table, crmKeys.contact(contactId));
      const numbers = new Set([
        phoneNumber,
        ...(stored ? contactPhoneNumbers(stored as unknown as ContactRecord) : []),
      ]);
      const linkKeys: ItemKey[] = [...numbers].map((n) => crmKeys.contactPhoneLink(n, contactId));
      await writeItems(
        this.table,
        linkKeys.map((k) => ({ delete: k })),
      );
      const tombstone = {
        ...crmKeys.contact(contactId),
        entity: 'contact',
        contactId,
        deleted: true,
        deletedAt: erasedAt,
        versionAt: erasedAt,
        erasedAt,
        emails: [],
        phoneNumbers: [],
        customFields: [],
      };
      for (const id of await this.replaceListingEvents(tombstone)) listedLate.add(id);
    }
  }

  /**
   * Puts a tombstone over a record and answers the event ids the replaced item listed: a writer
   * that read the marker before the erase may have listed its event after the erase read them.
   */
  private async replaceListingEvents(tombstone: Record<string, unknown>): Promise<string[]> {
    const { Attributes } = await this.table.documentClient.send(
      new PutCommand({ TableName: this.table.tableName, Item: tombstone, ReturnValues: 'ALL_OLD' }),
    );
    return listedEventIds(Attributes);
  }
}
