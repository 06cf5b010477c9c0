import { CommandFailure } from './errors';

/** One call to a running `npm start`'s admin API; an unreachable replica or a refusal is a CommandFailure. */
export async function callLocalAdmin(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  fetchImpl: typeof fetch = globalThis.fetch,
): Promise<unknown> {
  const url = new URL(path, baseUrl).toString();
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    throw new CommandFailure(`could not reach the local replica at ${baseUrl}: is \`npm start\` running?`);
  }
  const text = await response.text();
  let answer: { error?: string; message?: string } | undefined;
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    answer = undefined;
  }
  if (!response.ok)
    throw new CommandFailure(
      `the local replica answered ${response.status} to ${method} ${path}` +
        (answer?.error || answer?.message
          ? `: ${[answer.error, answer.message].filter(Boolean).join(', ')}`
          : ''),
    );
  return answer;
}
