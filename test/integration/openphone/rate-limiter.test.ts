import { Metrics } from '@aws-lambda-powertools/metrics';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { bucketIdFor, SharedTokenBucket, type Grant } from '../../../lambdas/openphone/adapters/rate-limiter';
import { rateLimitTableKeys, type Lane } from '../../../lambdas/openphone/domain/token-bucket';
import { meteredRateLimiter } from '../../../lambdas/openphone/adapters/openphone-metrics';
import { bridgeMetrics } from '../../../lambdas/shared/metrics';
import { createBridgeTables, localDynamoClient, tableNamed } from '../../support/dynamo';

const client = localDynamoClient();
let tableName: string;

// Synthesizing the stack and creating its tables can be slow on a busy machine.
beforeAll(async () => {
  tableName = tableNamed(await createBridgeTables(client), 'RateLimitTable');
}, 90_000);

/** Each Lambda instance has its own bucket object; they share only the table item. */
function bucketFor(apiKey: string, windowMs = 1000) {
  return new SharedTokenBucket({ client, tableName, apiKey, policy: { limit: 10, windowMs } });
}

/** The most grants any window of `windowMs` holds. */
function busiestWindow(grantTimes: number[], windowMs: number): number {
  const sorted = [...grantTimes].sort((a, b) => a - b);
  let busiest = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    busiest = Math.max(busiest, i - j + 1);
  }
  return busiest;
}

describe('the shared token bucket in DynamoDB', () => {
  it('metered, publishes a token wait only for the request that waited for the budget, not for the writes', async () => {
    const metrics = new Metrics({ namespace: 'test', serviceName: 'test' });
    const added = jest.spyOn(metrics, 'addMetric').mockReturnThis().mock.calls;
    const metered = meteredRateLimiter(bucketFor(`key-${Date.now()}-metered`, 3000), metrics);
    for (let i = 0; i < 11; i++) await metered.acquire('interactive');
    expect(added.filter(([name]) => name === bridgeMetrics.openPhone.apiCalls)).toHaveLength(11);
    const waits = added.filter(([name]) => name === bridgeMetrics.openPhone.tokenWaitMs);
    // Ten tokens at once, the eleventh when the 3 s window has passed (ten writes take less, even on a busy machine): one wait.
    expect(waits).toHaveLength(1);
    expect(waits[0]![2]).toBeGreaterThanOrEqual(1);
  });

  it('never lets more than 10 requests into any one-second window across 6 concurrent acquirers', async () => {
    const apiKey = `key-${Date.now()}-a`;
    const acquirers = Array.from({ length: 6 }, () => bucketFor(apiKey));
    const grants: Grant[] = [];
    const startedAt = Date.now();
    await Promise.all(
      acquirers.map(async (bucket) => {
        for (let i = 0; i < 6; i++) grants.push(await bucket.acquire('interactive'));
      }),
    );
    const elapsed = Date.now() - startedAt;

    expect(grants).toHaveLength(36);
    expect(
      busiestWindow(
        grants.map((g) => g.grantedAt),
        1000,
      ),
    ).toBeLessThanOrEqual(10);
    // 36 tokens, 10 per second after a burst of 10: at least 2 s (more on a loaded machine).
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    expect(elapsed).toBeLessThan(15000);
  });

  it('lets an import alone use the whole bucket, and gives interactive requests their reserve back within a window', async () => {
    const apiKey = `key-${Date.now()}-b`;
    const importers = Array.from({ length: 4 }, () => bucketFor(apiKey));
    const interactive = bucketFor(apiKey);
    let importing = true;
    const importGrants: Grant[] = [];
    const imports = importers.map(async (bucket) => {
      while (importing) importGrants.push(await bucket.acquire('import'));
    });
    await new Promise((r) => setTimeout(r, 700)); // the import has drained the bucket
    const interactiveAskedAt = Date.now();
    // Nobody else asked: the import took every token of a window, reserves included.
    const importBefore = importGrants.filter((g) => g.grantedAt < interactiveAskedAt).map((g) => g.grantedAt);
    expect(busiestWindow(importBefore, 1000)).toBe(10);

    const interactiveGrants: Grant[] = [];
    for (let i = 0; i < 5; i++) {
      interactiveGrants.push(await interactive.acquire('interactive'));
      await new Promise((r) => setTimeout(r, 250));
    }
    importing = false;
    await Promise.all(imports);

    // The first interactive request waited for a token to come back (at most one window; more only
    // for lost write races on a loaded machine) and recorded its demand; from then on the import
    // left the reserve free, so later interactive requests did not sleep (one may, on a machine so
    // loaded that a grant's write outlived the recorded demand; without the reserve all four would).
    const [first, ...later] = interactiveGrants;
    expect(first!.sleptMs).toBeLessThan(2000);
    expect(later.filter((g) => g.sleptMs > 0).length).toBeLessThanOrEqual(1);
    expect(Math.max(...interactiveGrants.map((g) => g.waitedMs))).toBeLessThan(3000);
    const all = [...importGrants, ...interactiveGrants].map((g) => g.grantedAt);
    expect(busiestWindow(all, 1000)).toBeLessThanOrEqual(10);
    // While interactive requests were active, the import stayed within its 7 per window.
    const importAfter = importGrants.map((g) => g.grantedAt).filter((t) => t >= first!.grantedAt + 1000);
    expect(importAfter.length).toBeGreaterThan(0);
    expect(busiestWindow(importAfter, 1000)).toBeLessThanOrEqual(7);
  });

  it('stores a hash of the API key, never the key', async () => {
    const apiKey = `secret-key-${Date.now()}`;
    await bucketFor(apiKey).acquire('interactive' satisfies Lane);
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { [rateLimitTableKeys.partitionKey]: { S: bucketIdFor(apiKey) } },
      }),
    );
    expect(Item).toBeDefined();
    expect(JSON.stringify(Item)).not.toContain(apiKey);
  });
});
