import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { ImportPagesInput } from '../lambdas/history-import/domain/import-plan';
import { handleImportTask, type ImportDeps, type ImportTaskEvent } from '../lambdas/history-import/service';
import { historyImportStates } from '../lib/history-import';
import type { CfnTemplate } from './cfn-tables';

/**
 * The history import workflow run locally: the state machine definition of the synthesized template
 * (its `Fn::Join` resolved to plain ASL) executed by `aws-local-stepfunctions`, its Lambda tasks
 * bound to the same handler function the Lambda runs, and "continue as a new execution" starting
 * the next local execution.
 */

const localAccount = { partition: 'aws', region: 'us-east-1', accountId: '000000000000' };

type Part = string | { Ref?: string; 'Fn::GetAtt'?: [string, string] };

function resolvePart(part: Part): string {
  if (typeof part === 'string') return part;
  if (part.Ref === 'AWS::Partition') return localAccount.partition;
  if (part.Ref === 'AWS::Region') return localAccount.region;
  if (part.Ref === 'AWS::AccountId') return localAccount.accountId;
  const getAtt = part['Fn::GetAtt'];
  if (getAtt?.[1] === 'Arn') {
    return `arn:aws:lambda:${localAccount.region}:${localAccount.accountId}:function:${getAtt[0]}`;
  }
  throw new Error(`cannot resolve ${JSON.stringify(part)} in the state machine definition`);
}

/** The import state machine's ASL from the synthesized template, tokens resolved to local values. */
export function importStateMachineDefinition(template: CfnTemplate): StateMachineDefinition {
  const machines = Object.entries(template.Resources).filter(
    ([id, r]) => r.Type === 'AWS::StepFunctions::StateMachine' && id.includes('HistoryImport'),
  );
  if (machines.length !== 1)
    throw new Error(`expected one history import state machine, found ${machines.length}`);
  const definition = machines[0]![1].Properties?.DefinitionString as
    string | { 'Fn::Join': [string, Part[]] };
  const text =
    typeof definition === 'string'
      ? definition
      : definition['Fn::Join'][1].map(resolvePart).join(definition['Fn::Join'][0]);
  return JSON.parse(text) as StateMachineDefinition;
}

export interface LocalImportRunnerOptions {
  template: CfnTemplate;
  /** The import Lambda's dependencies, per invocation (the Lambda's remaining time is the caller's to fake). */
  deps: () => ImportDeps;
  /** Waits between retries of a failed task, instead of the definition's (10 s doubling). @default 0 */
  retryIntervalMs?: number;
  /** Called as each execution ends. */
  onExecution?: (execution: { input: ImportPagesInput; output: unknown; continued: boolean }) => void;
  /** Called with each of the executions' events (`StateEntered`, `StateRetried`, …): the benchmark counts transitions. */
  onEvent?: (event: ExecutionEvent) => void;
}

type ExecutionEvent =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export interface LocalImportResult {
  /** Executions run: 1 plus one per "continue as new". */
  executions: number;
  /** The last execution's output (the import Lambda's last answer). */
  output: unknown;
}

/** Runs an import (or resumes one by its id) to the end, through as many executions as it takes. */
export async function runImportLocally(
  input: ImportPagesInput,
  options: LocalImportRunnerOptions,
): Promise<LocalImportResult> {
  const machine = new StateMachine(importStateMachineDefinition(options.template));
  const pending: ImportPagesInput[] = [input];
  let executions = 0;
  let output: unknown;
  const lambda = (event: unknown) => handleImportTask(event as ImportTaskEvent, options.deps()) as never;
  while (pending.length) {
    const executionInput = pending.shift()!;
    let continued = false;
    const execution = machine.run(executionInput as never, {
      overrides: {
        taskResourceLocalHandlers: {
          [historyImportStates.importPages]: lambda,
          [historyImportStates.recordFailure]: lambda,
          // StartExecution's parameters: { StateMachineArn, Input }.
          [historyImportStates.continueAsNew]: (parameters) => {
            continued = true;
            pending.push((parameters as { Input: ImportPagesInput }).Input);
            return {};
          },
        },
        retryIntervalOverrides: { [historyImportStates.importPages]: options.retryIntervalMs ?? 0 },
      },
    });
    executions++;
    const { onEvent } = options;
    const events =
      onEvent &&
      (async () => {
        for await (const event of execution.eventLogs) onEvent(event);
      })();
    output = await execution.result;
    await events;
    options.onExecution?.({ input: executionInput, output, continued });
  }
  return { executions, output };
}

/**
 * `npx tsx local/import-runner.ts [options]`: an import into DynamoDB Local from the simulated
 * OpenPhone (or the real API with OPENPHONE_API_KEY), through the synthesized state machine.
 */
