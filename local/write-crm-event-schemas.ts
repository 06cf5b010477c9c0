// `npm run schemas`: writes the JSON Schema of each CRM event's detail to docs/crm-events/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crmEventJsonSchema, crmEventTypes, type CrmEventType } from '../lambdas/crm-events';

export const crmEventSchemasDir = join(__dirname, '..', 'docs', 'crm-events');

export const crmEventSchemaFile = (type: CrmEventType) => join(crmEventSchemasDir, `${type}.schema.json`);

export const renderedCrmEventSchema = (type: CrmEventType): string =>
  `${JSON.stringify(crmEventJsonSchema(type), null, 2)}\n`;

if (require.main === module) {
  mkdirSync(crmEventSchemasDir, { recursive: true });
  for (const type of crmEventTypes) {
    writeFileSync(crmEventSchemaFile(type), renderedCrmEventSchema(type));
    console.log(`wrote ${crmEventSchemaFile(type)}`);
  }
}
