import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { lookup } from 'node:dns/promises';
import {
  archiveKeyOf,
  archiveRejectionOf,
  baseContentType,
  defaultMaxArchiveBytes,
  isPermanentFetchStatus,
  type ArchiveRejection,
  type MediaArchiveJob,
} from '../domain/media-archive';
import {
  defaultMediaHosts,
  isLocalOrigin,
  maxMediaRedirects,
  mediaAddressRefusal,
  mediaUrlRefusal,
  type MediaUrlPolicy,
} from '../domain/media-url-policy';
import { MediaFetchError } from '../errors';
import { pinnedMediaRequest, type MediaFetch } from './pinned-media-request';

export interface MediaArchiverOptions {
  bucketName: string;
  /** Largest object copied. @default 25 MiB */
  maxBytes?: number;
  /** Time allowed for the whole download, redirects included. @default 20 seconds */
  fetchTimeoutMs?: number;
  /** Which URLs may be fetched. @default https only, from OpenPhone's media hosts */
  urlPolicy?: MediaUrlPolicy;
  /** A host name's addresses. @default the system resolver (every address) */
  resolveHost?: (hostname: string) => Promise<string[]>;
  /** One request, redirects not followed. @default node:http(s), connected to the checked address */
  fetch?: MediaFetch;
}

const systemResolver = async (hostname: string) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

const isRedirect = (status: number) => [301, 302, 303, 307, 308].includes(status);

export type ArchiveOutcome =
  | { kind: 'archived'; key: string; bytes: number; contentType: string }
  | { kind: 'rejected'; rejection: ArchiveRejection };

/** Copies one OpenPhone media URL into the media bucket: fetch with a timeout, size-capped, then PutObject. */
export class MediaArchiver {
  private readonly maxBytes: number;
  private readonly fetchTimeoutMs: number;
  private readonly fetch: MediaFetch;
  private readonly urlPolicy: MediaUrlPolicy;
  private readonly resolveHost: (hostname: string) => Promise<string[]>;

  constructor(
    private readonly s3: S3Client,
    private readonly options: MediaArchiverOptions,
  ) {
    this.maxBytes = options.maxBytes ?? defaultMaxArchiveBytes;
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? 20_000;
    this.fetch = options.fetch ?? pinnedMediaRequest;
    this.urlPolicy = options.urlPolicy ?? { allowedHosts: defaultMediaHosts };
    this.resolveHost = options.resolveHost ?? systemResolver;
  }

  async archive(job: MediaArchiveJob): Promise<ArchiveOutcome> {
    const signal = AbortSignal.timeout(this.fetchTimeoutMs);
    const fetched = await this.fetchChecked(job.url, signal);
    if (fetched.kind === 'refused')
      return { kind: 'rejected', rejection: { kind: 'url-refused', reason: fetched.reason } };
    const response = fetched.response;
    if (!response.ok) {
      await response.body?.cancel();
      if (isPermanentFetchStatus(response.status))
        return { kind: 'rejected', rejection: { kind: 'source-gone', httpStatus: response.status } };
      throw new MediaFetchError(`HTTP ${response.status}`, response.status);
    }
    const contentType = baseContentType(
      response.headers.get('content-type') || job.declaredType || 'application/octet-stream',
    );
    const declaredLength = response.headers.get('content-length');
    const rejection = archiveRejectionOf(
      { contentType, contentLength: declaredLength === null ? undefined : Number(declaredLength) },
      this.maxBytes,
    );
    if (rejection) {
      await response.body?.cancel();
      return { kind: 'rejected', rejection };
    }
    const body = await this.readCapped(response);
    if (body === 'too-large')
      return {
        kind: 'rejected',
        rejection: { kind: 'too-large', bytes: this.maxBytes + 1, limit: this.maxBytes },
      };
    const key = archiveKeyOf(job, contentType);
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.options.bucketName,
        Key: key,
        Body: body,
        ContentType: contentType,
        Metadata: { 'activity-id': job.activityId, 'event-id': job.eventId },
      }),
    );
    return { kind: 'archived', key, bytes: body.length, contentType };
  }

  /** Deletes a copy this archiver put (its activity was erased before the key could be recorded). */
  async discard(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.options.bucketName, Key: key }));
  }

  /**
   * GETs the URL, following at most `maxMediaRedirects` redirects by hand: every hop's URL must pass
   * the policy and every address its host resolves to must be public, and the connection goes to
   * the address checked. A refusal is final; a network error or timeout is a MediaFetchError.
   */
  private async fetchChecked(
    url: string,
    signal: AbortSignal,
  ): Promise<{ kind: 'fetched'; response: Response } | { kind: 'refused'; reason: string }> {
    let current = url;
    for (let redirects = 0; ; redirects++) {
      const refusal = mediaUrlRefusal(current, this.urlPolicy);
      if (refusal) return { kind: 'refused', reason: redirects ? `redirect to ${refusal}` : refusal };
      const target = new URL(current);
      let address: string | undefined;
      if (!isLocalOrigin(target, this.urlPolicy)) {
        const checked = await this.checkedAddress(target.hostname);
        if (checked.kind === 'refused')
          return { kind: 'refused', reason: redirects ? `redirect to ${checked.reason}` : checked.reason };
        address = checked.address;
      }
      let response: Response;
      try {
        response = await this.fetch(current, { signal, redirect: 'manual', ...(address ? { address } : {}) });
      } catch (error) {
        throw new MediaFetchError((error as Error).name);
      }
      if (!isRedirect(response.status)) return { kind: 'fetched', response };
      await response.body?.cancel();
      const location = response.headers.get('location');
      if (!location) return { kind: 'refused', reason: `a ${response.status} redirect without a Location` };
      if (redirects >= maxMediaRedirects)
        return { kind: 'refused', reason: `more than ${maxMediaRedirects} redirects` };
      try {
        current = new URL(location, current).toString();
      } catch {
        return { kind: 'refused', reason: 'a redirect to something that is not a URL' };
      }
    }
  }

  /** The host's first address, once every address it resolves to is public; a lookup failure is retried. */
  private async checkedAddress(
    hostname: string,
  ): Promise<{ kind: 'ok'; address: string } | { kind: 'refused'; reason: string }> {
    let addresses: string[];
    try {
      addresses = await this.resolveHost(hostname);
    } catch (error) {
      throw new MediaFetchError(
        `DNS lookup of ${hostname}: ${(error as NodeJS.ErrnoException).code ?? 'failed'}`,
      );
    }
    if (addresses.length === 0) throw new MediaFetchError(`DNS lookup of ${hostname}: no address`);
    for (const address of addresses) {
      const refusal = mediaAddressRefusal(address);
      if (refusal)
        return {
          kind: 'refused',
          reason: `host ${hostname} resolves to ${refusal.replace(/^address /, '')}`,
        };
    }
    return { kind: 'ok', address: addresses[0]! };
  }

  /** Reads the body, stopping as soon as it passes the limit (a missing or wrong Content-Length cannot sneak past). */
  private async readCapped(response: Response): Promise<Buffer | 'too-large'> {
    if (!response.body) return Buffer.alloc(0);
    const chunks: Uint8Array[] = [];
    let total = 0;
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > this.maxBytes) {
          await reader.cancel();
          return 'too-large';
        }
        chunks.push(value);
      }
    } catch (error) {
      throw new MediaFetchError((error as Error).name);
    }
    return Buffer.concat(chunks);
  }
}
