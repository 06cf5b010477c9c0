import { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { createCrmApiHandler, MediaLinks, type CrmApiDeps } from '../lambdas/crm-api';
import { OpenPhoneNetworkError, type OpenPhoneClient } from '../lambdas/openphone';
import type { HttpApiHandler } from './http-api';
import { bearerTokenMatches } from './bearer-token';

/**
 * The CRM API's OpenPhone client in the replica: its OpenPhone (the simulator or the real API)
 * starts after the replica, so the client is connected later; until then a write answers 503.
 */
export function lateOpenPhone(): {
  client: NonNullable<CrmApiDeps['openPhone']>;
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
    connect: (client) => {
      connected = client;
    },
  };
}

/**
 * The CRM API as the replica serves it: the same handler, behind a bearer token instead of
 * API Gateway's IAM or JWT authorizer (the replica has neither).
 */
export function localCrmApi(
  options: Omit<CrmApiDeps, 'mediaLinks' | 'logger'> & {
    s3: S3Client;
    mediaBucket: string;
    /** @default a fresh random token */
    token?: string;
    logger?: Logger;
  },
): { handler: HttpApiHandler; token: string } {
  const { s3, mediaBucket, token: givenToken, logger, ...deps } = options;
  const token = givenToken ?? randomBytes(24).toString('base64url');
  const api = createCrmApiHandler({
    ...deps,
    mediaLinks: new MediaLinks(s3, mediaBucket),
    logger: logger ?? new Logger({ serviceName: 'openphone-bridge-local' }),
  });
  const handler: HttpApiHandler = async (event) => {
    if (!bearerTokenMatches(event.headers.authorization, token))
      return {
        statusCode: 401,
        headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' },
        body: JSON.stringify({
          error: 'unauthorized',
          message: 'send Authorization: Bearer <the token npm start printed>',
        }),
      };
    return api(event);
  };
  return { handler, token };
}
