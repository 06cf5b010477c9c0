import type { OpenPhoneSimulator } from '../../local/openphone-simulator';

export interface ApiAnswer<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** Calls the simulator with its API key, the way OpenPhone clients do: `Authorization: <key>`. */
export async function callSimulator<T = Record<string, unknown>>(
  simulator: OpenPhoneSimulator,
  method: string,
  pathAndQuery: string,
  body?: unknown,
  authorization: string | null = simulator.apiKey,
): Promise<ApiAnswer<T>> {
  const response = await fetch(`${simulator.url}${pathAndQuery}`, {
    method,
    headers: {
      ...(authorization !== null ? { authorization } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : undefined) as T,
  };
}

/** Query string for a conversation's messages or calls. */
export function activityQuery(
  phoneNumberId: string,
  participant: string,
  extra: Record<string, string> = {},
): string {
  return new URLSearchParams({
    phoneNumberId,
    participants: participant,
    maxResults: '100',
    ...extra,
  }).toString();
}
