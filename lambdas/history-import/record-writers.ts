import {
  type ActivityRepository,
  type ContactRepository,
  type ConversationRepository,
  contactRecordOf,
  activityChangeFromApiCall,
  activityChangeFromApiMessage,
  type ActivityChange,
} from '../crm';
import {
  OpenPhoneApiError,
  type OpenPhoneClient,
  apiCallSchema,
  apiContactSchema,
  apiMessageSchema,
} from '../openphone';
import { inParallel } from '../shared/concurrency';
import {
  recordingsChange,
  summaryChange,
  transcriptChange,
  type ImportError,
  type ImportRecordKind,
  type RecordCounts,
} from './domain/import-plan';

/**
 * One page's records into the CRM: each object validated and mapped as a webhook's would be, then
 * upserted. An object that fails validation or mapping is kept as an error and skipped; a failed
 * write is thrown (the page is read again).
 */

/** Upserts of one page in flight at once (a page of 100 is then 4 round trips deep, not 100). */
export const writeConcurrency = 25;
/** Calls of one page worked at once; each makes up to three requests in turn, in a lane of 7 per second. */
const callConcurrency = 7;

export interface RecordWriterDeps {
  /** In the `import` lane. */
  openPhone: OpenPhoneClient;
  activities: Pick<ActivityRepository, 'upsertActivity'>;
  /** Conversation state, folded from the same updates as a webhook's; not kept when absent. */
  conversations?: Pick<ConversationRepository, 'recordActivity' | 'recordOpenPhoneState'>;
  contacts: Pick<ContactRepository, 'upsertContact'>;
  clock: () => Date;
}

export interface WrittenRecords {
  records: Partial<RecordCounts>;
  errors: ImportError[];
}

/** A problem with one object or list, kept on the run and skipped past. */
export function importError(
  subject: string,
  reason: ImportError['reason'],
  detail: string,
  clock: () => Date,
): ImportError {
  return { subject, reason, detail: detail.slice(0, 500), at: clock().toISOString() };
}

/** `conversation`: the conversation a page's messages belong to, or how to read it from each one. */
export async function writeMessages(
  messages: readonly unknown[],
  conversation: string | ((raw: unknown) => string | undefined),
  deps: RecordWriterDeps,
): Promise<WrittenRecords> {
  const errors: ImportError[] = [];
  const changes: ActivityChange[] = [];
  for (const raw of messages) {
    const parsed = apiMessageSchema.safeParse(raw);
    const id = (raw as { id?: string }).id ?? '?';
    if (!parsed.success) {
      errors.push(
        importError(`message:${id}`, 'invalid-payload', parsed.error.issues[0]?.message ?? '', deps.clock),
      );
      continue;
    }
    const conversationId = typeof conversation === 'string' ? conversation : conversation(raw);
    const mapping = activityChangeFromApiMessage(parsed.data, conversationId ? { conversationId } : {});
    if (mapping.ok) changes.push(mapping.change);
    else errors.push(importError(`message:${id}`, 'invalid-payload', mapping.reason, deps.clock));
  }
  await inParallel(changes, writeConcurrency, async (c) => void (await upsertWithConversation(c, deps)));
  return { records: { message: changes.length }, errors };
}

/** Calls, and for each answered one its recordings, summary and transcript. */
export async function writeCalls(
  calls: readonly unknown[],
  conversationId: string,
  openPhoneNumber: string,
  deps: RecordWriterDeps,
): Promise<WrittenRecords> {
  const errors: ImportError[] = [];
  const counts: Partial<Record<ImportRecordKind, number>> = {};
  const count = (kind: ImportRecordKind) => (counts[kind] = (counts[kind] ?? 0) + 1);
  await inParallel(calls, callConcurrency, async (raw) => {
    const id = (raw as { id?: string }).id ?? '?';
    const parsed = apiCallSchema.safeParse(raw);
    if (!parsed.success) {
      errors.push(
        importError(`call:${id}`, 'invalid-payload', parsed.error.issues[0]?.message ?? '', deps.clock),
      );
      return;
    }
    const mapping = activityChangeFromApiCall(parsed.data, { conversationId, openPhoneNumber });
    if (!mapping.ok) {
      errors.push(importError(`call:${id}`, 'invalid-payload', mapping.reason, deps.clock));
      return;
    }
    await upsertWithConversation(mapping.change, deps);
    count('call');
    if (!parsed.data.answeredAt) return; // recordings, summaries and transcripts exist for answered calls
    for (const [kind, change] of await intelligenceOf(
      parsed.data.id,
      mapping.change.eventTime,
      deps,
      errors,
    )) {
      await deps.activities.upsertActivity(change.update, change.eventTime);
      count(kind);
    }
  });
  return { records: counts, errors };
}

