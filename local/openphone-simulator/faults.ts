import type { Random } from './prng';

/**
 * Failure switches, settable at any time (e.g. `sim.faults.noCredits = true`).
 * They apply to authenticated, rate-admitted requests, in the order latency → 5xx → route.
 */
export class FaultSwitches {
  /** Added delay before every answer, in ms. */
  latencyMs = 0;
  /** The next N requests answer with `serverErrorStatus`. */
  failNextRequests = 0;
  /** Each request answers with `serverErrorStatus` with this probability (0..1), seeded. */
  serverErrorRate = 0;
  serverErrorStatus: 500 | 502 | 503 = 500;
  /** The next N POST /v1/messages are accepted and recorded, then the connection is reset. */
  dropConnectionAfterSend = 0;
  /** POST /v1/messages answers 402 Not Enough Credits. */
  noCredits = false;
  /** Outcome reported for sent messages (`message.delivered` with this status). */
  deliveryOutcome: 'delivered' | 'undelivered' = 'delivered';

  constructor(private readonly random: Random) {}

  /** Consumes one request's worth of the 5xx switches: true when this request must fail. */
  takeServerError(): boolean {
    if (this.failNextRequests > 0) {
      this.failNextRequests--;
      return true;
    }
    return this.serverErrorRate > 0 && this.random() < this.serverErrorRate;
  }

  takeDropAfterSend(): boolean {
    if (this.dropConnectionAfterSend <= 0) return false;
    this.dropConnectionAfterSend--;
    return true;
  }

  reset(): void {
    this.latencyMs = 0;
    this.failNextRequests = 0;
    this.serverErrorRate = 0;
    this.serverErrorStatus = 500;
    this.dropConnectionAfterSend = 0;
    this.noCredits = false;
    this.deliveryOutcome = 'delivered';
  }
}
