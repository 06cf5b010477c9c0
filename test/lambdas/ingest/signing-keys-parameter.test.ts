import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { parameterSigningKeys } from '../../../lambdas/ingest/adapters/signing-keys';
import { createIngestHandler } from '../../../lambdas/ingest/service';
import { webhookRequestEvent } from '../../support/api-gateway';
import { legacyEvent } from '../../support/events';
import { legacySignatureHeader, newLegacyKey } from '../../support/signers';

const ssm = mockClient(SSMClient);
afterAll(() => ssm.restore());
beforeEach(() => ssm.reset());

const name = '/openphone-bridge/test/webhook-signing-keys';
/** The ingest as its handler wires it: Powertools' SSMProvider over a mocked SSM client. */
function ingestReadingTheParameter() {
  const keys = parameterSigningKeys(new SSMProvider({ awsSdkV3Client: new SSMClient({}) }), name);
  return createIngestHandler({
    deps: { ...keys, recordEventOnce: async () => 'recorded' },
    settings: { maxBodyBytes: 4096, retentionDays: 30 },
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'test', serviceName: 'test' }),
  });
}
const signed = (key: string, id: string) => {
  const body = JSON.stringify(legacyEvent({ id }));
  return webhookRequestEvent(body, { 'openphone-signature': legacySignatureHeader(body, key) });
};

describe('the ingest reading its signing keys from the SecureString parameter', () => {
  it('decrypts the parameter once and accepts deliveries signed with its keys from the cache', async () => {
    const key = newLegacyKey();
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify({ keys: [key] }) } });
    const handler = ingestReadingTheParameter();

    expect((await handler(signed(key, 'EVone'))).statusCode).toBe(202);
    expect((await handler(signed(key, 'EVtwo'))).statusCode).toBe(202);
    expect(ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: name, WithDecryption: true },
    ]);
  });

  it('answers 503 signing_keys_not_configured while the parameter is not put, as with no keys, re-reading it only after a while', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    const handler = ingestReadingTheParameter();
    for (const id of ['EVone', 'EVtwo']) {
      const response = await handler(signed(newLegacyKey(), id));
      expect(response.statusCode).toBe(503);
      expect(JSON.parse(response.body ?? '{}')).toMatchObject({ error: 'signing_keys_not_configured' });
    }
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);

    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '{"keys":[]}' } });
    const empty = await ingestReadingTheParameter()(signed(newLegacyKey(), 'EVthree'));
    expect(JSON.parse(empty.body ?? '{}')).toMatchObject({ error: 'signing_keys_not_configured' });
  });

  it('looks for a parameter not put yet again after 30 seconds, not the 5-minute cache life', async () => {
    const key = newLegacyKey();
    const clock = { now: Date.parse('2026-12-07T22:00:00Z') };
    const keys = parameterSigningKeys(new SSMProvider({ awsSdkV3Client: new SSMClient({}) }), name, {
      now: () => clock.now,
    });
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    expect(await keys.signingKeys()).toEqual([]);

    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify({ keys: [key] }) } });
    clock.now += 29_000;
    expect(await keys.signingKeys()).toEqual([]);
    clock.now += 2_000;
    expect(await keys.signingKeys()).toEqual([key]);
  });

  it('fails with the parameter named when it is not {"keys": [...]}', async () => {
    const keys = parameterSigningKeys(new SSMProvider({ awsSdkV3Client: new SSMClient({}) }), name);
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'k1,k2' } });
    await expect(keys.signingKeys()).rejects.toThrow(`Parameter ${name} is not {"keys": [string, …]}`);
  });
});
