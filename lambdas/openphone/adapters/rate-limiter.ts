import {
  ConditionalCheckFailedException,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import {
  announceDemand,
  decideAcquire,
  lanes,
  rateLimitTableKeys,
  restampSpend,
  tokenBucketPolicy,
  type AcquireOptions,
  type BucketState,
  type Lane,
  type RateLimiter,
  type TokenBucketPolicy,
  type TokenBucketPolicyInput,
} from '../domain/token-bucket';
import { RateLimitWaitExceededError } from '../errors';

export interface SharedTokenBucketOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** The OpenPhone API key whose budget this is. Only its SHA-256 is stored. */
  readonly apiKey: string;
  /** @default 10 per 1050 ms window, reserves interactive 0 / campaign 2 / import 3 */
  readonly policy?: TokenBucketPolicyInput;
  /** Give up (RateLimitWaitExceededError) when a token has not come within this long. @default 30 s */
  readonly maxWaitMs?: number;
  /** For tests. @default Date.now */
  readonly clock?: () => number;
  /** For tests. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** For tests. @default Math.random */
  readonly random?: () => number;
}

/** What an acquire cost: for metrics and tests. */
export interface Grant {
  readonly lane: Lane;
  /** The spend time written to the bucket (epoch ms). */
  readonly grantedAt: number;
  readonly waitedMs: number;
  /** Of which spent sleeping until tokens came back (the rest is lost races and latency). */
  readonly sleptMs: number;
  /** Conditional writes made, the successful one included. */
  readonly writes: number;
}

/** The bucket's partition key: a hash, so the table never holds an API key. */
export function bucketIdFor(apiKey: string): string {
  return `openphone#${createHash('sha256').update(apiKey).digest('hex')}`;
}

/** The longest a grant is stamped ahead of its write for the caller's last check. */
const maxCheckLeadMs = 250;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The OpenPhone request budget shared by every Lambda using one API key: one item in DynamoDB, one
 * conditional UpdateItem per attempt. The write is conditional on the version last seen, so
 * concurrent acquirers can never spend the same token; a loser learns the current state from the
 * failed write itself (ReturnValuesOnConditionCheckFailure) and tries again.
 */
export class SharedTokenBucket implements RateLimiter {
  readonly #options: SharedTokenBucketOptions;
  readonly #bucketId: string;
  readonly #policy: TokenBucketPolicy;
  readonly #clock: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  /** The last state this instance saw; stale is fine, the condition catches it. */
  #known: BucketState | undefined;
  /**
   * How long this instance's callers' last checks take (the slowest of the last few): a grant
   * followed by one is stamped that far ahead, so its token already counts from when the request
   * goes out and is seldom moved (a move is one more write).
   */
  #checkLeadMs = 0;
  /** When each grant followed by a check was returned to its caller. */
  readonly #handedOutAt = new WeakMap<Grant, number>();

  constructor(options: SharedTokenBucketOptions) {
    this.#options = options;
    this.#bucketId = bucketIdFor(options.apiKey);
    this.#policy = tokenBucketPolicy.parse(options.policy ?? {});
    this.#clock = options.clock ?? Date.now;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#random = options.random ?? Math.random;
  }

