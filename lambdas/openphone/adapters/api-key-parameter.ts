import { ParameterNotFoundError, TransformParameterError } from '@aws-lambda-powertools/parameters/errors';
import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { z } from 'zod';

const apiKeyValue = z.object({ apiKey: z.string().min(1) });

/**
 * The workspace API key from its SecureString parameter (`{"apiKey": "…"}`), cached 5 minutes;
 * `forceFetch` reads past the cache (after a 401, when the key may have been rotated).
 */
export async function readApiKeyParameter(
  ssm: SSMProvider,
  parameterName: string,
  options: { forceFetch?: boolean } = {},
): Promise<string> {
  let value: unknown;
  try {
    value = await ssm.get(parameterName, {
      decrypt: true,
      transform: 'json',
      maxAge: 300,
      forceFetch: options.forceFetch ?? false,
      throwOnMissing: true,
    });
  } catch (error) {
    // Not put yet, or not JSON: the same failure as an empty key.
    if (!(error instanceof ParameterNotFoundError || error instanceof TransformParameterError)) throw error;
    value = undefined;
  }
  const parsed = apiKeyValue.safeParse(value);
  if (!parsed.success) throw new Error(`Parameter ${parameterName} is not {"apiKey": "..."}`);
  return parsed.data.apiKey;
}
