import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  archiveKeyOf,
  archiveRejectionOf,
  baseContentType,
  defaultMaxArchiveBytes,
  isPermanentFetchStatus,
  type ArchiveRejection,
  type MediaArchiveJob,
} from '../domain/media-archive';
import { MediaFetchError } from '../errors';

export interface MediaArchiverOptions {
  bucketName: string;
  /** Largest object copied. @default 25 MiB */
  maxBytes?: number;
  /** Time allowed for the whole download. @default 20 seconds */
  fetchTimeoutMs?: number;
  fetch?: typeof fetch;
}

export type ArchiveOutcome =
  | { kind: 'archived'; key: string; bytes: number; contentType: string }
  | { kind: 'rejected'; rejection: ArchiveRejection };

/** Copies one OpenPhone media URL into the media bucket: fetch with a timeout, size-capped, then PutObject. */
export class MediaArchiver {
  private readonly maxBytes: number;
  private readonly fetchTimeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(
    private readonly s3: S3Client,
    private readonly options: MediaArchiverOptions,
  ) {
    this.maxBytes = options.maxBytes ?? defaultMaxArchiveBytes;
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? 20_000;
    this.fetch = options.fetch ?? fetch;
  }

  async archive(job: MediaArchiveJob): Promise<ArchiveOutcome> {
    const signal = AbortSignal.timeout(this.fetchTimeoutMs);
    let response: Response;
    try {
      response = await this.fetch(job.url, { signal, redirect: 'follow' });
    } catch (error) {
      throw new MediaFetchError((error as Error).name);
    }
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
