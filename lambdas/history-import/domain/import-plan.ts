import { z } from 'zod';
import type { ActivityChange } from '../../crm';

/**
 * The history import's plan, pure: where a run stands (its checkpoint), how it moves on after each
 * page, when an invocation must stop for its time budget, and which times an incremental sync asks for.
 *
 * A run walks, in order:
 * 1. with the workspace-wide listing (`workspaceMessages` in the checkpoint), every message of the
 *    scope in cursor pages, then `conversations` pages for their calls only; without it,
 *    `conversations` pages (filtered by the run's phone numbers and, incrementally, `updatedAfter`)
 *    and for each conversation its `messages` pages, then its `calls` pages; for each call its
 *    recordings, summary and transcript;
 * 2. `contacts` pages (the workspace's, whatever the scope: contacts belong to no number).
 *
 * A page token stored in a checkpoint is the one that fetches the page being worked on (null: the
 * first page), so a resumed run re-reads at most the one page whose checkpoint it had not written.
 */

export const importKinds = ['full', 'incremental'] as const;
export type ImportKind = (typeof importKinds)[number];

/** `skipped`: a sync that found another run of its scope running, and read nothing. */
export const importStatuses = ['running', 'completed', 'failed', 'cancelled', 'skipped'] as const;
export type ImportStatus = (typeof importStatuses)[number];

export const importPhases = ['conversations', 'contacts', 'done'] as const;
export type ImportPhase = (typeof importPhases)[number];

export const importRecordKinds = [
  'message',
  'call',
  'recording',
  'summary',
  'transcript',
  'contact',
] as const;
export type ImportRecordKind = (typeof importRecordKinds)[number];
export type RecordCounts = Record<ImportRecordKind, number>;

export const emptyRecordCounts = (): RecordCounts =>
  Object.fromEntries(importRecordKinds.map((k) => [k, 0])) as RecordCounts;

/** What one run imports: phone numbers (PN ids or E.164; empty for all) and whether contacts too. */
export const importScope = z.object({
  phoneNumbers: z.array(z.string().min(1)).max(100).default([]),
  includeContacts: z.boolean().default(true),
});
export type ImportScope = z.infer<typeof importScope>;

/** The key a scope's watermark is stored under: the same numbers in any order are the same scope. */
export function scopeKey(scope: ImportScope): string {
  const numbers = [...new Set(scope.phoneNumbers)].sort();
  return `${numbers.length ? numbers.join(',') : '*'}${scope.includeContacts ? '+contacts' : ''}`;
}

const pageToken = z.string().min(1).nullable();

/** Where a run stands: enough to resume after any failure. */
export const importCheckpoint = z.object({
  phase: z.enum(importPhases),
  /** The token of the conversations page being worked on (null: the first page). */
  conversationsPage: pageToken,
  /**
   * The conversation in progress in that page, by id (its index only when the id is gone); once
   * `finished`, the last one done: the walk goes on after it, wherever a re-read page puts it.
   */
  conversation: z
    .object({ id: z.string(), index: z.number().int().min(0), finished: z.boolean().optional() })
    .nullable(),
  /** The in-progress conversation's activity list and the token of its page being worked on. */
  activity: z.object({ resource: z.enum(['messages', 'calls']), page: pageToken }).nullable(),
  /** The token of the contacts page being worked on. */
  contactsPage: pageToken,
  /**
   * The workspace-wide message listing, when the run uses it (chosen as it starts, kept to its
   * end): the cursor of the page being worked on, and whether every page is written. Null: each
   * conversation's messages are walked by conversation. Absent: not chosen yet (or a run
   * checkpointed before the listing existed, which chooses at its start only).
   */
  workspaceMessages: z.object({ after: pageToken, done: z.boolean() }).nullable().optional(),
});
export type ImportCheckpoint = z.infer<typeof importCheckpoint>;

export const initialCheckpoint: ImportCheckpoint = {
  phase: 'conversations',
  conversationsPage: null,
  conversation: null,
  activity: null,
  contactsPage: null,
};

/** Step Functions' input to one invocation of the import Lambda, and (with `done`) its output. */
export const importPagesInput = z.object({
  importId: z
    .string()
    .min(1)
    .max(80)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : -'),
  kind: z.enum(importKinds).default('full'),
  scope: importScope.default({ phoneNumbers: [], includeContacts: true }),
  /** How many invocations this execution has made: the state machine continues as a new one after N. */
  invocation: z.number().int().min(0).default(0),
});
export type ImportPagesInput = z.input<typeof importPagesInput>;
export type ImportRequest = z.infer<typeof importPagesInput>;

export interface ImportPagesOutput {
  importId: string;
  kind: ImportKind;
  scope: ImportScope;
  invocation: number;
  done: boolean;
  status: ImportStatus;
  checkpoint: ImportCheckpoint;
}

// ---- moving on -----------------------------------------------------------------------------------

