import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import { OpenPhoneApiError, type ApiResource } from './errors';
import type { FaultSwitches } from './faults';
import type { RequestLog } from './request-log';
import { parseOr400, queryObject } from './requests';
import type { WebhookDispatcher } from './webhooks';
import type { SimulatedWorkspace } from './workspace';

/** What a route handler gets and returns, and the pieces every route file shares. */
export interface RouteContext {
  readonly params: Record<string, string>;
  readonly search: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly workspace: SimulatedWorkspace;
  readonly webhooks: WebhookDispatcher;
  readonly faults: FaultSwitches;
  readonly log: RequestLog;
  readonly baseUrl: string;
}

export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
  /** Record the effect, then reset the connection instead of answering. */
  readonly dropConnection?: boolean;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** OpenAPI-style template, e.g. `/v1/messages/{id}`. */
  readonly template: string;
  readonly resource: ApiResource;
  /** false for operations documented by OpenPhone but absent from the bundled OpenAPI v1 file. */
  readonly inOpenApiDocument: boolean;
  readonly handle: (context: RouteContext) => RouteResult;
  readonly pattern: RegExp;
}

export function route(
  method: Route['method'],
  template: string,
  resource: ApiResource,
  handle: Route['handle'],
  inOpenApiDocument = true,
): Route {
  const pattern = new RegExp(`^${template.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`);
  return { method, template, resource, handle, pattern, inOpenApiDocument };
}

export const ok = (body: unknown, status = 200): RouteResult => ({ status, body });
export const notFound = (resource: ApiResource, message: string) =>
  new OpenPhoneApiError(404, resource, message);
export const timeMs = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

export function query<T extends z.ZodType>(
  context: RouteContext,
  schema: T,
  resource: ApiResource,
  arrays: string[] = [],
): z.infer<T> {
  return parseOr400(schema, queryObject(context.search, arrays), resource);
}
