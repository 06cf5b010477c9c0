import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OpenPhoneClient } from '../lambdas/adapters/openphone-client';
import { SharedTokenBucket } from '../lambdas/adapters/rate-limiter';
import { createTables, tablesFromTemplate, type CfnTemplate } from '../local/cfn-tables';
import { localAwsConfig } from '../local/local-pipeline';
import { startOpenPhoneSimulator } from '../local/openphone-simulator';
import { tableLogicalId } from '../local/template-reading';
import type { BenchRow } from './report';

const openPhoneLimitPerSecond = 10;

/**
 * Many concurrent callers, each with its own client and limiter handle (as separate Lambdas have),
 * share one DynamoDB token bucket and call the simulated OpenPhone, which enforces 10 per rolling second.
 */
export async function benchRateLimit(
  dynamoEndpoint: string,
  template: CfnTemplate,
  seconds: number,
  callers = 8,
): Promise<BenchRow[]> {
  const dynamo = new DynamoDBClient(localAwsConfig(dynamoEndpoint));
  const rateLimitId = tableLogicalId(template, 'RateLimit');
  const names = await createTables(
    dynamo,
    tablesFromTemplate(template, (id) => `bench-${Date.now()}-${id}`).filter(
      (t) => t.logicalId === rateLimitId,
    ),
  );
  const simulator = await startOpenPhoneSimulator({ seed: 3 });
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
        }),
        retry: { maxAttempts: 1 },
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
        } catch {
          errors += 1;
        }
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  const stats = simulator.requestLog.stats();
  await simulator.stop();
  const achieved = calls / elapsed;
  return [
    {
      section: 'rate limit',
      measure: `${callers} concurrent callers for ${seconds} s: successful requests/s`,
      value: achieved,
      baseline: openPhoneLimitPerSecond,
      unit: 'req/s',
      baselineLabel: "OpenPhone's limit",
      aim: 0.95,
      higherIsBetter: true,
    },
    {
      section: 'rate limit',
      measure: '429 answers from the simulator (and failed calls)',
      value: stats.rateLimited + errors,
      baseline: 0,
      unit: '',
      baselineLabel: 'aim: none',
    },
  ];
}
