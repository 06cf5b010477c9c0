import { z } from 'zod';
import { activity, activityPage, contact, contactList } from './resources';
import { messageRoutes } from './message-routes';
import { contactWriteRoutes } from './contact-write-routes';
import { pageQuery, timelineQuery } from './requests';
import { suppressionRoutes } from './suppression-routes';
import { eraseRoutes } from './erase-routes';
import { userRoutes } from './user-routes';
import type { CrmApiScope } from './scopes';
import { conversationRoutes } from './conversation-routes';
import { conversationActionRoutes } from './conversation-action-routes';
import { reportRoutes } from './report-routes';

/**
 * The routes of the CRM API, declared once: the router matches requests against them and the
 * OpenAPI document is generated from them, so the two cannot drift apart.
 */
export const crmApiRoutes = {
  getActivity: {
    method: 'GET',
    path: '/v1/activities/{id}',
    scope: 'crm/read',
    summary: 'One activity: text, media, recordings, voicemail, summary, next steps and transcript',
    params: z.object({ id: z.string() }),
    response: activity,
  },
  contactTimeline: {
    method: 'GET',
    path: '/v1/contacts/{phone}/timeline',
    scope: 'crm/read',
    summary: "A contact's activities, newest first",
    params: z.object({ phone: z.string().meta({ description: 'E.164, URL-encoded (`%2B15555550123`).' }) }),
    query: timelineQuery,
    response: activityPage,
  },
  conversationActivities: {
    method: 'GET',
    path: '/v1/conversations/{id}/activities',
    scope: 'crm/read',
    summary: "A conversation's activities, newest first",
    params: z.object({ id: z.string() }),
    query: pageQuery,
    response: activityPage,
  },
  getContact: {
    method: 'GET',
    path: '/v1/contacts/{id}',
    scope: 'crm/read',
    summary: 'One contact by its OpenPhone id',
    params: z.object({ id: z.string() }),
    response: contact,
  },
  findContacts: {
    method: 'GET',
    path: '/v1/contacts',
    scope: 'crm/read',
    summary: 'The contacts that have a phone number',
    query: z.object({ phone: z.string().meta({ description: 'E.164.' }) }),
    response: contactList,
  },
  openApiDocument: {
    method: 'GET',
    path: '/v1/openapi.json',
    scope: 'crm/read',
    summary: 'This document',
    response: z.record(z.string(), z.unknown()),
  },
  ...messageRoutes,
  ...contactWriteRoutes,
  ...suppressionRoutes,
  ...userRoutes,
  ...eraseRoutes,
  ...conversationRoutes,
  ...conversationActionRoutes,
  ...reportRoutes,
} as const satisfies Record<string, RouteDefinition>;

export interface RouteDefinition {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** What a caller must hold to reach the route: the JWT scope, and the grant (`grantRead`…) in IAM mode. */
  scope: CrmApiScope;
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Request headers the route reads (e.g. `Idempotency-Key`), lower-case names. */
  headers?: z.ZodObject;
  /** The JSON request body. */
  body?: z.ZodType;
  /** The success status. @default 200 */
  status?: 200 | 201 | 202 | 204;
  response: z.ZodType;
  /** Error statuses beyond 400/401/403/404 the route answers, with what each means. */
  errors?: Partial<Record<409 | 412 | 422 | 429 | 502 | 503, string>>;
}

export type RouteName = keyof typeof crmApiRoutes;

export type RouteMatch =
  | { kind: 'route'; name: RouteName; params: Record<string, string> }
  | { kind: 'not-found' }
  | { kind: 'method-not-allowed'; allowed: string[] };

const compiled = Object.entries(crmApiRoutes).map(([name, route]) => {
  const names: string[] = [];
  const pattern = route.path.replace(/\{(\w+)\}/g, (_m, param: string) => {
    names.push(param);
    return '([^/]+)';
  });
  return {
    name: name as RouteName,
    method: route.method as string,
    regex: new RegExp(`^${pattern}$`),
    names,
  };
});

/** Which route a request is for; a path segment that does not decode is not a route. */
export function matchRoute(method: string, path: string): RouteMatch {
  const matching = compiled.filter((r) => r.regex.test(path));
  if (matching.length === 0) return { kind: 'not-found' };
  // `/v1/contacts/{id}` must not swallow `/v1/contacts/{phone}/timeline`: the regexes are anchored.
  const route = matching.find((r) => r.method === method.toUpperCase());
  if (!route) return { kind: 'method-not-allowed', allowed: [...new Set(matching.map((r) => r.method))] };
  const values = route.regex.exec(path)!.slice(1);
  const params: Record<string, string> = {};
  for (const [i, name] of route.names.entries()) {
    try {
      params[name] = decodeURIComponent(values[i]!);
    } catch {
      return { kind: 'not-found' };
    }
  }
  return { kind: 'route', name: route.name, params };
}
