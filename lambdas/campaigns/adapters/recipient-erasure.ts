/**
 * Erasing one number from the campaign table: each recipient row it has (found through its
 * `RECIPIENTOF#` links, one query) becomes a row with no number and no CSV fields under a random
 * key, keeping its state, variant and what was counted, so the campaign's counts do not change; a
 * recipient not yet sent to is skipped (`erased`). The tracking lookups keyed by the number or
 * naming it go.
 */
import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  GetCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  campaignKeys,
  campaignTableKeys,
  openRecipientStates,
  type RecipientState,
} from '../domain/campaign-keys';
import { batchWriteAll, isTransactionConditionFailure, queryAll } from '../../shared/dynamo';
import { RecipientErasureContendedError } from '../errors';

/** What an erased row keeps of a recipient: its state and what tracking counted, never who. */
const keptAttributes = [
  'entity',
  'campaignId',
  'state',
  'variantId',
  'messageId',
  'sentAt',
  'finishedAt',
  'reconciled',
  'reason',
  'delivery',
  'deliveryAt',
  'repliedAt',
  'optedOutAt',
] as const;

/** A sender may move the row between the read and the replace: read again, a few times. */
const maxAttempts = 5;

export class RecipientErasureRepository {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Erases the number from every campaign it is a recipient of; answers how many rows. */
  async eraseNumber(phoneNumber: string, erasedAt: string): Promise<number> {
    const links = await queryAll(this.documents, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': campaignKeys.recipientLinkPartition(phoneNumber) },
      ConsistentRead: true,
    });
    let erased = 0;
    for (const link of links) {
      const campaignId = String(link.campaignId);
      if (await this.eraseRecipient(campaignId, phoneNumber, erasedAt)) erased++;
      await this.documents.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: campaignKeys.recipientLink(phoneNumber, campaignId),
        }),
      );
    }
    await this.eraseTrackingLookups(phoneNumber);
    return erased;
  }

  private async eraseRecipient(campaignId: string, phoneNumber: string, erasedAt: string): Promise<boolean> {
    const key = campaignKeys.recipient(campaignId, phoneNumber);
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const { Item } = await this.documents.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      if (!Item) return false;
      const state = Item.state as RecipientState;
      const kept = Object.fromEntries(
        keptAttributes.filter((a) => Item[a] !== undefined).map((a) => [a, Item[a]]),
      );
      const replacement = {
        ...kept,
        ...campaignKeys.erasedRecipient(campaignId, randomUUID()),
        ...(openRecipientStates.includes(state)
          ? { state: 'skipped', reason: 'erased', finishedAt: erasedAt }
          : {}),
        erasedAt,
      };
      try {
        await this.documents.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Delete: {
                  TableName: this.tableName,
                  Key: key,
                  ConditionExpression: '#state = :state',
                  ExpressionAttributeNames: { '#state': 'state' },
                  ExpressionAttributeValues: { ':state': state },
                },
              },
              { Put: { TableName: this.tableName, Item: replacement } },
              // A late delivery webhook then finds no campaign message: nothing more is counted.
              ...(typeof Item.messageId === 'string'
                ? [
                    {
                      Delete: {
                        TableName: this.tableName,
                        Key: campaignKeys.campaignMessage(Item.messageId),
                      },
                    },
                  ]
                : []),
            ],
          }),
        );
        return true;
      } catch (error) {
        if (!isTransactionConditionFailure(error)) throw error;
      }
    }
    throw new RecipientErasureContendedError(campaignId);
  }

  /** The latest-send lookups (replies' attribution) and the 24-hour send times of the number. */
  private async eraseTrackingLookups(phoneNumber: string): Promise<void> {
    const latestSends = await queryAll(this.documents, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': campaignKeys.latestSendPartition(phoneNumber) },
      ProjectionExpression: '#pk, #sk',
      ExpressionAttributeNames: { '#pk': campaignTableKeys.partitionKey, '#sk': campaignTableKeys.sortKey },
    });
    await batchWriteAll(this.documents, this.tableName, [
      ...latestSends.map((item) => ({ delete: { pk: String(item.pk), sk: String(item.sk) } })),
      { delete: campaignKeys.recentSends(phoneNumber) },
    ]);
  }
}
