import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { ActivityRepository } from '../crm/adapters/activity-repository';
import type { ContactRepository } from '../crm/adapters/contact-repository';
import {
  ImportCheckpointConflictError,
  type ImportStore,
  type ImportRun,
} from './adapters/import-repository';
import {
  OpenPhoneApiError,
  OpenPhoneInvalidRequestError,
  OpenPhoneResponseShapeError,
  type OpenPhoneClient,
} from '../openphone/adapters/openphone-client';
import { contactRecordOf } from '../crm/domain/contact-records';
import {
  activityChangeFromApiCall,
  activityChangeFromApiMessage,
  type ActivityChange,
} from '../crm/domain/crm-records';
import {
  abandonConversations,
  afterActivityPage,
  afterContactsPage,
  defaultOverlapMs,
  defaultTimeBudget,
  finishConversation,
  importPagesInput,
  mayStartPage,
  recordingsChange,
  scopeKey,
  startConversation,
  summaryChange,
  syncSince,
  transcriptChange,
  type ImportCheckpoint,
  type ImportError,
  type ImportPagesInput,
  type ImportPagesOutput,
  type ImportRecordKind,
  type ImportRequest,
  type RecordCounts,
} from './domain/import-plan';
import { bridgeMetrics } from '../shared/metrics';
import { conversationsFinished } from './domain/import-progress';
import type { ActivityFilters, Conversation, Page } from '../openphone/domain/openphone-api';
import { apiCallSchema, apiContactSchema, apiMessageSchema } from '../openphone/domain/webhook-payloads';

/**
 * One invocation of the history import: works through pages from the run's checkpoint until the
 * run is done or the time budget is spent, and tells Step Functions which (`done`).
 *
 * Each page's records are written (the same mapping and upserts as webhooks) before the page's
 * checkpoint moves past it, so a crash anywhere re-reads at most one page, and the upserts make
 * that harmless. Problems with one object or one conversation (404, a payload failing validation)
 * are kept on the run and skipped; anything transient (429s beyond the client's retries, 5xx,
 * DynamoDB) is thrown, for Step Functions to retry the invocation from the checkpoint.
 */

export interface ImportPageSizes {
  /** @default 100 */ conversations: number;
  /** @default 100 */ messages: number;
  /** Each answered call costs three more requests (recordings, summary, transcript). @default 20 */
  calls: number;
  /** OpenPhone's maximum. @default 50 */ contacts: number;
}

export interface ImportSettings {
  /** Stop before a new page when less than this is left of the invocation. @default 30 s */
  reserveMs: number;
  /** How far an incremental sync reaches back before the previous run's start. @default 10 min */
  overlapMs: number;
  pageSizes: ImportPageSizes;
}

export const defaultImportSettings: ImportSettings = {
  reserveMs: defaultTimeBudget.reserveMs,
  overlapMs: defaultOverlapMs,
  pageSizes: { conversations: 100, messages: 100, calls: 20, contacts: 50 },
};

export interface ImportPagesDeps {
  /** Its requests are made in the `import` lane whatever lane it was built with. */
  openPhone: OpenPhoneClient;
  store: ImportStore;
  activities: Pick<ActivityRepository, 'upsertActivity'>;
  contacts: Pick<ContactRepository, 'upsertContact'>;
  /** The invocation's time left (Lambda: `context.getRemainingTimeInMillis`). */
  remainingTimeMs: () => number;
  settings?: Partial<ImportSettings>;
  clock?: () => Date;
  logger?: Pick<Logger, 'info'>;
  /** Counts ImportRecordsImported and ImportRecordErrors (the dashboard's import progress). */
  metrics?: Pick<Metrics, 'addMetric'>;
}

interface StepResult {
  checkpoint: ImportCheckpoint;
  pages: number;
  records: Partial<RecordCounts>;
  errors: ImportError[];
  /** Contacts the page held (written or skipped): the contacts phase's progress. */
  contactsRead?: number;
  /** What a list's first page reported it holds in all: the estimate of the time left. */
  totals?: { conversationsTotal?: number; contactsTotal?: number };
}

const isSkippableApiError = (error: unknown) =>
  error instanceof OpenPhoneApiError && error.status >= 400 && error.status < 500 && error.status !== 429;

/** Upserts of one page in flight at once (a page of 100 is then 4 round trips deep, not 100). */
export const writeConcurrency = 25;
/** Calls of one page worked at once; each makes up to three requests in turn, in a lane of 7 per second. */
const callConcurrency = 7;

