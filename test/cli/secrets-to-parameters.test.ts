import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { eventFamilies } from '../../lambdas/events/domain/event-types';
import { familyQueueOutputName } from '../../lambdas/shared/stack-outputs';
import { stackTarget } from '../../cli/stack-target';
import { runAgainst, testTarget } from '../support/cli';

const secretsMock = mockClient(SecretsManagerClient);
const ssmMock = mockClient(SSMClient);
const cloudFormationMock = mockClient(CloudFormationClient);
beforeEach(() => {
  secretsMock.reset();
  ssmMock.reset();
  cloudFormationMock.reset();
});

const keysParameter = '/openphone-bridge/prod/webhook-signing-keys';
const apiKeyParameter = '/openphone-bridge/prod/openphone-api-key';
const queueOutputs = Object.fromEntries(
  eventFamilies.flatMap((f) => [
    [familyQueueOutputName(f, 'QueueUrl'), `https://sqs/${f}`],
    [familyQueueOutputName(f, 'DeadLetterQueueUrl'), `https://sqs/${f}-dlq`],
  ]),
);
// The stack as deployed before this version: the secrets' outputs, no parameters' outputs.
const beforeTheUpgrade = {
  EventsTableName: 'events',
  RateLimitTableName: 'rate',
  SigningKeysSecretArn: 'arn:keys',
  ApiKeySecretArn: 'arn:api',
  ...queueOutputs,
};
const stack = (outputs: Record<string, string>) => {
  cloudFormationMock.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'OpenPhoneBridge-prod',
        CreationTime: new Date(),
        StackStatus: 'UPDATE_COMPLETE',
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
  return stackTarget('OpenPhoneBridge-prod', {
    cloudFormation: new CloudFormationClient({}),
    dynamo: new DynamoDBClient({ region: 'us-east-1' }),
    sqs: new SQSClient({}),
    ssm: new SSMClient({}),
    secrets: new SecretsManagerClient({}),
    stepFunctions: new SFNClient({ region: 'us-east-1' }),
  });
};
const secretsHold = (keys: string[], apiKey: string) => {
  // As the stack created them: with the generated `unused` field beside the values.
  secretsMock
    .on(GetSecretValueCommand, { SecretId: 'arn:keys' })
    .resolves({ SecretString: JSON.stringify({ keys, unused: 'generated' }) });
  secretsMock
    .on(GetSecretValueCommand, { SecretId: 'arn:api' })
    .resolves({ SecretString: JSON.stringify({ apiKey, unused: 'generated' }) });
};
const notPut = () => new ParameterNotFound({ message: 'not found', $metadata: {} });
const puts = () => ssmMock.commandCalls(PutParameterCommand).map((c) => c.args[0].input);

