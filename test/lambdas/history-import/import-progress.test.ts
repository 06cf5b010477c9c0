import { formatDuration, statusLine, statusLines } from '../../../cli/import-progress-view';
import { fractionBar } from '../../../cli/progress-bar';
import type { ImportRun } from '../../../lambdas/history-import/adapters/import-repository';
import {
  conversationsFinished,
  estimateImport,
  newImportId,
  rateExpressionMs,
  type RunProgress,
} from '../../../lambdas/history-import/domain/import-progress';
import {
  emptyRecordCounts,
  finishConversation,
  initialCheckpoint,
  startConversation,
} from '../../../lambdas/history-import/domain/import-plan';
import { runAgainst, testTarget } from '../../support/cli';

function progress(overrides: Partial<RunProgress> = {}): RunProgress {
  return {
    status: 'running',
    phase: 'conversations',
    scope: { includeContacts: false },
    records: { ...emptyRecordCounts(), message: 300, call: 100 },
    activeMs: 40_000,
    conversationsDone: 10,
    conversationsTotal: 40,
    ...overrides,
  };
}

function run(overrides: Partial<ImportRun> = {}): ImportRun {
  return {
    ...progress(),
    importId: 'full-20260301T101500Z',
    kind: 'full',
    scope: { phoneNumbers: [], includeContacts: false },
    scopeKey: '*',
    checkpoint: initialCheckpoint,
    sequence: 3,
    pages: 12,
    errors: 0,
    startedAt: '2026-03-01T10:15:00.000Z',
    updatedAt: '2026-03-01T10:16:00.000Z',
    ...overrides,
  } as ImportRun;
}

describe('import rate and time left', () => {
  it('counts records per second over the active time, and the time left at the pace so far', () => {
    // 400 records in 40 s; 10 of 40 conversations in 40 s leaves 30 at 4 s each.
    expect(estimateImport(progress())).toMatchObject({
      recordsPerSecond: 10,
      remainingMs: 120_000,
      covers: 'run',
      phase: { unit: 'conversations', done: 10, total: 40 },
    });
  });

  it('says the contacts are not yet in the estimate while the conversations run', () => {
    expect(estimateImport(progress({ scope: { includeContacts: true } }))).toMatchObject({
      remainingMs: 120_000,
      covers: 'conversations',
    });
  });

  it('estimates the conversations from their own pace, not the workspace-wide message listing’s before them', () => {
    // 60 s in all, 20 s of them listing messages: 10 conversations in 40 s leaves 30 at 4 s each.
    expect(estimateImport(progress({ activeMs: 60_000, messagesActiveMs: 20_000 }))).toMatchObject({
      remainingMs: 120_000,
      covers: 'run',
    });
    expect(
      estimateImport(progress({ activeMs: 20_000, messagesActiveMs: 20_000, conversationsDone: 0 })),
    ).toMatchObject({ covers: 'unknown' });
  });

  it('estimates the contacts phase from its own pace, not the conversations’', () => {
    const estimate = estimateImport(
      progress({
        phase: 'contacts',
        scope: { includeContacts: true },
        activeMs: 100_000,
        contactsActiveMs: 2_000,
        contactsDone: 100,
        contactsTotal: 300,
      }),
    );
    expect(estimate).toMatchObject({ remainingMs: 4_000, covers: 'run', phase: { unit: 'contacts' } });
  });

  it('is unknown without a total, before the first conversation, or when the total was wrong', () => {
    expect(estimateImport(progress({ conversationsTotal: undefined }))).toMatchObject({ covers: 'unknown' });
    expect(estimateImport(progress({ conversationsDone: 0 })).remainingMs).toBeUndefined();
    expect(estimateImport(progress({ conversationsDone: 41 })).remainingMs).toBeUndefined();
    expect(estimateImport(progress({ activeMs: 0 })).recordsPerSecond).toBeUndefined();
  });

  it('has nothing left once the run ended', () => {
    expect(estimateImport(progress({ status: 'cancelled' })).remainingMs).toBe(0);
  });

  it('counts a conversation once when the checkpoint leaves it, skipped or walked', () => {
    const onFirst = startConversation(initialCheckpoint, ['CN1', 'CN2'], null, false);
    const leftFirst = finishConversation(onFirst);
    expect(conversationsFinished(onFirst, leftFirst)).toBe(1);
    // Straight from the first's end to skipping the second: that is the second one done.
    const skippedSecond = finishConversation(startConversation(leftFirst, ['CN1', 'CN2'], null, false));
    expect(conversationsFinished(leftFirst, skippedSecond)).toBe(1);
    expect(conversationsFinished(onFirst, onFirst)).toBe(0);
    expect(conversationsFinished(leftFirst, leftFirst)).toBe(0);
  });

  it('turns rate(…) schedules into ms, and names runs by kind and time', () => {
    expect(rateExpressionMs('rate(1 hour)')).toBe(3_600_000);
    expect(rateExpressionMs('rate(15 minutes)')).toBe(900_000);
    expect(rateExpressionMs('cron(0 3 * * ? *)')).toBeUndefined();
    expect(newImportId('full', new Date('2026-03-01T10:15:00.123Z'))).toBe('full-20260301T101500Z');
  });
});

