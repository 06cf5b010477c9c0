// The history-import capability's public surface: what other capabilities, lib/ and cli/ may use.
import { join } from 'node:path';
export { ImportRepository, importTableKeys } from './adapters/import-repository';
export type { ImportRun } from './adapters/import-repository';
export { importPagesInput, importRecordKinds } from './domain/import-plan';
export type { ImportError, ImportRequest } from './domain/import-plan';
export { estimateImport, newImportId, totalRecords } from './domain/import-progress';
export type { ImportEstimate } from './domain/import-progress';
export { importEnvironmentNames } from './environment';
export { messageListings } from './domain/import-settings';
export type { MessageListing } from './domain/import-settings';

/** The import Lambda's entry file, for the CDK construct to bundle. */
export const historyImportEntry = join(__dirname, 'handler.ts');
