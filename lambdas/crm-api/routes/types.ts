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
