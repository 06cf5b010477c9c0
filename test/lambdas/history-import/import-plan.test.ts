import fc from 'fast-check';
import {
  abandonWorkspaceMessages,
  afterActivityPage,
  afterContactsPage,
  finishConversation,
  afterWorkspaceMessagesPage,
  chooseMessageListing,
  isRunStart,
  importCheckpoint,
  importPagesInput,
  isListLevelError,
  initialCheckpoint,
  laterWatermark,
  mayStartPage,
  scopeKey,
  startConversation,
  summaryChange,
  syncSince,
  transcriptChange,
  recordingsChange,
  type ImportCheckpoint,
} from '../../../lambdas/history-import/domain/import-plan';

/** Pages of conversation ids, and per conversation how many message and call pages it has. */
interface World {
  pages: string[][];
  activityPages: Record<string, { messages: number; calls: number }>;
}

const token = (n: number) => `p${n}`;
const pageIndex = (t: string | null) => (t === null ? 0 : Number(t.slice(1)));

/** Applies the plan's transitions as the worker does; returns the (conversation, resource, page) steps. */
function walk(world: World, from: ImportCheckpoint, maxSteps = 10_000, listingPages = 0) {
  const steps: string[] = [];
  let checkpoint = from;
  for (let i = 0; i < maxSteps && checkpoint.phase === 'conversations'; i++) {
    const listing = checkpoint.workspaceMessages;
    if (listing && !listing.done) {
      const n = pageIndex(listing.after);
      steps.push(`workspace/messages/${n}`);
      checkpoint = afterWorkspaceMessagesPage(checkpoint, n + 1 < listingPages ? token(n + 1) : null);
      checkpoint = importCheckpoint.parse(JSON.parse(JSON.stringify(checkpoint)));
      continue;
    }
    const at = pageIndex(checkpoint.conversationsPage);
    const ids = world.pages[at] ?? [];
    const next = at + 1 < world.pages.length ? token(at + 1) : null;
    const positioned = startConversation(checkpoint, ids, next, false);
    if (!positioned.conversation || !positioned.activity) {
      checkpoint = positioned;
      continue;
    }
    const id = ids[positioned.conversation.index]!;
    const { resource, page } = positioned.activity;
    const count = world.activityPages[id]![resource];
    const n = pageIndex(page);
    steps.push(`${id}/${resource}/${n}`);
    checkpoint = afterActivityPage(positioned, n + 1 < count ? token(n + 1) : null);
    checkpoint = importCheckpoint.parse(JSON.parse(JSON.stringify(checkpoint)));
  }
  return { steps, checkpoint };
}

const world = fc
  .array(fc.array(fc.constant(0), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 })
  .chain((shape) => {
    let n = 0;
    const pages = shape.map((page) => page.map(() => `CN${n++}`));
    return fc
      .array(fc.record({ messages: fc.integer({ min: 1, max: 3 }), calls: fc.integer({ min: 1, max: 3 }) }), {
        minLength: n,
        maxLength: n,
      })
      .map((counts) => ({ pages, activityPages: Object.fromEntries(counts.map((c, i) => [`CN${i}`, c])) }));
  });

