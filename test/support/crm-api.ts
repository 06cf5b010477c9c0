import type { createCrmApiHandler } from '../../lambdas/crm-api';
import { crmApiDocument } from '../../lambdas/crm-api';
import { apiGatewayEvent } from '../../local/http-api';
import { createOpenApiValidator, type HttpMethod, type OpenApiDocument } from './openapi';

export interface CrmApiAnswer {
  status: number | undefined;
  headers: Record<string, string | number | boolean>;
  body: Record<string, unknown>;
}

/**
 * Calls the CRM API handler as API Gateway would; every answer (success or refusal) is checked
 * against the generated OpenAPI document, so a route cannot answer what it does not document.
 */
export function crmApiCaller(api: ReturnType<typeof createCrmApiHandler>) {
  const validator = createOpenApiValidator(crmApiDocument() as unknown as OpenApiDocument);
  return async function call(
    method: HttpMethod,
    path: string,
    options: {
      body?: unknown;
      headers?: Record<string, string>;
      /** The JWT subject API Gateway's authorizer identified. */
      jwtSubject?: string;
    } = {},
  ): Promise<CrmApiAnswer> {
    const body = options.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(options.body));
    const event = apiGatewayEvent({
      method,
      path,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body,
    });
    if (options.jwtSubject)
      Object.assign(event.requestContext, { authorizer: { jwt: { claims: { sub: options.jwtSubject } } } });
    const response = await api(event);
    const parsed = JSON.parse(response.body ?? 'null') as Record<string, unknown>;
    const template = validator.templateOf(method, path.split('?')[0]!);
    if (template)
      expect(validator.validateResponse(method, template, response.statusCode ?? 200, parsed)).toEqual({
        valid: true,
      });
    return { status: response.statusCode, headers: response.headers ?? {}, body: parsed };
  };
}
