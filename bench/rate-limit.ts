import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OpenPhoneClient } from '../lambdas/openphone/adapters/openphone-client';
import { SharedTokenBucket } from '../lambdas/openphone/adapters/rate-limiter';
import { createTables, tablesFromTemplate, type CfnTemplate } from '../local/cfn-tables';
import { localAwsConfig } from '../local/local-pipeline';
import { tableLogicalId } from '../local/template-reading';
import type { BenchRow } from './report';
import { startSimulatorProcess, type SimulatorProcess } from './simulator-process';
import type { TokenBucketPolicy } from '../lambdas/openphone/domain/token-bucket';

const openPhoneLimitPerSecond = 10;

/** The simulated OpenPhone in a process of its own, as the real one is on another machine. */
export function startRateLimitSimulator(apiKey = 'bench-api-key'): Promise<SimulatorProcess> {
  return startSimulatorProcess({ seed: 3, apiKey, workspace: {} });
}

/**
 * Many concurrent callers, each with its own client and limiter handle (as separate Lambdas have),
 * share one DynamoDB token bucket and call the simulated OpenPhone, which enforces 10 per rolling second.
 */
async function measure(
  dynamoEndpoint: string,
  template: CfnTemplate,
  seconds: number,
  callers: number,
  policy: Partial<TokenBucketPolicy>,
): Promise<{ requestsPerSecond: number; rateLimited: number; requests: number; errors: number }> {
  const dynamo = new DynamoDBClient(localAwsConfig(dynamoEndpoint));
  let rateLimited = 0;
  const rateLimitId = tableLogicalId(template, 'RateLimit');
  const names = await createTables(
    dynamo,
    tablesFromTemplate(template, (id) => `bench-${Date.now()}-${id}`).filter(
      (t) => t.logicalId === rateLimitId,
    ),
  );
  const simulator = await startRateLimitSimulator();
  const clients = Array.from(
    { length: callers },
    () =>
      new OpenPhoneClient({
        apiKey: simulator.apiKey,
        baseUrl: simulator.url,
        rateLimiter: new SharedTokenBucket({
          client: new DynamoDBClient(localAwsConfig(dynamoEndpoint)),
          tableName: names[rateLimitId]!,
          apiKey: simulator.apiKey,
          maxWaitMs: 60_000,
          policy,
        }),
        onRetry: (event) => {
          if (event.cause === 429) rateLimited += 1;
        },
      }),
  );
  const deadline = Date.now() + seconds * 1000;
  let calls = 0;
  let errors = 0;
  const started = Date.now();
  await Promise.all(
    clients.map(async (client) => {
      while (Date.now() < deadline) {
        try {
          await client.listPhoneNumbers();
          calls += 1;
        } catch (error) {
          if (errors === 0) console.error(`rate-limit bench: first failed call: ${(error as Error).message}`);
          errors += 1;
        }
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  simulator.stop();
  return { requestsPerSecond: calls / elapsed, rateLimited, requests: calls + rateLimited, errors };
}

/**
 * The shared limit as it is, then again in the same run with late grants never moved
 * (`restampAfterMs` out of reach), for the 429s that moving them saves. Each run has its own
 * table and simulator; a short warm-up run first is discarded.
 */
export async function benchRateLimit(
  dynamoEndpoint: string,
  template: CfnTemplate,
  seconds: number,
  callers = 8,
): Promise<BenchRow[]> {
  await measure(dynamoEndpoint, template, 5, callers, {}); // warm-up, so neither run pays for it
  const moved = await measure(dynamoEndpoint, template, seconds, callers, {});
  const unmoved = await measure(dynamoEndpoint, template, seconds, callers, {
    restampAfterMs: Number.MAX_SAFE_INTEGER,
  });
  return [
    {
      section: 'rate limit',
      measure: `${callers} concurrent callers for ${seconds} s: successful requests/s`,
      value: moved.requestsPerSecond,
      baseline: openPhoneLimitPerSecond,
      unit: 'req/s',
      baselineLabel: "OpenPhone's limit",
      aim: 0.95,
      higherIsBetter: true,
    },
    {
      section: 'rate limit',
      measure: `429 answers (of ${moved.requests} requests; each retried) and failed calls`,
      value: moved.rateLimited + moved.errors,
      baseline: 0,
      unit: '',
      baselineLabel: 'aim: none',
    },
    {
      section: 'rate limit',
      measure: '429 answers, late grants moved (as deployed)',
      value: moved.rateLimited,
      baseline: unmoved.rateLimited,
      unit: '',
      baselineLabel: `not moved (same run: ${unmoved.requests} requests, ${unmoved.requestsPerSecond.toFixed(2)} ok/s)`,
    },
  ];
}
