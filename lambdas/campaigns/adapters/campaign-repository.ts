/**
 * Campaigns, their recipients and counters in the campaign table (layout: domain/campaigns/campaign-keys.ts).
 * Every change of a recipient's state is one conditional write naming the state it leaves (and,
 * for a claimed recipient, the claim token), so two senders can never both own a recipient.
 */
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  campaignDefinition,
  campaignKeys,
  campaignState,
  campaignTableKeys,
  maxReplyWindowDays,
  campaignReport,
  transition,
  type CampaignAction,
  type CampaignDefinition,
  type CampaignDefinitionInput,
  type CampaignReport,
  type CampaignResponse,
  type CampaignState,
  type DeliveryStatus,
  type RecipientState,
  type SkipReason,
  type TransitionResult,
  type VariantStatistics,
} from '..';
import { isConditionFailure } from '../../shared/dynamo/conditions';

export interface StoredCampaign {
  campaignId: string;
  definition: CampaignDefinition;
  state: CampaignState;
  version: number;
}

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
  reason?: string;
  /** From message webhooks: `delivered` is final; `failed` may still become `delivered`. */
  delivery?: DeliveryStatus;
  deliveryAt?: string;
  /** The first reply inside the reply window (see domain/campaigns/tracking.ts). */
  repliedAt?: string;
  /** An opt-out keyword inside the reply window. */
  optedOutAt?: string;
}

/** The latest campaign send to a number from one sending number: what a reply is attributed to. */
export interface LatestSend {
  campaignId: string;
  phone: string;
  variantId: string;
  sendingNumber: string;
  messageId: string;
  sentAt: string;
}

export type DeliveryRecording =
  | { kind: 'not-a-campaign-message' }
  /** Counted now; `previous` is `failed` when a late success replaced a failure. */
  | { kind: 'recorded'; campaignId: string; variantId: string; previous?: DeliveryStatus }
  /** Already counted (a duplicate), or a failure after delivery: nothing changed. */
  | { kind: 'unchanged'; campaignId: string; variantId: string };

export type DailyCapSlot = { kind: 'taken'; count: number } | { kind: 'cap-reached' };

type TransactWriteItem = NonNullable<TransactWriteCommand['input']['TransactItems']>[number];

const isTransactionConditionFailure = (error: unknown) =>
  (error as { name?: string }).name === 'TransactionCanceledException' &&
  ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).some(
    (r) => r.Code === 'ConditionalCheckFailed',
  );

const { workPartitionKey, workSortKey } = campaignTableKeys;

/** Keeps daily counters a few days after their day, for operators; TTL removes them later. */
const dailyCounterRetentionSeconds = 3 * 24 * 3600;
/** Tracking lookups outlive the longest reply window (and any late delivery webhook) comfortably. */
const trackingLookupRetentionSeconds = 2 * maxReplyWindowDays * 24 * 3600;

const deliveryCounters: Record<DeliveryStatus, keyof VariantStatistics> = {
  delivered: 'delivered',
  failed: 'deliveryFailed',
};
const responseAttributes: Record<CampaignResponse, string> = { replied: 'repliedAt', optedOut: 'optedOutAt' };

export class CampaignRepository {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  // ---- campaigns --------------------------------------------------------------------------------

