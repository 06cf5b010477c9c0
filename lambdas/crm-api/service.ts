import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { InvalidCursorError } from '../crm';
import type { ApiError } from './domain/resources';
import { matchRoute, type RouteName } from './domain/routes';
import { ApiRequestError } from './errors';
import { messageRoutes, type MessageRouteDeps } from './routes/messages';
import { contactRoutes, type ContactWriteRouteDeps } from './routes/contacts';
import { eraseRoutes, type EraseRouteDeps } from './routes/erase';
import { readRoutes, type ReadRouteDeps } from './routes/reads';
import { suppressionRoutes, type SuppressionRouteDeps } from './routes/suppressions';
import { userRoutes, type UserRouteDeps } from './routes/users';
import { conversationRoutes, type ConversationRouteDeps } from './routes/conversations';
import { conversationActionRoutes, type ConversationActionRouteDeps } from './routes/conversation-actions';
import { reportRoutes, type ReportRouteDeps } from './routes/reports';
import { json, type Response, type RouteHandlers } from './routes/types';

// Each group of routes lives in routes/<group>.ts with the dependencies it needs; this file
// matches the request, reads its body and turns refusals into the one error shape.
export type CrmApiDeps = ReadRouteDeps &
  MessageRouteDeps &
  ContactWriteRouteDeps &
  SuppressionRouteDeps &
  UserRouteDeps &
  EraseRouteDeps &
  ConversationRouteDeps &
  ConversationActionRouteDeps &
  ReportRouteDeps & {
    logger: Pick<Logger, 'error' | 'info'>;
  };

const failure = (status: number, error: ApiError, headers?: Record<string, string>) =>
  json(status, error, headers);

/** The JSON body of a request: `undefined` when there is none, a 400 when it is not JSON. */
function readBody(event: APIGatewayProxyEventV2): unknown {
  if (event.body === undefined || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiRequestError(400, 'invalid_json', 'the request body is not valid JSON', 'body');
  }
}

/** The caller as API Gateway's authorizer identified it (IAM or JWT); none behind the replica's token. */
function callerOf(event: APIGatewayProxyEventV2): { caller?: string } {
  const authorizer = (event.requestContext as { authorizer?: Record<string, unknown> }).authorizer;
  const iam = authorizer?.iam as { userArn?: string } | undefined;
  const jwt = authorizer?.jwt as { claims?: Record<string, unknown> } | undefined;
  const caller = iam?.userArn ?? (typeof jwt?.claims?.sub === 'string' ? jwt.claims.sub : undefined);
  return caller ? { caller } : {};
}

/** /v1/…: one Lambda behind one authorized route; the routes table says what each path does. */
export function createCrmApiHandler(deps: CrmApiDeps) {
  const routes: RouteHandlers<RouteName> = {
    ...readRoutes(deps),
    ...messageRoutes(deps),
    ...contactRoutes(deps),
    ...suppressionRoutes(deps),
    ...userRoutes(deps),
    ...eraseRoutes(deps),
    ...conversationRoutes(deps),
    ...conversationActionRoutes(deps),
    ...reportRoutes(deps),
  };

  return async (event: APIGatewayProxyEventV2): Promise<Response> => {
    const match = matchRoute(event.requestContext.http.method, event.rawPath);
    if (match.kind === 'not-found')
      return failure(404, { error: 'not_found', message: `no route ${event.rawPath}` });
    if (match.kind === 'method-not-allowed')
      return failure(
        405,
        { error: 'method_not_allowed', message: `use ${match.allowed.join(', ')}` },
        { allow: match.allowed.join(', ') },
      );
    try {
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
      return await routes[match.name]({
        params: match.params,
        query: event.queryStringParameters ?? {},
        headers,
        body: readBody(event),
        ...callerOf(event),
      });
    } catch (error) {
      if (error instanceof ApiRequestError)
        return failure(
          error.status,
          {
            error: error.code,
            message: error.message,
            ...(error.field ? { field: error.field } : {}),
            ...(error.openPhoneStatus ? { status: error.openPhoneStatus } : {}),
          },
          error.headers,
        );
      if (error instanceof InvalidCursorError)
        return failure(400, { error: 'invalid_cursor', message: error.message, field: 'cursor' });
      deps.logger.error('CRM API request failed', { route: match.name, error: error as Error });
      return failure(500, {
        error: 'internal_error',
        message: 'the request could not be answered; try again',
      });
    }
  };
}
