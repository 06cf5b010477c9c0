import type { EventFamily } from '../lambdas/domain/event-types';
import type { QueueMessage } from '../lambdas/domain/queue-message';
import type { FamilyQueueDepth, QueueAdmin, ReplayResult } from '../lambdas/adapters/queue-admin';
import { adminPaths } from '../local/admin-api';
import { CommandFailure } from './errors';

/** The in-process queues of a running `npm start`, through its admin API. */
export class LocalQueueAdmin implements QueueAdmin {
  constructor(
    /** The replica's HTTP API, e.g. `http://127.0.0.1:3000`. */
    private readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch = globalThis.fetch,
  ) {}

  async depths(): Promise<FamilyQueueDepth[]> {
    return ((await this.#call('GET', adminPaths.queues)) as { queues: FamilyQueueDepth[] }).queues;
  }

  async replayDeadLetters(family: EventFamily, eventIds?: readonly string[]): Promise<ReplayResult> {
    return (await this.#call('POST', adminPaths.replayDeadLetters, {
      family,
      ...(eventIds && eventIds.length > 0 ? { eventIds } : {}),
    })) as ReplayResult;
  }

  async enqueue(message: QueueMessage): Promise<void> {
    await this.#call('POST', adminPaths.enqueue, message);
  }

  async #call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const url = new URL(path, this.baseUrl).toString();
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        ...(body === undefined
          ? {}
          : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch {
      throw new CommandFailure(
        `could not reach the local replica at ${this.baseUrl}: is \`npm start\` running?`,
      );
    }
    const text = await response.text();
    let answer: { error?: string; message?: string } | undefined;
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      answer = undefined;
    }
    if (!response.ok)
      throw new CommandFailure(
        `the local replica answered ${response.status} to ${method} ${path}` +
          (answer?.error || answer?.message
            ? `: ${[answer.error, answer.message].filter(Boolean).join(', ')}`
            : ''),
      );
    return answer;
  }
}
