import {
  OpenPhoneApiError,
  OpenPhoneInvalidRequestError,
  OpenPhoneResponseShapeError,
  type ActivityFilters,
  type Conversation,
  type Page,
  type WorkspaceMessageFilters,
} from '../openphone';
import { openPhoneStateOf } from '../crm';
import type { ImportRun } from './adapters/import-repository';
import {
  abandonConversations,
  abandonWorkspaceMessages,
  afterActivityPage,
  afterContactsPage,
  afterWorkspaceMessagesPage,
  chooseMessageListing,
  finishConversation,
  isRunStart,
  startConversation,
  type ImportCheckpoint,
  type ImportError,
} from './domain/import-plan';
import type { ImportSettings } from './domain/import-settings';
import {
  importError,
  writeCalls,
  writeContacts,
  writeMessages,
  type RecordWriterDeps,
  type WrittenRecords,
} from './record-writers';

export interface WalkerDeps extends RecordWriterDeps {
  /** Marks the stored activities of a conversation OpenPhone deleted; answers how many. */
  deletedConversations?: {
    markConversationDeleted(conversationId: string, deletedAt: string): Promise<number>;
  };
}

export interface StepResult extends WrittenRecords {
  checkpoint: ImportCheckpoint;
  pages: number;
  /** Contacts the page held (written or skipped): the contacts phase's progress. */
  contactsRead?: number;
  /** The step read the workspace-wide message listing (its time is not the conversations'). */
  listedMessages?: boolean;
  /** What a list's first page reported it holds in all: the estimate of the time left. */
  totals?: { conversationsTotal?: number; contactsTotal?: number };
}

/** 401 (the key), 402 (the plan), 403 (the access): every later list would be refused alike. */
export const accessRefusalStatuses: readonly number[] = [401, 402, 403];

export const isAccessRefusal = (error: unknown): error is OpenPhoneApiError =>
  error instanceof OpenPhoneApiError && accessRefusalStatuses.includes(error.status);

/**
 * A 4xx about one object or list (not 429, not an access refusal): OpenPhone will answer the same
 * again, so it is recorded and skipped.
 */
export const isSkippableApiError = (error: unknown) =>
  error instanceof OpenPhoneApiError &&
  error.status >= 400 &&
  error.status < 500 &&
  error.status !== 429 &&
  !isAccessRefusal(error);

function reasonOf(error: unknown): ImportError['reason'] {
  if (error instanceof OpenPhoneResponseShapeError) return 'invalid-payload';
  if (error instanceof OpenPhoneApiError && error.status === 404) return 'not-found';
  return 'rejected';
}

/** Fetches and writes one page at a time; keeps what one invocation can reuse (numbers, the conversations page). */
export class ImportWalker {
  private numbersById: Map<string, string> | undefined;
  private conversationsPage: { token: string | null; page: Page<Conversation> } | undefined;
  /** The next page of the list being walked, asked for while the current page is written. */
  private nextActivityPage: { key: string; page: Promise<Page<unknown>> } | undefined;

  constructor(
    private readonly deps: WalkerDeps,
    private readonly run: ImportRun,
    private readonly settings: ImportSettings,
  ) {}

  async step(checkpoint: ImportCheckpoint): Promise<StepResult> {
    try {
      if (checkpoint.phase === 'contacts') return await this.contactsStep(checkpoint);
      const chosen = isRunStart(checkpoint)
        ? chooseMessageListing(checkpoint, this.workspaceListingFilter() !== undefined)
        : checkpoint;
      if (chosen.workspaceMessages && !chosen.workspaceMessages.done)
        return await this.workspaceMessagesStep(chosen);
      return await this.conversationsStep(chosen);
    } finally {
      // The page read ahead is in hand (or failed) before the step ends: no request outlives it.
      await this.nextActivityPage?.page.catch(() => undefined);
    }
  }

  private error(subject: string, reason: ImportError['reason'], detail: string): ImportError {
    return importError(subject, reason, detail, this.deps.clock);
  }

  /**
   * The scope as a filter of the workspace-wide listing, when the run may use it: the setting asks
   * for it, the client has it, and the scope is the whole workspace or one number by id (the
   * listing takes one `phoneNumberId`; a scope of several numbers is walked by conversation).
   */
  private workspaceListingFilter(): { phoneNumberId?: string } | undefined {
    if (this.settings.messageListing !== 'workspace' || !this.deps.openPhone.quoMessages) return undefined;
    return this.scopeFilter();
  }

  private scopeFilter(): { phoneNumberId?: string } | undefined {
    const numbers = this.run.scope.phoneNumbers;
    if (numbers.length === 0) return {};
    if (numbers.length === 1 && numbers[0]!.startsWith('PN')) return { phoneNumberId: numbers[0]! };
    return undefined;
  }

