import { CfnElement, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';
import { dataTable } from './data-table';
import {
  historyImportEntry,
  importTableKeys,
  importEnvironmentNames,
  type MessageListing,
} from '../lambdas/history-import';
import { EventField, Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import type { SecureParameter } from './bridge-parameters';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Fail,
  IntegrationPattern,
  JitterType,
  JsonPath,
  LogLevel,
  StateMachine,
  Succeed,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke, StepFunctionsStartExecution } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { BridgeFunction } from './bridge-function';
import type { CrmStore } from './crm';
import { crmTableKeys } from '../lambdas/crm';
import { acceptNagFinding } from './nag';
import type { RateLimitStore } from './openphone';

export interface ImportStoreProps {
  /** What happens to the table when the stack is deleted. @default RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The history import's state: one run item per import (status, counters, checkpoint), the errors
 * each run skipped past, each scope's watermark for incremental syncs, and an index of runs by start.
 */
export class ImportStore extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: ImportStoreProps = {}) {
    super(scope, id);
    this.table = dataTable(this, 'ImportTable', {
      partitionKey: { name: importTableKeys.partitionKey, type: AttributeType.STRING },
      sortKey: { name: importTableKeys.sortKey, type: AttributeType.STRING },
      ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
    });
    // Runs newest first (`imports list`): sparse, keys only, so a run's per-page updates never write it.
    this.table.addGlobalSecondaryIndex({
      indexName: importTableKeys.runsIndex,
      partitionKey: { name: importTableKeys.runsPartitionKey, type: AttributeType.STRING },
      sortKey: { name: importTableKeys.runsSortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });
  }

  /**
   * What the import Lambda does: get, put, conditional update, batch-write errors, query a run's
   * errors; on the table itself (the runs index is the operator's).
   */
  grantImportWorker(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:Query',
      ],
      resourceArns: [this.table.tableArn],
    });
  }
}

/** The logical id a nag finding names a resource by (`<id>.Arn`). */
function logicalIdOf(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}

/** Errors the import Lambda throws that the workflow names (its Retry and Catch). */
export const historyImportErrors = {
  accessRefused: 'ImportAccessRefusedError',
  checkpointConflict: 'ImportCheckpointConflictError',
} as const;

/** What Lambda answers a throttled invocation with (reserved concurrency, account limit). */
const lambdaThrottles = ['Lambda.TooManyRequestsException', 'Lambda.ThrottlingException'];

/** State names of the import workflow: the local runner binds its task states by these names. */
export const historyImportStates = {
  importPages: 'ImportPages',
  continueAsNew: 'ContinueAsNewExecution',
  recordFailure: 'RecordFailure',
} as const;

export interface HistoryImportProps {
  readonly importStore: ImportStore;
  readonly crm: CrmStore;
  readonly rateLimit: RateLimitStore;
  readonly apiKey: SecureParameter;
  /**
   * When the incremental sync runs: an EventBridge schedule expression, or `off`.
   * @default 'rate(1 hour)'
   */
  readonly syncSchedule?: string;
  /**
   * Invocations of the import Lambda one execution makes before it continues as a new execution,
   * far below Step Functions' 25,000 history events (about 8 events per invocation).
   * @default 500
   */
  readonly invocationsPerExecution?: number;
  /** @default 5 minutes */
  readonly functionTimeout?: Duration;
  /** @default https://api.openphone.com */
  readonly openPhoneBaseUrl?: string;
  /** @default one month */
  readonly logRetention?: RetentionDays;
  /** Days after their creation imported activities expire (DynamoDB TTL). @default kept */
  readonly activityRetentionDays?: number;
  /**
   * How a run lists messages: Quo's workspace-wide listing, or each conversation's (see
   * docs/history-import.md, "Two ways to list messages"). @default 'workspace'
   */
  readonly messageListing?: MessageListing;
}

/**
 * History import and scheduled sync: a Step Functions loop that invokes the import Lambda (pages
 * until its time budget, checkpoint per page) until the run is done, continuing as a new
 * execution every N invocations; an hourly (configurable) incremental sync. A failed or timed-out
 * run pages through BridgeMonitoring's rule on Step Functions' own event.
 *
 * Start an import with input `{ "importId": "…", "kind": "full" | "incremental",
 * "scope": { "phoneNumbers": [], "includeContacts": true } }`; the same id resumes it.
 */
export class HistoryImport extends Construct {
  readonly importFunction: BridgeFunction;
  readonly stateMachine: StateMachine;
  readonly schedule: Rule | undefined;