/** `work` on every item, at most `concurrency` at once; a worker takes the next item as soon as it is free. */
export async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export async function importPages(raw: ImportPagesInput, deps: ImportPagesDeps): Promise<ImportPagesOutput> {
  const input = importPagesInput.parse(raw);
  const settings = {
    ...defaultImportSettings,
    ...deps.settings,
    pageSizes: { ...defaultImportSettings.pageSizes, ...deps.settings?.pageSizes },
  };
  const clock = deps.clock ?? (() => new Date());
  const run = await startOrResume(input, deps.store, settings.overlapMs, clock);
  const output = (run: ImportRun): ImportPagesOutput => ({
    importId: input.importId,
    kind: run.kind,
    scope: run.scope,
    invocation: input.invocation + 1,
    done: run.status !== 'running',
    status: run.status,
    checkpoint: run.checkpoint,
  });
  if (run.status !== 'running') return output(run);

  const walker = new ImportWalker(
    deps.openPhone.lane === 'import' ? deps.openPhone : deps.openPhone.forLane('import'),
    deps.activities,
    deps.contacts,
    run,
    settings,
    clock,
  );
  let { checkpoint, sequence } = run;
  const totals = { pages: 0, records: 0, errors: 0 };
  while (checkpoint.phase !== 'done' && mayStartPage(deps.remainingTimeMs(), settings)) {
    const began = clock().getTime();
    const step = await walker.step(checkpoint);
    if (step.errors.length) await deps.store.recordErrors(run.importId, step.errors);
    const at = clock();
    const activeMs = Math.max(0, at.getTime() - began);
    try {
      sequence = await deps.store.recordProgress(run.importId, {
        expectedSequence: sequence,
        checkpoint: step.checkpoint,
        pages: step.pages,
        records: step.records,
        errors: step.errors.length,
        at: at.toISOString(),
        activeMs,
        ...(checkpoint.phase === 'contacts' ? { contactsActiveMs: activeMs } : {}),
        conversationsDone: conversationsFinished(checkpoint, step.checkpoint),
        contactsDone: step.contactsRead ?? 0,
        ...step.totals,
      });
    } catch (error) {
      // Cancelled (or finished elsewhere) meanwhile: this execution ends quietly.
      const current =
        error instanceof ImportCheckpointConflictError && (await deps.store.getRun(run.importId));
      if (current && current.status !== 'running') return output(current);
      throw error;
    }
    checkpoint = step.checkpoint;
    totals.pages += step.pages;
    totals.records += Object.values(step.records).reduce((a, b) => a + (b ?? 0), 0);
    totals.errors += step.errors.length;
  }
  if (checkpoint.phase === 'done') await deps.store.completeRun(run, clock().toISOString());
  deps.logger?.info('import pages worked', { importId: run.importId, phase: checkpoint.phase, ...totals });
  deps.metrics?.addMetric(bridgeMetrics.import.recordsImported, MetricUnit.Count, totals.records);
  deps.metrics?.addMetric(bridgeMetrics.import.recordErrors, MetricUnit.Count, totals.errors);
  return output(await deps.store.requireRun(run.importId));
}

async function startOrResume(
  input: ImportRequest,
  store: ImportStore,
  overlapMs: number,
  clock: () => Date,
): Promise<ImportRun> {
  const existing = await store.getRun(input.importId);
  if (existing?.status === 'failed' && input.invocation === 0) {
    // A new execution for a failed run is the operator's resume: on from its checkpoint.
    await store.reopenRun(input.importId, clock().toISOString());
    return store.requireRun(input.importId);
  }
  if (existing) return existing;
  const key = scopeKey(input.scope);
  const watermark = input.kind === 'incremental' ? await store.watermarkOf(key) : undefined;
  const since = syncSince(input.kind, watermark, overlapMs);
  const { run } = await store.startRun({
    importId: input.importId,
    kind: input.kind,
    scope: input.scope,
    scopeKey: key,
    ...(since ? { since } : {}),
    startedAt: clock().toISOString(),
  });
  return run;
}

/** Failure path of the state machine: the run is kept as failed, with the reason, resumable by id. */
export async function recordImportFailure(
  input: { importId: string; error?: unknown },
  deps: { store: ImportStore; clock?: () => Date },
): Promise<{ importId: string; status: 'failed' }> {
  const reason =
    typeof input.error === 'object' && input.error !== null
      ? JSON.stringify(input.error)
      : String(input.error ?? 'unknown');
  await deps.store.failRun(input.importId, reason, (deps.clock ?? (() => new Date()))().toISOString());
  return { importId: input.importId, status: 'failed' };
}

