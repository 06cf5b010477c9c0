/**
 * Per-variant counts of a campaign (sent, failed, skipped, delivered, replied, opted out), read
 * from its recipient rows: every change they count is an update of the recipient itself, so there
 * is no counter item to keep in step (and no transaction to write it in).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { campaignKeys } from '../domain/campaign-keys';
import { variantStatisticsOf, type ReportedRecipient, type VariantStatistics } from '../domain/report';
import { queryAll } from '../../shared/dynamo';

export class VariantStatisticsRepository {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async variantStatistics(campaignId: string): Promise<Record<string, VariantStatistics>> {
    const rows = await queryAll(this.documents, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ProjectionExpression: '#state, variantId, delivery, repliedAt, optedOutAt',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':pk': campaignKeys.campaign(campaignId).pk,
        ':prefix': campaignKeys.recipientPrefix,
      },
      ConsistentRead: true,
    });
    return variantStatisticsOf(rows as unknown as ReportedRecipient[]);
  }
}
