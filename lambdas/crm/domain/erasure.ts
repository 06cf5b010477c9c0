import type { ActivityRecord } from './activity';

/**
 * Erasing one person on request: their activities, timeline entries, archived media and contact
 * records go; their suppressions and the suppression audit stay (consent must be provable). What
 * was erased is counted on an audit entry, without content.
 */
export interface ErasureCounts {
  activities: number;
  media: number;
  contacts: number;
}

export interface ErasureResult {
  phoneNumber: string;
  erased: ErasureCounts;
  erasedAt: string;
}

export interface ErasureAuditEntry extends ErasureResult {
  /** Who asked: the API caller's identity or the operator (`cli:<user>`). */
  requestedBy: string;
}

/** Every archived object an activity refers to (media, recordings, voicemail). */
export function archivedObjectKeysOf(
  record: Pick<ActivityRecord, 'media' | 'recordings' | 'voicemail'>,
): string[] {
  const items = [
    ...(record.media ?? []),
    ...(record.recordings ?? []),
    ...(record.voicemail ? [record.voicemail] : []),
  ];
  return items.flatMap((item) => (item.archiveKey ? [item.archiveKey] : []));
}
