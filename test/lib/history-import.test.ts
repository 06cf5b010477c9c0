import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SecureParameter } from '../../lib/bridge-parameters';
import { CrmStore } from '../../lib/crm';
import { HistoryImport, historyImportErrors, historyImportStates } from '../../lib/history-import';
import { importTableKeys } from '../../lambdas/history-import/adapters/import-repository';
import { ImportStore } from '../../lib/history-import';
import { RateLimitStore } from '../../lib/openphone';

interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Choices?: Record<string, unknown>[];
  Default?: string;
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number; IntervalSeconds?: number; BackoffRate?: number }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Resource?: string;
}

function build(
  props: {
    syncSchedule?: string;
    invocationsPerExecution?: number;
    messageListing?: 'workspace' | 'per-conversation';
  } = {},
) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test');
  const history = new HistoryImport(stack, 'HistoryImport', {
    importStore: new ImportStore(stack, 'ImportStore'),
    crm: new CrmStore(stack, 'CrmStore'),
    rateLimit: new RateLimitStore(stack, 'RateLimit'),
    apiKey: new SecureParameter('/openphone-bridge/test/openphone-api-key'),
    ...props,
  });
  const template = Template.fromStack(stack);
  return { stack, history, template };
}

/** The ASL of the one state machine, with its Fn::Join of tokens flattened to placeholders. */
function definitionOf(template: Template): { States: Record<string, AslState>; StartAt: string } {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const definition = machine!.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] } | string;
  const text =
    typeof definition === 'string'
      ? definition
      : definition['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return JSON.parse(text) as { States: Record<string, AslState>; StartAt: string };
}

const { template } = build({ invocationsPerExecution: 40 });
const asl = definitionOf(template);

describe('history import state machine', () => {
  it('loops the import task until done, continuing as a new execution after N invocations', () => {
    expect(asl.StartAt).toBe(historyImportStates.importPages);
    const choice = asl.States[asl.States[historyImportStates.importPages]!.Next!]!;
    expect(choice.Type).toBe('Choice');
    expect(choice.Choices).toEqual([
      expect.objectContaining({ Variable: '$.done', BooleanEquals: true }),
      expect.objectContaining({
        Variable: '$.invocation',
        NumericGreaterThanEquals: 40,
        Next: historyImportStates.continueAsNew,
      }),
    ]);
    expect(choice.Default).toBe(historyImportStates.importPages);
    const continued = asl.States[historyImportStates.continueAsNew]!;
    expect(continued.Resource).toContain('states:startExecution');
    expect(asl.States[continued.Next!]!.Type).toBe('Succeed');
  });

  it('retries a failing invocation with backoff, and records the run as failed when retries are spent', () => {
    const task = asl.States[historyImportStates.importPages]!;
    expect(task.Retry).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ErrorEquals: ['ImportCheckpointConflictError'], MaxAttempts: 0 }),
        expect.objectContaining({ ErrorEquals: ['States.ALL'], MaxAttempts: 6, BackoffRate: 2 }),
      ]),
    );
    expect(task.Catch!.map((c) => c.Next)).toEqual([
      'AnotherExecutionOwnsTheImport',
      historyImportStates.recordFailure,
    ]);
    expect(asl.States[asl.States[historyImportStates.recordFailure]!.Next!]!.Type).toBe('Fail');
  });

  it('retries an access refusal (401/402/403) for minutes, before the run is recorded failed', () => {
    const retries = asl.States[historyImportStates.importPages]!.Retry!;
    const refused = retries.findIndex((r) => r.ErrorEquals.includes(historyImportErrors.accessRefused));
    expect(retries[refused]).toMatchObject({ MaxAttempts: 3, IntervalSeconds: 120, BackoffRate: 2 });
    // Before the catch-all, which would otherwise take it.
    expect(refused).toBeLessThan(retries.findIndex((r) => r.ErrorEquals.includes('States.ALL')));
  });

  it('waits out Lambda throttles, on the pages and on the failure step, so a run is never left running', () => {
    for (const state of [historyImportStates.importPages, historyImportStates.recordFailure]) {
      const retries = asl.States[state]!.Retry!;
      const throttled = retries.find((r) => r.ErrorEquals.includes('Lambda.TooManyRequestsException'));
      expect({ state, throttled }).toEqual({
        state,
        throttled: expect.objectContaining({ MaxAttempts: expect.any(Number) }),
      });
      expect(throttled!.MaxAttempts!).toBeGreaterThanOrEqual(10);
      expect(retries.at(-1)!.ErrorEquals).toEqual(['States.ALL']);
    }
  });

  it('logs every event and traces with X-Ray', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
  });
});