describe('secrets copy-to-parameters', () => {
  it("copies each secret's value into its stage's SecureString parameter, found by the old outputs, and says so", async () => {
    secretsHold(['k1', 'whsec_k2'], 'the-key');
    ssmMock.on(GetParameterCommand).rejects(notPut());
    const { code, stdout } = await runAgainst(await stack(beforeTheUpgrade), 'secrets', 'copy-to-parameters');

    expect(code).toBe(0);
    expect(puts()).toEqual([
      {
        Name: keysParameter,
        Value: JSON.stringify({ keys: ['k1', 'whsec_k2'] }),
        Type: 'SecureString',
        Tier: 'Standard',
        Overwrite: true,
      },
      {
        Name: apiKeyParameter,
        Value: JSON.stringify({ apiKey: 'the-key' }),
        Type: 'SecureString',
        Tier: 'Standard',
        Overwrite: true,
      },
    ]);
    expect(stdout.slice(0, 2)).toEqual([
      `signing keys: arn:keys -> ${keysParameter}: copied`,
      `API key: arn:api -> ${apiKeyParameter}: copied`,
    ]);
    expect(stdout[2]).toMatch(/deploy this version, then delete the two retained secrets/);
  });

  it('refuses, writing nothing, when a parameter already holds a different value; --force overwrites it', async () => {
    secretsHold(['k1'], 'the-key');
    ssmMock.on(GetParameterCommand, { Name: keysParameter }).rejects(notPut());
    ssmMock
      .on(GetParameterCommand, { Name: apiKeyParameter })
      .resolves({ Parameter: { Value: JSON.stringify({ apiKey: 'another-key' }) } });
    const target = await stack(beforeTheUpgrade);

    const refused = await runAgainst(target, 'secrets', 'copy-to-parameters');
    expect(refused.code).toBe(1);
    expect(refused.stderr.join('\n')).toContain(
      `the parameter ${apiKeyParameter} already holds a different API key value than the secret arn:api: nothing was copied`,
    );
    expect(refused.stderr.join('\n')).toContain('--force');
    expect(puts()).toEqual([]);

    const forced = await runAgainst(target, 'secrets', 'copy-to-parameters', '--force');
    expect(forced.code).toBe(0);
    expect(puts().map((p) => [p.Name, p.Value])).toEqual([
      [keysParameter, '{"keys":["k1"]}'],
      [apiKeyParameter, '{"apiKey":"the-key"}'],
    ]);
    expect(forced.stdout[1]).toBe(
      `API key: arn:api -> ${apiKeyParameter}: copied, overwriting the value that was there (--force)`,
    );
  });

  it('refuses a parameter put by hand as a plain String, even with the same value, writing nothing', async () => {
    secretsHold(['k1'], 'the-key');
    ssmMock.on(GetParameterCommand, { Name: keysParameter }).rejects(notPut());
    ssmMock
      .on(GetParameterCommand, { Name: apiKeyParameter })
      .resolves({ Parameter: { Type: 'String', Value: JSON.stringify({ apiKey: 'the-key' }) } });
    const target = await stack(beforeTheUpgrade);

    for (const force of [[], ['--force']]) {
      const refused = await runAgainst(target, 'secrets', 'copy-to-parameters', ...force);
      expect(refused.code).toBe(1);
      expect(refused.stderr.join('\n')).toContain(
        `${apiKeyParameter} is a String parameter, not SecureString, so its key is stored unencrypted: delete it`,
      );
      expect(refused.stderr.join('\n')).not.toContain('the-key');
    }
    expect(puts()).toEqual([]);
  });

  it('leaves a parameter that already holds the same value, and copies no empty key', async () => {
    secretsHold(['k1'], '');
    ssmMock
      .on(GetParameterCommand, { Name: keysParameter })
      .resolves({ Parameter: { Value: JSON.stringify({ keys: ['k1'] }) } });
    ssmMock.on(GetParameterCommand, { Name: apiKeyParameter }).rejects(notPut());
    const { code, stdout } = await runAgainst(await stack(beforeTheUpgrade), 'secrets', 'copy-to-parameters');

    expect(code).toBe(0);
    expect(puts()).toEqual([]);
    expect(stdout.slice(0, 2)).toEqual([
      `signing keys: arn:keys -> ${keysParameter}: already there, unchanged`,
      `API key: arn:api -> ${apiKeyParameter}: not copied: the secret holds no key`,
    ]);
  });

  it('after the deploy, copies from the secrets given by ARN into the parameters the new outputs name', async () => {
    secretsMock
      .on(GetSecretValueCommand, { SecretId: 'arn:old-keys' })
      .resolves({ SecretString: '{"keys":["k1"]}' });
    secretsMock
      .on(GetSecretValueCommand, { SecretId: 'arn:old-api' })
      .resolves({ SecretString: '{"apiKey":"the-key"}' });
    ssmMock.on(GetParameterCommand).rejects(notPut());
    const { SigningKeysSecretArn: _k, ApiKeySecretArn: _a, ...rest } = beforeTheUpgrade;
    const afterTheDeploy = {
      ...rest,
      SigningKeysParameterName: '/custom/keys',
      ApiKeyParameterName: '/custom/api',
    };

    const missing = await runAgainst(await stack(afterTheDeploy), 'secrets', 'copy-to-parameters');
    expect(missing.code).toBe(1);
    expect(missing.stderr.join('\n')).toContain(
      'stack OpenPhoneBridge-prod has no output SigningKeysSecretArn (already deployed past the secrets?): give --signing-keys-secret <arn>',
    );

    const given = await runAgainst(
      await stack(afterTheDeploy),
      'secrets',
      'copy-to-parameters',
      '--signing-keys-secret',
      'arn:old-keys',
      '--api-key-secret',
      'arn:old-api',
    );
    expect(given.code).toBe(0);
    expect(puts().map((p) => p.Name)).toEqual(['/custom/keys', '/custom/api']);
  });

  it('refuses a secret that is not the JSON the functions read, writing nothing', async () => {
    secretsMock.on(GetSecretValueCommand, { SecretId: 'arn:keys' }).resolves({ SecretString: 'k1,k2' });
    const { code, stderr } = await runAgainst(await stack(beforeTheUpgrade), 'secrets', 'copy-to-parameters');
    expect(code).toBe(1);
    expect(stderr.join('\n')).toContain('the signing keys secret arn:keys is not {"keys": [string, …]}');
    expect(puts()).toEqual([]);
  });

  it('refuses a target without secrets, such as the local replica', async () => {
    const { code, stderr } = await runAgainst(testTarget({}), 'secrets', 'copy-to-parameters');
    expect(code).toBe(1);
    expect(stderr.join('\n')).toContain(
      'the test target keeps no secrets: copy-to-parameters acts on a stack (--stack)',
    );
  });
});
