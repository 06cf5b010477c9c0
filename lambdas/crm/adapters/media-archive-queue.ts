import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { MediaArchiveJob } from '../domain/media-archive';

/** Where processors leave media to archive: the archiver takes it from there, retrying on its own. */
export interface MediaArchiveQueue {
  enqueue(jobs: readonly MediaArchiveJob[]): Promise<void>;
}

/** Some archive jobs could not be queued: the processor retries the event (its CRM writes are idempotent). */
export class ArchiveEnqueueError extends Error {
  override readonly name = 'ArchiveEnqueueError';
  constructor(readonly failedJobs: number) {
    super(`${failedJobs} media archive job(s) could not be queued`);
  }
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