/** After a conversations page has been fetched: the next conversation to work, or the next page. */
export function startConversation(
  checkpoint: ImportCheckpoint,
  pageIds: readonly string[],
  nextPageToken: string | null,
  includeContacts: boolean,
): ImportCheckpoint {
  const at = conversationIndexIn(checkpoint, pageIds);
  if (at < pageIds.length) {
    const id = pageIds[at]!;
    const resumed = checkpoint.conversation?.id === id && !checkpoint.conversation.finished;
    return {
      ...checkpoint,
      conversation: { id, index: at },
      activity: resumed
        ? checkpoint.activity
        : { resource: checkpoint.workspaceMessages?.done ? 'calls' : 'messages', page: null },
    };
  }
  return nextPageToken
    ? { ...checkpoint, conversationsPage: nextPageToken, conversation: null, activity: null }
    : afterConversations(checkpoint, includeContacts);
}

/**
 * The next conversation to work in a re-read page: the one in progress, by id; after a finished
 * one, the next after it by id. A conversation removed earlier in the page shifts the rest, so a
 * bare position would skip one; only when the id is gone is the old index used (a finished one
 * gone: its successor has moved into its place).
 */
export function conversationIndexIn(checkpoint: ImportCheckpoint, pageIds: readonly string[]): number {
  const { conversation } = checkpoint;
  if (!conversation) return 0;
  const found = conversation.id ? pageIds.indexOf(conversation.id) : -1;
  if (found < 0) return conversation.index;
  return conversation.finished ? found + 1 : found;
}

/** A run that has read nothing yet: the only point where it may choose how it lists messages. */
export function isRunStart(checkpoint: ImportCheckpoint): boolean {
  return (
    checkpoint.phase === 'conversations' &&
    checkpoint.conversationsPage === null &&
    checkpoint.conversation === null &&
    checkpoint.workspaceMessages === undefined
  );
}

/** How the run lists messages, chosen at its start: workspace-wide from the first (newest) page, or by conversation. */
export function chooseMessageListing(checkpoint: ImportCheckpoint, workspaceWide: boolean): ImportCheckpoint {
  return { ...checkpoint, workspaceMessages: workspaceWide ? { after: null, done: false } : null };
}

/**
 * The workspace-wide listing was refused (a 4xx, or a page that cannot be read): the run walks
 * each conversation's messages instead, so none is lost; those already written are upserted again.
 */
export function abandonWorkspaceMessages(checkpoint: ImportCheckpoint): ImportCheckpoint {
  return { ...checkpoint, workspaceMessages: null };
}

/** After a page of the workspace-wide listing has been written: its next cursor, or on to the calls. */
export function afterWorkspaceMessagesPage(
  checkpoint: ImportCheckpoint,
  nextCursor: string | null,
): ImportCheckpoint {
  if (!checkpoint.workspaceMessages) throw new Error('no workspace-wide message listing in progress');
  return {
    ...checkpoint,
    workspaceMessages: nextCursor ? { after: nextCursor, done: false } : { after: null, done: true },
  };
}

/** After a page of the current conversation's messages or calls has been written. */
export function afterActivityPage(
  checkpoint: ImportCheckpoint,
  nextPageToken: string | null,
): ImportCheckpoint {
  const { activity, conversation } = checkpoint;
  if (!activity || !conversation) throw new Error('no conversation in progress');
  if (nextPageToken) return { ...checkpoint, activity: { ...activity, page: nextPageToken } };
  if (activity.resource === 'messages') return { ...checkpoint, activity: { resource: 'calls', page: null } };
  return finishConversation(checkpoint);
}

/** The conversation in progress is done (all pages written, or skipped after an error). */
export function finishConversation(checkpoint: ImportCheckpoint): ImportCheckpoint {
  const { conversation } = checkpoint;
  if (!conversation) throw new Error('no conversation in progress');
  return { ...checkpoint, conversation: { ...conversation, finished: true }, activity: null };
}

function afterConversations(checkpoint: ImportCheckpoint, includeContacts: boolean): ImportCheckpoint {
  return {
    ...checkpoint,
    phase: includeContacts ? 'contacts' : 'done',
    conversation: null,
    activity: null,
  };
}

/** The conversations could not be listed further (a page OpenPhone will not give): on to contacts. */
export function abandonConversations(
  checkpoint: ImportCheckpoint,
  includeContacts: boolean,
): ImportCheckpoint {
  return afterConversations(checkpoint, includeContacts);
}

export function afterContactsPage(
  checkpoint: ImportCheckpoint,
  nextPageToken: string | null,
): ImportCheckpoint {
  return nextPageToken ? { ...checkpoint, contactsPage: nextPageToken } : { ...checkpoint, phase: 'done' };
}

// ---- time budget ---------------------------------------------------------------------------------

export interface TimeBudget {
  /** Stop before a new page when less than this is left of the invocation. @default 30 s */
  reserveMs: number;
}

export const defaultTimeBudget: TimeBudget = { reserveMs: 30_000 };

