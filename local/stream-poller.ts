import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { matchesFilterPatterns, type StreamMappingSettings } from './template-reading';

export type StreamConsumer = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;

export interface StreamPollerOptions {
  dynamo: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  tableName: string;
  mapping: StreamMappingSettings;
  /** Invocations of one batch before its records go to onFailure (production retries for 24 h). @default 10 */
  maxAttempts?: number;
  /** Pause between retries, ms. @default 200 */
  retryDelayMs?: number;
  onFailure?: (records: DynamoDBRecord[], reason: string) => void;
  pollIntervalMs?: number;
}

function toLambdaRecord(r: StreamRecord, streamArn: string): DynamoDBRecord {
  const d = r.dynamodb ?? {};
  return {
    eventID: r.eventID,
    eventName: r.eventName as DynamoDBRecord['eventName'],
    eventVersion: r.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: r.awsRegion ?? 'local',
    eventSourceARN: streamArn,
    dynamodb: {
      ...(d.ApproximateCreationDateTime
        ? {
            ApproximateCreationDateTime: Math.floor(new Date(d.ApproximateCreationDateTime).getTime() / 1000),
          }
        : {}),
      Keys: d.Keys as never,
      NewImage: d.NewImage as never,
      ...(d.OldImage ? { OldImage: d.OldImage as never } : {}),
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType as never,
    },
  };
}

/**
 * Reads a DynamoDB Local table's stream and invokes a consumer like Lambda's stream event source
 * mapping: template filter, batches in order, ReportBatchItemFailures (retry from the first failed
 * record), bisect on error, and an on-failure destination once the attempts run out.
 */
export class StreamPoller {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly iterators = new Map<string, string | undefined>();
  private readonly lastSequences = new Map<string, string>();
  private streamArn = '';

  constructor(private readonly options: StreamPollerOptions) {}

  private async refreshShards(): Promise<void> {
    const { Table } = await this.options.dynamo.send(
      new DescribeTableCommand({ TableName: this.options.tableName }),
    );
    if (!Table?.LatestStreamArn) throw new Error(`table ${this.options.tableName} has no stream`);
    this.streamArn = Table.LatestStreamArn;
    const { StreamDescription } = await this.options.streams.send(
      new DescribeStreamCommand({ StreamArn: this.streamArn }),
    );
    for (const shard of StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || this.iterators.has(shard.ShardId)) continue;
      const { ShardIterator } = await this.options.streams.send(
        new GetShardIteratorCommand({
          StreamArn: this.streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      this.iterators.set(shard.ShardId, ShardIterator);
    }
  }

  /**
   * DynamoDB Local numbers stream records across all its tables, so after writes to another table an
   * iterator still at the start of an empty shard is refused as trimmed; a fresh iterator, after the
   * last record read (or at the trim horizon when none was), reads on without loss or repeat.
   */
  private async readShard(shardId: string, iterator: string) {
    const read = (shardIterator: string) =>
      this.options.streams.send(
        new GetRecordsCommand({ ShardIterator: shardIterator, Limit: this.options.mapping.batchSize }),
      );
    try {
      return await read(iterator);
    } catch (error) {
      if ((error as { name?: string }).name !== 'TrimmedDataAccessException') throw error;
      const after = this.lastSequences.get(shardId);
      const { ShardIterator } = await this.options.streams.send(
        new GetShardIteratorCommand({
          StreamArn: this.streamArn,
          ShardId: shardId,
          ...(after
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      if (!ShardIterator) throw error;
      return read(ShardIterator);
    }
  }

  /** Reads every shard once and delivers what it finds; returns the number of records delivered. */
  async pollOnce(consumer: StreamConsumer): Promise<number> {
    await this.refreshShards();
    let delivered = 0;
    for (const [shardId, iterator] of this.iterators) {
      if (!iterator) continue;
      const page = await this.readShard(shardId, iterator);
      this.iterators.set(shardId, page.NextShardIterator);
      const lastSequence = page.Records?.at(-1)?.dynamodb?.SequenceNumber;
      if (lastSequence) this.lastSequences.set(shardId, lastSequence);
      const records = (page.Records ?? [])
        .map((r) => toLambdaRecord(r, this.streamArn))
        .filter((r) => matchesFilterPatterns(this.options.mapping.filterPatterns, r));
      if (records.length > 0) delivered += await this.deliver(records, consumer);
    }
    return delivered;
  }

  private async deliver(records: DynamoDBRecord[], consumer: StreamConsumer): Promise<number> {
    const maxAttempts = this.options.maxAttempts ?? 10;
    let pending = records;
    let attempts = 0;
    while (pending.length > 0) {
      attempts += 1;
      let failedFrom: number;
      let reason = 'batch item failure';
      try {
        const response = await consumer({ Records: pending });
        const failedSeqs = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        failedFrom = pending.findIndex((r) => failedSeqs.has(r.dynamodb?.SequenceNumber ?? ''));
      } catch (error) {
        failedFrom = 0;
        reason = (error as Error).message;
      }
      if (failedFrom < 0) return records.length;
      pending = pending.slice(failedFrom); // checkpoint before the first failure, as Lambda does
      if (attempts >= maxAttempts) {
        this.options.onFailure?.(pending, reason);
        return records.length;
      }
      if (this.options.mapping.bisectOnError && reason !== 'batch item failure' && pending.length > 1) {
        const half = Math.ceil(pending.length / 2);
        await this.deliver(pending.slice(0, half), consumer);
        pending = pending.slice(half);
        attempts = 0;
        continue;
      }
      await new Promise((r) => setTimeout(r, this.options.retryDelayMs ?? 200));
    }
    return records.length;
  }

  /** Polls until nothing new arrives for one round (tests). */
  async drain(consumer: StreamConsumer): Promise<void> {
    while ((await this.pollOnce(consumer)) > 0) {
      // keep reading
    }
  }

  start(consumer: StreamConsumer): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          if ((await this.pollOnce(consumer)) === 0)
            await new Promise((r) => setTimeout(r, this.options.pollIntervalMs ?? 100));
        } catch (error) {
          console.error(`stream poller: ${(error as Error).message}`);
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
