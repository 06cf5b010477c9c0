import { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import {
  createCrmApiHandler,
  crmApiScopeNames,
  MediaLinks,
  scopeForRequest,
  type ApiError,
  type CrmApiDeps,
  type CrmApiScope,
} from '../lambdas/crm-api';
import { OpenPhoneNetworkError, type OpenPhoneClient } from '../lambdas/openphone';
import type { HttpApiHandler } from './http-api';
import { bearerTokenMatches } from './bearer-token';

/**
 * The CRM API's OpenPhone client in the replica: its OpenPhone (the simulator or the real API)
 * starts after the replica, so the client is connected later; until then a write answers 503.
 */
export function lateOpenPhone(): {
  client: NonNullable<CrmApiDeps['openPhone']>;
  conversations: NonNullable<CrmApiDeps['openPhoneConversations']>;
  connect(client: OpenPhoneClient): void;
} {
  let connected: OpenPhoneClient | undefined;
  const current = (path: string) => {
    if (!connected) throw new OpenPhoneNetworkError({ method: 'POST', path }, 'not-connected');
    return connected;
  };
  return {
    client: {
      createContact: (input) => current('/v1/contacts').createContact(input),
      updateContact: (id, changes) => current(`/v1/contacts/${id}`).updateContact(id, changes),
    },
    conversations: {
      mark: (id, state) => current(`/v1/conversations/${id}`).conversationState.mark(id, state),
      createTask: (input) => current('/v1/tasks').tasks.create(input),
      listTasks: (filters) => current('/v1/tasks').tasks.listPage(filters),
    },
    connect: (client) => {
      connected = client;
    },
  };
}

/** A token the replica's CRM API takes besides its own, holding only these scopes (for tests). */
export interface ScopedToken {
  token: string;
  scopes: CrmApiScope[];
}

const jsonAnswer = (statusCode: number, headers: Record<string, string>, body: ApiError) => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/**
 * The CRM API as the replica serves it: the same handler, behind bearer tokens instead of
 * API Gateway's IAM or JWT authorizer (the replica has neither). Its own token holds every scope;
 * a scoped token reaches only the routes whose scope it holds, as a JWT's `scope` claim would.
 */
export function localCrmApi(
  options: Omit<CrmApiDeps, 'mediaLinks' | 'logger'> & {
    s3: S3Client;
    mediaBucket: string;
    /** @default a fresh random token */
    token?: string;
    /** @default none */
    scopedTokens?: ScopedToken[];
    logger?: Logger;
  },
): { handler: HttpApiHandler; token: string } {
  const { s3, mediaBucket, token: givenToken, scopedTokens = [], logger, ...deps } = options;
  const token = givenToken ?? randomBytes(24).toString('base64url');
  const api = createCrmApiHandler({
    ...deps,
    mediaLinks: new MediaLinks(s3, mediaBucket),
    logger: logger ?? new Logger({ serviceName: 'openphone-bridge-local' }),
  });
  const holders = [{ token, scopes: crmApiScopeNames }, ...scopedTokens].map((holder) => ({
    token: holder.token,
    scopes: new Set(holder.scopes),
  }));
  if (new Set(holders.map((h) => h.token)).size !== holders.length)
    throw new Error('each CRM API token of the replica must differ from the others');
  const handler: HttpApiHandler = async (event) => {
    const holder = holders.find((h) => bearerTokenMatches(event.headers.authorization, h.token));
    if (!holder)
      return jsonAnswer(
        401,
        { 'www-authenticate': 'Bearer' },
        { error: 'unauthorized', message: 'send Authorization: Bearer <the token npm start printed>' },
      );
    const { method } = event.requestContext.http;
    const scope = scopeForRequest(method, event.rawPath);
    if (scope && !holder.scopes.has(scope))
      return jsonAnswer(
        403,
        { 'www-authenticate': `Bearer error="insufficient_scope", scope="${scope}"` },
        {
          error: 'insufficient_scope',
          message: `${method} ${event.rawPath} needs the scope ${scope}, which this token does not hold`,
        },
      );
    return api(event);
  };
  return { handler, token };
}
