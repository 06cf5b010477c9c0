// `npm run openapi`: writes the CRM API's OpenAPI document to docs/crm-api.openapi.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crmApiDocument } from '../lambdas/crm-api';

export const openApiDocPath = join(__dirname, '..', 'docs', 'crm-api.openapi.json');

export const renderedOpenApiDocument = (): string => `${JSON.stringify(crmApiDocument(), null, 2)}\n`;

if (require.main === module) {
  writeFileSync(openApiDocPath, renderedOpenApiDocument());
  console.log(`wrote ${openApiDocPath}`);
}
