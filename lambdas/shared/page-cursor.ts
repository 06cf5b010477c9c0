/**
 * Opaque pagination cursors: the last key DynamoDB evaluated, bound to the partition it was read
 * from, so a cursor from one contact's timeline cannot page through another's.
 */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor(reason: string) {
    super(`invalid cursor: ${reason}`);
  }
}

export type LastKey = Record<string, string>;

export function encodeCursor(partition: string, lastKey: LastKey): string {
  return Buffer.from(JSON.stringify({ p: partition, k: lastKey }), 'utf8').toString('base64url');
}

/** The last key a cursor carries; throws InvalidCursorError for a tampered, foreign or malformed cursor. */
export function decodeCursor(partition: string, cursor: string): LastKey {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('not a cursor this service issued');
  }
  const { p, k } = (decoded ?? {}) as { p?: unknown; k?: unknown };
  if (p !== partition) throw new InvalidCursorError('issued for another list');
  if (
    typeof k !== 'object' ||
    k === null ||
    Array.isArray(k) ||
    !Object.values(k).every((v) => typeof v === 'string')
  ) {
    throw new InvalidCursorError('malformed position');
  }
  return k as LastKey;
}
