import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { eventFamilies } from '../../lambdas/events/domain/event-types';
import { familyQueueOutputName } from '../../lambdas/shared/stack-outputs';
import { SqsQueueAdmin, type FamilyQueueUrls } from '../../lambdas/events/adapters/queue-admin';
import { parameterSigningKeyStore } from '../../cli/signing-key-stores';
import { stackTarget } from '../../cli/stack-target';
import { runAgainst } from '../support/cli';

const sqsMock = mockClient(SQSClient);
const ssmMock = mockClient(SSMClient);
const cloudFormationMock = mockClient(CloudFormationClient);
beforeEach(() => {
  sqsMock.reset();
  ssmMock.reset();
  cloudFormationMock.reset();
});

const urlsOf = (family: string): FamilyQueueUrls => ({
  queueUrl: `https://sqs/${family}`,
  deadLetterQueueUrl: `https://sqs/${family}-dlq`,
});
const urls = Object.fromEntries(eventFamilies.map((f) => [f, urlsOf(f)])) as Record<
  (typeof eventFamilies)[number],
  FamilyQueueUrls
>;

const deadLetter = (eventId: string, receipt: string) => ({
  MessageId: `m-${eventId}`,
  ReceiptHandle: receipt,
  Body: JSON.stringify({ eventId, type: 'call.completed', family: 'calls', receivedAt: 'x' }),
  MessageAttributes: {
    eventId: { DataType: 'String', StringValue: eventId, StringListValues: [], BinaryListValues: [] },
  },
});

describe('the SQS queue admin of a deployed stack', () => {
  it('replays every dead letter: receive, send to the family queue with its attributes, delete', async () => {
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [deadLetter('EV1', 'r1'), deadLetter('EV2', 'r2')] })
      .resolves({ Messages: [] });
    const admin = new SqsQueueAdmin(new SQSClient({}), urls, { waitTimeSeconds: 0 });

    expect(await admin.replayDeadLetters('calls')).toEqual({ moved: 2 });
    expect(sqsMock.commandCalls(ReceiveMessageCommand)[0]!.args[0].input).toMatchObject({
      QueueUrl: 'https://sqs/calls-dlq',
      MessageAttributeNames: ['All'],
    });
    expect(sqsMock.commandCalls(SendMessageCommand).map((c) => c.args[0].input)).toEqual([
      expect.objectContaining({
        QueueUrl: 'https://sqs/calls',
        MessageBody: expect.stringContaining('"EV1"'),
        MessageAttributes: { eventId: { DataType: 'String', StringValue: 'EV1' } },
      }),
      expect.objectContaining({
        QueueUrl: 'https://sqs/calls',
        MessageBody: expect.stringContaining('"EV2"'),
      }),
    ]);
    expect(sqsMock.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: 'https://sqs/calls-dlq', ReceiptHandle: 'r1' },
      { QueueUrl: 'https://sqs/calls-dlq', ReceiptHandle: 'r2' },
    ]);
    expect(sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand)).toHaveLength(0);
  });

  it('replays only the given event ids and makes the others visible again in the DLQ', async () => {
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [deadLetter('EV1', 'r1'), deadLetter('EV2', 'r2'), deadLetter('EV3', 'r3')] })
      .resolves({ Messages: [] });
    const admin = new SqsQueueAdmin(new SQSClient({}), urls, { waitTimeSeconds: 0 });

    expect(await admin.replayDeadLetters('calls', ['EV2', 'EV9'])).toEqual({ moved: 1 });
    expect(sqsMock.commandCalls(SendMessageCommand).map((c) => c.args[0].input.MessageBody)).toEqual([
      expect.stringContaining('"EV2"'),
    ]);
    expect(sqsMock.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual([
      'r2',
    ]);
    expect(sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand)[0]!.args[0].input).toEqual({
      QueueUrl: 'https://sqs/calls-dlq',
      Entries: [
        { Id: '0', ReceiptHandle: 'r1', VisibilityTimeout: 0 },
        { Id: '1', ReceiptHandle: 'r3', VisibilityTimeout: 0 },
      ],
    });
  });

  it('counts waiting and in-flight messages of each queue and DLQ', async () => {
    sqsMock.on(GetQueueAttributesCommand).resolves({
      Attributes: { ApproximateNumberOfMessages: '3', ApproximateNumberOfMessagesNotVisible: '1' },
    });
    const depths = await new SqsQueueAdmin(new SQSClient({}), urls).depths();
    expect(depths).toContainEqual({ family: 'messages', queued: 4, deadLetters: 4 });
    expect(sqsMock.commandCalls(GetQueueAttributesCommand)).toHaveLength(eventFamilies.length * 2);
  });
});

