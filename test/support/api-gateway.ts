import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { apiGatewayEvent } from '../../local/http-api';

/** An HTTP API (payload v2) event for POST /webhooks/openphone, as API Gateway builds it. */
export function webhookRequestEvent(
  body: string | Buffer,
  headers: Record<string, string>,
  options: { base64?: boolean } = {},
): APIGatewayProxyEventV2 {
  return apiGatewayEvent({
    method: 'POST',
    path: '/webhooks/openphone',
    headers: { 'content-type': options.base64 ? 'application/octet-stream' : 'application/json', ...headers },
    body: typeof body === 'string' ? Buffer.from(body) : body,
  });
}