describe('import plan', () => {
  it('walks every page of every conversation exactly once, messages before calls', () => {
    fc.assert(
      fc.property(world, (w) => {
        const { steps, checkpoint } = walk(w, initialCheckpoint);
        const expected = w.pages
          .flat()
          .flatMap((id) => [
            ...Array.from({ length: w.activityPages[id]!.messages }, (_, n) => `${id}/messages/${n}`),
            ...Array.from({ length: w.activityPages[id]!.calls }, (_, n) => `${id}/calls/${n}`),
          ]);
        expect(steps).toEqual(expected);
        expect(checkpoint.phase).toBe('done');
      }),
    );
  });

  it('resumed from any checkpoint, re-reads at most the page it had not checkpointed', () => {
    fc.assert(
      fc.property(world, fc.nat(), (w, cut) => {
        const full = walk(w, initialCheckpoint).steps;
        const stopAt = cut % full.length;
        const first = walk(w, initialCheckpoint, 0);
        // Walk stopAt activity pages, then resume from the stored checkpoint.
        let checkpoint = first.checkpoint;
        let done: string[] = [];
        while (done.length < stopAt) {
          const step = walk(w, checkpoint, 1);
          done = [...done, ...step.steps];
          checkpoint = step.checkpoint;
        }
        const rest = walk(w, checkpoint).steps;
        expect([...done, ...rest]).toEqual(full);
      }),
    );
  });

  it('with the workspace-wide listing: every listing page once, then each conversation for its calls only; resumable anywhere', () => {
    fc.assert(
      fc.property(world, fc.integer({ min: 1, max: 4 }), fc.nat(), (w, listingPages, cut) => {
        const start = chooseMessageListing(initialCheckpoint, true);
        const full = walk(w, start, 10_000, listingPages);
        expect(full.steps).toEqual([
          ...Array.from({ length: listingPages }, (_, n) => `workspace/messages/${n}`),
          ...w.pages
            .flat()
            .flatMap((id) =>
              Array.from({ length: w.activityPages[id]!.calls }, (_, n) => `${id}/calls/${n}`),
            ),
        ]);
        expect(full.checkpoint.phase).toBe('done');

        let checkpoint = start;
        let done: string[] = [];
        while (done.length < cut % full.steps.length) {
          const step = walk(w, checkpoint, 1, listingPages);
          done = [...done, ...step.steps];
          checkpoint = step.checkpoint;
        }
        expect([...done, ...walk(w, checkpoint, 10_000, listingPages).steps]).toEqual(full.steps);
      }),
    );
  });

  it('chooses how to list messages only at the start; a run checkpointed before the listing, or one that abandons it, walks messages by conversation', () => {
    expect(isRunStart(initialCheckpoint)).toBe(true);
    expect(isRunStart(chooseMessageListing(initialCheckpoint, false))).toBe(false);
    expect(isRunStart({ ...initialCheckpoint, conversationsPage: 'p1' })).toBe(false);
    const abandoned = abandonWorkspaceMessages(
      afterWorkspaceMessagesPage(chooseMessageListing(initialCheckpoint, true), 'p1'),
    );
    expect(abandoned.workspaceMessages).toBeNull();
    expect(startConversation(abandoned, ['CN1'], null, false).activity).toEqual({
      resource: 'messages',
      page: null,
    });
    const { workspaceMessages: _absent, ...older } = { ...initialCheckpoint, conversationsPage: 'p1' };
    expect(startConversation(importCheckpoint.parse(older), ['CN1'], null, false).activity?.resource).toBe(
      'messages',
    );
  });

  it('finds the conversation in progress by id when newer conversations shift the first page', () => {
    const checkpoint: ImportCheckpoint = {
      ...initialCheckpoint,
      conversation: { id: 'CN2', index: 1 },
      activity: { resource: 'calls', page: 'tok' },
    };
    expect(startConversation(checkpoint, ['CNnew', 'CN1', 'CN2'], null, true)).toMatchObject({
      conversation: { id: 'CN2', index: 2 },
      activity: { resource: 'calls', page: 'tok' },
    });
  });

  it('resumes after a finished conversation by its id when one earlier on the page was removed', () => {
    const working = startConversation(initialCheckpoint, ['CN1', 'CN2', 'CN3', 'CN4'], null, true);
    const afterFirst = startConversation(
      finishConversation(working),
      ['CN1', 'CN2', 'CN3', 'CN4'],
      null,
      true,
    );
    const afterSecond = finishConversation(afterFirst);
    expect(afterSecond.conversation).toMatchObject({ id: 'CN2', finished: true });
    // CN1 deleted meanwhile: the re-read page shifts by one; CN3 is next, not CN4.
    expect(startConversation(afterSecond, ['CN2', 'CN3', 'CN4'], null, true).conversation).toEqual({
      id: 'CN3',
      index: 1,
    });
    // The finished one itself gone: its successor has moved into its place.
    expect(startConversation(afterSecond, ['CN1', 'CN3', 'CN4'], null, true).conversation?.id).toBe('CN3');
  });

  it('reads a checkpoint written before conversations were finished by id (an empty id, the next index)', () => {
    const legacy = importCheckpoint.parse({ ...initialCheckpoint, conversation: { id: '', index: 2 } });
    expect(startConversation(legacy, ['CN1', 'CN2', 'CN3'], null, true).conversation?.id).toBe('CN3');
  });

  it('counts an error as list-level when a list was left unread, not for a gone or group conversation', () => {
    const at = (
      subject: string,
      reason: 'rejected' | 'not-found' | 'invalid-payload' | 'unsupported-conversation',
    ) => isListLevelError({ subject, reason });
    expect(at('conversations', 'rejected')).toBe(true);
    expect(at('contacts', 'invalid-payload')).toBe(true);
    expect(at('calls:CN1', 'invalid-payload')).toBe(true);
    expect(at('conversation:CN1', 'rejected')).toBe(true);
    expect(at('conversation:CN1', 'not-found')).toBe(false);
    expect(at('conversation:CN1', 'unsupported-conversation')).toBe(false);
    expect(at('summary:AC1', 'rejected')).toBe(false);
    expect(at('message:AC1', 'invalid-payload')).toBe(false);
  });

  it('goes on to contacts after the last conversation when contacts are in scope, and ends after them', () => {
    expect(startConversation(initialCheckpoint, [], null, true).phase).toBe('contacts');
    expect(startConversation(initialCheckpoint, [], null, false).phase).toBe('done');
    const contacts = { ...initialCheckpoint, phase: 'contacts' as const };
    expect(afterContactsPage(contacts, 'next')).toMatchObject({ phase: 'contacts', contactsPage: 'next' });
    expect(afterContactsPage(contacts, null).phase).toBe('done');
  });

  it('stops before a page when less than the reserve is left', () => {
    expect(mayStartPage(30_000)).toBe(true);
    expect(mayStartPage(29_999)).toBe(false);
    expect(mayStartPage(11_000, { reserveMs: 10_000 })).toBe(true);
  });

  it('an incremental sync reaches back from the last watermark by the overlap; a full import does not', () => {
    expect(syncSince('incremental', '2026-03-01T10:00:00.000Z', 10 * 60_000)).toBe(
      '2026-03-01T09:50:00.000Z',
    );
    expect(syncSince('incremental', undefined)).toBeUndefined();
    expect(syncSince('full', '2026-03-01T10:00:00.000Z')).toBeUndefined();
    expect(laterWatermark('2026-03-02T00:00:00Z', '2026-03-01T00:00:00Z')).toBe('2026-03-02T00:00:00Z');
  });

  it("accepts the scheduled sync's import id (sync-<event time>) and defaults the rest", () => {
    expect(importPagesInput.parse({ importId: 'sync-2026-11-24T08:00:00Z', kind: 'incremental' })).toEqual({
      importId: 'sync-2026-11-24T08:00:00Z',
      kind: 'incremental',
      scope: { phoneNumbers: [], includeContacts: true },
      invocation: 0,
    });
    expect(importPagesInput.safeParse({ importId: 'no spaces' }).success).toBe(false);
  });

  it('the same numbers in any order are one scope', () => {
    expect(scopeKey({ phoneNumbers: ['PN2', 'PN1'], includeContacts: true })).toBe(
      scopeKey({ phoneNumbers: ['PN1', 'PN2', 'PN1'], includeContacts: true }),
    );
    expect(scopeKey({ phoneNumbers: [], includeContacts: false })).toBe('*');
  });

  it('maps REST call intelligence like the webhooks, and nothing still in progress', () => {
    const at = '2026-01-01T00:00:00.000Z';
    expect(
      summaryChange('AC1', { status: 'in-progress', summary: null, nextSteps: null }, at),
    ).toBeUndefined();
    expect(
      summaryChange('AC1', { status: 'completed', summary: ['a'], nextSteps: null }, at)?.update,
    ).toEqual({
      activityId: 'AC1',
      source: 'import',
      facts: { kind: 'call' },
      aspects: { summary: { summary: ['a'], nextSteps: [], status: 'completed' } },
    });
    expect(recordingsChange('AC1', [{ url: null, type: null, duration: null }], at)).toBeUndefined();
    expect(
      transcriptChange(
        'AC1',
        {
          status: 'completed',
          dialogue: [{ content: 'hi', start: 0, end: 1, identifier: '+1', userId: null }],
        },
        at,
      )?.update.aspects.transcript?.dialogue,
    ).toEqual([{ content: 'hi', start: 0, end: 1, identifier: '+1', userId: undefined }]);
  });
});
