import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wireActivityToWebhooks, type ActivityTimingOptions } from './activity';
import { OpenPhoneApiError } from './errors';
import { FaultSwitches } from './faults';
import { seededRandom } from './prng';
import { RollingWindowLimiter, type RateLimitOptions } from './rate-limit';
import { RequestLog } from './request-log';
import { matchRoute } from './routes';
import { WebhookDispatcher, type WebhookDeliveryOptions, type WebhookTargetOptions } from './webhooks';
import { startTraffic, type RunningTraffic } from './traffic';
import type { TrafficRates } from './traffic-rates';
import { SimulatedWorkspace, type WorkspaceSize } from './workspace';

export interface OpenPhoneSimulatorOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /** Seed of the workspace and of every run-time choice. Default 1. */
  readonly seed?: number;
  /** The API key clients must send as `Authorization: <key>`. Default `sim-<seed>-key`. */
  readonly apiKey?: string;
  readonly workspace?: Partial<WorkspaceSize>;
  /** Seeded history ends at this instant (ms since epoch). Default 2026-01-01T00:00:00Z. */
  readonly historyEndsAt?: number;
  readonly clock?: () => number;
  readonly rateLimit?: RateLimitOptions;
  /** Where webhooks go and how they are signed; none are sent to a target when absent. */
  readonly webhookTarget?: WebhookTargetOptions;
  readonly webhookDelivery?: WebhookDeliveryOptions;
  readonly timing?: ActivityTimingOptions;
  /** An office's day of texts, calls, answers, campaign replies and undelivered sends (traffic.ts); none when absent. */
  readonly traffic?: TrafficRates;
}

export interface OpenPhoneSimulator {
  /** Base URL, e.g. `http://127.0.0.1:4010` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly apiKey: string;
  /** State, and the activity methods `receiveMessage` / `receiveCall`. */
  readonly workspace: SimulatedWorkspace;
  readonly faults: FaultSwitches;
  /** Subscriptions, deliveries, the target's signing key, `settled()`. */
  readonly webhooks: WebhookDispatcher;
  /** Every request, and `stats()`. */
  readonly requestLog: RequestLog;
  /** The office's day, with `traffic: rates`. */
  readonly traffic?: RunningTraffic;
  stop(): Promise<void>;
}

const maxBodyBytes = 1_000_000;

/** Starts a simulated OpenPhone API (v1) on 127.0.0.1. */
export async function startOpenPhoneSimulator(
  options: OpenPhoneSimulatorOptions = {},
): Promise<OpenPhoneSimulator> {
  const seed = options.seed ?? 1;
  const apiKey = options.apiKey ?? `sim-${seed}-key`;
  const clock = options.clock ?? Date.now;
  const workspace = new SimulatedWorkspace({
    seed,
    clock,
    ...(options.workspace ? { size: options.workspace } : {}),
    ...(options.historyEndsAt !== undefined ? { historyEndsAt: options.historyEndsAt } : {}),
  });
  const faults = new FaultSwitches(seededRandom(seed, 'faults'));
  const webhooks = new WebhookDispatcher(
    seededRandom(seed, 'webhooks'),
    clock,
    options.webhookTarget,
    options.webhookDelivery,
  );
  webhooks.faults = faults;
  const requestLog = new RequestLog();
  const limiter = new RollingWindowLimiter(options.rateLimit);
  const sendRetryAfter = options.rateLimit?.retryAfter ?? false;
  let baseUrl = '';

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      console.error('openphone simulator: unexpected error', error);
      if (!response.headersSent)
        respond(response, 500, new OpenPhoneApiError(500, 'gateway', 'An unknown error occurred').body());
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const matched = matchRoute(method, url.pathname);
    const routeName = matched ? `${method} ${matched.route.template}` : `${method} ${url.pathname}`;
    const rawBody = await readBody(request);
    // One instant per request: the rate limiter admits at it and the log records it.
    const arrivedAt = clock();
    const finish = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      requestLog.record({
        at: arrivedAt,
        method,
        route: routeName,
        path: url.pathname,
        status,
        outcome: 'answered',
      });
      respond(response, status, body, headers);
    };

    if (method === 'GET' && url.pathname.startsWith('/media/')) {
      finish(200, undefined, { 'content-type': 'audio/mpeg' });
      return;
    }
    if (!matched) {
      finish(404, new OpenPhoneApiError(404, 'gateway', 'no Route matched with those values').body());
      return;
    }
    const resource = matched.route.resource;
    if (request.headers.authorization !== apiKey || faults.apiKeyRevoked) {
      finish(
        401,
        new OpenPhoneApiError(401, resource, 'You are unauthorized to access this resource').body(),
      );
      return;
    }
    const admitted = limiter.tryAdmit(apiKey, arrivedAt);
    if (admitted !== true) {
      const headers: Record<string, string> = sendRetryAfter
        ? { 'retry-after': String(Math.max(1, Math.ceil(admitted / 1000))) }
        : {};
      finish(429, new OpenPhoneApiError(429, 'gateway', 'API rate limit exceeded').body(), headers);
      return;
    }
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    const routeFailure = faults.takeRouteFailure(routeName);
    if (faults.takeServerError() || routeFailure !== undefined) {
      const status = routeFailure ?? faults.serverErrorStatus;
      finish(status, new OpenPhoneApiError(status, resource, 'An unknown error occurred').body());
      return;
    }

    let body: unknown;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        finish(400, new OpenPhoneApiError(400, resource, 'The request body is not valid JSON.').body());
        return;
      }
    }
    try {
      const result = matched.route.handle({
        params: matched.params,
        search: url.searchParams,
        headers: request.headers,
        body,
        workspace,
        webhooks,
        faults,
        log: requestLog,
        baseUrl,
      });
      if (result.dropConnection) {
        requestLog.record({
          at: arrivedAt,
          method,
          route: routeName,
          path: url.pathname,
          status: result.status,
          outcome: 'reset',
        });
        request.socket.resetAndDestroy();
        return;
      }
      finish(result.status, result.body);
    } catch (error) {
      if (!(error instanceof OpenPhoneApiError)) throw error;
      finish(error.status, error.body());
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;
  const unwire = wireActivityToWebhooks(workspace, webhooks, faults, baseUrl, options.timing);
  const traffic = options.traffic
    ? startTraffic(workspace, faults, { seed, rates: options.traffic })
    : undefined;

  return {
    url: baseUrl,
    port,
    apiKey,
    workspace,
    faults,
    webhooks,
    requestLog,
    ...(traffic ? { traffic } : {}),
    async stop() {
      traffic?.stop();
      unwire();
      await webhooks.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function respond(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (body === undefined) {
    response.writeHead(status, { 'content-length': 0, ...headers });
    response.end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}