describe('the signing-keys parameter as a key store', () => {
  const parameter = (value: string) => ({
    Parameter: { Name: '/ob/keys', Type: 'SecureString' as const, Value: value },
  });

  it('merges new keys into the parameter, keeping existing keys and other fields, without duplicates', async () => {
    ssmMock
      .on(GetParameterCommand)
      .resolves(parameter(JSON.stringify({ keys: ['old', 'shared'], note: 'x' })));
    const store = parameterSigningKeyStore(new SSMClient({}), '/ob/keys');

    expect(await store.add(['shared', 'new1', 'new2', 'new1'])).toEqual({ added: 2 });
    expect(ssmMock.commandCalls(GetParameterCommand)[0]!.args[0].input).toEqual({
      Name: '/ob/keys',
      WithDecryption: true,
    });
    const put = ssmMock.commandCalls(PutParameterCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Name: '/ob/keys', Type: 'SecureString', Tier: 'Standard', Overwrite: true });
    expect(JSON.parse(put.Value!)).toEqual({ keys: ['old', 'shared', 'new1', 'new2'], note: 'x' });
  });

  it('creates the parameter with the first key when it has not been put yet', async () => {
    ssmMock.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'none', $metadata: {} }));
    const store = parameterSigningKeyStore(new SSMClient({}), '/ob/keys');
    expect(await store.keys()).toEqual([]);
    expect(await store.add(['k1'])).toEqual({ added: 1 });
    const put = ssmMock.commandCalls(PutParameterCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Name: '/ob/keys', Type: 'SecureString' });
    expect(JSON.parse(put.Value!)).toEqual({ keys: ['k1'] });
  });

  it('writes nothing when every key is already there, and refuses to overwrite a malformed parameter', async () => {
    ssmMock.on(GetParameterCommand).resolvesOnce(parameter('{"keys":["a"]}'));
    const store = parameterSigningKeyStore(new SSMClient({}), '/ob/keys');
    expect(await store.add(['a'])).toEqual({ added: 0 });
    ssmMock.on(GetParameterCommand).resolves(parameter('{"keys":"a"}'));
    await expect(store.add(['b'])).rejects.toThrow(
      'the signing-keys parameter /ob/keys is not {"keys": [string, …]}',
    );
    expect(ssmMock.commandCalls(PutParameterCommand)).toHaveLength(0);
  });
});

