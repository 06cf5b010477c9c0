import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ImportRepository, type ImportRun } from '../lambdas/history-import/adapters/import-repository';
import { ActivityRepository } from '../lambdas/crm/adapters/activity-repository';
import { ContactRepository } from '../lambdas/crm/adapters/contact-repository';
import { ConversationRepository } from '../lambdas/crm/adapters/conversation-repository';
import { DirectoryRepository } from '../lambdas/crm/adapters/directory-repository';
import { OpenPhoneClient } from '../lambdas/openphone/adapters/openphone-client';
import { SharedTokenBucket } from '../lambdas/openphone/adapters/rate-limiter';
import { rateExpressionMs, totalRecords } from '../lambdas/history-import/domain/import-progress';
import type { ImportRequest } from '../lambdas/history-import/domain/import-plan';
import type { CfnTemplate } from './cfn-tables';
import { runImportLocally } from './import-runner';
import { localAwsConfig } from './local-pipeline';
import {
  ImportAlreadyRunningError,
  ImportsNotConnectedError,
  LocalReplicaStoppingError,
} from './local-import-errors';

/**
 * The history import inside `npm start`: runs started by the operator CLI (through the admin API)
 * or by the local schedule execute the synthesized state machine with `runImportLocally`, in this
 * process, in the background: the HTTP API keeps answering while they run.
 */

export interface LocalImportsOptions {
  template: CfnTemplate;
  dynamoEndpoint: string;
  tables: { imports: string; crm: string; rateLimit: string };
  log: (line: string) => void;
  /** The Lambda's time per invocation, which the import's time budget counts down. @default 5 min */
  invocationMs?: number;
}

/** The schedule's interval, from the template's rule: undefined for `cron(…)`, none for `off`. */
export function templateSyncSchedule(
  template: CfnTemplate,
): { expression: string; everyMs?: number } | undefined {
  const rule = Object.entries(template.Resources).find(
    ([id, r]) => r.Type === 'AWS::Events::Rule' && id.includes('IncrementalSyncSchedule'),
  )?.[1];
  const expression = rule?.Properties?.ScheduleExpression;
  if (typeof expression !== 'string') return undefined;
  const everyMs = rateExpressionMs(expression);
  return { expression, ...(everyMs === undefined ? {} : { everyMs }) };
}

/**
 * `LOCAL_IMPORT_SYNC_EVERY_MS`: `off`, a whole number of ms, or unset (the template's `rate(…)`).
 * Returns undefined for no local schedule; throws for anything else.
 */
export function localSyncEveryMs(
  setting: string | undefined,
  templateEveryMs: number | undefined,
): number | undefined {
  if (setting === undefined || setting === '') return templateEveryMs;
  if (setting === 'off') return undefined;
  const everyMs = Number(setting);
  if (!Number.isInteger(everyMs) || everyMs < 1000)
    throw new Error(
      `LOCAL_IMPORT_SYNC_EVERY_MS must be off or a whole number of ms ≥ 1000, not "${setting}"`,
    );
  return everyMs;
}

function finishLine(run: ImportRun | undefined, importId: string, executions?: number): string {
  if (!run) return `import ${importId}: no run record`;
  const seconds = Math.round(
    (Date.parse(run.finishedAt ?? run.updatedAt) - Date.parse(run.startedAt)) / 1000,
  );
  if (run.status === 'skipped')
    return `import ${importId} skipped: ${run.heldBy ?? 'another run'} holds its scope`;
  const outcome = `${run.status}${run.failure ? ` (${run.failure.slice(0, 200)})` : ''}`;
  const ran = executions === undefined ? '' : `${executions} execution(s), `;
  return `import ${importId} ${outcome}: ${totalRecords(run.records)} records, ${run.errors} errors, ${run.pages} pages, ${ran}${seconds} s`;
}

export class LocalImports {
  readonly store: ImportRepository;
  /** The stage's sync schedule as the template has it (none when `off`). */
  readonly templateSchedule: { expression: string; everyMs?: number } | undefined;
  readonly #documents: DynamoDBDocumentClient;
  readonly #dynamo: DynamoDBClient;
  readonly #running = new Map<string, Promise<void>>();
  #openPhone: OpenPhoneClient | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopping = false;