describe('least privilege', () => {
  function statementsOf(rolePrefix: string) {
    const policies = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) =>
      id.startsWith(rolePrefix),
    );
    expect(policies).toHaveLength(1);
    return policies[0]![1].Properties.PolicyDocument.Statement as {
      Action: string | string[];
      Resource: unknown;
    }[];
  }
  const actionsOf = (statements: { Action: string | string[] }[]) =>
    statements.flatMap((s) => [s.Action].flat());

  it('lets the state machine invoke only the import function and start only itself', () => {
    const statements = statementsOf('HistoryImportStateMachineRole');
    const actions = actionsOf(statements);
    expect(actions).toEqual(
      expect.arrayContaining(['lambda:InvokeFunction', 'states:StartExecution', 'xray:PutTraceSegments']),
    );
    expect(actions.filter((a) => /^(dynamodb|ssm|kms):/.test(a))).toEqual([]);
    const start = statements.find((s) => [s.Action].flat().includes('states:StartExecution'))!;
    expect(JSON.stringify(start.Resource)).toContain('stateMachine:Test-HistoryImport');
  });

  it('gives the import function the import table, the CRM table, the rate-limit item and the API key, nothing else', () => {
    const actions = actionsOf(statementsOf('HistoryImportImportFunctionServiceRole'));
    expect(new Set(actions.map((a) => a.split(':')[0]))).toEqual(new Set(['dynamodb', 'ssm', 'kms']));
    expect(actions.filter((a) => /^(ssm|kms):/.test(a))).toEqual(['ssm:GetParameter', 'kms:Decrypt']);
    expect(actions).not.toContain('dynamodb:DeleteTable');
    expect(actions).not.toContain('dynamodb:Scan');
  });
});

describe('import table', () => {
  it('is on-demand, point-in-time recoverable, encrypted and retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      }),
    });
  });

  it('lists runs newest first through a sparse keys-only index, which per-page updates never write', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        {
          IndexName: importTableKeys.runsIndex,
          KeySchema: [
            { AttributeName: importTableKeys.runsPartitionKey, KeyType: 'HASH' },
            { AttributeName: importTableKeys.runsSortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    });
  });
});

describe('schedule and alarms', () => {
  it('starts an incremental sync hourly by default', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [
        Match.objectLike({
          InputTransformer: Match.objectLike({
            InputTemplate: Match.stringLikeRegexp('"kind":"incremental"'),
          }),
        }),
      ],
    });
  });

  it("tells the import Lambda how to list messages: workspace-wide by default, or the stage's choice", () => {
    const listingOf = (template: Template) =>
      Object.values(template.findResources('AWS::Lambda::Function'))
        .map((f) => (f.Properties.Environment?.Variables ?? {}) as Record<string, unknown>)
        .find((variables) => 'IMPORT_TABLE_NAME' in variables)?.IMPORT_MESSAGE_LISTING;
    expect(listingOf(template)).toBe('workspace');
    expect(listingOf(build({ messageListing: 'per-conversation' }).template)).toBe('per-conversation');
  });

  it('takes another schedule, or none', () => {
    build({ syncSchedule: 'cron(0 3 * * ? *)' }).template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 3 * * ? *)',
    });
    build({ syncSchedule: 'off' }).template.resourceCountIs('AWS::Events::Rule', 0);
  });
});
