/**
 * A campaign's recipients and their claims. Every change of a recipient's state is one
 * conditional write naming the state it leaves (and, for a claimed recipient, the claim token),
 * so two senders can never both own a recipient. A recipient leaves the open states with one
 * update of its own row, which carries everything counted of it (its variant's counts and, once
 * sent, the number's 24-hour sends are read from the rows): counted once, with no transaction.
 */
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  campaignKeys,
  campaignTableKeys,
  openRecipientStates,
  type RecipientState,
  type SkipReason,
} from '../domain/campaign-keys';
import { batchGetAll, isConditionFailure, queryAll } from '../../shared/dynamo';
import { recipientOf, recipientUpdate, type RecipientChange, type StoredRecipient } from './recipient-item';
import { sendTrackingItem } from './send-tracking-repository';

export type { StoredRecipient } from './recipient-item';

const { workPartitionKey, workSortKey } = campaignTableKeys;

export interface RecipientRepositoryOptions {
  /**
   * The stage's `retention.activitiesDays`: a finished recipient row and its number's link expire
   * (DynamoDB TTL) that many days after it finished. @default undefined: kept
   */
  retentionDays?: number;
}

export class RecipientRepository {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: RecipientRepositoryOptions = {},
  ) {}

  /** Adds recipients as pending; a number already in the campaign keeps its state (counted, not overwritten). */
  async addRecipients(
    campaignId: string,
    recipients: readonly { phone: string; fields: Record<string, string> }[],
  ): Promise<{ added: number; alreadyPresent: number }> {
    let added = 0;
    for (const recipient of recipients) {
      // The number's link first: a recipient row an erase cannot find never exists.
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...campaignKeys.recipientLink(recipient.phone, campaignId),
            entity: 'recipient-link',
            campaignId,
          },
        }),
      );
      try {
        await this.documents.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...campaignKeys.recipient(campaignId, recipient.phone),
              entity: 'recipient',
              campaignId,
              phone: recipient.phone,
              fields: recipient.fields,
              state: 'pending' satisfies RecipientState,
              [workPartitionKey]: campaignKeys.openWork(campaignId),
              [workSortKey]: recipient.phone,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        added++;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    return { added, alreadyPresent: recipients.length - added };
  }

  async getRecipient(campaignId: string, phone: string): Promise<StoredRecipient | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: campaignKeys.recipient(campaignId, phone),
        ConsistentRead: true,
      }),
    );
    return Item ? recipientOf(Item) : undefined;
  }

  /**
   * One page of the recipients still needing a sender (pending, claimed, unknown-outcome): their
   * keys from the work index (which projects no state), then the rows themselves by key. The index
   * may lag: a row that has left the open states meanwhile is left out, and every state change is
   * conditional, so a stale row only loses a race.
   */
  async openRecipientsPage(
    campaignId: string,
    limit = 50,
    startKey?: Record<string, unknown>,
  ): Promise<{ recipients: StoredRecipient[]; next?: Record<string, unknown> }> {
    const { Items = [], LastEvaluatedKey } = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: campaignTableKeys.workIndex,
        KeyConditionExpression: '#workPk = :open',
        ExpressionAttributeNames: { '#workPk': workPartitionKey },
        ExpressionAttributeValues: { ':open': campaignKeys.openWork(campaignId) },
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    const keys = Items.map((item) => ({ pk: item.pk as string, sk: item.sk as string }));
    // Eventually consistent, as the index itself is: half the read units of a strong read.
    const rows = await batchGetAll(this.documents, this.tableName, keys, { consistentRead: false });
    const bySortKey = new Map(rows.map((row) => [row.sk as string, row]));
    const recipients = keys
      .map(({ sk }) => bySortKey.get(sk))
      .filter((row): row is Record<string, unknown> => row !== undefined)
      .map(recipientOf)
      .filter((recipient) => openRecipientStates.includes(recipient.state));
    return { recipients, ...(LastEvaluatedKey ? { next: LastEvaluatedKey } : {}) };
  }

  /** Every recipient, from the table itself (strongly consistent): for completion checks and reports. */
  async allRecipients(campaignId: string): Promise<StoredRecipient[]> {
    const items = await queryAll(this.documents, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': campaignKeys.campaign(campaignId).pk,
        ':prefix': campaignKeys.recipientPrefix,
      },
      ConsistentRead: true,
    });
    return items.map(recipientOf);
  }

  /** How many of a campaign's recipients are in each state (states with none are left out). */
  async recipientStateCounts(campaignId: string): Promise<Partial<Record<RecipientState, number>>> {
    const items = await queryAll(this.documents, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ProjectionExpression: '#state',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':pk': campaignKeys.campaign(campaignId).pk,
        ':prefix': campaignKeys.recipientPrefix,
      },
      ConsistentRead: true,
    });
    const counts: Partial<Record<RecipientState, number>> = {};
    for (const item of items) {
      const state = item.state as RecipientState;
      counts[state] = (counts[state] ?? 0) + 1;
    }
    return counts;
  }

  /** pending → claimed, owned by `claimToken`. False when the recipient was not pending. */
  async claimRecipient(campaignId: string, phone: string, claimToken: string, at: string): Promise<boolean> {
    return this.moveRecipient(campaignId, phone, {
      from: ['pending'],
      set: { state: 'claimed', claimToken, claimedAt: at, touchedAt: at },
    });
  }

  /** Renews the owner's claim just before the send, so no reconciler takes it over mid-send. */
  async touchClaim(campaignId: string, phone: string, claimToken: string, at: string): Promise<boolean> {
    return this.moveRecipient(campaignId, phone, {
      from: ['claimed'],
      token: claimToken,
      set: { touchedAt: at },
    });
  }

  /** claimed or unknown-outcome → pending: nothing was sent (known for sure), so it may be sent later. */
  async releaseRecipient(campaignId: string, phone: string, claimToken: string): Promise<boolean> {
    return this.moveRecipient(campaignId, phone, {
      from: ['claimed', 'unknown-outcome'],
      token: claimToken,
      set: { state: 'pending' },
      remove: ['claimToken', 'claimedAt', 'touchedAt'],
    });
  }

  /** claimed → unknown-outcome: the send may or may not have reached OpenPhone. */
  async markUnknownOutcome(
    campaignId: string,
    phone: string,
    claimToken: string,
    at: string,
  ): Promise<boolean> {
    return this.moveRecipient(campaignId, phone, {
      from: ['claimed'],
      token: claimToken,
      set: { state: 'unknown-outcome', touchedAt: at },
    });
  }

  /**
   * A reconciler that could not ask OpenPhone: the failure is counted on the recipient (still
   * unknown-outcome, its claim kept) and it is looked at again once stale.
   */
  async recordReconcileFailure(
    campaignId: string,
    phone: string,
    claimToken: string,
    failures: number,
    at: string,
  ): Promise<boolean> {
    return this.moveRecipient(campaignId, phone, {
      from: ['unknown-outcome'],
      token: claimToken,
      set: { reconcileFailures: failures, touchedAt: at },
    });
  }

  /**
   * unknown-outcome → parked: whether its message left could not be learnt after repeated tries.
   * Out of the work index, so the campaign can complete; never sent to again by the sender.
   */
  async markParked(
    campaignId: string,
    phone: string,
    claimToken: string,
    parked: { reason: string; at: string },
  ): Promise<boolean> {
    return this.moveRecipient(campaignId, phone, {
      from: ['unknown-outcome'],
      token: claimToken,
      set: { state: 'parked', reason: parked.reason, parkedAt: parked.at },
      remove: [workPartitionKey, workSortKey],
    });
  }

  /**
   * An abandoned claim or unknown outcome changes hands to a reconciler: only one of several
   * concurrent reconcilers wins, and the old owner (if alive after all) can no longer record anything.
   */
  async takeOverForReconciliation(
    campaignId: string,
    phone: string,
    previousToken: string,
    claimToken: string,
    at: string,
  ): Promise<boolean> {
    return this.moveRecipient(campaignId, phone, {
      from: ['claimed', 'unknown-outcome'],
      token: previousToken,
      set: { state: 'unknown-outcome', claimToken, touchedAt: at },
    });
  }

  /**
   * → sent. The tracking lookup (message id → recipient, for delivery webhooks) is put first, then
   * the recipient is marked with one conditional update: no transaction. A sender that stops
   * between the two leaves a claim that reconciliation finds and records (the lookup put again, the
   * same item), so a sent recipient always has its lookup. The variant's counts, the number's
   * 24-hour sends and the latest send a reply is attributed to are read from the recipient rows.
   */
  async markSent(
    campaignId: string,
    phone: string,
    claimToken: string,
    sent: { variantId: string; messageId: string; at: string; reconciled: boolean; sendingNumber: string },
  ): Promise<boolean> {
    const lookup = sendTrackingItem({
      campaignId,
      phone,
      variantId: sent.variantId,
      sendingNumber: sent.sendingNumber,
      messageId: sent.messageId,
      sentAt: sent.at,
    });
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: lookup }));
    return this.finishRecipient(campaignId, phone, claimToken, {
      state: 'sent',
      variantId: sent.variantId,
      messageId: sent.messageId,
      sentAt: sent.at,
      sendingNumber: sent.sendingNumber,
      reconciled: sent.reconciled,
    });
  }

  async markFailed(
    campaignId: string,
    phone: string,
    claimToken: string,
    failed: { variantId: string; reason: string; at: string },
  ): Promise<boolean> {
    return this.finishRecipient(campaignId, phone, claimToken, {
      state: 'failed',
      variantId: failed.variantId,
      reason: failed.reason,
      finishedAt: failed.at,
    });
  }

  async markSkipped(
    campaignId: string,
    phone: string,
    claimToken: string,
    skipped: { variantId: string; reason: SkipReason; at: string },
  ): Promise<boolean> {
    return this.finishRecipient(campaignId, phone, claimToken, {
      state: 'skipped',
      variantId: skipped.variantId,
      reason: skipped.reason,
      finishedAt: skipped.at,
    });
  }

  /** pending → skipped, for a recipient decided before it was ever claimed (one write, no claim). */
  async skipPendingRecipient(
    campaignId: string,
    phone: string,
    skipped: { variantId: string; reason: SkipReason; at: string },
  ): Promise<boolean> {
    return this.finishRecipient(
      campaignId,
      phone,
      undefined,
      { state: 'skipped', variantId: skipped.variantId, reason: skipped.reason, finishedAt: skipped.at },
      ['pending'],
    );
  }

  /**
   * Out of the open states (and the work index): one conditional update of the recipient, which
   * also carries what the variant's counts are read from. With a retention, the number's link is
   * put again to expire with the row (a second write, only then).
   */
  private async finishRecipient(
    campaignId: string,
    phone: string,
    claimToken: string | undefined,
    set: Record<string, unknown>,
    from: readonly RecipientState[] = ['claimed', 'unknown-outcome'],
  ): Promise<boolean> {
    const finishedAt = String(set.finishedAt ?? set.sentAt);
    const expiry =
      this.options.retentionDays === undefined
        ? {}
        : {
            [campaignTableKeys.expiresAt]:
              Math.floor(Date.parse(finishedAt) / 1000) + this.options.retentionDays * 86_400,
          };
    const finished = await this.moveRecipient(campaignId, phone, {
      from,
      ...(claimToken === undefined ? {} : { token: claimToken }),
      set: { ...set, ...expiry },
      remove: [workPartitionKey, workSortKey],
    });
    // The number's link expires with the row it points at.
    if (finished && this.options.retentionDays !== undefined)
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...campaignKeys.recipientLink(phone, campaignId),
            entity: 'recipient-link',
            campaignId,
            ...expiry,
          },
        }),
      );
    return finished;
  }

  private async moveRecipient(campaignId: string, phone: string, change: RecipientChange): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({ TableName: this.tableName, ...recipientUpdate(campaignId, phone, change) }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
