/**
 * When each number was last sent campaign messages, for states' caps per rolling 24 hours: read
 * from the number's recipient rows themselves (found through its `RECIPIENTOF#` links), so the
 * update that records a recipient as sent is also what counts it, on every path that records a send.
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { campaignKeys } from '../domain/campaign-keys';
import { queryAll } from '../../shared/dynamo';

const dayMs = 86_400_000;

export class RecentSendsRepository {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Times (ISO) of campaign sends to the number in the 24 hours before `now`, strongly consistent.
   * `exceptCampaignId`: a campaign whose row for the number is known not to be sent (the one being
   * worked on), so it is not read; a number in one campaign costs the links' query alone.
   */
  async recentSendsTo(phoneNumber: string, now: Date, exceptCampaignId?: string): Promise<string[]> {
    const links = await queryAll(this.documents, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': campaignKeys.recipientLinkPartition(phoneNumber) },
      ConsistentRead: true,
    });
    const keys = links
      .map((link) => String(link.campaignId))
      .filter((campaignId) => campaignId !== exceptCampaignId)
      .map((campaignId) => campaignKeys.recipient(campaignId, phoneNumber));
    const since = now.getTime() - dayMs;
    const sentAt: string[] = [];
    // BatchGet takes 100 keys; a number is a recipient of a few campaigns.
    for (let i = 0; i < keys.length; i += 100) {
      let request: Record<string, unknown>[] | undefined = keys.slice(i, i + 100).map((key) => ({ ...key }));
      while (request && request.length > 0) {
        const { Responses, UnprocessedKeys } = await this.documents.send(
          new BatchGetCommand({
            RequestItems: {
              [this.tableName]: { Keys: request, ConsistentRead: true, ProjectionExpression: 'sentAt' },
            },
          }),
        );
        for (const row of Responses?.[this.tableName] ?? [])
          if (typeof row.sentAt === 'string' && Date.parse(row.sentAt) > since) sentAt.push(row.sentAt);
        request = UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return sentAt.sort();
  }
}
