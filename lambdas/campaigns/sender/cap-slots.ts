/**
 * The daily-cap slots of one pass over a campaign, leased a few at a time: one conditional ADD
 * takes up to `leaseSize` slots under the cap, the pass spends them one per send, a send withdrawn
 * puts its slot back in the pool (no write), and what is left is given back when the pass ends.
 * The cap holds as before (no lease goes past it); a pass that dies holding slots leaves them
 * counted for the day: fewer messages that day, never more.
 */
import type { DailyCapRepository } from '../adapters/daily-cap-repository';

interface Pool {
  counterKey: string;
  businessDay: string;
  free: number;
  /** The lease under way: the pass's other sends wait for it rather than lease (or give up) alongside. */
  leasing?: Promise<void>;
}

export class DailyCapSlots {
  readonly #pools = new Map<string, Pool>();

  constructor(
    private readonly caps: Pick<DailyCapRepository, 'leaseDailyCapSlots' | 'returnDailyCapSlot'>,
    private readonly leaseSize: number,
  ) {}

  /** Slots this pass holds and has not spent: counted on the counter, not sent. */
  unspent(counterKey: string, businessDay: string): number {
    return this.#pools.get(poolKey(counterKey, businessDay))?.free ?? 0;
  }

  /** One slot for one send; false when the cap is reached. */
  async take(counterKey: string, businessDay: string, cap: number, now: Date): Promise<boolean> {
    const key = poolKey(counterKey, businessDay);
    let pool = this.#pools.get(key);
    if (!pool) this.#pools.set(key, (pool = { counterKey, businessDay, free: 0 }));
    while (pool.leasing) await pool.leasing;
    if (pool.free === 0) {
      const leased = this.caps.leaseDailyCapSlots(counterKey, businessDay, cap, this.leaseSize, now);
      pool.leasing = leased.then(
        (slots) => void (pool.free += slots),
        () => undefined,
      );
      try {
        await leased;
      } finally {
        await pool.leasing;
        pool.leasing = undefined;
      }
    }
    if (pool.free === 0) return false;
    pool.free--;
    return true;
  }

  /** A slot whose send certainly did not happen: back in the pool, for the next send or the return. */
  giveBack(counterKey: string, businessDay: string): void {
    const pool = this.#pools.get(poolKey(counterKey, businessDay));
    if (pool) pool.free++;
  }

  /** Gives every unspent slot back to its counter (one write per counter with any). */
  async returnUnspent(): Promise<void> {
    for (const pool of this.#pools.values()) {
      if (pool.free === 0) continue;
      const slots = pool.free;
      pool.free = 0;
      await this.caps.returnDailyCapSlot(pool.counterKey, pool.businessDay, slots);
    }
  }
}

const poolKey = (counterKey: string, businessDay: string) => `${counterKey}|${businessDay}`;
