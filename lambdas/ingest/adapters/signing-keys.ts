import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import * as z from '../../shared/zod-mini';

/** The secret's JSON: `{ "keys": ["<base64 legacy key>", "whsec_<base64>"] }`. */
export const signingKeysSecret = z.object({ keys: z.array(z.string().check(z.minLength(1))) });

export interface SigningKeySource {
  signingKeys(): Promise<readonly string[]>;
  refreshedSigningKeys(): Promise<readonly string[] | undefined>;
}

export interface SecretSigningKeysOptions {
  /** Seconds a read is cached: a rotation is picked up within this time, or at once on a failed signature. @default 300 */
  maxAgeSeconds?: number;
  /** Least seconds between two forced re-reads after failed signatures, so bad requests cannot flood Secrets Manager. @default 30 */
  minRefreshIntervalSeconds?: number;
  now?: () => number;
}

/** Webhook signing keys from Secrets Manager, read at cold start and cached (Powertools Parameters). */
export function secretSigningKeys(
  provider: SecretsProvider,
  secretId: string,
  options: SecretSigningKeysOptions = {},
): SigningKeySource {
  const maxAge = options.maxAgeSeconds ?? 300;
  const minRefreshMs = (options.minRefreshIntervalSeconds ?? 30) * 1000;
  const now = options.now ?? Date.now;
  let lastForcedAt = -Infinity;
  const read = async (forceFetch: boolean) => {
    const value = await provider.get(secretId, { maxAge, forceFetch });
    const parsed = signingKeysSecret.safeParse(typeof value === 'string' ? JSON.parse(value) : value);
    if (!parsed.success) throw new Error(`Secret ${secretId} is not {"keys": [string, …]}`);
    return parsed.data.keys;
  };
  return {
    signingKeys: () => read(false),
    refreshedSigningKeys: async () => {
      if (now() - lastForcedAt < minRefreshMs) return undefined;
      lastForcedAt = now();
      return read(true);
    },
  };
}

/** Fixed keys, for the local replica and tests. */
export function staticSigningKeys(keys: readonly string[]): SigningKeySource {
  return { signingKeys: async () => keys, refreshedSigningKeys: async () => undefined };
}
