import { Metrics } from '@aws-lambda-powertools/metrics';
import { ContactRepository } from '../../../lambdas/crm';
import { ImportRepository } from '../../../lambdas/history-import/adapters/import-repository';
import { bridgeMetrics } from '../../../lambdas/shared/metrics';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../../local/openphone-simulator';
import { localDocumentClient } from '../../support/dynamo';
import { importDeps, importTables, importUntilDone } from '../../support/import-harness';

describe('import progress metric', () => {
  let simulator: OpenPhoneSimulator;
  beforeAll(async () => {
    simulator = await startOpenPhoneSimulator({
      seed: 7,
      workspace: {
        phoneNumbers: 1,
        conversationsPerNumber: 2,
        messagesPerConversation: 3,
        callsPerConversation: 1,
        contacts: 2,
      },
    });
  }, 120_000);
  afterAll(() => simulator.stop());

  it('counts as ImportRecordsImported exactly the records the run reports, across invocations', async () => {
    const tables = await importTables();
    const metrics = new Metrics({ namespace: 'test', serviceName: 'test' });
    const added = jest.spyOn(metrics, 'addMetric').mockReturnThis().mock.calls;
    const { output, invocations } = await importUntilDone({ importId: 'metered', kind: 'full' }, () =>
      importDeps(simulator, tables, {
        metrics,
        settings: { pageSizes: { conversations: 1, messages: 2, calls: 1, contacts: 1 } },
      }),
    );
    expect(output).toMatchObject({ done: true, status: 'completed' });
    const run = await new ImportRepository(localDocumentClient(), tables.importTable).requireRun('metered');
    const reported = Object.values(run.records).reduce((a, b) => a + (b ?? 0), 0);
    const counted = added
      .filter(([name]) => name === bridgeMetrics.import.recordsImported)
      .reduce((sum, [, , value]) => sum + value, 0);
    expect(reported).toBeGreaterThan(0);
    expect(counted).toBe(reported);
    expect(
      added.filter(([name]) => name === bridgeMetrics.import.recordsImported).length,
    ).toBeLessThanOrEqual(invocations);
  }, 180_000);

  it('a sync that finds nothing new publishes no import metric', async () => {
    const tables = await importTables();
    const scope = { phoneNumbers: [], includeContacts: false };
    await importUntilDone({ importId: 'before-quiet', kind: 'full', scope }, () =>
      importDeps(simulator, tables),
    );
    const metrics = new Metrics({ namespace: 'test', serviceName: 'test' });
    const added = jest.spyOn(metrics, 'addMetric').mockReturnThis().mock.calls;
    const { output } = await importUntilDone({ importId: 'quiet-sync', kind: 'incremental', scope }, () =>
      importDeps(simulator, tables, { metrics }),
    );
    expect(output).toMatchObject({ done: true, status: 'completed' });
    expect(added).toEqual([]);
  }, 180_000);

  it('a sync pages through the contacts but writes and counts only those changed since the last run', async () => {
    const tables = await importTables();
    await importUntilDone({ importId: 'with-contacts', kind: 'full' }, () => importDeps(simulator, tables));
    const imports = new ImportRepository(localDocumentClient(), tables.importTable);
    expect((await imports.requireRun('with-contacts')).records.contact).toBe(2);

    // Nothing changed: no contact read or written, nothing counted, no metric.
    const metrics = new Metrics({ namespace: 'test', serviceName: 'test' });
    const added = jest.spyOn(metrics, 'addMetric').mockReturnThis().mock.calls;
    await importUntilDone({ importId: 'unchanged', kind: 'incremental' }, () =>
      importDeps(simulator, tables, { metrics }),
    );
    expect((await imports.requireRun('unchanged')).records.contact ?? 0).toBe(0);
    expect(added.filter(([name]) => name === bridgeMetrics.import.recordsImported)).toEqual([]);

    // One contact renamed in OpenPhone: the next sync writes that one.
    const [changed] = [...simulator.workspace.contacts.values()];
    const response = await fetch(`${simulator.url}/v1/contacts/${changed!.id}`, {
      method: 'PATCH',
      headers: { authorization: simulator.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ defaultFields: { firstName: 'Renamed' } }),
    });
    expect(response.status).toBe(200);
    await importUntilDone({ importId: 'one-changed', kind: 'incremental' }, () =>
      importDeps(simulator, tables),
    );
    expect((await imports.requireRun('one-changed')).records.contact).toBe(1);
    const stored = await new ContactRepository(localDocumentClient(), tables.crmTable).getContact(
      changed!.id,
    );
    expect(stored?.firstName).toBe('Renamed');
  }, 180_000);
});