describe('a deployed stack as the target', () => {
  const clients = () => ({
    cloudFormation: new CloudFormationClient({}),
    dynamo: new DynamoDBClient({ region: 'us-east-1' }),
    sqs: new SQSClient({}),
    ssm: new SSMClient({}),
    stepFunctions: new SFNClient({ region: 'us-east-1' }),
  });
  const outputs = {
    EventsTableName: 'events',
    RateLimitTableName: 'rate',
    SigningKeysParameterName: '/ob/keys',
    ApiKeyParameterName: '/ob/api',
    ...Object.fromEntries(
      eventFamilies.flatMap((f) => [
        [familyQueueOutputName(f, 'QueueUrl'), urlsOf(f).queueUrl],
        [familyQueueOutputName(f, 'DeadLetterQueueUrl'), urlsOf(f).deadLetterQueueUrl],
      ]),
    ),
  };
  const stackWith = (values: Record<string, string>) => ({
    Stacks: [
      {
        StackName: 'Bridge',
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE' as const,
        Outputs: Object.entries(values).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });

  it('finds its queues from the stack outputs: a DLQ replay goes to the family output URLs', async () => {
    cloudFormationMock.on(DescribeStacksCommand).resolves(stackWith(outputs));
    sqsMock.on(ReceiveMessageCommand).resolves({ Messages: [] });
    const target = await stackTarget('Bridge', clients());
    const { code, stdout } = await runAgainst(target, 'dlq', 'replay', 'call-intelligence');
    expect(code).toBe(0);
    expect(stdout).toEqual(['Moved 0 dead letters back to the call-intelligence queue.']);
    expect(cloudFormationMock.commandCalls(DescribeStacksCommand)[0]!.args[0].input).toEqual({
      StackName: 'Bridge',
    });
    expect(sqsMock.commandCalls(ReceiveMessageCommand)[0]!.args[0].input.QueueUrl).toBe(
      urlsOf('call-intelligence').deadLetterQueueUrl,
    );
  });

  it('counts processed events per family from the family queues named in its outputs', async () => {
    cloudFormationMock.on(DescribeStacksCommand).resolves(stackWith(outputs));
    const cloudWatch = mockClient(CloudWatchClient);
    try {
      cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'f0', Values: [3] }] });
      const target = await stackTarget('Bridge', clients());
      expect((await target.processedSince(new Date(Date.now() - 3_600_000)))[eventFamilies[0]!]).toBe(3);
      const queries = cloudWatch.commandCalls(GetMetricDataCommand)[0]!.args[0].input.MetricDataQueries!;
      expect(queries.map((q) => q.MetricStat!.Metric!.Dimensions)).toEqual(
        eventFamilies.map((f) => [{ Name: 'QueueName', Value: f }]),
      );
    } finally {
      cloudWatch.restore();
    }
  });

  it('still acts on a stack deployed before the parameters: only the key commands ask for the new outputs', async () => {
    const {
      SigningKeysParameterName: _k,
      ApiKeyParameterName: _a,
      ...older
    } = outputs as Record<string, string>;
    cloudFormationMock
      .on(DescribeStacksCommand)
      .resolves(stackWith({ ...older, SigningKeysSecretArn: 'arn:keys' }));
    const target = await stackTarget('Bridge', clients());
    expect(() => target.signingKeys).toThrow(
      'stack Bridge has no output SigningKeysParameterName: deploy this version of the bridge first',
    );
  });

  it('names a missing output, and a stack that does not exist', async () => {
    const { CallsDeadLetterQueueUrl: _dropped, ...older } = outputs as Record<string, string>;
    cloudFormationMock.on(DescribeStacksCommand).resolvesOnce(stackWith(older));
    await expect(stackTarget('Bridge', clients())).rejects.toThrow(
      'stack Bridge has no output CallsDeadLetterQueueUrl: deploy this version of the bridge first',
    );
    cloudFormationMock
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id Nope does not exist'), { name: 'ValidationError' }));
    await expect(stackTarget('Nope', clients())).rejects.toThrow(
      'stack Nope was not found (check --stack, --region and --profile)',
    );
  });

  it('reads the OpenPhone API key from the stack parameter when OPENPHONE_API_KEY is not set', async () => {
    const saved = process.env.OPENPHONE_API_KEY;
    delete process.env.OPENPHONE_API_KEY;
    try {
      cloudFormationMock.on(DescribeStacksCommand).resolves(stackWith(outputs));
      const missing =
        'no OpenPhone API key in the parameter /ob/api: put {"apiKey": "…"} there, or set OPENPHONE_API_KEY';
      ssmMock
        .on(GetParameterCommand, { Name: '/ob/api' })
        .rejects(new ParameterNotFound({ message: 'none', $metadata: {} }));
      const target = await stackTarget('Bridge', clients());
      await expect(target.openPhone()).rejects.toThrow(missing);
      ssmMock
        .on(GetParameterCommand, { Name: '/ob/api' })
        .resolves({ Parameter: { Value: '{"apiKey":""}' } });
      await expect(target.openPhone()).rejects.toThrow(missing);
      ssmMock
        .on(GetParameterCommand, { Name: '/ob/api' })
        .resolves({ Parameter: { Value: '{"apiKey":"k"}' } });
      await expect(target.openPhone()).resolves.toBeDefined();
    } finally {
      if (saved !== undefined) process.env.OPENPHONE_API_KEY = saved;
    }
  });
});
