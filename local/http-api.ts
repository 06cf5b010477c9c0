import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** API Gateway passes these content types as text; anything else arrives base64-encoded. */
const textContent = /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript)|[^;]*\+json)/i;
const maxPayloadBytes = 10 * 1024 * 1024; // HTTP API's own limit

export interface ApiGatewayEventInput {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  sourceIp?: string;
}

/** An HTTP API payload v2 event, as API Gateway builds it: lower-cased headers, base64 for non-text bodies. */
export function apiGatewayEvent(input: ApiGatewayEventInput): APIGatewayProxyEventV2 {
  const headers = Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const base64 = input.body.length > 0 && !textContent.test(headers['content-type'] ?? '');
  const [rawPath, rawQueryString = ''] = input.path.split('?') as [string, string?];
  const routeKey = `${input.method} ${rawPath}`;
  // Like API Gateway: decoded values, a repeated parameter's values joined with commas.
  const queryStringParameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString))
    queryStringParameters[name] =
      name in queryStringParameters ? `${queryStringParameters[name]},${value}` : value;
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers,
    ...(rawQueryString ? { queryStringParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: input.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: input.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(input.body.length > 0 ? { body: input.body.toString(base64 ? 'base64' : 'utf8') } : {}),
    isBase64Encoded: base64,
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxPayloadBytes) return 'too_large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Whether a route path answers a request path: `{name}` is one segment, a final `/*` any rest (`{proxy+}`). */
function routePathAnswers(routePath: string, path: string): boolean {
  if (routePath.endsWith('/*')) return path.startsWith(routePath.slice(0, -1));
  const expected = routePath.split('/');
  const given = path.split('/');
  return (
    expected.length === given.length &&
    expected.every((segment, i) => (/^\{\w+\}$/.test(segment) ? given[i] !== '' : segment === given[i]))
  );
}

/** The handler of `METHOD /path`, else of the first route such as `METHOD /items/{id}` or `METHOD /prefix/*` that answers it. */
function routeFor(
  routes: Record<string, HttpApiHandler>,
  method: string,
  path: string,
): HttpApiHandler | undefined {
  const exact = routes[`${method} ${path}`];
  if (exact) return exact;
  const matching = Object.keys(routes).find((key) => {
    const [routeMethod, routePath = ''] = key.split(' ');
    return routeMethod === method && routePathAnswers(routePath, path);
  });
  return matching ? routes[matching] : undefined;
}

/** A local stand-in for an HTTP API: routes `METHOD /path` to handlers with payload v2 events. */
export async function startLocalHttpApi(options: {
  port: number;
  host?: string;
  routes: Record<string, HttpApiHandler>;
}): Promise<{ url: string; server: Server; stop(): Promise<void> }> {
  const server = createServer(async (request, response) => {
    const path = request.url ?? '/';
    const handler = routeFor(options.routes, request.method ?? 'GET', path.split('?')[0]!);
    const send = (
      status: number,
      body: string,
      headers: Record<string, string> = { 'content-type': 'application/json' },
    ) => {
      response.writeHead(status, headers);
      response.end(body);
    };
    if (!handler) return send(404, JSON.stringify({ message: 'Not Found' }));
    const body = await readBody(request);
    if (body === 'too_large') return send(413, JSON.stringify({ message: 'Request Entity Too Large' }));
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
    );
    try {
      const result = await handler(
        apiGatewayEvent({
          method: request.method ?? 'GET',
          path,
          headers,
          body,
          sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        }),
      );
      const resultHeaders = Object.fromEntries(
        Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]),
      );
      send(result.statusCode ?? 200, result.body ?? '', resultHeaders);
    } catch {
      send(500, JSON.stringify({ message: 'Internal Server Error' })); // what API Gateway answers when the function fails
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    server,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