  constructor(private readonly options: LocalImportsOptions) {
    this.#dynamo = new DynamoDBClient(localAwsConfig(options.dynamoEndpoint));
    this.#documents = DynamoDBDocumentClient.from(this.#dynamo, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.store = new ImportRepository(this.#documents, options.tables.imports);
    this.templateSchedule = templateSyncSchedule(options.template);
  }

  /** The OpenPhone API runs read from (the simulator, or the real API), in the `import` lane. */
  connect(openPhone: { apiKey: string; baseUrl: string }): void {
    this.#openPhone = new OpenPhoneClient({
      apiKey: openPhone.apiKey,
      baseUrl: openPhone.baseUrl,
      rateLimiter: new SharedTokenBucket({
        client: this.#dynamo,
        tableName: this.options.tables.rateLimit,
        apiKey: openPhone.apiKey,
      }),
      lane: 'import',
    });
  }

  /** Starts (or resumes) a run in the background; the returned promise is only its start. */
  start(request: ImportRequest): { importId: string } {
    if (this.#stopping) throw new LocalReplicaStoppingError();
    const openPhone = this.#openPhone;
    if (!openPhone) throw new ImportsNotConnectedError();
    if (this.#running.has(request.importId)) throw new ImportAlreadyRunningError(request.importId);
    const { log, template } = this.options;
    const invocationMs = this.options.invocationMs ?? 5 * 60_000;
    // One directory, as the Lambda wires it: the one the sync replaces names the activities.
    const directory = new DirectoryRepository(this.#documents, this.options.tables.crm);
    const activities = new ActivityRepository(this.#documents, this.options.tables.crm, { directory });
    const contacts = new ContactRepository(this.#documents, this.options.tables.crm);
    log(
      `import ${request.importId} started (${request.kind}${request.scope.phoneNumbers.length ? `, ${request.scope.phoneNumbers.length} phone number(s)` : ''}${request.scope.includeContacts ? '' : ', no contacts'})`,
    );
    const done = runImportLocally(request, {
      template,
      retryIntervalMs: 500,
      deps: () => {
        const startedAt = Date.now();
        return {
          openPhone,
          store: this.store,
          activities,
          deletedConversations: activities,
          contacts,
          conversations: new ConversationRepository(this.#documents, this.options.tables.crm),
          directory,
          remainingTimeMs: () => {
            if (this.#stopping) throw new LocalReplicaStoppingError();
            return invocationMs - (Date.now() - startedAt);
          },
        };
      },
    })
      .then(async ({ executions }) =>
        log(finishLine(await this.store.getRun(request.importId), request.importId, executions)),
      )
      .catch(async (error: unknown) => {
        // A run the workflow marked failed (RecordFailure) ends its execution failed: say why it failed.
        const run = await this.store.getRun(request.importId).catch(() => undefined);
        log(
          run?.status === 'failed'
            ? finishLine(run, request.importId)
            : `import ${request.importId} stopped: ${(error as Error).message}`,
        );
      })
      .finally(() => this.#running.delete(request.importId));
    this.#running.set(request.importId, done);
    return { importId: request.importId };
  }

  /** Fires an incremental sync of the whole workspace every `everyMs`, as the EventBridge rule does. */
  scheduleSync(everyMs: number): void {
    const log = this.options.log;
    clearInterval(this.#timer);
    this.#timer = setInterval(() => {
      const importId = `sync-${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`;
      try {
        this.start({
          importId,
          kind: 'incremental',
          scope: { phoneNumbers: [], includeContacts: true },
          invocation: 0,
        });
      } catch (error) {
        log(`scheduled sync not started: ${(error as Error).message}`);
      }
    }, everyMs);
    this.#timer.unref();
  }

  /** Stops the schedule; runs in progress end after their current page, failed and resumable by id. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#timer);
    await Promise.all(this.#running.values());
    this.#dynamo.destroy();
  }
}
