import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** An HTTP API (payload v2) event for POST /webhooks/openphone, as API Gateway builds it. */
export function webhookRequestEvent(
  body: string | Buffer,
  headers: Record<string, string>,
  options: { base64?: boolean } = {},
): APIGatewayProxyEventV2 {
  const raw = typeof body === 'string' ? Buffer.from(body) : body;
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/openphone',
    rawPath: '/webhooks/openphone',
    rawQueryString: '',
    headers: Object.fromEntries(
      Object.entries({ 'content-type': 'application/json', ...headers }).map(([k, v]) => [
        k.toLowerCase(),
        v,
      ]),
    ),
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: 'POST',
        path: '/webhooks/openphone',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
      },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey: 'POST /webhooks/openphone',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: options.base64 ? raw.toString('base64') : raw.toString('utf8'),
    isBase64Encoded: options.base64 ?? false,
  };
}
