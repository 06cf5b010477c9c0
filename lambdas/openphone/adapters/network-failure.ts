/** Network failures that happen before any byte of the request left: always safe to repeat. */
const notSentCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export type NetworkFailure = {
  readonly sent: 'no' | 'maybe';
  readonly code: string;
  readonly reason: 'timeout' | 'connection-lost';
};

/** Whether a failed fetch may have reached OpenPhone, and the code to report it by. */
export function classifyNetworkFailure(error: unknown): NetworkFailure {
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return { sent: 'maybe', code: 'timeout', reason: 'timeout' };
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const { code, errors, cause } = current as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof code === 'string') codes.push(code);
    if (Array.isArray(errors))
      for (const inner of errors) if (typeof inner?.code === 'string') codes.push(inner.code as string);
    current = cause;
  }
  const code = codes[0] ?? 'unknown';
  const sent = codes.length > 0 && codes.every((c) => notSentCodes.has(c)) ? 'no' : 'maybe';
  return { sent, code, reason: 'connection-lost' };
}
