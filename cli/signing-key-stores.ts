import {
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { signingKeysValue } from '../lambdas/ingest';
import { readSigningKeysFile, writeSigningKeysFile } from '../local/file-signing-keys';
import { CommandFailure } from './errors';

/** Where the ingest reads the webhook signing keys: the operator adds and removes keys here. */
export interface SigningKeyStore {
  /** Says where, for messages: `the signing-keys parameter /openphone-bridge/…`, `.local/signing-keys.json`. */
  readonly name: string;
  keys(): Promise<string[]>;
  /** Adds the keys not already there, keeping every existing key. */
  add(keys: readonly string[]): Promise<{ added: number }>;
  remove(keys: readonly string[]): Promise<{ removed: number }>;
}

function merged(existing: readonly string[], adding: readonly string[]) {
  const next = [...new Set([...existing, ...adding])];
  return { next, added: next.length - new Set(existing).size };
}

/** The `{"keys": [...]}` file the local replica reads (it re-reads it when a signature fails). */
export function fileSigningKeyStore(path: string): SigningKeyStore {
  const read = () => {
    try {
      return readSigningKeysFile(path);
    } catch (error) {
      throw new CommandFailure((error as Error).message);
    }
  };
  return {
    name: path,
    keys: async () => read(),
    add: async (keys) => {
      const { next, added } = merged(read(), keys);
      if (added > 0) writeSigningKeysFile(path, next);
      return { added };
    },
    remove: async (keys) => {
      const existing = read();
      const next = existing.filter((k) => !keys.includes(k));
      if (next.length !== existing.length) writeSigningKeysFile(path, next);
      return { removed: existing.length - next.length };
    },
  };
}

/**
 * The stack's signing-keys SecureString parameter. Other fields of its JSON are kept as they are; a
 * value that is not `{"keys": [...]}` is never overwritten; one not put yet is created.
 */
export function parameterSigningKeyStore(ssm: SSMClient, parameterName: string): SigningKeyStore {
  const name = `the signing-keys parameter ${parameterName}`;
  const read = async () => {
    const text = await readSecureParameter(ssm, parameterName);
    if (text === undefined) return { value: {}, keys: [] };
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new CommandFailure(`${name} is not JSON: fix it by hand before changing keys`);
    }
    const parsed = signingKeysValue.safeParse(value);
    if (!parsed.success)
      throw new CommandFailure(`${name} is not {"keys": [string, …]}: fix it by hand first`);
    return { value, keys: parsed.data.keys };
  };
  const write = (value: Record<string, unknown>, keys: string[]) =>
    writeSecureParameter(ssm, parameterName, JSON.stringify({ ...value, keys }));
  return {
    name,
    keys: async () => (await read()).keys,
    add: async (keys) => {
      const current = await read();
      const { next, added } = merged(current.keys, keys);
      if (added > 0) await write(current.value, next);
      return { added };
    },
    remove: async (keys) => {
      const current = await read();
      const next = current.keys.filter((k) => !keys.includes(k));
      if (next.length !== current.keys.length) await write(current.value, next);
      return { removed: current.keys.length - next.length };
    },
  };
}

/**
 * A SecureString parameter's value, decrypted; undefined when it has not been put. One put by hand
 * as a plain `String` (or `StringList`) is refused: its key would sit unencrypted, and the fix
 * (delete it, put it again) is the operator's to make.
 */
export async function readSecureParameter(
  ssm: SSMClient,
  parameterName: string,
): Promise<string | undefined> {
  try {
    const { Parameter } = await ssm.send(
      new GetParameterCommand({ Name: parameterName, WithDecryption: true }),
    );
    if (Parameter?.Type === 'String' || Parameter?.Type === 'StringList')
      throw new CommandFailure(
        `${parameterName} is a ${Parameter.Type} parameter, not SecureString, so its key is stored unencrypted: delete it (aws ssm delete-parameter --name ${parameterName}) and put it again as SecureString (docs/operations/deploy.md)`,
      );
    return Parameter?.Value;
  } catch (error) {
    if (error instanceof ParameterNotFound || (error as { name?: string }).name === 'ParameterNotFound')
      return undefined;
    throw error;
  }
}

/** Puts a standard-tier (free) SecureString parameter, encrypted with the account's `aws/ssm` key. */
export async function writeSecureParameter(
  ssm: SSMClient,
  parameterName: string,
  value: string,
): Promise<void> {
  await ssm.send(
    new PutParameterCommand({
      Name: parameterName,
      Value: value,
      Type: 'SecureString',
      Tier: 'Standard',
      Overwrite: true,
    }),
  );
}
