import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { ImportRepository } from '../../../lambdas/history-import/adapters/import-repository';
import { importEnvironmentNames as names } from '../../../lambdas/history-import/environment';
import { startOpenPhoneSimulator, type OpenPhoneSimulator } from '../../../local/openphone-simulator';
import { localDocumentClient } from '../../support/dynamo';
import { importTables } from '../../support/import-harness';

// @middy/core ships as ES modules only, which jest's CommonJS run cannot load: its wrapper is the
// plain function here (the middlewares log, trace and flush metrics; the wiring under test is not theirs).
jest.mock(
  '@middy/core',
  () => ({
    __esModule: true,
    default: (run: object) => Object.assign(run, { use: () => run }),
  }),
  { virtual: true },
);

/** The Lambda entry itself, wired from its environment: DynamoDB Local, the simulator, a mocked parameter. */
describe('the import Lambda after a key rotation', () => {
  let simulator: OpenPhoneSimulator;
  const saved = { ...process.env };
  const ssm = mockClient(SSMClient);

  beforeAll(async () => {
    simulator = await startOpenPhoneSimulator({
      seed: 32,
      workspace: {
        phoneNumbers: 1,
        conversationsPerNumber: 2,
        messagesPerConversation: 2,
        callsPerConversation: 1,
        contacts: 1,
      },
    });
  }, 60_000);
  afterAll(async () => {
    process.env = saved;
    ssm.restore();
    await simulator.stop();
  });

  it('reads the API key parameter again after a 401 and imports with the rotated key', async () => {
    const tables = await importTables();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: process.env.DYNAMODB_ENDPOINT,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      [names.importTable]: tables.importTable,
      [names.crmTable]: tables.crmTable,
      [names.rateLimitTable]: tables.rateLimitTable,
      [names.apiKeyParameter]: '/openphone-bridge/test/openphone-api-key',
      [names.openPhoneBaseUrl]: simulator.url,
    });
    // The parameter held the old key when the Lambda started; it was rotated since.
    ssm
      .on(GetParameterCommand, { Name: '/openphone-bridge/test/openphone-api-key', WithDecryption: true })
      .resolvesOnce({ Parameter: { Value: JSON.stringify({ apiKey: 'the-key-before-rotation' }) } })
      .resolves({ Parameter: { Value: JSON.stringify({ apiKey: simulator.apiKey }) } });
    const { handler } = await import('../../../lambdas/history-import/handler');
    const context = {
      functionName: 'import',
      awsRequestId: 'request-1',
      getRemainingTimeInMillis: () => 120_000,
    } as unknown as Context;

    const output = (await handler({ importId: 'rotated-1', kind: 'full' }, context)) as { status: string };

    expect(output.status).toBe('completed');
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
    const run = await new ImportRepository(localDocumentClient(), tables.importTable).requireRun('rotated-1');
    expect(run.records.message).toBe(simulator.workspace.counts().messages);
    expect(run.errors).toBe(0);
  }, 120_000);
});
