import { CommandFailure } from './errors';

/** Where a running `npm start`'s admin API is and the bearer token it takes (the CRM API's). */
export interface LocalAdminAccess {
  /** The replica's HTTP API, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  token: string;
  fetchImpl?: typeof fetch;
}

/** One call to a running `npm start`'s admin API; an unreachable replica or a refusal is a CommandFailure. */
export async function callLocalAdmin(
  access: LocalAdminAccess,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const { baseUrl, token, fetchImpl = globalThis.fetch } = access;
  const url = new URL(path, baseUrl).toString();
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
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
