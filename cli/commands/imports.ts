import {
  type ImportRun,
  newImportId,
  totalRecords,
  importPagesInput,
  type ImportRequest,
} from '../../lambdas/history-import';
import { InvalidCursorError } from '../../lambdas/shared/page-cursor';
import { toE164 } from '../../lambdas/shared/phone-numbers';
import { CommandFailure, UsageError } from '../errors';
import { statusLine, statusLines } from '../import-progress-view';
import { formatTable, maskPhoneNumbersIn, printData, type Output } from '../output';
import type { Target } from '../target';

export interface StartImportOptions {
  incremental?: boolean;
  /** PN ids or phone numbers; none: all. */
  phoneNumbers?: string[];
  /** Commander's `--no-contacts`: false when given. */
  contacts?: boolean;
  importId?: string;
}

export interface StartWaiting {
  /** How long to wait for the run's record to appear (the first invocation writes it). @default 20 s */
  waitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `PN…` ids as they are, numbers to E.164; anything else is a usage error. */
export function phoneNumbersOf(values: readonly string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)
    .map((value) => {
      if (/^PN\w+$/.test(value)) return value;
      const number = toE164(value);
      if (!number.ok)
        throw new UsageError(`--phone-numbers: "${value}" is neither a PN… id nor a phone number`);
      return number.e164;
    });
}

const describeScope = (request: Pick<ImportRequest, 'kind' | 'scope'>) =>
  `${request.kind}, ${request.scope.phoneNumbers.length ? `${request.scope.phoneNumbers.length} phone number(s)` : 'all phone numbers'}, ${request.scope.includeContacts ? 'with contacts' : 'no contacts'}`;

/** Starts a full (or incremental) import, or resumes one by its id; prints the id. */
export async function startImport(
  target: Target,
  out: Output,
  options: StartImportOptions,
  now = new Date(),
  waiting: StartWaiting = {},
): Promise<void> {
  const kind = options.incremental ? 'incremental' : 'full';
  const parsed = importPagesInput.safeParse({
    importId: options.importId ?? newImportId(kind, now),
    kind,
    scope: {
      phoneNumbers: phoneNumbersOf(options.phoneNumbers ?? []),
      includeContacts: options.contacts !== false,
    },
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const option = issue.path[0] === 'importId' ? '--import-id' : '--phone-numbers';
    throw new UsageError(`${option}: ${issue.message}`);
  }
  let request = parsed.data;
  const existing = await target.imports.getRun(request.importId);
  const finished = ['completed', 'cancelled', 'skipped'];
  if (existing && finished.includes(existing.status))
    throw new CommandFailure(
      `import ${existing.importId} was ${existing.status} at ${existing.finishedAt ?? existing.updatedAt}: there is nothing to resume; start a new import without --import-id`,
    );
  if (existing) {
    // Resumed from its checkpoint, with its own kind and scope.
    request = { ...request, kind: existing.kind, scope: existing.scope };
  }
  const { runsAs } = await target.importLauncher.start(request);
  if (existing) {
    out.line(
      `Resumed import ${request.importId} (${existing.status}, ${existing.pages} pages done; ${describeScope(request)}) ${runsAs}.`,
    );
  } else {
    // So that `status` and `cancel` find it as soon as this returns.
    const sleep = waiting.sleep ?? pause;
    let run: ImportRun | undefined;
    for (let waited = 0; !run && waited <= (waiting.waitMs ?? 20_000); waited += 200) {
      run = await target.imports.getRun(request.importId);
      if (!run) await sleep(200);
    }
    out.line(
      `Started import ${request.importId} (${describeScope(request)}) ${runsAs}${run ? '' : '; its record is not written yet'}.`,
    );
  }
  out.line(`Follow it with: npm run cli -- imports status ${request.importId} --watch`);
}

async function requireRun(target: Target, importId: string): Promise<ImportRun> {
  const run = await target.imports.getRun(importId);
  if (!run) throw new CommandFailure(`no import ${importId} in ${target.name} (see: imports list)`);
  return run;
}

export interface StatusOptions {
  watch?: boolean;
  /** Seconds between refreshes with --watch. */
  every: number;
  sleep?: (ms: number) => Promise<void>;
  clock?: () => Date;
}

/** A run's progress; with `watch`, redrawn (a terminal) or a line per refresh (not a terminal) until it ends. */
export async function showImportStatus(
  target: Target,
  out: Output,
  importId: string,
  options: StatusOptions,
): Promise<void> {
  const sleep = options.sleep ?? pause;
  const clock = options.clock ?? (() => new Date());
  let run = await requireRun(target, importId);
  if (out.json) {
    const errors = run.errors ? await target.imports.errorsOf(importId) : [];
    printData(
      out,
      {
        ...run,
        ...(run.failure ? { failure: maskPhoneNumbersIn(run.failure) } : {}),
        errorDetails: errors.map((e) => ({ ...e, detail: maskPhoneNumbersIn(e.detail) })),
      },
      () => undefined,
    );
    return;
  }
  if (!options.watch || run.status !== 'running') {
    for (const line of statusLines(run, run.errors ? await target.imports.errorsOf(importId) : []))
      out.line(line);
    return;
  }
  let drawn = 0;
  for (;;) {
    if (out.isTTY) {
      const lines = statusLines(run, run.errors ? await target.imports.errorsOf(importId) : []);
      // Back to the first line drawn last time, and clear from there down.
      out.line(`${drawn ? `\x1b[${drawn}F\x1b[J` : ''}${lines.join('\n')}`);
      drawn = lines.length;
    } else {
      out.line(statusLine(run, clock()));
    }
    if (run.status !== 'running') break;
    await sleep(options.every * 1000);
    run = await requireRun(target, importId);
  }
  if (!out.isTTY)
    for (const line of statusLines(run, run.errors ? await target.imports.errorsOf(importId) : []))
      out.line(line);
}

/** Past and running imports, newest first, a page at a time. */
export async function listImports(
  target: Target,
  out: Output,
  options: { limit: number; cursor?: string },
): Promise<void> {
  const page = await target.imports
    .listRuns({ limit: options.limit, ...(options.cursor ? { cursor: options.cursor } : {}) })
    .catch((error: unknown) => {
      if (error instanceof InvalidCursorError)
        throw new UsageError('--cursor is not a cursor `imports list` printed');
      throw error;
    });
  printData(out, { items: page.runs, ...(page.cursor ? { cursor: page.cursor } : {}) }, () => {
    if (page.runs.length === 0) {
      out.line(`no imports in ${target.name}`);
      return;
    }
    const rows = page.runs.map((run) => [
      run.importId,
      run.kind,
      run.status,
      run.startedAt,
      totalRecords(run.records),
      run.errors,
    ]);
    for (const line of formatTable(['import', 'kind', 'status', 'started', 'records', 'errors'], rows))
      out.line(line);
    if (page.cursor) out.line(`next page: --cursor ${page.cursor}`);
  });
}

/** Stops a running import after the page it is writing. */
export async function cancelImport(
  target: Target,
  out: Output,
  importId: string,
  now = new Date(),
): Promise<void> {
  const run = await requireRun(target, importId);
  const refused = (status: string) =>
    new CommandFailure(`import ${importId} is already ${status}: there is nothing to cancel`);
  if (run.status !== 'running') throw refused(run.status);
  if (!(await target.imports.cancelRun(importId, now.toISOString())))
    throw refused((await requireRun(target, importId)).status);
  out.line(`Cancelled import ${importId}: it stops after the page it is writing (that page is not counted).`);
}
