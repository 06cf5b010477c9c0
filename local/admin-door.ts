import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { bearerTokenMatches } from './bearer-token';
import type { HttpApiHandler } from './http-api';

/** The loopback names a request to the replica's own port may carry in Host; any other is a rebound DNS name. */
export function loopbackHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
}

const refusal = (
  statusCode: number,
  error: string,
  message: string,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ error, message }),
});

/** Why a request may not reach an admin route (Host, then token, then body type), or undefined. */
export function adminDoorRefusal(
  event: APIGatewayProxyEventV2,
  door: { token: string; port: number },
): APIGatewayProxyStructuredResultV2 | undefined {
  const host = (event.headers.host ?? '').toLowerCase();
  if (!loopbackHosts(door.port).includes(host))
    return refusal(
      403,
      'host_not_allowed',
      `Host ${JSON.stringify(host)} is not this replica: use ${loopbackHosts(door.port).join(', ')}`,
    );
  if (!bearerTokenMatches(event.headers.authorization, door.token))
    return refusal(
      401,
      'unauthorized',
      'send Authorization: Bearer <the token npm start printed> (also in .local/crm-api-token)',
      { 'www-authenticate': 'Bearer' },
    );
  const contentType = (event.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (event.requestContext.http.method !== 'GET' && contentType !== 'application/json')
    return refusal(
      415,
      'unsupported_media_type',
      `send Content-Type: application/json (got ${JSON.stringify(contentType || 'none')})`,
    );
  return undefined;
}

/**
 * The admin routes behind the replica's door: a loopback Host on its own port (no DNS rebinding),
 * its bearer token (no page the developer opens), and JSON bodies only (no simple cross-site POST).
 * `port` is read per request: the server knows it only once it listens.
 */
export function behindAdminDoor(
  routes: Record<string, HttpApiHandler>,
  door: { token: string; port: () => number },
): Record<string, HttpApiHandler> {
  return Object.fromEntries(
    Object.entries(routes).map(([key, handler]) => [
      key,
      async (event: APIGatewayProxyEventV2) =>
        adminDoorRefusal(event, { token: door.token, port: door.port() }) ?? handler(event),
    ]),
  );
}