  /** A page of every message in scope (newest first), each written under the conversation Quo names. */
  private async workspaceMessagesStep(checkpoint: ImportCheckpoint): Promise<StepResult> {
    const after = checkpoint.workspaceMessages!.after;
    let page: Page<unknown>;
    try {
      page = await this.workspaceMessagesPage({
        ...this.scopeFilter(),
        ...(this.run.since ? { createdAfter: this.run.since } : {}),
        limit: this.settings.pageSizes.workspaceMessages,
        ...(after ? { after } : {}),
      });
    } catch (error) {
      const refused =
        isSkippableApiError(error) ||
        error instanceof OpenPhoneResponseShapeError ||
        error instanceof OpenPhoneInvalidRequestError;
      if (!refused) throw error;
      const detail = `workspace-wide listing refused, walked by conversation: ${(error as Error).message}`;
      return {
        checkpoint: abandonWorkspaceMessages(checkpoint),
        pages: 0,
        records: {},
        errors: [this.error('messages', reasonOf(error), detail)],
        listedMessages: true,
      };
    }
    const conversationOf = (raw: unknown) =>
      (raw as { conversationId?: string | null }).conversationId ?? undefined;
    const written = await writeMessages(page.data, conversationOf, this.deps);
    return {
      ...written,
      checkpoint: afterWorkspaceMessagesPage(checkpoint, page.nextPageToken),
      pages: 1,
      listedMessages: true,
    };
  }

  private workspaceMessagesPage(filters: WorkspaceMessageFilters): Promise<Page<unknown>> {
    const read = (f: WorkspaceMessageFilters) => async (): Promise<Page<unknown>> => {
      const page = await this.deps.openPhone.quoMessages.listPage(f);
      return { data: page.data, nextPageToken: page.nextCursor };
    };
    const keyOf = (f: WorkspaceMessageFilters) => JSON.stringify(['workspace-messages', f]);
    return this.withReadAhead(keyOf(filters), read(filters), (after) => {
      const next = { ...filters, after };
      return { key: keyOf(next), read: read(next) };
    });
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
    if (conversation.deletedAt) {
      // Deleted in OpenPhone: nothing of it is imported, and what was imported before is marked.
      await this.deps.deletedConversations?.markConversationDeleted(conversation.id, conversation.deletedAt);
      return { checkpoint: finishConversation(positioned), pages: 0, records: {}, errors: [], ...totals };
    }
    return { ...(await this.activityStep(positioned, conversation)), ...totals };
  }

  private async conversations(token: string | null): Promise<Page<Conversation>> {
    if (this.conversationsPage?.token === token) return this.conversationsPage.page;
    const pages = this.deps.openPhone.listConversations({
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
      const numbers = await this.deps.openPhone.listPhoneNumbers();
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
    // Once per conversation, as its walk begins: at its messages, or its calls when the messages were listed.
    const entering =
      !activity.page && (activity.resource === 'messages' || checkpoint.workspaceMessages?.done);
    const state = entering && openPhoneStateOf(conversation);
    if (state) await this.deps.conversations?.recordOpenPhoneState(state);
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
        const written = await writeMessages(page.data, conversation.id, this.deps);
        return { ...written, checkpoint: afterActivityPage(checkpoint, page.nextPageToken), pages: 1 };
      }
      const openPhoneNumber = await this.openPhoneNumberOf(conversation.phoneNumberId);
      if (!openPhoneNumber)
        return skip('rejected', `phone number ${conversation.phoneNumberId} not in the workspace`);
      const page = await this.activityPage('calls', filters);
      const written = await writeCalls(page.data, conversation.id, openPhoneNumber, this.deps);
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
    return this.withReadAhead(
      keyOf(filters),
      () => this.firstPage(resource, filters),
      (startPageToken) => {
        const next = { ...filters, startPageToken };
        return { key: keyOf(next), read: () => this.firstPage(resource, next) };
      },
    );
  }

  /** The page asked for by `key` (taken from the read-ahead when it is that one), and its next page asked for at once. */
  private async withReadAhead(
    key: string,
    read: () => Promise<Page<unknown>>,
    following: (token: string) => { key: string; read: () => Promise<Page<unknown>> },
  ): Promise<Page<unknown>> {
    const ahead = this.nextActivityPage;
    this.nextActivityPage = undefined;
    const page = await (ahead?.key === key ? ahead.page : read());
    if (page.nextPageToken) {
      const next = following(page.nextPageToken);
      const pending = next.read();
      pending.catch(() => undefined); // thrown where the page is used, if it is
      this.nextActivityPage = { key: next.key, page: pending };
    }
    return page;
  }

  private async firstPage(resource: 'messages' | 'calls', filters: ActivityFilters): Promise<Page<unknown>> {
    const pages =
      resource === 'messages'
        ? this.deps.openPhone.listMessages(filters)
        : this.deps.openPhone.listCalls(filters);
    const first = await pages.next();
    return first.done ? { data: [], nextPageToken: null } : first.value;
  }

  private async contactsStep(checkpoint: ImportCheckpoint): Promise<StepResult> {
    let page: Page<unknown>;
    try {
      const first = await this.deps.openPhone
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
    const written = await writeContacts(page.data, this.run.startedAt, this.deps, this.run.since);
    return {
      checkpoint: afterContactsPage(checkpoint, page.nextPageToken),
      pages: 1,
      ...written,
      contactsRead: page.data.length,
      ...(checkpoint.contactsPage === null && page.totalItems !== undefined
        ? { totals: { contactsTotal: page.totalItems } }
        : {}),
    };
  }
}
