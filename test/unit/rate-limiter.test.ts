import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { RateLimitWaitExceededError, SharedTokenBucket } from '../../lambdas/adapters/rate-limiter';

const dynamo = mockClient(DynamoDBClient);

function bucketItem(spentAt: number[], version: number, activeAt: Record<string, number> = {}) {
  return {
    spentAt: { L: spentAt.map((t) => ({ N: String(t) })) },
    version: { N: String(version) },
    activeAt: {
      M: Object.fromEntries(Object.entries(activeAt).map(([lane, t]) => [lane, { N: String(t) }])),
    },
  };
}

function lostRace(item: ReturnType<typeof bucketItem>) {
  return new ConditionalCheckFailedException({ message: 'lost', $metadata: {}, Item: item });
}

beforeEach(() => dynamo.reset());

describe('shared token bucket adapter', () => {
  it('after losing a race, retries from the state the failed write returned, without reading', async () => {
    dynamo
      .on(UpdateItemCommand)
      .rejectsOnce(lostRace(bucketItem([990], 41)))
      .resolves({});
    const bucket = new SharedTokenBucket({
      client: new DynamoDBClient({}),
      tableName: 'limits',
      apiKey: 'k',
      clock: () => 1000,
    });

    const grant = await bucket.acquire('interactive');

    expect(grant).toMatchObject({ lane: 'interactive', grantedAt: 1000, writes: 2, sleptMs: 0 });
    const writes = dynamo.commandCalls(UpdateItemCommand).map((c) => c.args[0].input);
    expect(writes[0]!.ConditionExpression).toBe('attribute_not_exists(#pk)');
    expect(writes[1]!.ConditionExpression).toBe('#version = :expected');
    expect(writes[1]!.ExpressionAttributeValues).toMatchObject({
      ':expected': { N: '41' },
      ':next': { N: '42' },
      ':spentAt': { L: [{ N: '990' }, { N: '1000' }] },
    });
    expect(dynamo.commandCalls(GetItemCommand)).toHaveLength(0);
  });

  function fullBucketFor(maxWaitMs: number, sleeps: number[]) {
    let now = 0;
    return new SharedTokenBucket({
      client: new DynamoDBClient({}),
      tableName: 'limits',
      apiKey: 'k',
      policy: { windowMs: 1000 },
      maxWaitMs,
      clock: () => now,
      sleep: async (ms) => void (sleeps.push(ms), (now += ms)),
      random: () => 0,
    });
  }
  const tenSpentAtStart = bucketItem(
    Array.from({ length: 10 }, (_, i) => i * 10),
    5,
    { interactive: 0 },
  );

  it('sleeps until enough tokens for its lane have come back, then takes one', async () => {
    dynamo.on(UpdateItemCommand).rejectsOnce(lostRace(tenSpentAtStart)).resolves({});
    const sleeps: number[] = [];
    const grant = await fullBucketFor(5000, sleeps).acquire('import');
    // import leaves 3 tokens free: it needs 4 back, and the 4th spend (at 30 ms) returns at 1030 ms.
    expect(sleeps).toEqual([1030]);
    expect(grant).toMatchObject({ grantedAt: 1030, sleptMs: 1030, writes: 2 });
  });

  it('a lane that must wait first records its demand in the bucket, so lower lanes give its reserve back', async () => {
    const importOnly = bucketItem(
      Array.from({ length: 10 }, (_, i) => i * 10),
      5,
      { import: 90 },
    );
    dynamo.on(UpdateItemCommand).rejectsOnce(lostRace(importOnly)).resolves({});
    const sleeps: number[] = [];
    const grant = await fullBucketFor(5000, sleeps).acquire('campaign');
    const writes = dynamo.commandCalls(UpdateItemCommand).map((c) => c.args[0].input);
    // 1: lost race; 2: the demand (same spends, next version, campaign active); 3: the grant.
    expect(writes).toHaveLength(3);
    expect(writes[1]!.ExpressionAttributeValues).toMatchObject({
      ':expected': { N: '5' },
      ':next': { N: '6' },
      ':spentAt': importOnly.spentAt,
      ':activeAt': { M: { import: { N: '90' }, campaign: { N: '0' } } },
    });
    expect(sleeps).toEqual([1000]);
    expect(grant).toMatchObject({ grantedAt: 1000, writes: 3 });
  });

  it('gives up at once when the wait for a token would exceed maxWaitMs', async () => {
    dynamo.on(UpdateItemCommand).rejects(lostRace(tenSpentAtStart));
    const sleeps: number[] = [];
    await expect(fullBucketFor(50, sleeps).acquire('import')).rejects.toBeInstanceOf(
      RateLimitWaitExceededError,
    );
    expect(sleeps).toEqual([]);
  });
});
