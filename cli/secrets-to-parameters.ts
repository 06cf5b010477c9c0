// `secrets copy-to-parameters`: the one-shot upgrade from the two Secrets Manager secrets to the
// SecureString parameters (decision 0009, "A second look"), run before deploying the version that reads them.
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { signingKeysValue } from '../lambdas/ingest';
import { secureParameterNames } from '../lambdas/shared/secure-parameters';
import { secretStackOutputNames, stackOutputNames } from '../lambdas/shared/stack-outputs';
import { CommandFailure } from './errors';
import { readSecureParameter, writeSecureParameter } from './signing-key-stores';

/** One secret and the parameter its value goes to. */
export interface SecretToParameter {
  what: 'signing keys' | 'API key';
  secretId: string;
  parameterName: string;
}

export type CopyOutcome = SecretToParameter & {
  /** `already-there`: the parameter held the same value; `empty`: the secret held no key, so nothing was put. */
  result: 'copied' | 'overwritten' | 'already-there' | 'empty';
};

// Only the fields the functions read are copied (the secrets also hold a generated `unused` string).
const apiKeyValue = z.object({ apiKey: z.string() });
const valueOf = (what: SecretToParameter['what'], text: string | undefined) => {
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
  if (what === 'API key') {
    const parsed = apiKeyValue.safeParse(json);
    return parsed.success ? { apiKey: parsed.data.apiKey } : undefined;
  }
  const parsed = signingKeysValue.safeParse(json);
  return parsed.success ? { keys: parsed.data.keys } : undefined;
};
const isEmpty = (value: { apiKey: string } | { keys: string[] }) =>
  'apiKey' in value ? value.apiKey === '' : value.keys.length === 0;

/**
 * Copies each secret's value into its parameter. Every secret and parameter is read before anything
 * is written: a parameter that already holds a different value stops the whole copy unless `force`.
 */
export async function copySecretsToParameters(
  clients: { secrets: SecretsManagerClient; ssm: SSMClient },
  copies: readonly SecretToParameter[],
  options: { force?: boolean } = {},
): Promise<CopyOutcome[]> {
  const planned = [];
  for (const copy of copies) {
    const { SecretString } = await clients.secrets.send(
      new GetSecretValueCommand({ SecretId: copy.secretId }),
    );
    const value = valueOf(copy.what, SecretString);
    if (!value)
      throw new CommandFailure(
        `the ${copy.what} secret ${copy.secretId} is not ${copy.what === 'API key' ? '{"apiKey": "…"}' : '{"keys": [string, …]}'}: fix it by hand first`,
      );
    if (isEmpty(value)) {
      planned.push({ copy, value, existingText: undefined, same: false, empty: true });
      continue;
    }
    const existingText = await readSecureParameter(clients.ssm, copy.parameterName);
    const existing = existingText === undefined ? undefined : valueOf(copy.what, existingText);
    const same = existing !== undefined && isDeepStrictEqual(existing, value);
    if (existingText !== undefined && !same && !options.force)
      throw new CommandFailure(
        `the parameter ${copy.parameterName} already holds a different ${copy.what} value than the secret ${copy.secretId}: nothing was copied; check which is right, then give --force to overwrite it with the secret's`,
      );
    planned.push({ copy, value, existingText, same, empty: false });
  }
  const outcomes: CopyOutcome[] = [];
  for (const { copy, value, existingText, same, empty } of planned) {
    if (empty) outcomes.push({ ...copy, result: 'empty' });
    else if (same) outcomes.push({ ...copy, result: 'already-there' });
    else {
      await writeSecureParameter(clients.ssm, copy.parameterName, JSON.stringify(value));
      outcomes.push({ ...copy, result: existingText === undefined ? 'copied' : 'overwritten' });
    }
  }
  return outcomes;
}

/** Where `copy-to-parameters` was told the secrets are, or the stage whose parameters to put. */
export interface GivenSecrets {
  signingKeysSecret?: string;
  apiKeySecret?: string;
  stage?: string;
}

/**
 * The copies for a stack: each secret from its ARN as given or the stack's old output; each
 * parameter from the stack's new output or, before the deploy, its stage (`--stage`, or the stack
 * name `OpenPhoneBridge-<stage>`).
 */
export function plannedCopies(
  stackName: string,
  outputs: Record<string, string>,
  given: GivenSecrets,
): SecretToParameter[] {
  const stage = given.stage ?? /^OpenPhoneBridge-(.+)$/.exec(stackName)?.[1];
  const derived = stage ? secureParameterNames(stage) : undefined;
  const parameter = (output: string, fromStage: string | undefined) => {
    const name = outputs[output] || fromStage;
    if (!name)
      throw new CommandFailure(
        `stack ${stackName} has no output ${output} and its stage is not known: give --stage <name>`,
      );
    return name;
  };
  const secret = (value: string | undefined, output: string, option: string) => {
    const id = value ?? outputs[output];
    if (!id)
      throw new CommandFailure(
        `stack ${stackName} has no output ${output} (already deployed past the secrets?): give ${option} <arn>`,
      );
    return id;
  };
  return [
    {
      what: 'signing keys',
      secretId: secret(
        given.signingKeysSecret,
        secretStackOutputNames.signingKeysSecretArn,
        '--signing-keys-secret',
      ),
      parameterName: parameter(stackOutputNames.signingKeysParameterName, derived?.signingKeys),
    },
    {
      what: 'API key',
      secretId: secret(given.apiKeySecret, secretStackOutputNames.apiKeySecretArn, '--api-key-secret'),
      parameterName: parameter(stackOutputNames.apiKeyParameterName, derived?.apiKey),
    },
  ];
}
