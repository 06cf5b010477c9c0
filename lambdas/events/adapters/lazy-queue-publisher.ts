import type { SQSClient } from '@aws-sdk/client-sqs';
import type { EventFamily } from '../domain/event-types';
import type { QueuePublisher } from './queue-publisher';

/**
 * A `SqsQueuePublisher` whose SQS client is loaded and built on the first publish, for a Lambda that
 * publishes rarely: the ingest hands an event to its queue only when OpenPhone delivers again an
 * event stuck past the sweep's age, and should not pay the client's load on every cold start.
 */
export function lazySqsQueuePublisher(
  queueUrls: Readonly<Record<EventFamily, string>>,
  wrapClient: (client: SQSClient) => SQSClient = (client) => client,
): QueuePublisher {
  let publisher: Promise<QueuePublisher> | undefined;
  const load = async (): Promise<QueuePublisher> => {
    const [{ SQSClient }, { SqsQueuePublisher }] = await Promise.all([
      import('@aws-sdk/client-sqs'),
      import('./queue-publisher'),
    ]);
    return new SqsQueuePublisher(wrapClient(new SQSClient({})), queueUrls);
  };
  return {
    publish: async (message) => {
      publisher ??= load().catch((error: unknown) => {
        publisher = undefined; // a failed load is tried again on the next publish
        throw error;
      });
      await (await publisher).publish(message);
    },
  };
}
