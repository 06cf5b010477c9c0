import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { eventsTableKeys } from '../../lambdas/events/domain/event-record';
import { eventFamilies } from '../../lambdas/events/domain/event-types';
import { familyQueueOutputName, stackOutputNames } from '../../lambdas/shared/stack-outputs';
import { BridgeStack } from '../../lib/bridge-stack';
import { readStageConfig } from '../../lib/config';

// One synthesis for the file: loading and synthesizing aws-cdk-lib is the slow part.
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new BridgeStack(app, 'Test', { config: readStageConfig({ stage: 'test' }) });
const template = Template.fromStack(stack);

describe('events table', () => {
  it('is on-demand, point-in-time recoverable, encrypted, with TTL, without a stream, and retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [{ AttributeName: eventsTableKeys.partitionKey, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: eventsTableKeys.ttlAttribute, Enabled: true },
        StreamSpecification: Match.absent(),
      }),
    });
  });
});

describe('family queues', () => {
  it('has one queue and one dead-letter queue per family, all encrypted', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    // family queues + their DLQs + the CRM events publisher's on-failure queue
    // + the media archive queue and its DLQ
    expect(Object.keys(queues)).toHaveLength(eventFamilies.length * 2 + 1 + 2);
    for (const queue of Object.values(queues)) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('moves a message to its DLQ after 5 receives, with a visibility timeout of at least 6× the consumer timeout', () => {
    const withRedrive = Object.values(template.findResources('AWS::SQS::Queue')).filter(
      (q) => q.Properties.RedrivePolicy,
    );
    expect(withRedrive).toHaveLength(eventFamilies.length + 1); // + the media archive queue
    for (const queue of withRedrive) {
      expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBe(5);
      expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * 30);
    }
  });

  it('refuses non-TLS access to every queue', () => {
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(eventFamilies.length * 2 + 1 + 2);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });
});

describe('ingest function and API', () => {
  it('runs Node.js 22 on ARM64 with a short timeout and small memory', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Verifies OpenPhone webhook signatures'),
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: 5,
      MemorySize: 256,
      TracingConfig: { Mode: 'PassThrough' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON', SystemLogLevel: 'WARN' }),
    });
  });

  it("gets the signing keys parameter's name, never a key value, in its environment", () => {
    const ingest = Object.values(template.findResources('AWS::Lambda::Function')).find((f) =>
      String(f.Properties.Description).startsWith('Verifies'),
    )!;
    const env = ingest.Properties.Environment.Variables as Record<string, unknown>;
    expect(env.SIGNING_KEYS_PARAMETER_NAME).toBe('/openphone-bridge/test/webhook-signing-keys');
    expect(JSON.stringify(env)).not.toMatch(/whsec_|apiKey/);
  });

  it('may only put, read and update items of the events table (no indexes), send to the family queues and read its keys parameter', () => {
    const ingestRole = Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) =>
      id.startsWith('WebhookIngestIngestFunction'),
    )!;
    const statements = ingestRole[1].Properties.PolicyDocument.Statement as {
      Action: string | string[];
      Resource: unknown;
    }[];
    const dynamo = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
    // Get and update only for a duplicate: its stored record and a counted re-dispatch when it is stuck.
    expect(dynamo).toEqual([
      expect.objectContaining({
        Action: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/EventsTable/), 'Arn'] },
      }),
    ]);
    const sends = statements.filter((s) => [s.Action].flat().includes('sqs:SendMessage'));
    expect(sends.map((s) => JSON.stringify(s.Resource))).toEqual(
      expect.arrayContaining([expect.stringMatching(/EventQueuesMessagesQueue/)]),
    );
    const keyReads = statements.filter((s) =>
      [s.Action].flat().some((a) => /^(ssm|kms|secretsmanager):/.test(a)),
    );
    expect(keyReads.map((s) => s.Action)).toEqual(['ssm:GetParameter', 'kms:Decrypt']);
    expect(JSON.stringify(keyReads[0]!.Resource)).toContain(
      ':parameter/openphone-bridge/test/webhook-signing-keys"',
    );
    // The ingest cannot read the API key, not even through KMS.
    expect(JSON.stringify(statements)).not.toContain('openphone-api-key');
  });

  it('routes POST /webhooks/openphone of an HTTP API with payload v2, throttled and access-logged', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /webhooks/openphone' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { PayloadFormatVersion: '2.0' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it('hands events to the family queues itself: no stream on the events table, no dispatch function', () => {
    for (const mapping of Object.values(template.findResources('AWS::Lambda::EventSourceMapping')))
      expect(JSON.stringify(mapping.Properties.EventSourceArn)).not.toMatch(/EventsTable/);
    expect(Object.keys(template.findResources('AWS::Lambda::Function')).join(' ')).not.toMatch(/Dispatch/);
  });
});

