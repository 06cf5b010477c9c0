import { activityHeadingFields, type ActivityRecord, type ContactRecord } from '../../crm';
import type { Activity, Contact } from './resources';

interface StoredMedia {
  url: string;
  type?: string;
  duration?: number;
  archiveKey?: string;
  archiveSkippedReason?: string;
}

/** Every archived object an activity refers to (media, recordings, voicemail): the keys to link. */
export function archiveKeysOf(record: ActivityRecord): string[] {
  const items: StoredMedia[] = [...(record.media ?? []), ...(record.recordings ?? [])];
  if (record.voicemail) items.push(record.voicemail);
  return items.flatMap((item) => (item.archiveKey ? [item.archiveKey] : []));
}

function mediaView(item: StoredMedia, archivedUrls: ReadonlyMap<string, string>) {
  const archivedUrl = item.archiveKey ? archivedUrls.get(item.archiveKey) : undefined;
  return {
    url: item.url,
    ...(item.type !== undefined ? { type: item.type } : {}),
    ...(item.duration !== undefined ? { duration: item.duration } : {}),
    ...(archivedUrl ? { archivedUrl } : {}),
    ...(item.archiveSkippedReason ? { notArchived: item.archiveSkippedReason } : {}),
  };
}

/**
 * The API's view of a stored activity: OpenPhone's id as `id`, archived copies as short-lived
 * links, and none of the storage bookkeeping (keys, per-aspect times, archive keys).
 */
export function activityView(record: ActivityRecord, archivedUrls: ReadonlyMap<string, string>): Activity {
  const { media, recordings, voicemail, summary, nextSteps, transcript } = record;
  const view: Activity = {
    id: record.activityId,
    ...pick(record, [
      ...activityHeadingFields,
      'text',
      'answeredAt',
      'completedAt',
      'durationSeconds',
      'sources',
    ]),
    ...(media ? { media: media.map((m) => mediaView(m, archivedUrls)) } : {}),
    ...(recordings ? { recordings: recordings.map((r) => mediaView(r, archivedUrls)) } : {}),
    ...(voicemail
      ? {
          voicemail: {
            ...mediaView(voicemail, archivedUrls),
            ...(voicemail.transcript !== undefined ? { transcript: voicemail.transcript } : {}),
          },
        }
      : {}),
    ...(summary ? { summary } : {}),
    ...(nextSteps ? { nextSteps } : {}),
    ...(transcript ? { transcript } : {}),
  };
  return view;
}

export function contactView(record: ContactRecord): Contact {
  return {
    id: record.contactId,
    ...pick(record, ['externalId', 'firstName', 'lastName', 'company', 'role', 'createdAt', 'updatedAt']),
    emails: record.emails,
    phoneNumbers: record.phoneNumbers,
    customFields: record.customFields,
  };
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((k) => value[k] !== undefined).map((k) => [k, value[k]])) as Partial<
    Pick<T, K>
  >;
}