/** Fetches and writes one page at a time; keeps what one invocation can reuse (numbers, the conversations page). */
class ImportWalker {
  private numbersById: Map<string, string> | undefined;
  private conversationsPage: { token: string | null; page: Page<Conversation> } | undefined;
  /** The next page of the list being walked, asked for while the current page is written. */
  private nextActivityPage: { key: string; page: Promise<Page<unknown>> } | undefined;

  constructor(
    private readonly client: OpenPhoneClient,
    private readonly activities: ImportPagesDeps['activities'],
    private readonly contacts: ImportPagesDeps['contacts'],
    private readonly run: ImportRun,
    private readonly settings: ImportSettings,
    private readonly clock: () => Date,
  ) {}

  async step(checkpoint: ImportCheckpoint): Promise<StepResult> {
    try {
      return await (checkpoint.phase === 'contacts'
        ? this.contactsStep(checkpoint)
        : this.conversationsStep(checkpoint));
    } finally {
      // The page read ahead is in hand (or failed) before the step ends: no request outlives it.
      await this.nextActivityPage?.page.catch(() => undefined);
    }
  }

  private error(subject: string, reason: ImportError['reason'], detail: string): ImportError {
    return { subject, reason, detail: detail.slice(0, 500), at: this.clock().toISOString() };
  }

  private async conversationsStep(checkpoint: ImportCheckpoint): Promise<StepResult> {
    const includeContacts = this.run.scope.includeContacts;
    let page: Page<Conversation>;
    try {
      page = await this.conversations(checkpoint.conversationsPage);
    } catch (error) {
      if (!isSkippableApiError(error) && !(error instanceof OpenPhoneResponseShapeError)) throw error;
      const skipped = this.error('conversations', reasonOf(error), (error as Error).message);
      return {
        checkpoint: abandonConversations(checkpoint, includeContacts),
        pages: 0,
        records: {},
        errors: [skipped],
      };
    }
    const positioned = startConversation(
      checkpoint,
      page.data.map((c) => c.id),
      page.nextPageToken,
      includeContacts,
    );
    const totals =
      checkpoint.conversationsPage === null && page.totalItems !== undefined
        ? { totals: { conversationsTotal: page.totalItems } }
        : {};
    if (!positioned.conversation || !positioned.activity) {
      return { checkpoint: positioned, pages: 1, records: {}, errors: [], ...totals };
    }
    const conversation = page.data[positioned.conversation.index]!;
    return { ...(await this.activityStep(positioned, conversation)), ...totals };
  }

  private async conversations(token: string | null): Promise<Page<Conversation>> {
    if (this.conversationsPage?.token === token) return this.conversationsPage.page;
    const pages = this.client.listConversations({
      ...(this.run.scope.phoneNumbers.length ? { phoneNumbers: this.run.scope.phoneNumbers } : {}),
      ...(this.run.since ? { updatedAfter: this.run.since } : {}),
      maxResults: this.settings.pageSizes.conversations,
      ...(token ? { startPageToken: token } : {}),
    });
    const first = await pages.next();
    const page = first.done ? { data: [], nextPageToken: null } : first.value;
    this.conversationsPage = { token, page };
    return page;
  }

  private async openPhoneNumberOf(phoneNumberId: string): Promise<string | undefined> {
    if (!this.numbersById) {
      const numbers = await this.client.listPhoneNumbers();
      this.numbersById = new Map(numbers.map((n) => [n.id, n.number]));
    }
    return this.numbersById.get(phoneNumberId);
  }

