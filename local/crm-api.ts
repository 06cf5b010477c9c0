import { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createCrmApiHandler, MediaLinks, type CrmApiDeps } from '../lambdas/crm-api';
import type { HttpApiHandler } from './http-api';

/**
 * The CRM API as the replica serves it: the same handler, behind a bearer token instead of
 * API Gateway's IAM or JWT authorizer (the replica has neither).
 */
export function localCrmApi(options: {
  activities: CrmApiDeps['activities'];
  contacts: CrmApiDeps['contacts'];
  directory: CrmApiDeps['directory'];
  erasure: CrmApiDeps['erasure'];
  s3: S3Client;
  mediaBucket: string;
  /** @default a fresh random token */
  token?: string;
  logger?: Logger;
}): { handler: HttpApiHandler; token: string } {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const api = createCrmApiHandler({
    activities: options.activities,
    contacts: options.contacts,
    directory: options.directory,
    erasure: options.erasure,
    mediaLinks: new MediaLinks(options.s3, options.mediaBucket),
    logger: options.logger ?? new Logger({ serviceName: 'openphone-bridge-local' }),
  });
  const expected = Buffer.from(`Bearer ${token}`);
  const handler: HttpApiHandler = async (event) => {
    const given = Buffer.from(event.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
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
