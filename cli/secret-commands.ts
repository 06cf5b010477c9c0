// The `secrets` commands: the one-shot upgrade from Secrets Manager to SecureString parameters.
import type { Command } from 'commander';
import { CommandFailure } from './errors';
import { printData, type Output } from './output';
import type { CopyOutcome, GivenSecrets } from './secrets-to-parameters';
import type { Target } from './target';

const said: Record<CopyOutcome['result'], string> = {
  copied: 'copied',
  overwritten: 'copied, overwriting the value that was there (--force)',
  'already-there': 'already there, unchanged',
  empty: 'not copied: the secret holds no key',
};

/** Copies the secrets' values into the parameters and says, per value, what it did. */
export async function copySecretsToParametersCommand(
  target: Target,
  out: Output,
  options: GivenSecrets & { force?: boolean },
): Promise<void> {
  if (!target.secretsUpgrade)
    throw new CommandFailure(`${target.name} keeps no secrets: copy-to-parameters acts on a stack (--stack)`);
  const outcomes = await target.secretsUpgrade.copy(target.secretsUpgrade.plan(options), {
    force: options.force,
  });
  printData(out, outcomes, () => {
    for (const o of outcomes) out.line(`${o.what}: ${o.secretId} -> ${o.parameterName}: ${said[o.result]}`);
    out.line(
      'Next: deploy this version, then delete the two retained secrets (docs/operations/runbook.md, "Upgrading"): they bill $0.40 a month each until deleted.',
    );
  });
}

export function addSecretCommands(program: Command, target: () => Promise<Target>, out: Output): void {
  const secrets = program.command('secrets').description("the bridge's stored keys (SSM Parameter Store)");
  secrets
    .command('copy-to-parameters')
    .description(
      'one-shot upgrade: copy the signing keys and API key from the old secrets into the SecureString parameters (before deploying)',
    )
    .option(
      '--signing-keys-secret <arn>',
      'the signing-keys secret (default: the stack output SigningKeysSecretArn)',
    )
    .option('--api-key-secret <arn>', 'the API key secret (default: the stack output ApiKeySecretArn)')
    .option(
      '--stage <name>',
      'the stage whose parameters to put (default: from the stack name OpenPhoneBridge-<stage>)',
    )
    .option('--force', 'overwrite a parameter that already holds a different value')
    .action(async (options: GivenSecrets & { force?: boolean }) =>
      copySecretsToParametersCommand(await target(), out, options),
    );
}
