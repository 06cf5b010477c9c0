import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OpenPhoneClient, SharedTokenBucket } from '../../openphone';

/** How long a send waits for a token of the interactive lane before answering 429. */
const interactiveTokenWaitMs = 2_000;

/**
 * The CRM API's OpenPhone client: the `interactive` lane of the shared limit, and short waits
 * everywhere (a caller is waiting on the request, and API Gateway gives up after 30 s).
 */
export function interactiveOpenPhoneClient(input: {
  apiKey: string;
  baseUrl: string;
  dynamo: DynamoDBClient;
  rateLimitTable: string;
  /** @default interactiveTokenWaitMs */
  maxWaitMs?: number;
}): OpenPhoneClient {
  return new OpenPhoneClient({
    apiKey: input.apiKey,
    baseUrl: input.baseUrl,
    lane: 'interactive',
    rateLimiter: new SharedTokenBucket({
      client: input.dynamo,
      tableName: input.rateLimitTable,
      apiKey: input.apiKey,
      maxWaitMs: input.maxWaitMs ?? interactiveTokenWaitMs,
    }),
    retry: { maxAttempts: 2, maxTotalMs: 3_000 },
    requestTimeoutMs: 8_000,
  });
}
