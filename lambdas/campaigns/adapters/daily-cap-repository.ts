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

  /**
   * Up to `wanted` slots with one conditional ADD (a lease a sender run spends one by one): all of
   * them while that many are left under the cap, else what is left (the failed write returns the
   * count). 0 when the cap is reached. Two runs can never lease past the cap together.
   */
  async leaseDailyCapSlots(
    sendingNumber: string,
    businessDay: string,
    cap: number,
    wanted: number,
    now: Date,
  ): Promise<number> {
    let asking = Math.min(wanted, cap);
    for (let attempt = 0; attempt < 3 && asking > 0; attempt++) {
      const update = new UpdateExpressionBuilder();
      const count = update.name(counter);
      update.add(counter, asking);
      update.setIfAbsent(
        campaignTableKeys.expiresAt,
        Math.floor(now.getTime() / 1000) + dailyCounterRetentionSeconds,
      );
      update.when(`(attribute_not_exists(${count}) OR ${count} <= ${update.value(cap - asking)})`);
      try {
        await this.documents.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: campaignKeys.dailyCapCounter(sendingNumber, businessDay),
            ...update.input(),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return asking;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        asking = Math.min(asking - 1, cap - countOnRefusal(error, cap));
      }
    }
    return 0;
  }

  /** Gives a slot back when the send certainly did not happen (e.g. 402). */
  async returnDailyCapSlot(sendingNumber: string, businessDay: string, slots = 1): Promise<void> {
    const update = new UpdateExpressionBuilder();
    update.add(counter, -slots);
    update.when(`${update.name(counter)} >= ${update.value(slots)}`);
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

/** The count a refused conditional write returned (as an attribute value), or `cap` when it did not. */
function countOnRefusal(error: unknown, cap: number): number {
  const value = (error as { Item?: Record<string, { N?: string } | number | undefined> }).Item?.[counter];
  const count = typeof value === 'number' ? value : Number(value?.N);
  return Number.isFinite(count) ? count : cap;
}
