// The ingest capability's public surface: what other capabilities, lib/ and cli/ may use.
import { join } from 'node:path';
export { signingKeysValue } from './adapters/signing-keys';

/** The ingest Lambda's entry file, for the CDK construct to bundle. */
export const ingestEntry = join(__dirname, 'handler.ts');
