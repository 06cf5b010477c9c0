import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { MediaArchiveJob } from '../domain/media-archive';
import { ArchiveEnqueueError } from '../errors';

/** Where processors leave media to archive: the archiver takes it from there, retrying on its own. */
export interface MediaArchiveQueue {
  enqueue(jobs: readonly MediaArchiveJob[]): Promise<void>;
}

/** SendMessageBatch in tens (the SQS limit); any entry SQS refuses is an ArchiveEnqueueError. */
export class SqsMediaArchiveQueue implements MediaArchiveQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(jobs: readonly MediaArchiveJob[]): Promise<void> {
    let failed = 0;
    for (let start = 0; start < jobs.length; start += 10) {
      const batch = jobs.slice(start, start + 10);
      const result = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((job, i) => ({ Id: String(i), MessageBody: JSON.stringify(job) })),
        }),
      );
      failed += result.Failed?.length ?? 0;
    }
    if (failed > 0) throw new ArchiveEnqueueError(failed);
  }
}
