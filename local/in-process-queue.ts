import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export interface EventSourceMappingSettings {
  /** Messages handed to one invocation. @default 10 */
  batchSize: number;
  /** Seconds a received message stays invisible before it is delivered again. */
  visibilityTimeoutSeconds: number;
  /** Receives after which a message moves to the dead-letter queue. @default 5 */
  maxReceiveCount: number;
  /** Poll interval when the queue is empty, in ms. @default 50 */
  pollIntervalMs?: number;
}

interface StoredMessage {
  messageId: string;
  body: string;
  attributes: Record<string, string>;
  receiveCount: number;
  visibleAt: number;
  sentAt: number;
}

export type SqsConsumer = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

/**
 * An in-process SQS queue with the semantics of a Lambda event source mapping: batches, visibility
 * timeout, partial batch failures (ReportBatchItemFailures), maxReceiveCount, then the dead-letter queue.
 */
export class InProcessQueue {
  private readonly messages: StoredMessage[] = [];
  private running = false;
  private loop: Promise<void> | undefined;
  readonly deadLetters: StoredMessage[] = [];

  constructor(
    readonly name: string,
    private readonly settings: EventSourceMappingSettings,
    private readonly now: () => number = Date.now,
  ) {}

  send(body: string, attributes: Record<string, string> = {}): string {
    const messageId = randomUUID();
    this.messages.push({ messageId, body, attributes, receiveCount: 0, visibleAt: 0, sentAt: this.now() });
    return messageId;
  }

  /** Messages waiting or in flight (what SQS calls ApproximateNumberOfMessages + NotVisible). */
  get depth(): number {
    return this.messages.length;
  }

  /** Moves dead letters back to the queue (a DLQ redrive); returns how many. */
  redriveDeadLetters(filter: (body: string) => boolean = () => true): number {
    const moving = this.deadLetters.filter((m) => filter(m.body));
    for (const m of moving) {
      this.deadLetters.splice(this.deadLetters.indexOf(m), 1);
      this.messages.push({ ...m, receiveCount: 0, visibleAt: 0 });
    }
    return moving.length;
  }

  /** One poll: receive a batch of visible messages and invoke the consumer. Returns how many were handed over. */
  async pollOnce(consumer: SqsConsumer): Promise<number> {
    const now = this.now();
    const batch = this.messages.filter((m) => m.visibleAt <= now).slice(0, this.settings.batchSize);
    if (batch.length === 0) return 0;
    for (const m of batch) {
      m.receiveCount += 1;
      m.visibleAt = now + this.settings.visibilityTimeoutSeconds * 1000;
    }
    let failed: Set<string>;
    try {
      const response = await consumer({ Records: batch.map((m) => this.toRecord(m)) });
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      failed = new Set(batch.map((m) => m.messageId)); // a thrown error fails the whole batch
    }
    for (const m of batch) {
      const index = this.messages.indexOf(m);
      if (!failed.has(m.messageId)) {
        this.messages.splice(index, 1);
      } else if (m.receiveCount >= this.settings.maxReceiveCount) {
        this.messages.splice(index, 1);
        this.deadLetters.push(m);
      }
    }
    return batch.length;
  }

  /** Polls until stopped, like a running event source mapping. */
  start(consumer: SqsConsumer): void {
    if (this.running) return;
    this.running = true;
    const interval = this.settings.pollIntervalMs ?? 50;
    this.loop = (async () => {
      while (this.running) {
        const handed = await this.pollOnce(consumer);
        if (handed === 0) await new Promise((r) => setTimeout(r, interval));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private toRecord(m: StoredMessage): SQSRecord {
    return {
      messageId: m.messageId,
      receiptHandle: `${m.messageId}:${m.receiveCount}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(m.sentAt),
      },
      messageAttributes: Object.fromEntries(
        Object.entries(m.attributes).map(([k, v]) => [
          k,
          { dataType: 'String', stringValue: v, stringListValues: [], binaryListValues: [] },
        ]),
      ),
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:local:000000000000:${this.name}`,
      awsRegion: 'local',
    };
  }
}
