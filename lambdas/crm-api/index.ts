// The crm-api capability's public surface: what lib/, local/ and cli/ may use.
import { join } from 'node:path';
export { MediaLinks } from './adapters/media-links';
export { crmApiDocument } from './domain/openapi';
export { crmApiRoutes } from './domain/routes';
export { createCrmApiHandler } from './service';
export type { CrmApiDeps } from './service';

/** The CRM API Lambda's entry file, for the CDK construct to bundle. */
export const crmApiEntry = join(__dirname, 'handler.ts');
