import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { z } from 'zod';

const apiKeySecret = z.object({ apiKey: z.string().min(1) });

/**
 * The workspace API key from its Secrets Manager secret (`{"apiKey": "…"}`), cached 5 minutes;
 * `forceFetch` reads past the cache (after a 401, when the key may have been rotated).
 */
export async function readApiKeySecret(
  secrets: SecretsProvider,
  secretId: string,
  options: { forceFetch?: boolean } = {},
): Promise<string> {
  const parsed = apiKeySecret.safeParse(
    await secrets.get(secretId, { transform: 'json', maxAge: 300, forceFetch: options.forceFetch ?? false }),
  );
  if (!parsed.success) throw new Error(`Secret ${secretId} is not {"apiKey": "..."}`);
  return parsed.data.apiKey;
}