  private async activityStep(checkpoint: ImportCheckpoint, conversation: Conversation): Promise<StepResult> {
    const subject = `conversation:${conversation.id}`;
    const skip = (reason: ImportError['reason'], detail: string): StepResult => ({
      checkpoint: finishConversation(checkpoint),
      pages: 0,
      records: {},
      errors: [this.error(subject, reason, detail)],
    });
    const [participant, ...others] = conversation.participants;
    if (!conversation.phoneNumberId || !participant || others.length) {
      // GET /v1/messages and /v1/calls take exactly one participant: group threads cannot be listed.
      return skip('unsupported-conversation', `${conversation.participants.length} participants`);
    }
    const activity = checkpoint.activity!;
    const filters = {
      phoneNumberId: conversation.phoneNumberId,
      participants: [participant] as [string],
      ...(this.run.since ? { createdAfter: this.run.since } : {}),
      maxResults: this.settings.pageSizes[activity.resource],
      ...(activity.page ? { startPageToken: activity.page } : {}),
    };
    try {
      if (activity.resource === 'messages') {
        const page = await this.activityPage('messages', filters);
        const written = await this.writeMessages(page.data, conversation.id);
        return { ...written, checkpoint: afterActivityPage(checkpoint, page.nextPageToken), pages: 1 };
      }
      const openPhoneNumber = await this.openPhoneNumberOf(conversation.phoneNumberId);
      if (!openPhoneNumber)
        return skip('rejected', `phone number ${conversation.phoneNumberId} not in the workspace`);
      const page = await this.activityPage('calls', filters);
      const written = await this.writeCalls(page.data, conversation.id, openPhoneNumber);
      return { ...written, checkpoint: afterActivityPage(checkpoint, page.nextPageToken), pages: 1 };
    } catch (error) {
      if (error instanceof OpenPhoneInvalidRequestError)
        return skip('unsupported-conversation', error.message);
      if (error instanceof OpenPhoneResponseShapeError) {
        // The page cannot be read, nor its next token: the rest of this list is skipped.
        return {
          checkpoint: afterActivityPage(checkpoint, null),
          pages: 0,
          records: {},
          errors: [this.error(`${activity.resource}:${conversation.id}`, 'invalid-payload', error.message)],
        };
      }
      if (isSkippableApiError(error)) return skip(reasonOf(error), (error as Error).message);
      throw error;
    }
  }

  /**
   * A page of a conversation's messages or calls. When it has a next page, that page is asked for
   * at once, so its request (token wait and round trip) overlaps this page's writes; the next step
   * takes it (or its error) as if it had asked then. The checkpoint still moves only after a
   * page's writes: a page read ahead and never used (the invocation's time is up) is one request.
   */
  private async activityPage(
    resource: 'messages' | 'calls',
    filters: ActivityFilters,
  ): Promise<Page<unknown>> {
    const keyOf = (f: ActivityFilters) =>
      JSON.stringify([
        resource,
        f.phoneNumberId,
        f.participants,
        f.createdAfter,
        f.maxResults,
        f.startPageToken,
      ]);
    const ahead = this.nextActivityPage;
    this.nextActivityPage = undefined;
    const page = await (ahead?.key === keyOf(filters) ? ahead.page : this.firstPage(resource, filters));
    if (page.nextPageToken) {
      const next = { ...filters, startPageToken: page.nextPageToken };
      const read = this.firstPage(resource, next);
      read.catch(() => undefined); // thrown where the page is used, if it is
      this.nextActivityPage = { key: keyOf(next), page: read };
    }
    return page;
  }

  private async firstPage(resource: 'messages' | 'calls', filters: ActivityFilters): Promise<Page<unknown>> {
    const pages =
      resource === 'messages' ? this.client.listMessages(filters) : this.client.listCalls(filters);
    const first = await pages.next();
    return first.done ? { data: [], nextPageToken: null } : first.value;
  }

  private async writeMessages(
    messages: readonly unknown[],
    conversationId: string,
  ): Promise<Pick<StepResult, 'records' | 'errors'>> {
    const errors: ImportError[] = [];
    const changes: ActivityChange[] = [];
    for (const raw of messages) {
      const parsed = apiMessageSchema.safeParse(raw);
      const id = (raw as { id?: string }).id ?? '?';
      if (!parsed.success) {
        errors.push(this.error(`message:${id}`, 'invalid-payload', parsed.error.issues[0]?.message ?? ''));
        continue;
      }
      const mapping = activityChangeFromApiMessage(parsed.data, { conversationId });
      if (mapping.ok) changes.push(mapping.change);
      else errors.push(this.error(`message:${id}`, 'invalid-payload', mapping.reason));
    }
    await inParallel(
      changes,
      writeConcurrency,
      async (c) => void (await this.activities.upsertActivity(c.update, c.eventTime)),
    );
    return { records: { message: changes.length }, errors };
  }

