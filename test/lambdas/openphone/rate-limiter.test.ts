import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { SharedTokenBucket } from '../../../lambdas/openphone/adapters/rate-limiter';
import { RateLimitWaitExceededError } from '../../../lambdas/openphone/errors';

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

  /**
   * A bucket whose ith write takes `latencies[i]` ms on its clock, as a slow DynamoDB would, and
   * fails its condition with the item `lostTo[i]` when one is given (another acquirer wrote first).
   */
  function slowWritesBucket(latencies: number[], lostTo: Record<number, ReturnType<typeof bucketItem>> = {}) {
    let now = 1000;
    let call = 0;
    dynamo.on(UpdateItemCommand).callsFake(async () => {
      const item = lostTo[call];
      now += latencies[call++] ?? 0;
      if (item) throw lostRace(item);
      return {};
    });
    return new SharedTokenBucket({
      client: new DynamoDBClient({}),
      tableName: 'limits',
      apiKey: 'k',
      clock: () => now,
    });
  }
  function spentAtOf(i: number): number[] {
    const write = dynamo.commandCalls(UpdateItemCommand)[i]!.args[0].input;
    return write.ExpressionAttributeValues![':spentAt']!.L!.map((v) => Number(v.N));
  }

  it('a grant whose write came back late moves its spend to when it came back, so its token returns a window after the request', async () => {
    const grant = await slowWritesBucket([200, 5]).acquire('interactive');
    // The write sent at 1000 came back at 1200: the request goes out at 1200, not 1000.
    expect(spentAtOf(0)).toEqual([1000]);
    expect(spentAtOf(1)).toEqual([1200]);
    expect(dynamo.commandCalls(UpdateItemCommand)[1]!.args[0].input.ExpressionAttributeValues).toMatchObject({
      ':expected': { N: '1' },
      ':next': { N: '2' },
    });
    expect(grant).toMatchObject({ grantedAt: 1200, writes: 2 });
  });

  it('a grant whose write came back in time is not moved', async () => {
    const grant = await slowWritesBucket([20]).acquire('interactive');
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(1);
    expect(grant).toMatchObject({ grantedAt: 1000, writes: 1 });
  });

  it('a move that is itself late moves again, at most three times', async () => {
    const grant = await slowWritesBucket([100, 100, 100, 100, 100]).acquire('interactive');
    expect([1, 2, 3].map((i) => spentAtOf(i))).toEqual([[1100], [1200], [1300]]);
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(4);
    expect(grant).toMatchObject({ grantedAt: 1300, writes: 4 });
  });

  it('a move that loses a race retries from the state the failed write returned', async () => {
    // Another acquirer wrote at 1100 while this grant's write (sent at 1000) was slow.
    const theirs = bucketItem([1000, 1100], 7, { interactive: 1100 });
    const grant = await slowWritesBucket([200], { 1: theirs }).acquire('interactive');
    expect(spentAtOf(2)).toEqual([1100, 1200]);
    expect(dynamo.commandCalls(UpdateItemCommand)[2]!.args[0].input.ExpressionAttributeValues).toMatchObject({
      ':expected': { N: '7' },
    });
    expect(grant).toMatchObject({ grantedAt: 1200, writes: 3 });
  });

  it('a grant that came back after its whole window, its spend already pruned, takes another token', async () => {
    const pruned = bucketItem([2100], 9, { interactive: 2100 });
    const grant = await slowWritesBucket([1500], { 1: pruned }).acquire('interactive');
    // 1: the grant (late); 2: the move, lost to a state without its spend; 3: a new grant at 2500.
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(3);
    expect(spentAtOf(2)).toEqual([2100, 2500]);
    expect(grant).toMatchObject({ grantedAt: 2500, writes: 3 });
  });

  /** A bucket whose writes all succeed at once, on a clock the test moves. */
  function promptWritesBucket() {
    const clock = { now: 1000 };
    dynamo.on(UpdateItemCommand).resolves({});
    const bucket = new SharedTokenBucket({
      client: new DynamoDBClient({}),
      tableName: 'limits',
      apiKey: 'k',
      clock: () => clock.now,
    });
    return { bucket, clock };
  }

  it('confirm moves a grant whose caller took long before its request, and keeps a prompt one', async () => {
    const { bucket, clock } = promptWritesBucket();
    const grant = await bucket.acquire('campaign');
    clock.now += 10;
    expect(await bucket.confirm(grant)).toBe(true);
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(1);
    clock.now += 90; // the last check took 100 ms in all
    expect(await bucket.confirm(grant)).toBe(true);
    expect(spentAtOf(1)).toEqual([1100]);
  });

  it('stamps a grant followed by a check as far ahead as recent checks took: one write, its token back a window after the request', async () => {
    const { bucket, clock } = promptWritesBucket();
    // The first check (80 ms) is not yet known: its grant is moved, as before.
    const first = await bucket.acquire('campaign', { checkFollows: true });
    clock.now += 80;
    expect(await bucket.confirm(first)).toBe(true);
    expect(spentAtOf(1)).toEqual([1080]);

    // The next is stamped 80 ms ahead; its check takes 90 ms: within the margin, no move.
    clock.now = 3000;
    const second = await bucket.acquire('campaign', { checkFollows: true });
    expect(spentAtOf(2)).toEqual([3080]);
    clock.now += 90;
    expect(await bucket.confirm(second)).toBe(true);
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(3);

    // A grant without a check (a list request) goes out at once: stamped now.
    clock.now = 5000;
    await bucket.acquire('campaign');
    expect(spentAtOf(3)).toEqual([5000]);
  });
});