  constructor(scope: Construct, id: string, props: HistoryImportProps) {
    super(scope, id);
    const functionTimeout = props.functionTimeout ?? Duration.minutes(5);
    const invocationsPerExecution = props.invocationsPerExecution ?? 500;

    this.importFunction = new BridgeFunction(this, 'ImportFunction', {
      entry: historyImportEntry,
      description: 'History import: pages of OpenPhone conversations, messages, calls, contacts into the CRM',
      timeout: functionTimeout,
      memorySize: 512,
      logRetention: props.logRetention,
      environment: {
        [importEnvironmentNames.importTable]: props.importStore.table.tableName,
        [importEnvironmentNames.crmTable]: props.crm.table.tableName,
        [importEnvironmentNames.rateLimitTable]: props.rateLimit.table.tableName,
        [importEnvironmentNames.apiKeyParameter]: props.apiKey.parameterName,
        ...(props.activityRetentionDays
          ? { [importEnvironmentNames.activityRetentionDays]: String(props.activityRetentionDays) }
          : {}),
        ...(props.openPhoneBaseUrl
          ? { [importEnvironmentNames.openPhoneBaseUrl]: props.openPhoneBaseUrl }
          : {}),
        [importEnvironmentNames.messageListing]: props.messageListing ?? 'workspace',
      },
    });
    props.importStore.grantImportWorker(this.importFunction);
    // The upserts' reads and conditional writes on the CRM table itself: no indexes, no scans.
    Grant.addToPrincipal({
      grantee: this.importFunction,
      actions: [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:ConditionCheckItem',
      ],
      resourceArns: [props.crm.table.tableArn],
    });
    // A conversation OpenPhone deleted: its activities are found by the conversation index, and marked.
    Grant.addToPrincipal({
      grantee: this.importFunction,
      actions: ['dynamodb:Query'],
      resourceArns: [`${props.crm.table.tableArn}/index/${crmTableKeys.conversationIndex}`],
    });
    props.rateLimit.grantAcquire(this.importFunction);
    props.apiKey.grantRead(this.importFunction);

    const stateMachineName = `${Stack.of(this).stackName}-HistoryImport`;
    const self = StateMachine.fromStateMachineName(this, 'Self', stateMachineName);

    const importPages = new LambdaInvoke(this, historyImportStates.importPages, {
      lambdaFunction: this.importFunction,
      payloadResponseOnly: true,
      taskTimeout: Timeout.duration(functionTimeout.plus(Duration.minutes(1))),
      retryOnServiceExceptions: false,
    });
    // A concurrent execution of the same import owns the checkpoint: stop, without failing the run.
    importPages.addRetry({ errors: [historyImportErrors.checkpointConflict], maxAttempts: 0 });
    // OpenPhone refused the key or the access: a rotation in progress gets minutes, then the run fails.
    importPages.addRetry({
      errors: [historyImportErrors.accessRefused],
      interval: Duration.minutes(2),
      backoffRate: 2,
      maxAttempts: 3,
    });
    // Throttled past the function's reserved concurrency: wait it out rather than spend the retries.
    importPages.addRetry({
      errors: lambdaThrottles,
      interval: Duration.seconds(5),
      backoffRate: 2,
      maxAttempts: 10,
      maxDelay: Duration.minutes(2),
      jitterStrategy: JitterType.FULL,
    });
    importPages.addRetry({
      errors: ['States.ALL'],
      interval: Duration.seconds(10),
      backoffRate: 2,
      maxAttempts: 6,
      maxDelay: Duration.minutes(5),
    });
    const concurrent = new Fail(this, 'AnotherExecutionOwnsTheImport', {
      error: 'ImportCheckpointConflictError',
      cause: 'another execution moved the checkpoint of this import',
    });
    const recordFailure = new LambdaInvoke(this, historyImportStates.recordFailure, {
      lambdaFunction: this.importFunction,
      payload: TaskInput.fromObject({
        action: 'record-failure',
        importId: JsonPath.stringAt('$.importId'),
        error: JsonPath.objectAt('$.error'),
      }),
      payloadResponseOnly: true,
    });
    // The failure step is throttled exactly when the pages were: it must not leave the run `running`.
    recordFailure.addRetry({
      errors: lambdaThrottles,
      interval: Duration.seconds(5),
      backoffRate: 2,
      maxAttempts: 12,
      maxDelay: Duration.minutes(2),
      jitterStrategy: JitterType.FULL,
    });
    recordFailure.addRetry({
      errors: ['States.ALL'],
      interval: Duration.seconds(5),
      backoffRate: 2,
      maxAttempts: 3,
    });
    recordFailure.next(
      new Fail(this, 'ImportFailed', { error: 'ImportFailed', cause: 'the import Lambda kept failing' }),
    );
    importPages.addCatch(concurrent, { errors: ['ImportCheckpointConflictError'], resultPath: '$.error' });
    importPages.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });

    const continueAsNew = new StepFunctionsStartExecution(this, historyImportStates.continueAsNew, {
      stateMachine: self,
      integrationPattern: IntegrationPattern.REQUEST_RESPONSE,
      input: TaskInput.fromObject({
        importId: JsonPath.stringAt('$.importId'),
        kind: JsonPath.stringAt('$.kind'),
        scope: JsonPath.objectAt('$.scope'),
      }),
      resultPath: JsonPath.DISCARD,
    }).next(new Succeed(this, 'ContinuedInNewExecution'));

    const definition = importPages.next(
      new Choice(this, 'ImportDone')
        .when(Condition.booleanEquals('$.done', true), new Succeed(this, 'ImportFinished'))
        .when(Condition.numberGreaterThanEquals('$.invocation', invocationsPerExecution), continueAsNew)
        .otherwise(importPages),
    );

    const logs = new LogGroup(this, 'StateMachineLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName,
      definitionBody: DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
      timeout: Duration.days(7),
    });
    acceptNagFinding(
      this.stateMachine,
      'IAM5[Resource::*]',
      'CloudWatch Logs delivery (logs:CreateLogDelivery, …) and X-Ray tracing support no resource-level permissions.',
    );
    acceptNagFinding(
      this.stateMachine,
      `IAM5[Resource::<${logicalIdOf(this.importFunction)}.Arn>:*]`,
      'Invoking the import function by any version or alias is what the LambdaInvoke task grants.',
    );

    const syncSchedule = props.syncSchedule ?? 'rate(1 hour)';
    if (syncSchedule !== 'off') {
      this.schedule = new Rule(this, 'IncrementalSyncSchedule', {
        description: 'Starts the incremental OpenPhone history sync',
        schedule: Schedule.expression(syncSchedule),
      });
      this.schedule.addTarget(
        new SfnStateMachine(this.stateMachine, {
          input: RuleTargetInput.fromObject({
            importId: `sync-${EventField.time}`,
            kind: 'incremental',
            scope: { phoneNumbers: [], includeContacts: true },
          }),
        }),
      );
    }
  }
}
