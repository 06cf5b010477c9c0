import { ApiRequestError } from '../errors';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { RouteName } from '../domain/routes';

export type Response = APIGatewayProxyStructuredResultV2;

/** What a route handler is given: decoded path parameters, the query, lower-case headers and the parsed JSON body. */
export interface Request {
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  /** The JSON body, parsed; `undefined` when the request had none. */
  body: unknown;
  /** Who is calling, as the authorizer said (an IAM ARN, a JWT subject); kept on audit entries. */
  caller?: string;
}

export type RouteHandler = (request: Request) => Promise<Response>;
export type RouteHandlers<Name extends RouteName = RouteName> = Record<Name, RouteHandler>;

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): Response => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

/** A route's dependency, or a 503 `<what>_not_configured` naming what this API was built without. */
export function configured<T>(
  dependency: T | undefined,
  what: string,
  message = `this API was started without ${what}`,
): T {
  if (dependency === undefined) throw new ApiRequestError(503, `${what}_not_configured`, message);
  return dependency;
}
