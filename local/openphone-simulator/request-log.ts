export interface LoggedRequest {
  /** When the request arrived (and, if admitted, was counted by the rate limiter). */
  readonly at: number;
  readonly method: string;
  /** The route template, e.g. `GET /v1/messages/{id}`, or the raw path when none matched. */
  readonly route: string;
  readonly path: string;
  readonly status: number;
  /** `reset` when the connection was dropped on purpose. */
  readonly outcome: 'answered' | 'reset';
}

export interface SimulatorStats {
  readonly totalRequests: number;
  readonly requestsByRoute: Record<string, number>;
  readonly rateLimited: number;
  readonly unauthorized: number;
  readonly serverErrors: number;
  /** E.164 recipient → messages accepted by POST /v1/messages (duplicates show as > 1). */
  readonly messagesSentByRecipient: Record<string, number>;
}

/** Every request the simulator saw, and counters for assertions and benchmarks. */
export class RequestLog {
  readonly entries: LoggedRequest[] = [];
  private readonly byRoute = new Map<string, number>();
  private readonly sentTo = new Map<string, number>();
  private rateLimited = 0;
  private unauthorized = 0;
  private serverErrors = 0;

  constructor(private readonly maxEntries = 100_000) {}

  record(entry: LoggedRequest): void {
    if (this.entries.length >= this.maxEntries) this.entries.shift();
    this.entries.push(entry);
    this.byRoute.set(entry.route, (this.byRoute.get(entry.route) ?? 0) + 1);
    if (entry.status === 429) this.rateLimited++;
    if (entry.status === 401) this.unauthorized++;
    if (entry.status >= 500) this.serverErrors++;
  }

  recordSend(recipient: string): void {
    this.sentTo.set(recipient, (this.sentTo.get(recipient) ?? 0) + 1);
  }

  /** Requests answered with `status` (e.g. 200) at or after `since` (ms). */
  countWithStatus(status: number, since = 0): number {
    return this.entries.filter((e) => e.status === status && e.at >= since).length;
  }

  stats(): SimulatorStats {
    return {
      totalRequests: [...this.byRoute.values()].reduce((a, b) => a + b, 0),
      requestsByRoute: Object.fromEntries(this.byRoute),
      rateLimited: this.rateLimited,
      unauthorized: this.unauthorized,
      serverErrors: this.serverErrors,
      messagesSentByRecipient: Object.fromEntries(this.sentTo),
    };
  }

  clear(): void {
    this.entries.length = 0;
    this.byRoute.clear();
    this.sentTo.clear();
    this.rateLimited = 0;
    this.unauthorized = 0;
    this.serverErrors = 0;
  }
}
