import { z } from 'zod';
import type { ActivityChange, AspectName } from './activity';

/**
 * Archiving OpenPhone media into S3: OpenPhone's media, recording and voicemail URLs appear only in
 * webhooks and may expire, so each one is copied once into the media bucket and its S3 key stored
 * beside the original URL on the activity. Pure: which jobs an activity change makes, the key of
 * each object, and what may be archived.
 */

/** Where on the activity the URL sits: a message's `media[i]`, a call's `recordings[i]`, or its `voicemail`. */
export const archiveFields = ['media', 'recordings', 'voicemail'] as const;
export type ArchiveField = (typeof archiveFields)[number];

export const mediaArchiveJob = z.object({
  activityId: z.string().min(1),
  field: z.enum(archiveFields),
  /** Position in the list (0 for the voicemail). */
  index: z.number().int().nonnegative(),
  url: z.url(),
  /** The content type the webhook declared, if any; the response's own type wins. */
  declaredType: z.string().optional(),
  /** The event that carried the URL, for tracing. */
  eventId: z.string().min(1),
});
export type MediaArchiveJob = z.infer<typeof mediaArchiveJob>;

/** Default largest object archived: 25 MiB (MMS media are far smaller; long recordings fit). */
export const defaultMaxArchiveBytes = 25 * 1024 * 1024;

/** Content types archived, with the extension of their S3 key. */
export const archivableContentTypes: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'image/heif': 'heif',
  'image/bmp': 'bmp',
  'image/tiff': 'tiff',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/aac': 'aac',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/ogg': 'ogg',
  'audio/amr': 'amr',
  'audio/webm': 'weba',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'application/pdf': 'pdf',
  'text/vcard': 'vcf',
  'text/x-vcard': 'vcf',
  'text/directory': 'vcf',
  'text/calendar': 'ics',
  'text/plain': 'txt',
};

/** `image/jpeg; charset=…` → `image/jpeg`. */
export function baseContentType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

export function isArchivableContentType(contentType: string): boolean {
  return Object.hasOwn(archivableContentTypes, baseContentType(contentType));
}

const keyKinds: Record<ArchiveField, string> = {
  media: 'media',
  recordings: 'recording',
  voicemail: 'voicemail',
};

/** `media/<activityId>/<index>-<kind>.<ext>`: one object per URL on an activity, so re-archiving overwrites. */
export function archiveKeyOf(
  job: Pick<MediaArchiveJob, 'activityId' | 'field' | 'index'>,
  contentType: string,
): string {
  const extension = archivableContentTypes[baseContentType(contentType)] ?? 'bin';
  return `media/${job.activityId}/${job.index}-${keyKinds[job.field]}.${extension}`;
}

export type ArchiveRejection =
  | { kind: 'content-type-not-allowed'; contentType: string }
  | { kind: 'too-large'; bytes: number; limit: number }
  | { kind: 'source-gone'; httpStatus: number }
  /** The URL or a redirect's is not one the archiver may fetch (media-url-policy.ts). */
  | { kind: 'url-refused'; reason: string };

/** Why a fetched object is not archived (a permanent answer: retrying cannot change it), or undefined. */
export function archiveRejectionOf(
  response: { contentType: string | undefined; contentLength: number | undefined },
  maxBytes = defaultMaxArchiveBytes,
): ArchiveRejection | undefined {
  const contentType = response.contentType ?? '';
  if (!isArchivableContentType(contentType)) return { kind: 'content-type-not-allowed', contentType };
  if (response.contentLength !== undefined && response.contentLength > maxBytes)
    return { kind: 'too-large', bytes: response.contentLength, limit: maxBytes };
  return undefined;
}

/** HTTP statuses of a media URL that retrying cannot fix (expired or removed); 408/429 and 5xx are transient. */
export function isPermanentFetchStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** What is stored beside an archived (or refused) URL on the activity: the key, or why there is none. */
export type ArchiveRecord =
  { archiveKey: string } | { archiveSkipped: ArchiveRejection['kind']; archiveSkippedReason: string };

export function archiveRecordOf(
  outcome: { kind: 'archived'; key: string } | { kind: 'rejected'; rejection: ArchiveRejection },
): ArchiveRecord {
  return outcome.kind === 'archived'
    ? { archiveKey: outcome.key }
    : { archiveSkipped: outcome.rejection.kind, archiveSkippedReason: describeRejection(outcome.rejection) };
}

export function describeRejection(rejection: ArchiveRejection): string {
  switch (rejection.kind) {
    case 'content-type-not-allowed':
      return `content type ${JSON.stringify(rejection.contentType)} is not archived`;
    case 'too-large':
      return `${rejection.bytes} bytes is over the ${rejection.limit}-byte limit`;
    case 'source-gone':
      return `the media URL answered ${rejection.httpStatus}`;
    case 'url-refused':
      return `the media URL was refused: ${rejection.reason}`;
  }
}

/**
 * The archive jobs an activity change makes: every message media item (a fact, the same in every
 * delivery), and the recordings and voicemail the upsert actually applied (a stale aspect's URLs are
 * not on the record).
 */
export function mediaArchiveJobsOf(
  change: ActivityChange,
  appliedAspects: readonly AspectName[],
  eventId: string,
): MediaArchiveJob[] {
  const { activityId, facts, aspects } = change.update;
  const job = (field: ArchiveField, index: number, url: string, type: string | undefined) => ({
    activityId,
    field,
    index,
    url,
    ...(type ? { declaredType: type } : {}),
    eventId,
  });
  const jobs: MediaArchiveJob[] = (facts.media ?? []).map((m, i) => job('media', i, m.url, m.type));
  if (appliedAspects.includes('recordings'))
    jobs.push(...(aspects.recordings ?? []).map((r, i) => job('recordings', i, r.url, r.type)));
  if (appliedAspects.includes('voicemail') && aspects.voicemail)
    jobs.push(job('voicemail', 0, aspects.voicemail.url, aspects.voicemail.type));
  // Only URLs a fetch can reach are jobs: a malformed URL is kept on the record, never archived.
  return jobs.filter((j) => mediaArchiveJob.safeParse(j).success);
}
