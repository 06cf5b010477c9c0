import { readFileSync } from 'node:fs';
import { openApiDocPath, renderedOpenApiDocument } from '../../local/write-openapi';

describe('docs/crm-api.openapi.json', () => {
  it('is the document the API serves (run `npm run openapi` after changing a route or schema)', () => {
    expect(readFileSync(openApiDocPath, 'utf8')).toBe(renderedOpenApiDocument());
  });
});
