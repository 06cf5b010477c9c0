/**
 * What campaign sends leave behind for tracking, and what tracking records: the lookup a send
 * writes (message id → recipient), the latest send to a number read from its recipient rows, and
 * the delivery outcomes, replies and opt-outs stamped on the recipient (one conditional update
 * each; the variant's counts are read from the recipient rows).
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  campaignKeys,
  campaignTableKeys,
  sentRowAttributes,
  type RecipientState,
} from '../domain/campaign-keys';
import { maxReplyWindowDays, type CampaignResponse, type DeliveryStatus } from '../domain/tracking';
import { isConditionFailure, queryAll, UpdateExpressionBuilder } from '../../shared/dynamo';
import type { TransactionUpdate } from './conditional-transaction';

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

/** Tracking lookups outlive the longest reply window (and any late delivery webhook) comfortably. */
const trackingLookupRetentionSeconds = 2 * maxReplyWindowDays * 24 * 3600;

const responseAttributes: Record<CampaignResponse, string> = { replied: 'repliedAt', optedOut: 'optedOutAt' };
const sent: RecipientState = 'sent';

/**
 * The lookup item a send writes before its recipient is marked sent: a delivery webhook names only
 * OpenPhone's message id. (A reply names the two numbers: it is attributed from the recipient rows.)
 */
export function sendTrackingItem(send: LatestSend): Record<string, unknown> {
  const expiresAt = Math.floor(Date.parse(send.sentAt) / 1000) + trackingLookupRetentionSeconds;
  return {
    ...campaignKeys.campaignMessage(send.messageId),
    entity: 'campaign-message',
    campaignId: send.campaignId,
    phone: send.phone,
    variantId: send.variantId,
    [campaignTableKeys.expiresAt]: expiresAt,
  };
}

export class SendTrackingRepository {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * A delivery outcome of OpenPhone message `messageId`: when it was a campaign message, sets the
   * recipient's `delivery` with one update conditional on its current delivery status (what the
   * variant's counts are read from). So a duplicate is counted once, `delivered` is never
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
      const recipient = new UpdateExpressionBuilder();
      recipient.set('delivery', status);
      recipient.set('deliveryAt', at);
      recipient.when(`${recipient.name('state')} = ${recipient.value(sent)}`);
      const delivery = recipient.name('delivery');
      recipient.when(
        previous ? `${delivery} = ${recipient.value(previous)}` : `attribute_not_exists(${delivery})`,
      );
      const counted = await this.updateIfConditionsHold({
        Key: campaignKeys.recipient(campaignId, phone),
        ...recipient.input(),
      });
      if (counted) return { kind: 'recorded', campaignId, variantId, ...(previous ? { previous } : {}) };
    }
    return { kind: 'unchanged', campaignId, variantId };
  }

  /**
   * Every campaign send to `phone` from `sendingNumbers` (an id and a number may both be asked), read
   * from its recipient rows: the number's links name its campaigns, and a sent row carries its sending
   * number, message and time. All of them, not the latest: a reply processed late answers the send
   * before it (`attributedSend`). No lookup item is written per send for this.
   */
  async sendsTo(phone: string, sendingNumbers: readonly string[]): Promise<LatestSend[]> {
    const links = await queryAll(this.documents, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': campaignKeys.recipientLinkPartition(phone) },
    });
    const rows = await Promise.all(
      links.map(async (link) => {
        const { Item } = await this.documents.send(
          new GetCommand({
            TableName: this.tableName,
            Key: campaignKeys.recipient(String(link.campaignId), phone),
            ConsistentRead: true,
            // Only what the send recorded: the processors may read no more (lib/campaigns.ts).
            ProjectionExpression: sentRowAttributes.map((_, i) => `#a${i}`).join(', '),
            ExpressionAttributeNames: Object.fromEntries(sentRowAttributes.map((a, i) => [`#a${i}`, a])),
          }),
        );
        return Item;
      }),
    );
    const asked = new Set(sendingNumbers);
    return rows.flatMap((row) =>
      row?.state === sent && asked.has(row.sendingNumber as string)
        ? [
            {
              campaignId: row.campaignId as string,
              phone,
              variantId: row.variantId as string,
              sendingNumber: row.sendingNumber as string,
              messageId: row.messageId as string,
              sentAt: row.sentAt as string,
            },
          ]
        : [],
    );
  }

  /**
   * A reply or opt-out attributed to `send`: stamps the recipient (`repliedAt` / `optedOutAt`),
   * once per recipient, which counts it for its variant. False when it was already counted.
   */
  async recordResponse(
    send: Pick<LatestSend, 'campaignId' | 'phone' | 'variantId'>,
    response: CampaignResponse,
    at: string,
  ): Promise<boolean> {
    const recipient = new UpdateExpressionBuilder();
    const { name: respondedAt } = recipient.set(responseAttributes[response], at);
    recipient.when(`${recipient.name('state')} = ${recipient.value(sent)}`);
    recipient.when(`attribute_not_exists(${respondedAt})`);
    return this.updateIfConditionsHold({
      Key: campaignKeys.recipient(send.campaignId, send.phone),
      ...recipient.input(),
    });
  }

  private async updateIfConditionsHold(update: TransactionUpdate): Promise<boolean> {
    try {
      await this.documents.send(new UpdateCommand({ TableName: this.tableName, ...update }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
