import {
  crmApiRoutes,
  crmApiScopeNames,
  gatewayRoutes,
  routesOfScope,
  scopeForRequest,
} from '../../../lambdas/crm-api';

/** A request path a route answers: each variable filled with an E.164 number, encoded. */
const sampleRequest = (path: string) => path.replace(/\{\w+\}/g, '%2B15555550123');

/** An `execute-api:Invoke` resource path as IAM matches it: `*` is any run of characters, `/` included. */
const iamPattern = (invokePath: string) =>
  new RegExp(
    `^${invokePath
      .split('*')
      .map((part) => part.replace(/[.?+^$()[\]{}|\\]/g, '\\$&'))
      .join('.*')}$`,
  );

describe('CRM API scopes', () => {
  it('puts every GET in crm/read and every change in the scope of what it does', () => {
    const scopeOf = Object.fromEntries(
      Object.values(crmApiRoutes).map((route) => [`${route.method} ${route.path}`, route.scope]),
    );
    for (const [route, scope] of Object.entries(scopeOf))
      expect([route, scope === 'crm/read']).toEqual([route, route.startsWith('GET ')]);
    expect(scopeOf).toMatchObject({
      'POST /v1/messages': 'crm/send',
      'POST /v1/contacts': 'crm/contacts',
      'PUT /v1/contacts/{id}': 'crm/contacts',
      'PUT /v1/suppressions/{phone}': 'crm/suppressions',
      'DELETE /v1/suppressions/{phone}': 'crm/suppressions',
      'DELETE /v1/contacts/{phone}/data': 'crm/erase',
      'POST /v1/conversations/{id}/done': 'crm/conversations',
      'POST /v1/conversations/{id}/open': 'crm/conversations',
      'POST /v1/conversations/{id}/tasks': 'crm/conversations',
      'GET /v1/conversations/{id}/tasks': 'crm/read',
    });
    for (const scope of crmApiScopeNames)
      expect([scope, routesOfScope(scope).length > 0]).toEqual([scope, true]);
  });

  it('tells the scope a request needs from its method and raw path, and none for a path no route answers', () => {
    expect(scopeForRequest('GET', '/v1/contacts/%2B15555550123/timeline')).toBe('crm/read');
    expect(scopeForRequest('DELETE', '/v1/contacts/%2B15555550123/data')).toBe('crm/erase');
    expect(scopeForRequest('DELETE', '/v1/suppressions/%2B15555550123')).toBe('crm/suppressions');
    expect(scopeForRequest('post', '/v1/messages')).toBe('crm/send');
    expect(scopeForRequest('POST', '/v1/conversations/CN123/done')).toBe('crm/conversations');
    expect(scopeForRequest('GET', '/v1/conversations/CN123/tasks')).toBe('crm/read');
    expect(scopeForRequest('PATCH', '/v1/messages')).toBeUndefined();
    expect(scopeForRequest('GET', '/v1/nothing')).toBeUndefined();
  });

  it("gives API Gateway one variable name per path level, as it requires, and the table's requests still match", () => {
    const routes = gatewayRoutes();
    expect(routes.length).toBe(Object.keys(crmApiRoutes).length);
    expect(routes.length).toBeLessThan(300); // API Gateway's routes per HTTP API
    const variableNames = new Map<string, Set<string>>();
    for (const { path } of routes) {
      const segments = path.split('/');
      segments.forEach((segment, i) => {
        const name = /^\{(\w+)\}$/.exec(segment)?.[1];
        if (!name) return;
        const parent = segments.slice(0, i).join('/');
        variableNames.set(parent, new Set([...(variableNames.get(parent) ?? []), name]));
      });
    }
    for (const [parent, names] of variableNames)
      expect([parent, [...names]]).toEqual([parent, [...names].slice(0, 1)]);
    for (const route of routes) {
      const declared = crmApiRoutes[route.name];
      expect(route.path.replace(/\{\w+\}/g, '{}')).toBe(declared.path.replace(/\{\w+\}/g, '{}'));
      expect(route.invokePath).toBe(declared.path.replace(/\{\w+\}/g, '*'));
    }
  });

  it("grants one scope's routes in IAM without matching any request of another scope's routes", () => {
    const routes = gatewayRoutes();
    for (const scope of crmApiScopeNames) {
      const granted = routesOfScope(scope).map((r) => ({
        method: r.method,
        pattern: iamPattern(r.invokePath),
      }));
      const reached = routes
        .filter((route) =>
          granted.some((g) => g.method === route.method && g.pattern.test(sampleRequest(route.path))),
        )
        .map((route) => route.name);
      expect([scope, reached.sort()]).toEqual([
        scope,
        routesOfScope(scope)
          .map((r) => r.name)
          .sort(),
      ]);
    }
  });
});
