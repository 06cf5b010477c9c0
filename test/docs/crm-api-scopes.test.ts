import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crmApiRoutes, crmApiScopeNames, routesOfScope } from '../../lambdas/crm-api';
import { CrmApi } from '../../lib/crm-api';

const page = readFileSync(join(__dirname, '../../docs/crm-api.md'), 'utf8');

/** The rows of the scope table in docs/crm-api.md: scope → [routes cell, grant cell]. */
const scopeRows = Object.fromEntries(
  [...page.matchAll(/^\| `(crm\/\w+)` +\| (.+?) +\| `(\w+)` +\|$/gm)].map(([, scope, routes, grant]) => [
    scope!,
    { routes: routes!, grant: grant! },
  ]),
);

describe('docs/crm-api.md, "Authentication"', () => {
  it('lists every scope with the routes the routes table gives it and the grant that opens them', () => {
    expect(Object.keys(scopeRows).sort()).toEqual([...crmApiScopeNames].sort());
    for (const scope of crmApiScopeNames) {
      const { routes, grant } = scopeRows[scope]!;
      expect(typeof (CrmApi.prototype as unknown as Record<string, unknown>)[grant]).toBe('function');
      if (scope === 'crm/read') {
        expect(routes).toMatch(/^every `GET`/);
        expect(routesOfScope(scope).map((r) => r.method)).toEqual(routesOfScope(scope).map(() => 'GET'));
        continue;
      }
      const listed = [...routes.matchAll(/`([A-Z]+ \/v1\/[^`]+)`/g)].map(([, route]) => route!).sort();
      const declared = routesOfScope(scope)
        .map((r) => `${r.method} ${crmApiRoutes[r.name].path}`)
        .sort();
      expect([scope, listed]).toEqual([scope, declared]);
    }
  });
});
