/**
 * When each number was last sent campaign messages, for states' caps per rolling 24 hours: read
 * from the number's recipient rows themselves (found through its `RECIPIENTOF#` links), so the
 * update that records a recipient as sent is also what counts it, on every path that records a send.
 */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
    const since = now.getTime() - dayMs;
    // A number is a recipient of a few campaigns: one consistent read of each row's send time.
    const rows = await Promise.all(
      links
        .map((link) => String(link.campaignId))
        .filter((campaignId) => campaignId !== exceptCampaignId)
        .map(async (campaignId) => {
          const { Item } = await this.documents.send(
            new GetCommand({
              TableName: this.tableName,
              Key: campaignKeys.recipient(campaignId, phoneNumber),
              ProjectionExpression: 'sentAt',
              ConsistentRead: true,
            }),
          );
          return Item;
        }),
    );
    const sentAt = rows
      .map((row) => row?.sentAt)
      .filter((at): at is string => typeof at === 'string' && Date.parse(at) > since);
    return sentAt.sort();
  }
}
