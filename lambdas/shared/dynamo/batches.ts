import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type Item = Record<string, unknown>;

/** A batch DynamoDB kept answering with unprocessed items (throttling): nothing of it is dropped silently. */
export class UnprocessedBatchError extends Error {
  constructor(
    readonly operation: 'BatchWriteItem' | 'BatchGetItem',
    readonly tableName: string,
    readonly unprocessed: number,
    attempts: number,
  ) {
    super(`${operation} on ${tableName} left ${unprocessed} item(s) unprocessed after ${attempts} attempts`);
    this.name = 'UnprocessedBatchError';
  }
}

export interface BatchRetryOptions {
  /** Requests per chunk before giving up with `UnprocessedBatchError`. @default 8 */
  maxAttempts?: number;
  /** Waits between attempts: 50 ms, doubled each time, at most 2 s (AWS's advice for unprocessed items). */
  sleep?: (ms: number) => Promise<void>;
}

const pauseBefore = (attempt: number) => Math.min(2_000, 50 * 2 ** (attempt - 1));
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends `requests` in chunks of `size`, again and again for what each answer leaves unprocessed. */
async function untilProcessed(
  requests: Item[],
  size: number,
  operation: UnprocessedBatchError['operation'],
  tableName: string,
  send: (chunk: Item[]) => Promise<Item[]>,
  { maxAttempts = 8, sleep = defaultSleep }: BatchRetryOptions,
): Promise<void> {
  for (let i = 0; i < requests.length; i += size) {
    let pending = requests.slice(i, i + size);
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > maxAttempts)
        throw new UnprocessedBatchError(operation, tableName, pending.length, maxAttempts);
      if (attempt > 1) await sleep(pauseBefore(attempt - 1));
      pending = await send(pending);
    }
  }
}

/** Puts and deletes as BatchWriteItem in chunks of 25, retrying unprocessed requests (no conditions). */
export async function batchWriteAll(
  documents: DynamoDBDocumentClient,
  tableName: string,
  writes: readonly ({ put: Item } | { delete: object })[],
  options: BatchRetryOptions = {},
): Promise<void> {
  const requests = writes.map((w) =>
    'put' in w ? { PutRequest: { Item: w.put } } : { DeleteRequest: { Key: { ...w.delete } } },
  );
  await untilProcessed(
    requests,
    25,
    'BatchWriteItem',
    tableName,
    async (chunk) => {
      const result = await documents.send(new BatchWriteCommand({ RequestItems: { [tableName]: chunk } }));
      return (result.UnprocessedItems?.[tableName] as Item[] | undefined) ?? [];
    },
    options,
  );
}

export interface BatchGetOptions extends BatchRetryOptions {
  /** Eventually consistent reads cost half: for reports that may lag a second. @default true */
  consistentRead?: boolean;
  /** Only these attributes (a ProjectionExpression and its names); the read costs the same. */
  projection?: { expression: string; names: Record<string, string> };
}

/** BatchGetItem in chunks of 100 (strongly consistent unless told), retrying unprocessed keys; items in no set order. */
export async function batchGetAll(
  documents: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly object[],
  options: BatchGetOptions = {},
): Promise<Item[]> {
  const { consistentRead = true, projection } = options;
  const items: Item[] = [];
  await untilProcessed(
    keys.map((key) => ({ ...key })),
    100,
    'BatchGetItem',
    tableName,
    async (chunk) => {
      const result = await documents.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: chunk,
              ConsistentRead: consistentRead,
              ...(projection
                ? {
                    ProjectionExpression: projection.expression,
                    ExpressionAttributeNames: projection.names,
                  }
                : {}),
            },
          },
        }),
      );
      items.push(...(result.Responses?.[tableName] ?? []));
      return (result.UnprocessedKeys?.[tableName]?.Keys as Item[] | undefined) ?? [];
    },
    options,
  );
  return items;
}
