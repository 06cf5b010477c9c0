import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Readable } from 'node:stream';

/** One GET of a media URL, redirects not followed, connecting to `address` when one is given. */
export type MediaFetch = (
  url: string,
  init: { signal: AbortSignal; redirect: 'manual'; address?: string },
) => Promise<Response>;

const nullBodyStatuses = new Set([101, 204, 205, 304]);

/** A lookup that answers the address already checked: no second DNS answer can swap it (rebinding). */
function pinnedLookup(address: string): LookupFunction {
  const family = isIP(address);
  return (_hostname, options, callback) => {
    if (options.all)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

function responseOf(message: IncomingMessage): Response {
  const headers = new Headers();
  for (let i = 0; i < message.rawHeaders.length; i += 2)
    headers.append(message.rawHeaders[i]!, message.rawHeaders[i + 1]!);
  const status = message.statusCode ?? 502;
  const body = nullBodyStatuses.has(status) ? null : (Readable.toWeb(message) as ReadableStream<Uint8Array>);
  return new Response(body, { status, headers });
}

/**
 * The archiver's own GET over node:http(s): TLS verified against the URL's host name, but the TCP
 * connection made to the address the archiver resolved and checked.
 */
export const pinnedMediaRequest: MediaFetch = (url, init) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, {
      method: 'GET',
      signal: init.signal,
      headers: { accept: '*/*', 'user-agent': 'openphone-bridge-media-archiver' },
      ...(init.address ? { lookup: pinnedLookup(init.address) } : {}),
    });
    request.once('response', (message) => resolve(responseOf(message)));
    request.once('error', reject);
    request.end();
  });