async function main(): Promise<void> {
  const { Command } = await import('commander');
  const program = new Command('import-runner')
    .option('--import-id <id>', 'the run to start, or to resume', `local-${Date.now()}`)
    .option('--kind <kind>', 'full or incremental', 'full')
    .option('--phone-numbers <list>', 'comma-separated PN ids or E.164 numbers (default: all)', '')
    .option('--seed <n>', 'simulator seed', '1')
    .option(
      '--workspace <sizes>',
      'simulator sizes: numbers,conversations,messages,calls,contacts',
      '2,5,20,5,20',
    )
    .option('--dynamodb-path <dir>', 'keep DynamoDB Local data here (resume across runs)')
    .option('--reserve-ms <ms>', 'stop an invocation when less than this is left of its 5 minutes', '30000')
    .parse();
  const options = program.opts<{
    importId: string;
    kind: 'full' | 'incremental';
    phoneNumbers: string;
    seed: string;
    workspace: string;
    dynamodbPath?: string;
    reserveMs: string;
  }>();
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
  const { createTables, tablesFromTemplate } = await import('./cfn-tables');
  const { startDynamoDbLocal } = await import('./dynamodb-local');
  const { localAwsConfig } = await import('./local-pipeline');
  const { synthBridgeStack } = await import('./synth');
  const { startOpenPhoneSimulator } = await import('./openphone-simulator');
  const { OpenPhoneClient } = await import('../lambdas/openphone/adapters/openphone-client');
  const { SharedTokenBucket } = await import('../lambdas/openphone/adapters/rate-limiter');
  const { ImportRepository } = await import('../lambdas/history-import/adapters/import-repository');
  const { ActivityRepository } = await import('../lambdas/crm/adapters/activity-repository');
  const { ContactRepository } = await import('../lambdas/crm/adapters/contact-repository');
  const { ConversationRepository } = await import('../lambdas/crm/adapters/conversation-repository');
  const { DirectoryRepository } = await import('../lambdas/crm/adapters/directory-repository');

  const { template } = synthBridgeStack();
  const dynamo = await startDynamoDbLocal(options.dynamodbPath ? { path: options.dynamodbPath } : {});
  const client = new DynamoDBClient(localAwsConfig(dynamo.endpoint));
  const tables = await createTables(
    client,
    tablesFromTemplate(template, (id) => `local-${id}`),
  );
  const tableLike = (fragment: string) => Object.entries(tables).find(([id]) => id.includes(fragment))![1];
  const [numbers, conversations, messages, calls, contacts] = options.workspace.split(',').map(Number);
  const simulator = process.env.OPENPHONE_API_KEY
    ? undefined
    : await startOpenPhoneSimulator({
        seed: Number(options.seed),
        workspace: {
          phoneNumbers: numbers!,
          conversationsPerNumber: conversations!,
          messagesPerConversation: messages!,
          callsPerConversation: calls!,
          contacts: contacts!,
        },
      });
  const apiKey = process.env.OPENPHONE_API_KEY ?? simulator!.apiKey;
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const store = new ImportRepository(documents, tableLike('ImportTable'));
  const openPhone = new OpenPhoneClient({
    apiKey,
    baseUrl: simulator?.url ?? process.env.OPENPHONE_BASE_URL ?? 'https://api.openphone.com',
    rateLimiter: new SharedTokenBucket({ client, tableName: tableLike('RateLimitTable'), apiKey }),
    lane: 'import',
  });
  const invocationMs = 5 * 60_000;
  try {
    const { executions, output } = await runImportLocally(
      {
        importId: options.importId,
        kind: options.kind,
        scope: { phoneNumbers: options.phoneNumbers.split(',').filter(Boolean), includeContacts: true },
      },
      {
        template,
        deps: () => {
          const startedAt = Date.now();
          // One directory, as the Lambda wires it: the one the sync replaces names the activities.
          const directory = new DirectoryRepository(documents, tableLike('CrmTable'));
          const activities = new ActivityRepository(documents, tableLike('CrmTable'), { directory });
          return {
            openPhone,
            store,
            activities,
            deletedConversations: activities,
            contacts: new ContactRepository(documents, tableLike('CrmTable')),
            conversations: new ConversationRepository(documents, tableLike('CrmTable')),
            directory,
            remainingTimeMs: () => invocationMs - (Date.now() - startedAt),
            settings: { reserveMs: Number(options.reserveMs) },
          };
        },
      },
    );
    const run = await store.requireRun(options.importId);
    console.log(
      JSON.stringify({ executions, output, run, errors: await store.errorsOf(options.importId) }, null, 2),
    );
  } finally {
    await simulator?.stop();
    await dynamo.stop();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
