import { OpenApiGeneratorV31, OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { crmApiRoutes, type RouteDefinition } from './routes';
import { apiError } from './resources';
import { crmApiScopes } from './scopes';

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: apiError } },
});

/** The OpenAPI 3.1 document of the CRM API, generated from the schemas that validate it. */
export function crmApiDocument(serverUrl?: string): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  const sigv4 = registry.registerComponent('securitySchemes', 'sigv4', {
    type: 'apiKey',
    name: 'Authorization',
    in: 'header',
    description:
      "AWS Signature Version 4 (IAM, the default): the operation's scope names the grant that opens it (`crm/read` is `grantRead`, `crm/send` `grantSend`…; `grantInvoke` opens every one).",
  });
  const scopeList = Object.entries(crmApiScopes)
    .map(([scope, what]) => `\`${scope}\`: ${what}`)
    .join(' ');
  const jwt = registry.registerComponent('securitySchemes', 'jwt', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: `When the stage configures a JWT authorizer: the token's \`scope\` claim must hold the operation's scope. ${scopeList}`,
  });
  for (const route of Object.values(crmApiRoutes) as RouteDefinition[]) {
    registry.registerPath({
      method: route.method.toLowerCase() as 'get',
      path: route.path,
      summary: route.summary,
      security: [{ [sigv4.name]: [route.scope] }, { [jwt.name]: [route.scope] }],
      request: {
        ...(route.params ? { params: route.params } : {}),
        ...(route.query ? { query: route.query } : {}),
        ...(route.headers ? { headers: route.headers } : {}),
        ...(route.body
          ? { body: { required: true, content: { 'application/json': { schema: route.body } } } }
          : {}),
      },
      responses: {
        [route.status ?? 200]:
          route.status === 204
            ? { description: 'Done' }
            : { description: 'OK', content: { 'application/json': { schema: route.response } } },
        400: errorResponse('A parameter is not valid: `field` names it.'),
        401: errorResponse('No valid credentials.'),
        403: errorResponse(`The credentials do not hold \`${route.scope}\`.`),
        404: errorResponse('No such record.'),
        ...Object.fromEntries(
          Object.entries(route.errors ?? {}).map(([status, description]) => [
            status,
            errorResponse(description),
          ]),
        ),
      },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'OpenPhone Bridge CRM API',
      version: '1',
      description:
        'Read what the bridge recorded from OpenPhone (activities, timelines, contacts), write contacts through to OpenPhone, and manage suppressions.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
  }) as unknown as Record<string, unknown>;
}
