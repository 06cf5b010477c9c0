import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { eventFamilies, type EventFamily } from '../domain/event-types';
import type { QueueMessage } from '../domain/queue-message';
import { SqsQueuePublisher } from './queue-publisher';

export interface FamilyQueueDepth {
  family: EventFamily;
  /** Messages waiting or in flight in the family queue. */
  queued: number;
  deadLetters: number;
}

export interface ReplayResult {
  moved: number;
}

/** What an operator does to the family queues: look at them, move dead letters back, put one message in. */
export interface QueueAdmin {
  depths(): Promise<FamilyQueueDepth[]>;
  /** Moves a family's dead letters back to its queue: all of them, or only those of the given event ids. */
  replayDeadLetters(family: EventFamily, eventIds?: readonly string[]): Promise<ReplayResult>;
  enqueue(message: QueueMessage): Promise<void>;
}

export interface FamilyQueueUrls {
  queueUrl: string;
  deadLetterQueueUrl: string;
}

/** The event id a queued message is about: from its body, or from its `eventId` attribute. */
export function eventIdOfQueued(body: string | undefined, attributeValue?: string): string | undefined {
  try {
    const parsed = JSON.parse(body ?? '') as { eventId?: unknown };
    if (typeof parsed.eventId === 'string') return parsed.eventId;
  } catch {
    // not JSON: fall back to the attribute
  }
  return attributeValue;
}

export interface SqsQueueAdminOptions {
  /** Seconds a received dead letter stays hidden while it is being moved. @default 60 */
  visibilityTimeoutSeconds?: number;
  /** Long-poll seconds of each receive: SQS then samples every server, so an empty answer means empty. @default 2 */
  waitTimeSeconds?: number;
}

/** The family queues of a deployed stack, in SQS. */
export class SqsQueueAdmin implements QueueAdmin {
  readonly #publisher: SqsQueuePublisher;

  constructor(
    private readonly sqs: SQSClient,
    private readonly urls: Readonly<Record<EventFamily, FamilyQueueUrls>>,
    private readonly options: SqsQueueAdminOptions = {},
  ) {
    this.#publisher = new SqsQueuePublisher(
      sqs,
      Object.fromEntries(eventFamilies.map((f) => [f, urls[f].queueUrl])) as Record<EventFamily, string>,
    );
  }

  async depths(): Promise<FamilyQueueDepth[]> {
    return Promise.all(
      eventFamilies.map(async (family) => ({
        family,
        queued: await this.#depth(this.urls[family].queueUrl),
        deadLetters: await this.#depth(this.urls[family].deadLetterQueueUrl),
      })),
    );
  }

  enqueue(message: QueueMessage): Promise<void> {
    return this.#publisher.publish(message);
  }

  /**
   * Receive → send to the family queue → delete, until the DLQ answers empty. Dead letters of other
   * event ids are left in the DLQ: made visible again at the end, so this run does not receive them twice.
   */
  async replayDeadLetters(family: EventFamily, eventIds?: readonly string[]): Promise<ReplayResult> {
    const { queueUrl, deadLetterQueueUrl } = this.urls[family];
    const wanted = eventIds && eventIds.length > 0 ? new Set(eventIds) : undefined;
    const leftAlone: Message[] = [];
    let moved = 0;
    try {
      for (;;) {
        const { Messages = [] } = await this.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: deadLetterQueueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: this.options.waitTimeSeconds ?? 2,
            VisibilityTimeout: this.options.visibilityTimeoutSeconds ?? 60,
            MessageAttributeNames: ['All'],
          }),
        );
        if (Messages.length === 0) break;
        for (const message of Messages) {
          const eventId = eventIdOfQueued(message.Body, message.MessageAttributes?.eventId?.StringValue);
          if (wanted && !(eventId && wanted.has(eventId))) {
            leftAlone.push(message);
            continue;
          }
          await this.sqs.send(
            new SendMessageCommand({
              QueueUrl: queueUrl,
              MessageBody: message.Body ?? '',
              ...(message.MessageAttributes
                ? { MessageAttributes: sendable(message.MessageAttributes) }
                : {}),
            }),
          );
          await this.sqs.send(
            new DeleteMessageCommand({ QueueUrl: deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle }),
          );
          moved++;
        }
        // Every wanted id found: no need to wait for the rest of the DLQ to come round.
        if (wanted && moved >= wanted.size) break;
      }
    } finally {
      await this.#release(deadLetterQueueUrl, leftAlone);
    }
    return { moved };
  }

  async #depth(queueUrl: string): Promise<number> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  }

  async #release(queueUrl: string, messages: Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: messages.slice(i, i + 10).map((m, j) => ({
            Id: String(j),
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
    }
  }
}

/** Received attributes carry list fields SendMessage refuses when empty; keep the values only. */
function sendable(attributes: Record<string, MessageAttributeValue>): Record<string, MessageAttributeValue> {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      {
        DataType: value.DataType,
        ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
        ...(value.BinaryValue !== undefined ? { BinaryValue: value.BinaryValue } : {}),
      },
    ]),
  );
}