/** The activity, then what it means to its conversation (not for an erased person's activity). */
async function upsertWithConversation(change: ActivityChange, deps: RecordWriterDeps): Promise<void> {
  const upsert = await deps.activities.upsertActivity(change.update, change.eventTime);
  if (upsert.outcome !== 'erased') await deps.conversations?.recordActivity(change.update);
}

/**
 * A call's recordings, summary and transcript; one that OpenPhone does not have (404) is none, one
 * it refuses (another 4xx but 401 and 429) is an error of that call alone: the other calls go on.
 */
async function intelligenceOf(
  callId: string,
  eventTime: string,
  deps: RecordWriterDeps,
  errors: ImportError[],
): Promise<[ImportRecordKind, ActivityChange][]> {
  const absentIfNotFound = async <T>(
    kind: ImportRecordKind,
    read: () => Promise<T>,
  ): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof OpenPhoneApiError) || error.status >= 500 || [401, 429].includes(error.status))
        throw error;
      if (error.status !== 404)
        errors.push(importError(`${kind}:${callId}`, 'rejected', error.message, deps.clock));
      return undefined;
    }
  };
  const recordings = await absentIfNotFound('recording', () => deps.openPhone.getCallRecordings(callId));
  const summary = await absentIfNotFound('summary', () => deps.openPhone.getCallSummary(callId));
  const transcript = await absentIfNotFound('transcript', () => deps.openPhone.getCallTranscript(callId));
  const changes: [ImportRecordKind, ActivityChange | undefined][] = [
    ['recording', recordings && recordingsChange(callId, recordings, eventTime)],
    ['summary', summary && summaryChange(callId, summary, eventTime)],
    ['transcript', transcript && transcriptChange(callId, transcript, eventTime)],
  ];
  return changes.filter((c): c is [ImportRecordKind, ActivityChange] => c[1] !== undefined);
}

/** `fallbackTime` is a contact's version when it carries no `updatedAt` (the run's start). */
export async function writeContacts(
  contacts: readonly unknown[],
  fallbackTime: string,
  deps: RecordWriterDeps,
  /** An incremental sync's `since`: a contact OpenPhone last changed before it was written by an earlier run. */
  changedSince?: string,
): Promise<WrittenRecords> {
  const errors: ImportError[] = [];
  const since = changedSince === undefined ? undefined : Date.parse(changedSince);
  const records = contacts.flatMap((raw) => {
    const parsed = apiContactSchema.safeParse(raw);
    const id = parsed.success ? parsed.data.id : (raw as { id?: string }).id;
    if (!parsed.success || !id) {
      errors.push(importError(`contact:${id ?? '?'}`, 'invalid-payload', 'not a contact', deps.clock));
      return [];
    }
    // The list has no "updated after" filter: each sync pages through every contact, and skips
    // here the ones unchanged since the last run (no reads, no writes, not counted as imported).
    const updatedAt = parsed.data.updatedAt === undefined ? NaN : Date.parse(parsed.data.updatedAt);
    if (since !== undefined && updatedAt < since) return [];
    return [contactRecordOf({ ...parsed.data, id }, fallbackTime)];
  });
  await inParallel(records, writeConcurrency, async (c) => void (await deps.contacts.upsertContact(c)));
  return { records: { contact: records.length }, errors };
}
