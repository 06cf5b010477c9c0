import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { signingKeysValue, type SigningKeySource } from '../lambdas/ingest/adapters/signing-keys';

/** Where the local replica keeps the signing keys it accepts, as `{"keys": [...]}` (the parameter's JSON). */
export const localSigningKeysFile = '.local/signing-keys.json';

/** The keys in the file; none when it does not exist. A file that is not `{"keys": [string]}` is an error naming it. */
export function readSigningKeysFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not JSON`);
  }
  const keys = signingKeysValue.safeParse(parsed);
  if (!keys.success) throw new Error(`${path} is not {"keys": [string, …]}`);
  return keys.data.keys;
}

/** Replaces the file's keys in one rename, so the replica never reads half a file. */
export function writeSigningKeysFile(path: string, keys: readonly string[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ keys: [...new Set(keys)] }, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

/**
 * Signing keys read from a file, which `npm run cli -- webhooks register` adds to: read once, and
 * again whenever a signature fails (refreshedSigningKeys), so a key registered a moment ago is accepted.
 */
export function fileSigningKeys(path: string): SigningKeySource {
  let cached: string[] | undefined;
  const read = () => (cached = readSigningKeysFile(path));
  return {
    signingKeys: async () => cached ?? read(),
    refreshedSigningKeys: async () => read(),
  };
}