/**
 * Whether another page may start. The reserve covers one page at its worst: the client's retry
 * budget (30 s) of 429/5xx backoff, then the writes and the checkpoint.
 */
export function mayStartPage(remainingMs: number, budget: TimeBudget = defaultTimeBudget): boolean {
  return remainingMs >= budget.reserveMs;
}

// ---- watermark -----------------------------------------------------------------------------------

/** Default overlap of an incremental sync with the previous run: late writes on OpenPhone's side. */
export const defaultOverlapMs = 10 * 60_000;

/**
 * The `updatedAfter`/`createdAfter` an incremental sync asks for: the previous run's start, less an
 * overlap margin (upserts make re-reading the overlap harmless). None: read everything.
 */
export function syncSince(
  kind: ImportKind,
  watermark: string | undefined,
  overlapMs = defaultOverlapMs,
): string | undefined {
  if (kind === 'full' || !watermark) return undefined;
  const at = Date.parse(watermark);
  if (Number.isNaN(at)) return undefined;
  return new Date(at - overlapMs).toISOString();
}

/** A completed run moves its scope's watermark to when it started: never backwards. */
export function laterWatermark(stored: string | undefined, candidate: string): string {
  return stored && stored > candidate ? stored : candidate;
}

// ---- call intelligence from the REST API ---------------------------------------------------------

export interface RestRecording {
  url: string | null;
  type: string | null;
  duration: number | null;
}
export interface RestSummary {
  summary: string[] | null;
  nextSteps: string[] | null;
  status: string;
}
export interface RestTranscript {
  dialogue?:
    { content: string; start: number; end: number; identifier: string; userId?: string | null }[] | null;
  duration?: number | null;
  status: string;
  createdAt?: string;
}

const withoutNulls = <T extends object>(value: T) =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as {
    [K in keyof T]: Exclude<T[K], null>;
  };

/**
 * A call's recordings from GET /v1/call-recordings, as the webhook's `call.recording.completed`
 * would write them; none when no recording has a URL yet. `eventTime`: the call's own time.
 */
export function recordingsChange(
  callId: string,
  recordings: readonly RestRecording[],
  eventTime: string,
): ActivityChange | undefined {
  const usable = recordings
    .filter((r) => r.url)
    .map((r) => withoutNulls({ url: r.url!, type: r.type, duration: r.duration }));
  if (!usable.length) return undefined;
  return {
    eventTime,
    update: {
      activityId: callId,
      source: 'import',
      facts: { kind: 'call' },
      aspects: { recordings: usable },
    },
  };
}

/** A completed summary as `call.summary.completed` writes it; none while absent or in progress. */
export function summaryChange(
  callId: string,
  summary: RestSummary,
  eventTime: string,
): ActivityChange | undefined {
  if (summary.status !== 'completed') return undefined;
  return {
    eventTime,
    update: {
      activityId: callId,
      source: 'import',
      facts: { kind: 'call' },
      aspects: {
        summary: {
          summary: summary.summary ?? [],
          nextSteps: summary.nextSteps ?? [],
          status: summary.status,
        },
      },
    },
  };
}

/** A completed transcript as `call.transcript.completed` writes it. */
export function transcriptChange(
  callId: string,
  transcript: RestTranscript,
  eventTime: string,
): ActivityChange | undefined {
  if (transcript.status !== 'completed') return undefined;
  return {
    eventTime: transcript.createdAt ?? eventTime,
    update: {
      activityId: callId,
      source: 'import',
      facts: { kind: 'call' },
      aspects: {
        transcript: withoutNulls({
          dialogue: (transcript.dialogue ?? []).map(({ start, end, content, identifier, userId }) => ({
            start,
            end,
            content,
            identifier,
            userId: userId ?? undefined,
          })),
          duration: transcript.duration,
          status: transcript.status,
        }),
      },
    },
  };
}

// ---- errors kept on the run ----------------------------------------------------------------------

/** A problem the run skipped past: shown to an operator, never a reason to stop. */
export interface ImportError {
  /** What could not be imported: `conversation:CN…`, `message:AC…`, `contacts-page`. */
  subject: string;
  reason: 'not-found' | 'invalid-payload' | 'unsupported-conversation' | 'rejected';
  detail: string;
  at: string;
}

const listSubject = /^(conversations|contacts|conversation:.+|messages:.+|calls:.+)$/;

/**
 * Whether an error left a list (the conversations, the contacts, one conversation's messages or
 * calls) unread to its end: a run that kept one does not move its scope's watermark, so the next
 * sync reads that span again. A conversation OpenPhone no longer has (404) or cannot list (a group
 * thread) is no loss.
 */
export function isListLevelError(error: Pick<ImportError, 'subject' | 'reason'>): boolean {
  return (
    listSubject.test(error.subject) &&
    error.reason !== 'not-found' &&
    error.reason !== 'unsupported-conversation'
  );
}
