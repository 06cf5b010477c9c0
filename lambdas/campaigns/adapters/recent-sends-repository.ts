/** When each number was last sent campaign messages, for states' caps per rolling 24 hours. */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { campaignKeys, campaignTableKeys } from '../domain/campaign-keys';
import type { TransactionUpdate } from './conditional-transaction';

const dayMs = 86_400_000;

export class RecentSendsRepository {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Times (ISO) of campaign sends to the number in the 24 hours before `now`, strongly consistent. */
  async recentSendsTo(phoneNumber: string, now: Date): Promise<string[]> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: campaignKeys.recentSends(phoneNumber),
        ConsistentRead: true,
      }),
    );
    const since = now.getTime() - dayMs;
    return ((Item?.sentAt as string[] | undefined) ?? []).filter((at) => Date.parse(at) > since);
  }
}

/**
 * Appends one send to the number's list, as an update of the transaction that records the
 * recipient as sent: every path that records a send (sent, or found by reconciliation) counts it
 * once, or neither happens. The item expires a day after its last send, when every time in it is
 * older than the cap's window: the list stays as short as a day's sends.
 */
export function recentSendUpdate(phoneNumber: string, at: string): TransactionUpdate {
  return {
    Key: campaignKeys.recentSends(phoneNumber),
    UpdateExpression:
      'SET #sentAt = list_append(if_not_exists(#sentAt, :empty), :at), #expiresAt = :expiresAt',
    ExpressionAttributeNames: { '#sentAt': 'sentAt', '#expiresAt': campaignTableKeys.expiresAt },
    ExpressionAttributeValues: {
      ':empty': [],
      ':at': [at],
      ':expiresAt': Math.ceil((Date.parse(at) + dayMs) / 1000),
    },
  };
}
