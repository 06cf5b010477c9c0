import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MediaArchiver } from '../../../lambdas/crm/adapters/media-archiver';
import { pinnedMediaRequest } from '../../../lambdas/crm/adapters/pinned-media-request';
import type { MediaArchiveJob } from '../../../lambdas/crm/domain/media-archive';

// The archiver's real requests (node:http, redirects by hand, streamed size cap) against a local
// server standing in for a media host; DNS is injected, S3 only records the put.

const s3 = mockClient(S3Client);
let server: Server;
let origin = '';
const hits: string[] = [];

function route(
  path: string,
  respond: (send: (status: number, headers: Record<string, string>, body?: Buffer | string) => void) => void,
) {
  return { path, respond };
}
const jpeg = Buffer.alloc(100, 7);
const routes = [
  route('/ok.jpg', (send) => send(200, { 'content-type': 'image/jpeg' }, jpeg)),
  route('/to-metadata', (send) => send(302, { location: 'http://169.254.169.254/latest/meta-data/' })),
  route('/to-off-list', (send) => send(301, { location: 'https://evil.example/x.jpg' })),
  route('/to-private-name', (send) => send(307, { location: 'https://media.test/x.jpg' })),
  route('/no-location', (send) => send(302, {})),
];

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = request.url ?? '/';
    hits.push(path);
    const hop = /^\/hop\/(\d+)$/.exec(path);
    if (hop) {
      const left = Number(hop[1]);
      response.writeHead(302, { location: left === 0 ? '/ok.jpg' : `/hop/${left - 1}` });
      return response.end();
    }
    if (path === '/endless.jpg') {
      // No Content-Length: only counting while streaming can stop it.
      response.writeHead(200, { 'content-type': 'image/jpeg' });
      const timer = setInterval(() => response.write(Buffer.alloc(1000, 1)), 1);
      response.on('close', () => clearInterval(timer));
      return;
    }
    const found = routes.find((r) => r.path === path);
    if (!found) {
      response.writeHead(404);
      return response.end();
    }
    found.respond((status, headers, body) => {
      response.writeHead(status, headers);
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  hits.length = 0;
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
});

const dns: Record<string, string[]> = {
  'media.test': ['10.0.0.7'],
  'rebound.test': ['93.184.216.34', '127.0.0.1'],
  'public.test': ['93.184.216.34'],
};
const archiver = () =>
  new MediaArchiver(new S3Client({}), {
    bucketName: 'media',
    maxBytes: 4096,
    fetchTimeoutMs: 3_000,
    // The local server is this test's "simulator": http on loopback, allowed for its origin only.
    urlPolicy: { allowedHosts: ['media.test', 'rebound.test', 'public.test'], localOrigins: [origin] },
    resolveHost: async (host) =>
      dns[host] ?? Promise.reject(Object.assign(new Error('nx'), { code: 'ENOTFOUND' })),
  });
const job = (url: string): MediaArchiveJob => ({
  activityId: 'ACfetch',
  field: 'media',
  index: 0,
  url,
  eventId: 'EV1',
});
const refused = (reason: string) => ({ kind: 'rejected', rejection: { kind: 'url-refused', reason } });

describe('fetching media over the network', () => {
  it('follows up to 3 redirects, checking each, and archives the answer', async () => {
    const outcome = await archiver().archive(job(`${origin}/hop/2`));
    expect(outcome).toEqual({
      kind: 'archived',
      key: 'media/ACfetch/0-media.jpg',
      bytes: 100,
      contentType: 'image/jpeg',
    });
    expect(hits).toEqual(['/hop/2', '/hop/1', '/hop/0', '/ok.jpg']);
  });

  it('gives up after the third redirect, without requesting the fourth hop', async () => {
    expect(await archiver().archive(job(`${origin}/hop/3`))).toEqual(refused('more than 3 redirects'));
    expect(hits).toEqual(['/hop/3', '/hop/2', '/hop/1', '/hop/0']);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('refuses a redirect to the instance metadata service, to a host off the list, or to a name resolving to a private address', async () => {
    expect(await archiver().archive(job(`${origin}/to-metadata`))).toEqual(
      refused('redirect to scheme http: is not https:'),
    );
    expect(await archiver().archive(job(`${origin}/to-off-list`))).toEqual(
      refused('redirect to host evil.example is not on the media host allow-list'),
    );
    expect(await archiver().archive(job(`${origin}/to-private-name`))).toEqual(
      refused('redirect to host media.test resolves to 10.0.0.7 is private (10.0.0.0/8)'),
    );
    expect(await archiver().archive(job(`${origin}/no-location`))).toEqual(
      refused('a 302 redirect without a Location'),
    );
    expect(hits).toEqual(['/to-metadata', '/to-off-list', '/to-private-name', '/no-location']);
  });

  it('refuses an allowed name when any of its addresses is loopback (DNS rebinding), before connecting', async () => {
    expect(await archiver().archive(job('https://rebound.test/x.jpg'))).toEqual(
      refused('host rebound.test resolves to 127.0.0.1 is loopback (127.0.0.0/8)'),
    );
  });

  it('retries a name that does not resolve (a DNS failure may pass): a MediaFetchError, not a refusal', async () => {
    const unresolvable = new MediaArchiver(new S3Client({}), {
      bucketName: 'media',
      urlPolicy: { allowedHosts: ['gone.test'] },
      resolveHost: async () => Promise.reject(Object.assign(new Error('nx'), { code: 'ENOTFOUND' })),
    });
    await expect(unresolvable.archive(job('https://gone.test/x.jpg'))).rejects.toMatchObject({
      name: 'MediaFetchError',
      reason: 'DNS lookup of gone.test: ENOTFOUND',
    });
  });

  it('stops a body with no Content-Length as soon as it passes the limit', async () => {
    expect(await archiver().archive(job(`${origin}/endless.jpg`))).toEqual({
      kind: 'rejected',
      rejection: { kind: 'too-large', bytes: 4097, limit: 4096 },
    });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('connects to the address it checked, not to what the name resolves to later', async () => {
    const port = new URL(origin).port;
    const response = await pinnedMediaRequest(`http://no-such-host.invalid:${port}/ok.jpg`, {
      signal: AbortSignal.timeout(3_000),
      redirect: 'manual',
      address: '127.0.0.1',
    });
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(jpeg);
  });
});