describe('stack outputs', () => {
  it('names each family queue and dead-letter queue, for the operator CLI', () => {
    const outputs = template.findOutputs('*');
    expect(familyQueueOutputName('call-intelligence', 'DeadLetterQueueUrl')).toBe(
      'CallIntelligenceDeadLetterQueueUrl',
    );
    for (const family of eventFamilies) {
      for (const name of ['QueueUrl', 'DeadLetterQueueUrl'] as const) {
        expect(outputs[familyQueueOutputName(family, name)]?.Value).toEqual({ Ref: expect.any(String) });
      }
    }
    expect(outputs.RateLimitTableName?.Value).toEqual({ Ref: expect.any(String) });
  });

  it('names the import state machine and the import table, for `imports start|status|list|cancel`', () => {
    const outputs = template.findOutputs('*');
    expect(outputs[stackOutputNames.importStateMachineArn]?.Value).toEqual({ Ref: expect.any(String) });
    expect(outputs[stackOutputNames.importTableName]?.Value).toEqual({ Ref: expect.any(String) });
  });
});

describe('keys', () => {
  it('keeps no Secrets Manager secret: the keys are SecureString parameters the operator puts, named in outputs', () => {
    expect(template.findResources('AWS::SecretsManager::Secret')).toEqual({});
    expect(template.findResources('AWS::SSM::Parameter')).toEqual({});
    const outputs = template.findOutputs('*');
    expect(outputs[stackOutputNames.signingKeysParameterName]?.Value).toBe(
      '/openphone-bridge/test/webhook-signing-keys',
    );
    expect(outputs[stackOutputNames.apiKeyParameterName]?.Value).toBe(
      '/openphone-bridge/test/openphone-api-key',
    );
  });

  it('lets each reader decrypt only through SSM and only its own parameter', () => {
    const decrypts = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (
        policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Condition?: unknown }[]
      ).filter((s) => [s.Action].flat().includes('kms:Decrypt')),
    );
    // The ingest, the CRM API, the campaign sender and the import (consent replies are off here).
    expect(decrypts).toHaveLength(4);
    for (const statement of decrypts) {
      const condition = JSON.stringify(statement.Condition);
      expect(condition).toContain('"kms:ViaService"');
      expect(condition).toMatch(
        /"kms:EncryptionContext:PARAMETER_ARN".*:parameter\/openphone-bridge\/test\//,
      );
    }
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the bridge stack', () => {
    const nagApp = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    new BridgeStack(nagApp, 'Nagged', { config: readStageConfig({ stage: 'test' }) });
    Validations.of(nagApp).addPlugins(new AwsSolutionsChecks(nagApp));
    expect(() => nagApp.synth()).not.toThrow();
  });

  it('finds nothing unacknowledged with the region and account `cdk deploy` writes into the template', () => {
    const nagApp = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    new BridgeStack(nagApp, 'NaggedInAnAccount', {
      config: readStageConfig({ stage: 'test' }),
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    Validations.of(nagApp).addPlugins(new AwsSolutionsChecks(nagApp));
    expect(() => nagApp.synth()).not.toThrow();
  });

  it('does stop a synthesis that adds an unexplained finding', () => {
    const nagApp = new App();
    const bad = new Stack(nagApp, 'Bad');
    new Queue(bad, 'NoDlqNoTls');
    Validations.of(nagApp).addPlugins(new AwsSolutionsChecks(nagApp));
    expect(() => nagApp.synth()).toThrow();
  });
});