  /** Stores a new campaign (its definition validated and defaulted); `exists` when the id is taken. */
  async createCampaign(input: {
    campaignId: string;
    definition: CampaignDefinitionInput;
    state?: CampaignState;
    at: string;
  }): Promise<{ kind: 'created' | 'exists' }> {
    const state = input.state ?? { status: 'draft' };
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...campaignKeys.campaign(input.campaignId),
            entity: 'campaign',
            campaignId: input.campaignId,
            definition: campaignDefinition.parse(input.definition),
            state,
            version: 1,
            createdAt: input.at,
            ...runningWorkAttributes(input.campaignId, state),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { kind: 'created' };
    } catch (error) {
      if (isConditionFailure(error)) return { kind: 'exists' };
      throw error;
    }
  }

  async getCampaign(campaignId: string): Promise<StoredCampaign | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: campaignKeys.campaign(campaignId),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    return {
      campaignId,
      definition: campaignDefinition.parse(Item.definition),
      state: campaignState.parse(Item.state),
      version: Item.version as number,
    };
  }

  /**
   * Applies a lifecycle action through the domain's `transition`, conditional on the version read:
   * `conflict` when someone else changed the campaign in between (read again and decide again).
   */
  async transitionCampaign(
    campaignId: string,
    action: CampaignAction,
    at: string,
  ): Promise<TransitionResult | { kind: 'not-found' } | { kind: 'conflict' }> {
    const stored = await this.getCampaign(campaignId);
    if (!stored) return { kind: 'not-found' };
    const result = transition(stored.state, action);
    if (result.kind !== 'transitioned') return result;
    const running = runningWorkAttributes(campaignId, result.state);
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: campaignKeys.campaign(campaignId),
          UpdateExpression:
            'SET #state = :state, #version = :next, stateChangedAt = :at' +
            (running[workPartitionKey]
              ? ', #workPk = :workPk, #workSk = :workSk'
              : ' REMOVE #workPk, #workSk'),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: {
            '#state': 'state',
            '#version': 'version',
            '#workPk': workPartitionKey,
            '#workSk': workSortKey,
          },
          ExpressionAttributeValues: {
            ':state': result.state,
            ':next': stored.version + 1,
            ':expected': stored.version,
            ':at': at,
            ...(running[workPartitionKey]
              ? { ':workPk': running[workPartitionKey], ':workSk': running[workSortKey] }
              : {}),
          },
        }),
      );
      return result;
    } catch (error) {
      if (isConditionFailure(error)) return { kind: 'conflict' };
      throw error;
    }
  }

  /** Ids of the campaigns in `running`, from the work index (it may lag a write by a moment). */
  async runningCampaignIds(): Promise<string[]> {
    const items = await this.queryAll({
      IndexName: campaignTableKeys.workIndex,
      KeyConditionExpression: '#workPk = :running',
      ExpressionAttributeNames: { '#workPk': workPartitionKey },
      ExpressionAttributeValues: { ':running': campaignKeys.runningWork },
    });
    return items.map((item) => item.campaignId as string);
  }

  /** Scheduled campaigns whose start time has come (`startAt` ≤ `now`), from the work index. */
  async dueScheduledCampaignIds(now: Date): Promise<string[]> {
    const items = await this.queryAll({
      IndexName: campaignTableKeys.workIndex,
      KeyConditionExpression: '#workPk = :scheduled AND #workSk <= :due',
      ExpressionAttributeNames: { '#workPk': workPartitionKey, '#workSk': workSortKey },
      // `#` sorts after every character of an ISO time, `~` after `#`: every id at or before now.
      ExpressionAttributeValues: {
        ':scheduled': campaignKeys.scheduledWork,
        ':due': `${now.toISOString()}~`,
      },
    });
    return items.map((item) => item.campaignId as string);
  }

  /**
   * Every campaign, newest first: a scan filtered to campaign items, for the operator's list
   * (it reads the recipients' items too, so it costs a pass over the table).
   */
  async listCampaigns(): Promise<Array<StoredCampaign & { createdAt: string }>> {
    const items = await this.readAll((startKey) =>
      this.documents.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'entity = :campaign',
          ExpressionAttributeValues: { ':campaign': 'campaign' },
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    return items
      .map((item) => ({
        campaignId: item.campaignId as string,
        definition: campaignDefinition.parse(item.definition),
        state: campaignState.parse(item.state),
        version: item.version as number,
        createdAt: (item.createdAt as string | undefined) ?? '',
      }))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** How many of a campaign's recipients are in each state (states with none are left out). */
  async recipientStateCounts(campaignId: string): Promise<Partial<Record<RecipientState, number>>> {
    const items = await this.queryAll({
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

  // ---- recipients -------------------------------------------------------------------------------

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
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': campaignKeys.campaign(campaignId).pk,
        ':prefix': campaignKeys.recipientPrefix,
      },
      ConsistentRead: true,
    });
    return items.map(recipientOf);
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
    const expiresAt = Math.floor(Date.parse(sent.at) / 1000) + trackingLookupRetentionSeconds;
    const lookups = [
      {
        ...campaignKeys.campaignMessage(sent.messageId),
        entity: 'campaign-message',
        campaignId,
        phone,
        variantId: sent.variantId,
        [campaignTableKeys.expiresAt]: expiresAt,
      },
      {
        // Overwritten by every later send from this number to this recipient: the latest wins.
        ...campaignKeys.latestSend(phone, sent.sendingNumber),
        entity: 'latest-send',
        campaignId,
        phone,
        variantId: sent.variantId,
        sendingNumber: sent.sendingNumber,
        messageId: sent.messageId,
        sentAt: sent.at,
        [campaignTableKeys.expiresAt]: expiresAt,
      },
    ];
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

  // ---- tracking ---------------------------------------------------------------------------------

  /**
   * A delivery outcome of OpenPhone message `messageId`: when it was a campaign message, sets the
   * recipient's `delivery` and counts it on its variant, in one transaction conditional on the
   * recipient's current delivery status. So a duplicate is counted once, `delivered` is never
   * rolled back, and a late `delivered` after `failed` moves the count from one to the other.
   */
  async recordDelivery(messageId: string, status: DeliveryStatus, at: string): Promise<DeliveryRecording> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: campaignKeys.campaignMessage(messageId),
        ConsistentRead: true,
      }),
    );
    if (!Item) return { kind: 'not-a-campaign-message' };
    const campaignId = Item.campaignId as string;
    const phone = Item.phone as string;
    const variantId = Item.variantId as string;
    const replaceable: Array<DeliveryStatus | undefined> =
      status === 'delivered' ? [undefined, 'failed'] : [undefined];
    for (const previous of replaceable) {
      const counted = await this.transactIfConditionsHold([
        {
          Key: campaignKeys.recipient(campaignId, phone),
          UpdateExpression: 'SET #delivery = :status, #deliveryAt = :at',
          ConditionExpression:
            '#state = :sent AND ' + (previous ? '#delivery = :previous' : 'attribute_not_exists(#delivery)'),
          ExpressionAttributeNames: {
            '#state': 'state',
            '#delivery': 'delivery',
            '#deliveryAt': 'deliveryAt',
          },
          ExpressionAttributeValues: {
            ':status': status,
            ':at': at,
            ':sent': 'sent' satisfies RecipientState,
            ...(previous ? { ':previous': previous } : {}),
          },
        },
        this.variantCounterUpdate(campaignId, variantId, {
          [deliveryCounters[status]]: 1,
          ...(previous ? { [deliveryCounters[previous]]: -1 } : {}),
        }),
      ]);
      if (counted) return { kind: 'recorded', campaignId, variantId, ...(previous ? { previous } : {}) };
    }
    return { kind: 'unchanged', campaignId, variantId };
  }

  /** The latest campaign sends to `phone` from each of `sendingNumbers` (an id and a number may both be asked). */
  async latestSendsTo(phone: string, sendingNumbers: readonly string[]): Promise<LatestSend[]> {
    const items = await Promise.all(
      [...new Set(sendingNumbers)].map(async (sendingNumber) => {
        const { Item } = await this.documents.send(
          new GetCommand({
            TableName: this.tableName,
            Key: campaignKeys.latestSend(phone, sendingNumber),
            ConsistentRead: true,
          }),
        );
        return Item;
      }),
    );
    return items
      .filter((item): item is Record<string, unknown> => item !== undefined)
      .map((item) => ({
        campaignId: item.campaignId as string,
        phone: item.phone as string,
        variantId: item.variantId as string,
        sendingNumber: item.sendingNumber as string,
        messageId: item.messageId as string,
        sentAt: item.sentAt as string,
      }));
  }

  /**
   * A reply or opt-out attributed to `send`: stamps the recipient (`repliedAt` / `optedOutAt`) and
   * counts it on the variant, once per recipient. False when it was already counted.
   */
  async recordResponse(
    send: Pick<LatestSend, 'campaignId' | 'phone' | 'variantId'>,
    response: CampaignResponse,
    at: string,
  ): Promise<boolean> {
    return this.transactIfConditionsHold([
      {
        Key: campaignKeys.recipient(send.campaignId, send.phone),
        UpdateExpression: 'SET #respondedAt = :at',
        ConditionExpression: '#state = :sent AND attribute_not_exists(#respondedAt)',
        ExpressionAttributeNames: { '#state': 'state', '#respondedAt': responseAttributes[response] },
        ExpressionAttributeValues: { ':at': at, ':sent': 'sent' satisfies RecipientState },
      },
      this.variantCounterUpdate(send.campaignId, send.variantId, { [response]: 1 }),
    ]);
  }

  /**
   * Everything a status display needs, read consistently: the campaign, its recipients counted by
   * state (and delivered/replied/opted out), one row per variant (sent, delivered, failed,
   * replied, opted out, rates) and each variant's reply rate tested against the control (the
   * definition's first variant). Undefined when there is no such campaign.
   */
  async campaignReport(campaignId: string): Promise<CampaignReport | undefined> {
    const campaign = await this.getCampaign(campaignId);
    if (!campaign) return undefined;
    const [recipients, statistics] = await Promise.all([
      this.allRecipients(campaignId),
      this.variantStatistics(campaignId),
    ]);
    return campaignReport(campaign, recipients, statistics);
  }

  // ---- daily cap --------------------------------------------------------------------------------

  /** One atomic conditional ADD: a slot is taken only while the counter is below the cap. */
  async takeDailyCapSlot(
    sendingNumber: string,
    businessDay: string,
    cap: number,
    now: Date,
  ): Promise<DailyCapSlot> {
    try {
      const { Attributes } = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: campaignKeys.dailyCapCounter(sendingNumber, businessDay),
          UpdateExpression: 'ADD #count :one SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :cap',
          ExpressionAttributeNames: { '#count': 'sent', '#expiresAt': campaignTableKeys.expiresAt },
          ExpressionAttributeValues: {
            ':one': 1,
            ':cap': cap,
            ':expiresAt': Math.floor(now.getTime() / 1000) + dailyCounterRetentionSeconds,
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { kind: 'taken', count: Attributes?.sent as number };
    } catch (error) {
      if (isConditionFailure(error)) return { kind: 'cap-reached' };
      throw error;
    }
  }

  /** Gives a slot back when the send certainly did not happen (e.g. 402). */
  async returnDailyCapSlot(sendingNumber: string, businessDay: string): Promise<void> {
    await this.documents
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: campaignKeys.dailyCapCounter(sendingNumber, businessDay),
          UpdateExpression: 'ADD #count :minusOne',
          ConditionExpression: '#count > :zero',
          ExpressionAttributeNames: { '#count': 'sent' },
          ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
  }

  async dailyCapCount(sendingNumber: string, businessDay: string): Promise<number> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: campaignKeys.dailyCapCounter(sendingNumber, businessDay),
        ConsistentRead: true,
      }),
    );
    return (Item?.sent as number | undefined) ?? 0;
  }

  // ---- statistics -------------------------------------------------------------------------------

  async variantStatistics(campaignId: string): Promise<Record<string, VariantStatistics>> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': campaignKeys.campaign(campaignId).pk,
        ':prefix': campaignKeys.variantStatisticsPrefix,
      },
      ConsistentRead: true,
    });
    return Object.fromEntries(
      items.map((item) => [
        item.variantId as string,
        {
          sent: (item.sent as number) ?? 0,
          failed: (item.failed as number) ?? 0,
          skipped: (item.skipped as number) ?? 0,
          delivered: (item.delivered as number) ?? 0,
          deliveryFailed: (item.deliveryFailed as number) ?? 0,
          replied: (item.replied as number) ?? 0,
          optedOut: (item.optedOut as number) ?? 0,
        } satisfies VariantStatistics,
      ]),
    );
  }

  // ---- internals --------------------------------------------------------------------------------

  private async finishRecipient(
    campaignId: string,
    phone: string,
    claimToken: string,
    variantId: string,
    counter: keyof VariantStatistics,
    set: Record<string, unknown>,
    puts: readonly Record<string, unknown>[] = [],
  ): Promise<boolean> {
    const update = recipientUpdate(campaignId, phone, {
      from: ['claimed', 'unknown-outcome'],
      token: claimToken,
      set,
      remove: [workPartitionKey, workSortKey],
    });
    return this.transactIfConditionsHold(
      [update, this.variantCounterUpdate(campaignId, variantId, { [counter]: 1 })],
      puts,
    );
  }

  /** `ADD` to a variant's counters (the item is created on first use). */
  private variantCounterUpdate(campaignId: string, variantId: string, deltas: Record<string, number>) {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':variantId': variantId, ':entity': 'variant-statistics' };
    const adds = Object.entries(deltas).map(([counter, delta], i) => {
      names[`#c${i}`] = counter;
      values[`:d${i}`] = delta;
      return `#c${i} :d${i}`;
    });
    return {
      Key: campaignKeys.variantStatistics(campaignId, variantId),
      UpdateExpression: `ADD ${adds.join(', ')} SET variantId = :variantId, entity = :entity`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  /** Updates (and puts) in one transaction: false when a condition did not hold, and nothing was written. */
  private async transactIfConditionsHold(
    updates: readonly Omit<NonNullable<TransactWriteItem['Update']>, 'TableName'>[],
    puts: readonly Record<string, unknown>[] = [],
  ): Promise<boolean> {
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            ...updates.map((update) => ({ Update: { TableName: this.tableName, ...update } })),
            ...puts.map((item) => ({ Put: { TableName: this.tableName, Item: item } })),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (isTransactionConditionFailure(error)) return false;
      throw error;
    }
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

  private async queryAll(
    input: Omit<QueryCommand['input'], 'TableName'>,
  ): Promise<Record<string, unknown>[]> {
    return this.readAll((startKey) =>
      this.documents.send(
        new QueryCommand({ TableName: this.tableName, ...input, ExclusiveStartKey: startKey }),
      ),
    );
  }

  /** Every page of a query or scan. */
  private async readAll(
    readPage: (startKey: Record<string, unknown> | undefined) => Promise<{
      Items?: Record<string, unknown>[];
      LastEvaluatedKey?: Record<string, unknown>;
    }>,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await readPage(startKey);
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
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

function recipientUpdate(campaignId: string, phone: string, change: RecipientChange) {
  const names: Record<string, string> = { '#state': 'state' };
  const values: Record<string, unknown> = {};
  const sets = Object.entries(change.set).map(([name, value], i) => {
    names[`#s${i}`] = name;
    values[`:s${i}`] = value;
    return `#s${i} = :s${i}`;
  });
  const removes = (change.remove ?? []).map((name, i) => {
    names[`#r${i}`] = name;
    return `#r${i}`;
  });
  const fromStates = change.from.map((state, i) => {
    values[`:from${i}`] = state;
    return `:from${i}`;
  });
  let condition = `#state IN (${fromStates.join(', ')})`;
  if (change.token !== undefined) {
    names['#token'] = 'claimToken';
    values[':token'] = change.token;
    condition += ' AND #token = :token';
  }
  return {
    Key: campaignKeys.recipient(campaignId, phone),
    UpdateExpression: `SET ${sets.join(', ')}` + (removes.length ? ` REMOVE ${removes.join(', ')}` : ''),
    ConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** A running campaign is in the work index for the senders; a scheduled one, by its start time. */
function runningWorkAttributes(campaignId: string, state: CampaignState): Record<string, string> {
  if (state.status === 'running')
    return { [workPartitionKey]: campaignKeys.runningWork, [workSortKey]: campaignId };
  if (state.status === 'scheduled')
    return {
      [workPartitionKey]: campaignKeys.scheduledWork,
      [workSortKey]: `${new Date(state.startAt).toISOString()}#${campaignId}`,
    };
  return {};
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
    ...optional('reason'),
    ...optional('delivery'),
    ...optional('deliveryAt'),
    ...optional('repliedAt'),
    ...optional('optedOutAt'),
  };
}