  async acquire(lane: Lane, options: AcquireOptions = {}): Promise<Grant> {
    const startedAt = this.#clock();
    const leadMs = options.checkFollows ? this.#checkLeadMs : 0;
    const maxWaitMs = this.#options.maxWaitMs ?? 30_000;
    let writes = 0;
    let sleptMs = 0;
    for (;;) {
      const now = this.#clock();
      const decision = decideAcquire(this.#known, lane, now, this.#policy, now + leadMs);
      if (decision.kind === 'wait') {
        if (now + decision.waitMs - startedAt > maxWaitMs)
          throw new RateLimitWaitExceededError(lane, now - startedAt);
        // Lower lanes may be using this lane's reserve (lent while it was idle): tell them first.
        const demand = announceDemand(this.#known, lane, now, this.#policy);
        if (demand) {
          writes++;
          // Lost to another write: decide again from the state it returned. Written: sleep below.
          if (!(await this.#write(this.#known, demand))) continue;
        }
        // A little jitter so acquirers woken by the same expiry do not all collide.
        const pause = decision.waitMs + Math.floor(this.#random() * 20);
        await this.#sleep(pause);
        sleptMs += pause;
        continue;
      }
      writes++;
      const written = await this.#write(this.#known, decision.next);
      if (!written) continue;
      const settled = await this.#settle(now + leadMs);
      writes += settled.writes;
      if (settled.grantedAt !== undefined) {
        const grant = { lane, grantedAt: settled.grantedAt, waitedMs: now - startedAt, sleptMs, writes };
        if (options.checkFollows) this.#handedOutAt.set(grant, this.#clock());
        return grant;
      }
      // The grant came back after its whole window: the token is gone; take another.
    }
  }

  /**
   * The grant's token counted from now: moved when more than `restampAfterMs` passed since it was
   * stamped (the caller's last check took that long). False when the token has expired meanwhile.
   */
  async confirm(grant: unknown): Promise<boolean> {
    if (!isGrant(grant)) return true;
    const handedOutAt = this.#handedOutAt.get(grant);
    if (handedOutAt !== undefined) {
      const checkMs = Math.max(0, this.#clock() - handedOutAt);
      // The slowest recent check, decaying: a lead a little long only holds a token a little longer.
      this.#checkLeadMs = Math.min(maxCheckLeadMs, Math.max(checkMs, Math.round(this.#checkLeadMs * 0.8)));
    }
    return (await this.#settle(grant.grantedAt)).grantedAt !== undefined;
  }

  /**
   * A grant whose write came back late (a slow or retried write, a paused event loop) moves its
   * spend to the time it came back, so its token returns a window after the request really goes
   * out. Each move is a conditional write like any other.
   */
  async #settle(stampedAt: number): Promise<{ grantedAt: number | undefined; writes: number }> {
    let writes = 0;
    let grantedAt = stampedAt;
    for (let moves = 0; moves < 3;) {
      const returnedAt = this.#clock();
      if (returnedAt - grantedAt <= this.#policy.restampAfterMs || !this.#known) break;
      const next = restampSpend(this.#known, grantedAt, returnedAt);
      if (!next) return { grantedAt: undefined, writes };
      writes++;
      if (await this.#write(this.#known, next)) {
        grantedAt = returnedAt;
        moves++;
      }
    }
    return { grantedAt, writes };
  }

  /** One conditional UpdateItem; false (with `#known` refreshed) when someone else wrote first. */
  async #write(expected: BucketState | undefined, next: BucketState): Promise<boolean> {
    const { partitionKey, spentAt, version, activeAt } = rateLimitTableKeys;
    try {
      await this.#options.client.send(
        new UpdateItemCommand({
          TableName: this.#options.tableName,
          Key: { [partitionKey]: { S: this.#bucketId } },
          UpdateExpression: 'SET #spentAt = :spentAt, #version = :next, #activeAt = :activeAt',
          ConditionExpression: expected ? '#version = :expected' : 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: {
            '#spentAt': spentAt,
            '#version': version,
            '#activeAt': activeAt,
            ...(expected ? {} : { '#pk': partitionKey }),
          },
          ExpressionAttributeValues: {
            ':spentAt': { L: next.spentAt.map((t) => ({ N: String(t) })) },
            ':next': { N: String(next.version) },
            ':activeAt': {
              M: Object.fromEntries(
                Object.entries(next.activeAt ?? {}).map(([l, t]) => [l, { N: String(t) }]),
              ),
            },
            ...(expected ? { ':expected': { N: String(expected.version) } } : {}),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      this.#known = next;
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      this.#known = error.Item ? stateOf(error.Item) : await this.#read();
      return false;
    }
  }

  /** Only where the failed write did not return the item (older DynamoDB emulators). */
  async #read(): Promise<BucketState | undefined> {
    const { Item } = await this.#options.client.send(
      new GetItemCommand({
        TableName: this.#options.tableName,
        Key: { [rateLimitTableKeys.partitionKey]: { S: this.#bucketId } },
        ConsistentRead: true,
      }),
    );
    return Item ? stateOf(Item) : undefined;
  }
}

function stateOf(item: Record<string, AttributeValue>): BucketState {
  const spent = item[rateLimitTableKeys.spentAt]?.L ?? [];
  return {
    spentAt: spent.map((v) => Number(v.N)).filter(Number.isFinite),
    version: Number(item[rateLimitTableKeys.version]?.N ?? 0),
    activeAt: Object.fromEntries(
      lanes.flatMap((lane) => {
        const at = Number(item[rateLimitTableKeys.activeAt]?.M?.[lane]?.N);
        return Number.isFinite(at) ? [[lane, at]] : [];
      }),
    ),
  };
}

function isGrant(value: unknown): value is Grant {
  return typeof value === 'object' && value !== null && typeof (value as Grant).grantedAt === 'number';
}
