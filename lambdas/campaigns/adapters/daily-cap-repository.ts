/** Daily cold-outreach counters, one per sending number and business day. */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { campaignKeys, campaignTableKeys } from '../domain/campaign-keys';
import { isConditionFailure, UpdateExpressionBuilder } from '../../shared/dynamo';

export type DailyCapSlot = { kind: 'taken'; count: number } | { kind: 'cap-reached' };

/** Keeps daily counters a few days after their day, for operators; TTL removes them later. */
const dailyCounterRetentionSeconds = 3 * 24 * 3600;
const counter = 'sent';

export class DailyCapRepository {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** One atomic conditional ADD: a slot is taken only while the counter is below the cap. */
  async takeDailyCapSlot(
    sendingNumber: string,
    businessDay: string,
    cap: number,
    now: Date,
  ): Promise<DailyCapSlot> {
    const update = new UpdateExpressionBuilder();
    const count = update.name(counter);
    update.add(counter, 1);
    update.setIfAbsent(
      campaignTableKeys.expiresAt,
      Math.floor(now.getTime() / 1000) + dailyCounterRetentionSeconds,
    );
    update.when(`(attribute_not_exists(${count}) OR ${count} < ${update.value(cap)})`);
    try {
      const { Attributes } = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: campaignKeys.dailyCapCounter(sendingNumber, businessDay),
          ...update.input(),
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { kind: 'taken', count: Attributes?.[counter] as number };
    } catch (error) {
      if (isConditionFailure(error)) return { kind: 'cap-reached' };
      throw error;
    }
  }

  /** Gives a slot back when the send certainly did not happen (e.g. 402). */
  async returnDailyCapSlot(sendingNumber: string, businessDay: string): Promise<void> {
    const update = new UpdateExpressionBuilder();
    update.add(counter, -1);
    update.when(`${update.name(counter)} > ${update.value(0)}`);
    await this.documents
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: campaignKeys.dailyCapCounter(sendingNumber, businessDay),
          ...update.input(),
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
    return (Item?.[counter] as number | undefined) ?? 0;
  }
}
