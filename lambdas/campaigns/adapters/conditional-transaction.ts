import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isTransactionConditionFailure } from '../../shared/dynamo';

type TransactWriteItem = NonNullable<TransactWriteCommand['input']['TransactItems']>[number];

/** One Update of a transaction on the campaign table (the table is the transaction's). */
export type TransactionUpdate = Omit<NonNullable<TransactWriteItem['Update']>, 'TableName'>;

/**
 * Updates (and puts) on one table in one transaction: false when a condition did not hold, and
 * nothing was written. Used where a change spans item kinds and must never be half-made.
 */
export async function transactIfConditionsHold(
  documents: DynamoDBDocumentClient,
  tableName: string,
  updates: readonly TransactionUpdate[],
  puts: readonly Record<string, unknown>[] = [],
): Promise<boolean> {
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          ...updates.map((update) => ({ Update: { TableName: tableName, ...update } })),
          ...puts.map((item) => ({ Put: { TableName: tableName, Item: item } })),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (isTransactionConditionFailure(error)) return false;
    throw error;
  }
}
