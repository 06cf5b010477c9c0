import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

export type StartKey = Record<string, unknown>;

export interface ReadPage {
  Items?: Record<string, unknown>[];
  Count?: number;
  LastEvaluatedKey?: StartKey;
}

/** Every page of a query or scan, one after the other, until DynamoDB has no further key. */
export async function* eachPage(readPage: (startKey: StartKey | undefined) => Promise<ReadPage>) {
  let startKey: StartKey | undefined;
  do {
    const page = await readPage(startKey);
    yield page;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** Every item of a query, all pages read. */
export async function queryAll(
  documents: DynamoDBDocumentClient,
  input: QueryCommandInput,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of eachPage((startKey) =>
    documents.send(new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) })),
  ))
    items.push(...(page.Items ?? []));
  return items;
}

/** How many items a query matches, all pages counted (`Select: COUNT`). */
export async function countAll(documents: DynamoDBDocumentClient, input: QueryCommandInput): Promise<number> {
  let count = 0;
  for await (const page of eachPage((startKey) =>
    documents.send(
      new QueryCommand({ ...input, Select: 'COUNT', ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    ),
  ))
    count += page.Count ?? 0;
  return count;
}
