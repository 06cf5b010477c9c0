import type { ActivityRecord } from './activity';

/**
 * Erasing one person on request, in every store that holds them by number: their activities,
 * timeline entries, archived media and contact records go; the messages sent to them through the
 * CRM API, the raw webhook bodies that named them and their campaign recipient rows keep only
 * what counts and ids need; their suppressions and the suppression audit stay (consent must be
 * provable). What was erased is counted per store on an audit entry, without content.
 */
export const erasureStores = [
  'activities',
  'media',
  'contacts',
  'apiMessages',
  'eventPayloads',
  'campaignRecipients',
] as const;
export type ErasureStore = (typeof erasureStores)[number];

/** Items (media: archived objects) erased per store. */
export type ErasureCounts = Record<ErasureStore, number>;

/** The stores the CRM table's own erasure does not reach, each erased by its capability. */
export type OtherErasureStore = Exclude<ErasureStore, 'activities' | 'media' | 'contacts'>;

/** The CRM records an erase found of the number: other stores key what they hold by these too. */
export interface ErasedRecords {
  /** OpenPhone's message and call ids (AC…). */
  activityIds: string[];
  /** OpenPhone's contact ids. */
  contactIds: string[];
  /** The webhook events those records list (`eventIds`): their raw bodies, found by key. */
  eventIds: string[];
}

/**
 * One store outside the CRM's activities and contacts that holds people: erases what it holds of
 * one number or of the records erased with it (found by key lookups or queries, never a scan) and
 * answers how many items.
 */
export interface PersonalDataEraser {
  store: OtherErasureStore;
  erase(phoneNumber: string, erasedAt: string, erased: ErasedRecords): Promise<number>;
}

/** What an erase cannot reach, said in its answer: copies that expire on their own. */
export interface ExpiringCopies {
  store: string;
  expiresWithin: string;
}

/** Webhook bodies waiting in a family's dead-letter queue (lib/events.ts keeps them 14 days). */
export const expiringCopiesAfterErase: readonly ExpiringCopies[] = [
  { store: 'dead-letter queues (webhook events that failed every attempt)', expiresWithin: '14 days' },
];

export interface ErasureResult {
  phoneNumber: string;
  erased: ErasureCounts;
  erasedAt: string;
  /** Copies the erase cannot reach, and when they are gone. */
  expiringCopies: ExpiringCopies[];
}

export interface ErasureAuditEntry {
  phoneNumber: string;
  erased: ErasureCounts;
  erasedAt: string;
  /** Who asked: the API caller's identity or the operator (`cli:<user>`). */
  requestedBy: string;
}

/** Counts with every store present: an audit entry written before a store existed reads 0 for it. */
export function completeErasureCounts(counts: Partial<ErasureCounts>): ErasureCounts {
  return Object.fromEntries(erasureStores.map((store) => [store, counts[store] ?? 0])) as ErasureCounts;
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

/**
 * The erase's second sweep: what it needs to find what a writer that read the marker before the
 * erase wrote after its first sweep. Run once the longest a writer can take between its marker
 * read and its write has passed (lib/crm-api.ts derives it from the writers' timeouts).
 */
export interface SecondSweep {
  phoneNumber: string;
  /** The erase's time: only what is dated at or before it is erased again. */
  erasedAt: string;
  /** The conversation records the first sweep looked at: a late fold may have put one back. */
  conversationKeys: string[];
}

/** Starts a second sweep after the writers' longest window (a Step Functions wait in the stack). */
export interface SecondSweepScheduler {
  schedule(sweep: SecondSweep): Promise<void>;
}

/**
 * Whether a stored conversation record holds nothing dated after `erasedAt` (every activity mark
 * and OpenPhone's own reading): a late fold's, which the second sweep removes; one a newer
 * activity has moved on stays.
 */
export function conversationHeldOnlyBefore(record: Record<string, unknown>, erasedAt: string): boolean {
  const marks = ['lastInbound', 'lastOutbound', 'lastAnswer', 'lastAwaiting']
    .map((field) => (record[field] as { at?: unknown } | undefined)?.at)
    .concat(record.openPhoneStateAt);
  return marks.every((at) => typeof at !== 'string' || at <= erasedAt);
}
