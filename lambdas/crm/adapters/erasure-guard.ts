import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { cancellationReasons } from '../../shared/dynamo';
import { crmKeys } from '../domain/crm-keys';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * The write side of the erasure marker: one ConditionCheck per number, placed first in the
 * transaction that writes an activity or a contact dated `at`, so the write lands only if none of
 * the numbers was erased at or after `at` when it commits. Reading the marker first and writing
 * after left a window in which an erase could pass unseen (docs/crm-records.md, "Erasure").
 */
export function erasureChecks(
  tableName: string,
  phoneNumbers: readonly string[],
  at: string,
): TransactItem[] {
  return [...new Set(phoneNumbers)].map((phoneNumber) => ({
    ConditionCheck: {
      TableName: tableName,
      Key: crmKeys.erasure(phoneNumber),
      ConditionExpression: 'attribute_not_exists(#erasedAt) OR #erasedAt < :at',
      ExpressionAttributeNames: { '#erasedAt': 'erasedAt' },
      ExpressionAttributeValues: { ':at': at },
    },
  }));
}

/** Whether a cancelled transaction was refused by one of its first `checks` items (the erasure checks). */
export function refusedByErasure(error: unknown, checks: number): boolean {
  return cancellationReasons(error)?.slice(0, checks).includes('ConditionalCheckFailed') ?? false;
}
