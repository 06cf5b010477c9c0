import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { lazySqsQueuePublisher } from '../../../lambdas/events';

const urls = {
  messages: 'https://sqs/messages',
  calls: 'https://sqs/calls',
  'call-intelligence': 'https://sqs/call-intelligence',
  contacts: 'https://sqs/contacts',
  tasks: 'https://sqs/tasks',
};

const message = (eventId: string) => ({
  eventId,
  type: 'call.completed',
  family: 'calls' as const,
  receivedAt: '2026-11-30T08:00:00.000Z',
  payload: '{}',
});

describe('the lazily loaded queue publisher (the ingest’s re-dispatch)', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => sqs.reset());

  it('builds no SQS client until an event is published, then one for every publish', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
    const built: SQSClient[] = [];
    const publisher = lazySqsQueuePublisher(urls, (client) => {
      built.push(client);
      return client;
    });
    expect(built).toHaveLength(0);
    await Promise.all([publisher.publish(message('EV1')), publisher.publish(message('EV2'))]);
    await publisher.publish(message('EV3'));
    expect(built).toHaveLength(1);
    const sent = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(sent.map((s) => s.QueueUrl)).toEqual([urls.calls, urls.calls, urls.calls]);
    expect(sent.map((s) => JSON.parse(s.MessageBody ?? '{}').eventId).sort()).toEqual(['EV1', 'EV2', 'EV3']);
    expect(sent[0]?.MessageAttributes?.eventType?.StringValue).toBe('call.completed');
  });

  it('passes a refused send to the caller, and the next publish sends again', async () => {
    sqs.on(SendMessageCommand).rejectsOnce(new Error('throttled')).resolves({ MessageId: 'm' });
    const publisher = lazySqsQueuePublisher(urls);
    await expect(publisher.publish(message('EV1'))).rejects.toThrow('throttled');
    await expect(publisher.publish(message('EV1'))).resolves.toBeUndefined();
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(2);
  });
});
