import { Logger } from '@aws-lambda-powertools/logger';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { newEventRecord } from '../../../lambdas/events/domain/event-record';
import { maxInlinePayloadBytes } from '../../../lambdas/events/domain/queue-message';
import { SqsQueuePublisher } from '../../../lambdas/events/adapters/queue-publisher';
import { createDispatchHandler } from '../../../lambdas/events/dispatch/service';

const urls = {
  messages: 'https://sqs/messages',
  calls: 'https://sqs/calls',
  'call-intelligence': 'https://sqs/call-intelligence',
  contacts: 'https://sqs/contacts',
  tasks: 'https://sqs/tasks',
};

function insert(
  eventId: string,
  type: string,
  family: 'messages' | 'calls' | 'call-intelligence' | 'contacts',
  payload = '{}',
  seq = eventId,
): DynamoDBRecord {
  const record = newEventRecord({
    eventId,
    type,
    family,
    scheme: 'legacy',
    payload,
    receivedAt: new Date('2026-11-24T10:00:00Z'),
    retentionDays: 1,
  });
  return {
    eventName: 'INSERT',
    dynamodb: { SequenceNumber: seq, NewImage: marshall(record, { removeUndefinedValues: true }) as never },
  };
}

describe('dispatch handler', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => sqs.reset());
  const dispatch = () =>
    createDispatchHandler({
      publisher: new SqsQueuePublisher(sqs as unknown as SQSClient, urls),
      logger: new Logger({ logLevel: 'SILENT' }),
    });

  it('sends each event to its own family queue with the event type as an attribute', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
    await dispatch()({
      Records: [insert('EV1', 'message.received', 'messages'), insert('EV2', 'call.completed', 'calls')],
    });
    const sent = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(sent.map((s) => s.QueueUrl).sort()).toEqual(['https://sqs/calls', 'https://sqs/messages']);
    const call = sent.find((s) => s.QueueUrl === 'https://sqs/calls')!;
    expect(call.MessageAttributes?.eventType?.StringValue).toBe('call.completed');
    expect(JSON.parse(call.MessageBody!)).toMatchObject({
      eventId: 'EV2',
      type: 'call.completed',
      family: 'calls',
      payload: '{}',
    });
  });

  it('reports only the records SQS refused, so the stream retries those and not their neighbours', async () => {
    sqs.on(SendMessageCommand).resolves({});
    sqs.on(SendMessageCommand, { QueueUrl: 'https://sqs/calls' }).rejects(new Error('throttled'));
    const response = await dispatch()({
      Records: [
        insert('EV1', 'message.received', 'messages', '{}', '1'),
        insert('EV2', 'call.completed', 'calls', '{}', '2'),
      ],
    });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
  });

  it('sends a reference instead of a payload too large for a queue message', async () => {
    sqs.on(SendMessageCommand).resolves({});
    const large = JSON.stringify({ text: 'x'.repeat(maxInlinePayloadBytes + 1) });
    await dispatch()({ Records: [insert('EVbig', 'call.transcript.completed', 'call-intelligence', large)] });
    const body = JSON.parse(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageBody!);
    expect(body).toEqual({
      eventId: 'EVbig',
      type: 'call.transcript.completed',
      family: 'call-intelligence',
      receivedAt: '2026-11-24T10:00:00.000Z',
    });
  });

  it('sends nothing for an ignored event', async () => {
    const ignored = insert('EVx', 'unknown.type', 'messages');
    (ignored.dynamodb!.NewImage as Record<string, unknown>).status = { S: 'ignored' };
    await dispatch()({ Records: [ignored] });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });
});
