import type { Random } from './prng';

export type SenderRefusal = 'a2p-not-approved' | 'not-phone-number-user';

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
  /** Besides: each sent message is undelivered with this probability (0..1), seeded. */
  undeliveredShare = 0;
  /** Every request answers 401, as with a revoked or rotated key. */
  apiKeyRevoked = false;
  /** OpenPhone's clock against the caller's, in ms (negative: behind), applied to sent messages' `createdAt`. */
  clockSkewMs = 0;
  /** Sent messages are stamped to the whole second (rounded down), as some OpenPhone answers are. */
  wholeSecondTimestamps = false;
  /** Sent texts are stored with white space at either end trimmed, as OpenPhone may normalise them. */
  trimsSentText = false;
  /**
   * Sending numbers (E.164 or `PN…` id) whose sends OpenPhone refuses, and how: the workspace is
   * not A2P approved (400 0206400), or the key's user may not use the number (403 0202403).
   */
  readonly refusedSenders = new Map<string, SenderRefusal>();
  /** Webhooks are signed with a key no receiver has: every delivery fails its signature check. */
  signWebhooksWithWrongKey = false;
  /** Route (`PATCH /webhooks/{id}`) → how many of its next requests fail, and with what status. */
  private readonly routeFailures = new Map<string, { times: number; status: number }>();

  constructor(private readonly random: Random) {}

  /** Consumes one request's worth of the 5xx switches: true when this request must fail. */
  takeServerError(): boolean {
    if (this.failNextRequests > 0) {
      this.failNextRequests--;
      return true;
    }
    return this.serverErrorRate > 0 && this.random() < this.serverErrorRate;
  }

  /** The next `times` requests of one route (`METHOD template`) answer `status` (default 500). */
  failRoute(route: string, times = 1, status = 500): void {
    this.routeFailures.set(route, { times, status });
  }

  /** Consumes one failure of this route: the status to answer, or undefined. */
  takeRouteFailure(route: string): number | undefined {
    const failure = this.routeFailures.get(route);
    if (!failure || failure.times <= 0) return undefined;
    failure.times--;
    return failure.status;
  }

  /** The carrier's verdict on one sent message. */
  takeDeliveryOutcome(): 'delivered' | 'undelivered' {
    if (this.undeliveredShare > 0 && this.random() < this.undeliveredShare) return 'undelivered';
    return this.deliveryOutcome;
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
    this.undeliveredShare = 0;
    this.apiKeyRevoked = false;
    this.clockSkewMs = 0;
    this.wholeSecondTimestamps = false;
    this.trimsSentText = false;
    this.refusedSenders.clear();
    this.signWebhooksWithWrongKey = false;
    this.routeFailures.clear();
  }

  /** A sent message's `createdAt` as OpenPhone's clock and precision would stamp it. */
  stampOfSend(createdAtMs: number): number {
    const skewed = createdAtMs + this.clockSkewMs;
    return this.wholeSecondTimestamps ? Math.floor(skewed / 1000) * 1000 : skewed;
  }
}
