import { ApiRequestError } from '../lambdas/crm-api';
import { OpenPhoneApiError, OpenPhoneNetworkError } from '../lambdas/openphone';

/** The command line was wrong (an argument, an option): exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The command could not do what was asked (an unknown event, a refused key, a service down): exit code 1. */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
}

/**
 * A CRM API refusal (the CLI runs the API's own code) as the CLI's: a bad argument is a usage error
 * (exit 2), naming the flag that carried the field; the rest are failures (exit 1).
 */
export function asCommandError(error: unknown, options: { flags: Record<string, string> }): unknown {
  if (!(error instanceof ApiRequestError)) return error;
  const flag = error.field ? (options.flags[error.field] ?? error.field) : undefined;
  const retry = error.headers?.['retry-after'] ? ` (retry in ${error.headers['retry-after']} s)` : '';
  const text = `${error.code}: ${error.message}${retry}`;
  return error.status === 400 ? new UsageError(flag ? `${flag}: ${text}` : text) : new CommandFailure(text);
}

export const exitCodes = { ok: 0, failure: 1, usage: 2 } as const;

const firstLine = (text: string) => text.split('\n')[0]!.trim();

/** One line an operator can act on, and the exit code, for anything a command threw. */
export function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof UsageError) return { message: error.message, exitCode: exitCodes.usage };
  if (error instanceof CommandFailure) return { message: error.message, exitCode: exitCodes.failure };
  if (error instanceof OpenPhoneApiError) {
    if (error.status === 401)
      return { message: 'the API key was refused (401)', exitCode: exitCodes.failure };
    return { message: firstLine(error.message), exitCode: exitCodes.failure };
  }
  if (error instanceof OpenPhoneNetworkError)
    return {
      message: `could not reach OpenPhone (${error.code ?? 'network error'}): check the network and OPENPHONE_BASE_URL`,
      exitCode: exitCodes.failure,
    };
  const name = (error as { name?: string } | undefined)?.name;
  const message = firstLine(String((error as { message?: unknown } | undefined)?.message ?? error));
  if (name === 'CredentialsProviderError')
    return {
      message: `no AWS credentials: ${message} (set AWS_PROFILE, or pass --profile)`,
      exitCode: exitCodes.failure,
    };
  if (name === 'ResourceNotFoundException' || name === 'AccessDeniedException' || name?.startsWith('AWS.'))
    return { message: `AWS refused: ${message}`, exitCode: exitCodes.failure };
  return {
    message: `unexpected error: ${message} (run with --debug for details)`,
    exitCode: exitCodes.failure,
  };
}
