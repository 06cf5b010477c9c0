/**
 * A campaign's recipients and their claims. Every change of a recipient's state is one
 * conditional write naming the state it leaves (and, for a claimed recipient, the claim token),
 * so two senders can never both own a recipient. A recipient leaves the open states in one
 * transaction with its variant's counter (and, when sent, the tracking lookups and the send's
 * entry in the number's 24-hour list for states' caps): counted once.
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
  type RecipientState,
  type SkipReason,
} from '../domain/campaign-keys';
import { type DeliveryStatus } from '../domain/tracking';
import { type VariantStatistics } from '../domain/report';
import { isConditionFailure, queryAll, UpdateExpressionBuilder } from '../../shared/dynamo';
import { transactIfConditionsHold, type TransactionUpdate } from './conditional-transaction';
import { recentSendUpdate } from './recent-sends-repository';
import { sendTrackingItems } from './send-tracking-repository';
import { variantCounterUpdate } from './variant-statistics-repository';

export interface StoredRecipient {
  campaignId: string;
  phone: string;
  fields: Record<string, string>;
  state: RecipientState;
  claimToken?: string;
  claimedAt?: string;
  /** When the owner last touched the claim: the claim itself, or the moment before the send. */
  touchedAt?: string;
  variantId?: string;
  messageId?: string;
  sentAt?: string;
  /** True when the message was found by reconciliation rather than by the send's own answer. */
  reconciled?: boolean;
  /** Reconciliations in a row that could not ask OpenPhone (parked after `reconcileAttempts`). */
  reconcileFailures?: number;
  reason?: string;
  /** From message webhooks: `delivered` is final; `failed` may still become `delivered`. */
  delivery?: DeliveryStatus;
  deliveryAt?: string;
  /** The first reply inside the reply window (see domain/tracking.ts). */
  repliedAt?: string;
  /** An opt-out keyword inside the reply window. */
  optedOutAt?: string;
}

const { workPartitionKey, workSortKey } = campaignTableKeys;

export class RecipientRepository {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Adds recipients as pending; a number already in the campaign keeps its state (counted, not overwritten). */
  async addRecipients(
    campaignId: string,
    recipients: readonly { phone: string; fields: Record<string, string> }[],
  ): Promise<{ added: number; alreadyPresent: number }> {
    let added = 0;
    for (const recipient of recipients) {
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
   * One page of the recipients still needing a sender (pending, claimed, unknown-outcome), from the
   * work index. The index may lag: every state change is conditional, so a stale entry only loses a race.
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
    return { recipients: Items.map(recipientOf), ...(LastEvaluatedKey ? { next: LastEvaluatedKey } : {}) };
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
   * → sent, the variant's `sent` counter and the two tracking lookups (message id → recipient;
   * the latest send to this number from `sendingNumber`), in one transaction: counted exactly once,
   * and a delivery webhook or a reply can always find what it belongs to.
   */
  async markSent(
    campaignId: string,
    phone: string,
    claimToken: string,
    sent: { variantId: string; messageId: string; at: string; reconciled: boolean; sendingNumber: string },
  ): Promise<boolean> {
    const lookups = sendTrackingItems({
      campaignId,
      phone,
      variantId: sent.variantId,
      sendingNumber: sent.sendingNumber,
      messageId: sent.messageId,
      sentAt: sent.at,
    });
    return this.finishRecipient(
      campaignId,
      phone,
      claimToken,
      sent.variantId,
      'sent',
      {
        state: 'sent',
        variantId: sent.variantId,
        messageId: sent.messageId,
        sentAt: sent.at,
        reconciled: sent.reconciled,
      },
      lookups,
      [recentSendUpdate(phone, sent.at)],
    );
  }

  async markFailed(
    campaignId: string,
    phone: string,
    claimToken: string,
    failed: { variantId: string; reason: string; at: string },
  ): Promise<boolean> {
    return this.finishRecipient(campaignId, phone, claimToken, failed.variantId, 'failed', {
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
    return this.finishRecipient(campaignId, phone, claimToken, skipped.variantId, 'skipped', {
      state: 'skipped',
      variantId: skipped.variantId,
      reason: skipped.reason,
      finishedAt: skipped.at,
    });
  }

  /** Out of the open states (and the work index), with the variant's counter: one transaction. */
  private async finishRecipient(
    campaignId: string,
    phone: string,
    claimToken: string,
    variantId: string,
    counter: keyof VariantStatistics,
    set: Record<string, unknown>,
    puts: readonly Record<string, unknown>[] = [],
    alsoUpdate: readonly TransactionUpdate[] = [],
  ): Promise<boolean> {
    const update = recipientUpdate(campaignId, phone, {
      from: ['claimed', 'unknown-outcome'],
      token: claimToken,
      set,
      remove: [workPartitionKey, workSortKey],
    });
    return transactIfConditionsHold(
      this.documents,
      this.tableName,
      [update, variantCounterUpdate(campaignId, variantId, { [counter]: 1 }), ...alsoUpdate],
      puts,
    );
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

interface RecipientChange {
  /** The states the recipient may be in for the change to apply. */
  from: readonly RecipientState[];
  /** The claim token the recipient must carry. */
  token?: string;
  set: Record<string, unknown>;
  remove?: readonly string[];
}

function recipientUpdate(campaignId: string, phone: string, change: RecipientChange): TransactionUpdate {
  const update = new UpdateExpressionBuilder();
  for (const [attribute, value] of Object.entries(change.set)) update.set(attribute, value);
  for (const attribute of change.remove ?? []) update.remove(attribute);
  const from = change.from.map((state) => update.value(state));
  update.when(`${update.name('state')} IN (${from.join(', ')})`);
  if (change.token !== undefined) update.when(`${update.name('claimToken')} = ${update.value(change.token)}`);
  return { Key: campaignKeys.recipient(campaignId, phone), ...update.input() };
}

function recipientOf(item: Record<string, unknown>): StoredRecipient {
  const optional = <K extends keyof StoredRecipient>(key: K) =>
    item[key] === undefined ? {} : { [key]: item[key] as StoredRecipient[K] };
  return {
    campaignId: item.campaignId as string,
    phone: item.phone as string,
    fields: (item.fields as Record<string, string>) ?? {},
    state: item.state as RecipientState,
    ...optional('claimToken'),
    ...optional('claimedAt'),
    ...optional('touchedAt'),
    ...optional('variantId'),
    ...optional('messageId'),
    ...optional('sentAt'),
    ...optional('reconciled'),
    ...optional('reconcileFailures'),
    ...optional('reason'),
    ...optional('delivery'),
    ...optional('deliveryAt'),
    ...optional('repliedAt'),
    ...optional('optedOutAt'),
  };
}
