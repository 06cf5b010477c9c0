/**
 * Per-variant counters of a campaign (sent, failed, skipped, delivered, replied, opted out).
 * They are only ever changed inside the transaction that changes the recipient they count, so
 * the item is written through `variantCounterUpdate` by the recipient and tracking repositories.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { campaignKeys } from '../domain/campaign-keys';
import { type VariantStatistics } from '../domain/report';
import { queryAll, UpdateExpressionBuilder } from '../../shared/dynamo';
import type { TransactionUpdate } from './conditional-transaction';

export class VariantStatisticsRepository {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async variantStatistics(campaignId: string): Promise<Record<string, VariantStatistics>> {
    const items = await queryAll(this.documents, {
      TableName: this.tableName,
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
}

/** `ADD` to a variant's counters, for a transaction (the item is created on first use). */
export function variantCounterUpdate(
  campaignId: string,
  variantId: string,
  deltas: Partial<Record<keyof VariantStatistics, number>>,
): TransactionUpdate {
  const update = new UpdateExpressionBuilder();
  for (const [counter, delta] of Object.entries(deltas)) update.add(counter, delta);
  update.set('variantId', variantId);
  update.set('entity', 'variant-statistics');
  return { Key: campaignKeys.variantStatistics(campaignId, variantId), ...update.input() };
}
