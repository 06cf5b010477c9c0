import { createHash } from 'node:crypto';
import { OpenPhoneApiError, type ApiResource } from './errors';

export interface Page<T> {
  readonly data: T[];
  readonly totalItems: number;
  readonly nextPageToken: string | null;
}

interface Cursor {
  /** Which query the token belongs to: a token from another query is refused. */
  readonly q: string;
  /** Index of the next item in the stable order. */
  readonly k: string;
}

/**
 * Pages over items already in their stable order. The token names the last item returned
 * (its key), not an offset, so items added at the head while a client pages do not shift
 * the next page: a walk sees every item that existed when it started, exactly once.
 */
export function paginate<T, R>(
  items: readonly T[],
  options: {
    readonly keyOf: (item: T) => string;
    readonly maxResults: number;
    readonly pageToken: string | undefined;
    readonly scope: string;
    readonly resource: ApiResource;
    readonly toResource: (item: T) => R;
  },
): Page<R> {
  const scope = createHash('sha1').update(options.scope).digest('base64url').slice(0, 12);
  let start = 0;
  if (options.pageToken !== undefined) {
    const cursor = decodeToken(options.pageToken);
    if (!cursor || cursor.q !== scope) {
      throw new OpenPhoneApiError(400, options.resource, 'The page token is not valid for this request.', {
        errors: [
          {
            path: '/pageToken',
            message: 'Invalid page token',
            value: options.pageToken,
            schema: { type: 'String' },
          },
        ],
      });
    }
    // Keys are unique and sort descending: the next page starts after the cursor's key.
    start = firstIndexAfter(items, options.keyOf, cursor.k);
  }
  const slice = items.slice(start, start + options.maxResults);
  const last = slice[slice.length - 1];
  const hasMore = start + slice.length < items.length;
  return {
    data: slice.map(options.toResource),
    totalItems: items.length,
    nextPageToken: hasMore && last !== undefined ? encodeToken({ q: scope, k: options.keyOf(last) }) : null,
  };
}

/** A key that sorts newest first as plain strings, descending: time, then id. */
export function newestFirstKey(timeMs: number, id: string): string {
  return `${String(timeMs).padStart(15, '0')}|${id}`;
}

function firstIndexAfter<T>(items: readonly T[], keyOf: (item: T) => string, key: string): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (keyOf(items[mid]!) >= key) low = mid + 1;
    else high = mid;
  }
  return low;
}

function encodeToken(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeToken(token: string): Cursor | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<Cursor>;
    return typeof parsed.q === 'string' && typeof parsed.k === 'string'
      ? { q: parsed.q, k: parsed.k }
      : undefined;
  } catch {
    return undefined;
  }
}
