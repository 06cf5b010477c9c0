import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OpenPhoneClient, SharedTokenBucket } from '../lambdas/openphone';

export const defaultOpenPhoneBaseUrl = 'https://api.openphone.com';

/**
 * An OpenPhone client for an operator command: it takes its tokens from the target's shared bucket,
 * like every Lambda, and gives up sooner than they do (a person is waiting).
 */
export function operatorOpenPhoneClient(input: {
  apiKey: string;
  baseUrl?: string;
  dynamo: DynamoDBClient;
  rateLimitTable: string;
}): OpenPhoneClient {
  return new OpenPhoneClient({
    apiKey: input.apiKey,
    baseUrl: input.baseUrl ?? process.env.OPENPHONE_BASE_URL ?? defaultOpenPhoneBaseUrl,
    rateLimiter: new SharedTokenBucket({
      client: input.dynamo,
      tableName: input.rateLimitTable,
      apiKey: input.apiKey,
      maxWaitMs: 15_000,
    }),
    retry: { maxAttempts: 3, maxTotalMs: 10_000 },
  });
}
