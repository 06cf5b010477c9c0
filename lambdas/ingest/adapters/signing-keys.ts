import { ParameterNotFoundError, TransformParameterError } from '@aws-lambda-powertools/parameters/errors';
import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import * as z from '../../shared/zod-mini';

/** The parameter's JSON: `{ "keys": ["<base64 legacy key>", "whsec_<base64>"] }`. */
export const signingKeysValue = z.object({ keys: z.array(z.string().check(z.minLength(1))) });

export interface SigningKeySource {
  signingKeys(): Promise<readonly string[]>;
  refreshedSigningKeys(): Promise<readonly string[] | undefined>;
}

export interface ParameterSigningKeysOptions {
  /** Seconds a read is cached: a rotation is picked up within this time, or at once on a failed signature. @default 300 */
  maxAgeSeconds?: number;
  /** Least seconds between two forced re-reads after failed signatures, so bad requests cannot flood Parameter Store. @default 30 */
  minRefreshIntervalSeconds?: number;
  now?: () => number;
}

/**
 * Webhook signing keys from their SecureString parameter, read at cold start and cached (Powertools
 * Parameters). A parameter not put yet is no keys (the ingest answers 503), looked for again after
 * `minRefreshIntervalSeconds` (OpenPhone retries the 503s).
 */
export function parameterSigningKeys(
  provider: SSMProvider,
  parameterName: string,
  options: ParameterSigningKeysOptions = {},
): SigningKeySource {
  const maxAge = options.maxAgeSeconds ?? 300;
  const minRefreshMs = (options.minRefreshIntervalSeconds ?? 30) * 1000;
  const now = options.now ?? Date.now;
  let lastForcedAt = -Infinity;
  let missingUntil = -Infinity;
  const read = async (forceFetch: boolean) => {
    if (!forceFetch && now() < missingUntil) return [];
    const refused = () => new Error(`Parameter ${parameterName} is not {"keys": [string, …]}`);
    let value: unknown;
    try {
      value = await provider.get(parameterName, {
        decrypt: true,
        transform: 'json',
        maxAge,
        forceFetch,
        throwOnMissing: true,
      });
    } catch (error) {
      if (error instanceof TransformParameterError) throw refused();
      if (!(error instanceof ParameterNotFoundError)) throw error;
      // Looked for again sooner than a present value: the operator is about to put it (an upgrade's copy).
      missingUntil = now() + minRefreshMs;
      return [];
    }
    missingUntil = -Infinity;
    const parsed = signingKeysValue.safeParse(value);
    if (!parsed.success) throw refused();
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
