import { crmApiRoutes, matchRoute, type RouteDefinition, type RouteName } from './routes';
import type { CrmApiScope } from './scopes';

/** One route of the routes table as API Gateway declares it. */
export interface GatewayRoute {
  name: RouteName;
  method: RouteDefinition['method'];
  /** The route's path for API Gateway: the table's, with one variable name per path level. */
  path: string;
  scope: CrmApiScope;
  /** The request paths the route answers, as an `execute-api:Invoke` resource (each variable `*`). */
  invokePath: string;
}

const variable = /^\{(\w+)\}$/;

/**
 * The routes table as API Gateway routes. API Gateway refuses two variables with different names
 * at one level under one parent (`/v1/contacts/{id}` beside `/v1/contacts/{phone}/data`), so each
 * level keeps the name declared first there; the function matches the raw path itself.
 */
export function gatewayRoutes(): GatewayRoute[] {
  const namesByLevel = new Map<string, string>();
  return (Object.entries(crmApiRoutes) as [RouteName, RouteDefinition][]).map(([name, route]) => {
    const segments: string[] = [];
    for (const segment of route.path.split('/')) {
      const param = variable.exec(segment)?.[1];
      if (param === undefined) {
        segments.push(segment);
        continue;
      }
      const parent = segments.join('/');
      if (!namesByLevel.has(parent)) namesByLevel.set(parent, param);
      segments.push(`{${namesByLevel.get(parent)}}`);
    }
    return {
      name,
      method: route.method,
      path: segments.join('/'),
      scope: route.scope,
      invokePath: route.path.replace(/\{\w+\}/g, '*'),
    };
  });
}

/** The routes a scope opens. */
export function routesOfScope(scope: CrmApiScope): GatewayRoute[] {
  return gatewayRoutes().filter((route) => route.scope === scope);
}

/** The scope a request needs; none when no route answers it (the API answers 404 or 405). */
export function scopeForRequest(method: string, path: string): CrmApiScope | undefined {
  const match = matchRoute(method, path);
  return match.kind === 'route' ? crmApiRoutes[match.name].scope : undefined;
}