  private async writeCalls(
    calls: readonly unknown[],
    conversationId: string,
    openPhoneNumber: string,
  ): Promise<Pick<StepResult, 'records' | 'errors'>> {
    const errors: ImportError[] = [];
    const counts: Partial<Record<ImportRecordKind, number>> = {};
    const count = (kind: ImportRecordKind) => (counts[kind] = (counts[kind] ?? 0) + 1);
    await inParallel(calls, callConcurrency, async (raw) => {
      const id = (raw as { id?: string }).id ?? '?';
      const parsed = apiCallSchema.safeParse(raw);
      if (!parsed.success) {
        errors.push(this.error(`call:${id}`, 'invalid-payload', parsed.error.issues[0]?.message ?? ''));
        return;
      }
      const mapping = activityChangeFromApiCall(parsed.data, { conversationId, openPhoneNumber });
      if (!mapping.ok) {
        errors.push(this.error(`call:${id}`, 'invalid-payload', mapping.reason));
        return;
      }
      await this.activities.upsertActivity(mapping.change.update, mapping.change.eventTime);
      count('call');
      if (!parsed.data.answeredAt) return; // recordings, summaries and transcripts exist for answered calls
      for (const [kind, change] of await this.intelligenceOf(parsed.data.id, mapping.change.eventTime)) {
        await this.activities.upsertActivity(change.update, change.eventTime);
        count(kind);
      }
    });
    return { records: counts, errors };
  }

  /** A call's recordings, summary and transcript; one that OpenPhone does not have (404) is none. */
  private async intelligenceOf(
    callId: string,
    eventTime: string,
  ): Promise<[ImportRecordKind, ActivityChange][]> {
    const absentIfNotFound = async <T>(read: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await read();
      } catch (error) {
        if (error instanceof OpenPhoneApiError && error.status === 404) return undefined;
        throw error;
      }
    };
    const recordings = await absentIfNotFound(() => this.client.getCallRecordings(callId));
    const summary = await absentIfNotFound(() => this.client.getCallSummary(callId));
    const transcript = await absentIfNotFound(() => this.client.getCallTranscript(callId));
    const changes: [ImportRecordKind, ActivityChange | undefined][] = [
      ['recording', recordings && recordingsChange(callId, recordings, eventTime)],
      ['summary', summary && summaryChange(callId, summary, eventTime)],
      ['transcript', transcript && transcriptChange(callId, transcript, eventTime)],
    ];
    return changes.filter((c): c is [ImportRecordKind, ActivityChange] => c[1] !== undefined);
  }

  private async contactsStep(checkpoint: ImportCheckpoint): Promise<StepResult> {
    let page: Page<unknown>;
    try {
      const first = await this.client
        .listContacts({
          maxResults: this.settings.pageSizes.contacts,
          ...(checkpoint.contactsPage ? { startPageToken: checkpoint.contactsPage } : {}),
        })
        .next();
      page = first.done ? { data: [], nextPageToken: null } : first.value;
    } catch (error) {
      if (!isSkippableApiError(error) && !(error instanceof OpenPhoneResponseShapeError)) throw error;
      const skipped = this.error('contacts', reasonOf(error), (error as Error).message);
      return { checkpoint: afterContactsPage(checkpoint, null), pages: 0, records: {}, errors: [skipped] };
    }
    const errors: ImportError[] = [];
    const fallbackTime = this.run.startedAt;
    const contacts = page.data.flatMap((raw) => {
      const parsed = apiContactSchema.safeParse(raw);
      const id = parsed.success ? parsed.data.id : (raw as { id?: string }).id;
      if (!parsed.success || !id) {
        errors.push(this.error(`contact:${id ?? '?'}`, 'invalid-payload', 'not a contact'));
        return [];
      }
      return [contactRecordOf({ ...parsed.data, id }, fallbackTime)];
    });
    await inParallel(contacts, writeConcurrency, async (c) => void (await this.contacts.upsertContact(c)));
    return {
      checkpoint: afterContactsPage(checkpoint, page.nextPageToken),
      pages: 1,
      records: { contact: contacts.length },
      errors,
      contactsRead: page.data.length,
      ...(checkpoint.contactsPage === null && page.totalItems !== undefined
        ? { totals: { contactsTotal: page.totalItems } }
        : {}),
    };
  }
}

function reasonOf(error: unknown): ImportError['reason'] {
  if (error instanceof OpenPhoneResponseShapeError) return 'invalid-payload';
  if (error instanceof OpenPhoneApiError && error.status === 404) return 'not-found';
  return 'rejected';
}

/** What the state machine sends: a pages step, or (from its Catch) the run's failure. */
export type ImportTaskEvent =
  ImportPagesInput | { action: 'record-failure'; importId: string; error?: unknown };

export function handleImportTask(
  event: ImportTaskEvent,
  deps: ImportPagesDeps,
): Promise<ImportPagesOutput | { importId: string; status: 'failed' }> {
  if ('action' in event && event.action === 'record-failure') return recordImportFailure(event, deps);
  return importPages(event as ImportPagesInput, deps);
}
