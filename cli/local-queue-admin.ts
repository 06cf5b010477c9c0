import type {
  EventFamily,
  QueueMessage,
  FamilyQueueDepth,
  QueueAdmin,
  ReplayResult,
} from '../lambdas/events';
import { adminPaths } from '../local/admin-api';
import { callLocalAdmin, type LocalAdminAccess } from './local-admin';

/** The in-process queues of a running `npm start`, through its admin API. */
export class LocalQueueAdmin implements QueueAdmin {
  constructor(private readonly access: LocalAdminAccess) {}

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

  #call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    return callLocalAdmin(this.access, method, path, body);
  }
}
