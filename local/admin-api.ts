import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { eventFamilies, type EventFamily } from '../lambdas/events/domain/event-types';
import { importPagesInput } from '../lambdas/history-import/domain/import-plan';
import { queueMessage } from '../lambdas/events/domain/queue-message';
import { eventIdOfQueued, type QueueAdmin } from '../lambdas/events/adapters/queue-admin';
import type { HttpApiHandler } from './http-api';
import type { InProcessQueue } from './in-process-queue';
import type { QueuePublisher } from '../lambdas/events/adapters/queue-publisher';
import { ImportAlreadyRunningError } from './local-import-errors';
import type { LocalImports } from './local-imports';

/** The local replica's operator API, on its local HTTP server (127.0.0.1 only): what the CLI calls. */
export const adminPaths = {
  queues: '/local/admin/queues',
  replayDeadLetters: '/local/admin/dead-letters/replay',
  enqueue: '/local/admin/messages',
  /** POST an import's Step Functions input: the replica runs it in its own process. */
  imports: '/local/admin/imports',
  /** GET the events put on the local stand-in for the bridge's bus (`?type=` one detail-type). */
  crmEvents: '/local/admin/crm-events',
} as const;

export const replayRequest = z.object({
  family: z.enum(eventFamilies),
  eventIds: z.array(z.string().min(1)).optional(),
});

/** The in-process family queues as a QueueAdmin: what the admin API serves. */
export function inProcessQueueAdmin(
  queues: Readonly<Record<EventFamily, InProcessQueue>>,
  publisher: QueuePublisher,
): QueueAdmin {
  return {
    depths: async () =>
      eventFamilies.map((family) => ({
        family,
        queued: queues[family].depth,
        deadLetters: queues[family].deadLetters.length,
      })),
    replayDeadLetters: async (family, eventIds) => {
      const wanted = eventIds && eventIds.length > 0 ? new Set(eventIds) : undefined;
      const moved = queues[family].redriveDeadLetters((body) => {
        if (!wanted) return true;
        const id = eventIdOfQueued(body);
        return id !== undefined && wanted.has(id);
      });
      return { moved };
    },
    enqueue: (message) => publisher.publish(message),
  };
}

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

function parsedBody<T>(
  schema: z.core.$ZodType<T>,
  body: string | undefined,
): { ok: true; value: T } | { ok: false; response: APIGatewayProxyStructuredResultV2 } {
  let value: unknown;
  try {
    value = JSON.parse(body ?? '');
  } catch {
    return { ok: false, response: json(400, { error: 'invalid_json' }) };
  }
  const parsed = z.safeParse(schema, value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      response: json(400, {
        error: 'invalid_request',
        message: `${issue?.path.join('.')}: ${issue?.message}`,
      }),
    };
  }
  return { ok: true, value: parsed.data };
}

/** Routes for startLocalHttpApi: queue depths, DLQ replay, enqueue one queue message. */
export function adminRoutes(admin: QueueAdmin): Record<string, HttpApiHandler> {
  return {
    [`GET ${adminPaths.queues}`]: async () => json(200, { queues: await admin.depths() }),
    [`POST ${adminPaths.replayDeadLetters}`]: async (event) => {
      const request = parsedBody(replayRequest, event.body);
      if (!request.ok) return request.response;
      return json(200, await admin.replayDeadLetters(request.value.family, request.value.eventIds));
    },
    [`POST ${adminPaths.enqueue}`]: async (event) => {
      const request = parsedBody(queueMessage, event.body);
      if (!request.ok) return request.response;
      await admin.enqueue(request.value);
      return json(202, { status: 'enqueued', eventId: request.value.eventId });
    },
  };
}

/** Route for `imports start`: 202 once the run is started in the background, never after it ends. */
export function importAdminRoutes(imports: Pick<LocalImports, 'start'>): Record<string, HttpApiHandler> {
  return {
    [`POST ${adminPaths.imports}`]: async (event) => {
      const request = parsedBody(importPagesInput, event.body);
      if (!request.ok) return request.response;
      try {
        return json(202, { status: 'started', ...imports.start(request.value) });
      } catch (error) {
        const message = (error as Error).message;
        if (error instanceof ImportAlreadyRunningError)
          return json(409, { error: 'already_running', message });
        return json(503, { error: 'imports_unavailable', message });
      }
    },
  };
}
