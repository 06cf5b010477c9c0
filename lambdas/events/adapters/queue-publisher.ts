import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { EventFamily } from '../domain/event-types';
import type { QueueMessage } from '../domain/queue-message';

export interface QueuePublisher {
  publish(message: QueueMessage): Promise<void>;
}

/** Sends each event to its family's SQS queue, with the type as a message attribute for filtering and metrics. */
export class SqsQueuePublisher implements QueuePublisher {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrls: Readonly<Record<EventFamily, string>>,
  ) {}

  async publish(message: QueueMessage): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrls[message.family],
        MessageBody: JSON.stringify(message),
        MessageAttributes: {
          eventType: { DataType: 'String', StringValue: message.type },
          eventId: { DataType: 'String', StringValue: message.eventId },
        },
      }),
    );
  }
}
