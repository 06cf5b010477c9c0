import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SecureParameter } from '../../../lib/bridge-parameters';
import type { ImportDeps } from '../../../lambdas/history-import/service';
import { CrmStore } from '../../../lib/crm';
import { HistoryImport } from '../../../lib/history-import';
import { ImportStore } from '../../../lib/history-import';
import { RateLimitStore } from '../../../lib/openphone';
import type { CfnTemplate } from '../../../local/cfn-tables';
import { importStateMachineDefinition, runImportLocally } from '../../../local/import-runner';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../../local/openphone-simulator';
import { bridgeTemplate } from '../../support/dynamo';
import { crmSnapshot, importDeps, importTables, simulatorObjects } from '../../support/import-harness';

/** The import construct alone, continuing as a new execution every 3 invocations. */
function templateContinuingEvery(invocations: number): CfnTemplate {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Runner');
  new HistoryImport(stack, 'HistoryImport', {
    importStore: new ImportStore(stack, 'ImportStore'),
    crm: new CrmStore(stack, 'CrmStore'),
    rateLimit: new RateLimitStore(stack, 'RateLimit'),
    apiKey: new SecureParameter('/openphone-bridge/test/openphone-api-key'),
    invocationsPerExecution: invocations,
  });
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

describe('the import workflow run locally from the synthesized definition', () => {
  let simulator: OpenPhoneSimulator;
  beforeAll(async () => {
    simulator = await startOpenPhoneSimulator({
      seed: 5,
      workspace: {
        phoneNumbers: 1,
        conversationsPerNumber: 2,
        messagesPerConversation: 4,
        callsPerConversation: 2,
        contacts: 3,
      },
    });
  }, 120_000);
  afterAll(() => simulator.stop());

  it("resolves the stack's definition to plain ASL", () => {
    const definition = importStateMachineDefinition(bridgeTemplate()) as unknown as {
      StartAt: string;
      States: Record<string, { Resource?: string }>;
    };
    expect(definition.StartAt).toBe('ImportPages');
    expect(definition.States.ImportPages!.Resource).toMatch(/^arn:aws:lambda:us-east-1:\d{12}:function:/);
    expect(JSON.stringify(definition)).not.toContain('Fn::');
  });

  it('loops to the end through retries and new executions, with exactly the simulated objects', async () => {
    const tables = await importTables();
    let remainingCalls = 0;
    let writes = 0;
    const deps = (): ImportDeps => {
      const base = importDeps(simulator, tables, {
        settings: { pageSizes: { conversations: 1, messages: 2, calls: 1, contacts: 2 } },
        // One page per invocation.
        remainingTimeMs: () => (remainingCalls++ % 2 === 0 ? 60_000 : 1_000),
      });
      return {
        ...base,
        activities: {
          upsertActivity: (...args) => {
            if (++writes === 3) throw new Error('the writer fails once');
            return base.activities.upsertActivity(...args);
          },
        },
      };
    };
    const { executions, output } = await runImportLocally(
      { importId: 'local-1', kind: 'full' },
      { template: templateContinuingEvery(3), deps },
    );
    expect(executions).toBeGreaterThan(1);
    expect(output).toMatchObject({ done: true, status: 'completed' });
    const snapshot = await crmSnapshot(tables.crmTable);
    const expected = simulatorObjects(simulator);
    expect([...snapshot.activities.keys()].sort()).toEqual(expected.activityIds);
    expect([...snapshot.contacts.keys()].sort()).toEqual(expected.contactIds);
  }, 240_000);

  it('marks the run failed after the retries are spent, and fails the execution', async () => {
    const tables = await importTables();
    let invocations = 0;
    const deps = (): ImportDeps => {
      invocations++;
      const base = importDeps(simulator, tables);
      return {
        ...base,
        activities: {
          upsertActivity: () => Promise.reject(new Error('CRM unavailable')),
        },
      };
    };
    await expect(
      runImportLocally(
        { importId: 'local-failing', kind: 'full' },
        { template: templateContinuingEvery(3), deps },
      ),
    ).rejects.toThrow(/the import Lambda kept failing/);
    expect(invocations).toBe(8); // the first try, 6 retries, then RecordFailure
    const run = await importDeps(simulator, tables).store.requireRun('local-failing');
    expect(run).toMatchObject({ status: 'failed', failure: expect.stringContaining('CRM unavailable') });
  }, 240_000);

  it('a revoked key fails the run loudly after the workflow’s retries, each of which read the key again', async () => {
    const tables = await importTables();
    let invocations = 0;
    let keyReads = 0;
    const deps = (): ImportDeps => {
      invocations++;
      return {
        ...importDeps(simulator, tables, {}, { apiKey: 'revoked' }),
        reloadOpenPhone: () => {
          keyReads++;
          return Promise.resolve(undefined); // the secret still holds the revoked key
        },
      };
    };
    await expect(
      runImportLocally(
        { importId: 'local-revoked', kind: 'incremental' },
        { template: bridgeTemplate(), deps },
      ),
    ).rejects.toThrow(/the import Lambda kept failing/);
    expect({ invocations, keyReads }).toEqual({ invocations: 5, keyReads: 4 }); // 1 + 3 retries, RecordFailure
    const store = importDeps(simulator, tables).store;
    expect(await store.requireRun('local-revoked')).toMatchObject({
      status: 'failed',
      failure: expect.stringContaining('ImportAccessRefusedError'),
    });
    expect(await store.watermarkOf('*+contacts')).toBeUndefined();
  }, 240_000);
});
