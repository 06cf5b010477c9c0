import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { readApiKeyParameter } from '../../../lambdas/openphone';

const ssm = mockClient(SSMClient);
afterAll(() => ssm.restore());
beforeEach(() => ssm.reset());

const name = '/openphone-bridge/test/openphone-api-key';
const provider = () => new SSMProvider({ awsSdkV3Client: new SSMClient({}) });

describe('the OpenPhone API key from its SecureString parameter', () => {
  it('is decrypted once and cached; a forced read (after a 401) reads it again', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '{"apiKey":"the-key"}' } });
    const parameters = provider();
    expect(await readApiKeyParameter(parameters, name)).toBe('the-key');
    expect(await readApiKeyParameter(parameters, name)).toBe('the-key');
    expect(ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: name, WithDecryption: true },
    ]);
    await readApiKeyParameter(parameters, name, { forceFetch: true });
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it.each([
    [
      'not put',
      () => ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'x', $metadata: {} })),
    ],
    ['an empty key', () => ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '{"apiKey":""}' } })],
    ['not JSON', () => ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'the-key' } })],
  ])('is a failure naming the parameter when it is %s', async (_case, arrange) => {
    arrange();
    await expect(readApiKeyParameter(provider(), name)).rejects.toThrow(
      `Parameter ${name} is not {"apiKey": "..."}`,
    );
  });

  it('lets any other failure through as it is (e.g. access denied)', async () => {
    ssm
      .on(GetParameterCommand)
      .rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));
    await expect(readApiKeyParameter(provider(), name)).rejects.toThrow('not allowed');
  });
});