describe('import progress view', () => {
  it('draws a bar of the fraction done, and a bar of ? when it is unknown', () => {
    expect(fractionBar(0.4, 10)).toBe('[####------]  40%');
    expect(fractionBar(1, 4)).toBe('[####] 100%');
    expect(fractionBar(1.7, 4)).toBe('[####] 100%');
    expect(fractionBar(undefined, 4)).toBe('[????]    ?');
  });

  it('writes durations an operator reads at a glance', () => {
    expect(formatDuration(12_400)).toBe('12s');
    expect(formatDuration(245_000)).toBe('4m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
  });

  it('shows phase, pages, records by kind, rate, time left and the first errors, masked', () => {
    const errors = Array.from({ length: 7 }, (_, i) => ({
      subject: `conversation:CN${i}`,
      reason: 'not-found' as const,
      detail: `gone for +15555550123`,
      at: '2026-03-01T10:16:00.000Z',
    }));
    const lines = statusLines(run({ errors: 7 }), errors);
    expect(lines).toEqual(
      expect.arrayContaining([
        'running, phase conversations, started 2026-03-01T10:15:00.000Z',
        '[#######-----------------------]  25% 10/40 conversations',
        'pages 12, records 400 (message 300, call 100, recording 0, summary 0, transcript 0, contact 0)',
        '10.0 records/s, time left ~2m 00s',
        'errors 7',
        '  conversation:CN0  not-found  gone for …0123',
        '  … and 2 more',
      ]),
    );
    expect(statusLine(run(), new Date('2026-03-01T10:16:00Z'))).toBe(
      '2026-03-01T10:16:00.000Z  running  conversations  10/40 conversations  pages 12  records 400  10.0 records/s  ~2m 00s left  errors 0',
    );
  });
});

describe('imports commands: bad input', () => {
  const target = testTarget({});

  it('refuses a bad import id, phone number, limit or refresh with exit code 2 and one line', async () => {
    expect(await runAgainst(target, 'imports', 'start', '--import-id', 'has space')).toMatchObject({
      code: 2,
      stderr: ['error: --import-id: letters, digits and _ . : -'],
    });
    expect(await runAgainst(target, 'imports', 'start', '--phone-numbers', 'PN1,banana')).toMatchObject({
      code: 2,
      stderr: ['error: --phone-numbers: "banana" is neither a PN… id nor a phone number'],
    });
    const limit = await runAgainst(target, 'imports', 'list', '--limit', '500');
    expect(limit.code).toBe(2);
    expect(limit.stderr).toEqual([expect.stringContaining('a whole number from 1 to 100')]);
    const every = await runAgainst(target, 'imports', 'status', 'x', '--every', '0');
    expect(every.code).toBe(2);
    expect((await runAgainst(target, 'imports', 'cancel')).stderr).toEqual([
      "error: missing required argument 'importId'",
    ]);
  });
});
