import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, batchWriteAll, queryAll, type BatchGetOptions } from '../../shared/dynamo';
import { crmTableKeys, type ItemKey } from '../domain/crm-keys';

/** The CRM table as every repository of it reaches it: a document client and the table's name. */
export interface CrmTableAccess {
  /** Made with `marshallOptions: { removeUndefinedValues: true }`. */
  documentClient: DynamoDBDocumentClient;
  tableName: string;
}

export interface OptimisticWriteOptions {
  /** Attempts of an optimistic write before ConcurrentUpdateError. @default 5 */
  maxAttempts?: number;
}

export const defaultMaxAttempts = 5;

/** One item, strongly consistent. */
export async function readItem(
  { documentClient, tableName }: CrmTableAccess,
  key: ItemKey,
): Promise<Record<string, unknown> | undefined> {
  const result = await documentClient.send(
    new GetCommand({ TableName: tableName, Key: { ...key }, ConsistentRead: true }),
  );
  return result.Item;
}

/** Strongly consistent BatchGetItem in chunks of 100, retrying unprocessed keys (`batchGetAll`). */
export function readItems(
  { documentClient, tableName }: CrmTableAccess,
  keys: ItemKey[],
  projection?: BatchGetOptions['projection'],
): Promise<Record<string, unknown>[]> {
  return batchGetAll(documentClient, tableName, keys, projection ? { projection } : {});
}

/** Every item of a partition whose sort key starts with a prefix, strongly consistent. */
export function readPartition(
  { documentClient, tableName }: CrmTableAccess,
  partition: string,
  sortKeyPrefix: string,
): Promise<Record<string, unknown>[]> {
  return queryAll(documentClient, {
    TableName: tableName,
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
    ExpressionAttributeNames: { '#pk': crmTableKeys.partitionKey, '#sk': crmTableKeys.sortKey },
    ExpressionAttributeValues: { ':pk': partition, ':prefix': sortKeyPrefix },
    ConsistentRead: true,
  });
}

/** Puts and deletes as BatchWriteItem in chunks of 25, retrying unprocessed requests (`batchWriteAll`). */
export function writeItems(
  { documentClient, tableName }: CrmTableAccess,
  writes: ({ put: Record<string, unknown> } | { delete: ItemKey })[],
): Promise<void> {
  return batchWriteAll(documentClient, tableName, writes);
}
