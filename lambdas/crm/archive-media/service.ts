import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  archiveRecordOf,
  describeRejection,
  mediaArchiveJob,
  type MediaArchiveJob,
} from '../domain/media-archive';
import type { ActivityRepository } from '../adapters/activity-repository';
import type { ArchiveOutcome, MediaArchiver } from '../adapters/media-archiver';
import { UnreadableArchiveJobError } from '../errors';
import { correlated } from '../../shared/correlation';

export interface ArchiveMediaDeps {
  archiver: Pick<MediaArchiver, 'archive' | 'discard'>;
  activities: Pick<ActivityRepository, 'recordMediaArchive'>;
  logger: Logger;
  /** Told of every job's result (the local replica and tests watch it). */
  onResult?: (job: MediaArchiveJob, result: ArchiveOutcome | { kind: 'retrying'; reason: string }) => void;
}

function readJob(body: string): MediaArchiveJob {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new UnreadableArchiveJobError('archive job: not JSON');
  }
  const parsed = mediaArchiveJob.safeParse(json);
  if (!parsed.success)
    throw new UnreadableArchiveJobError(
      `archive job: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
    );
  return parsed.data;
}

/**
 * The media archiver: copies each job's URL into S3 and stores the key beside the URL on the
 * activity. A fetch or S3 failure is a batch item failure, so SQS retries that job alone and
 * dead-letters it in the end; the activity record is never touched by a failure.
 */
export function createArchiveMediaHandler(deps: ArchiveMediaDeps) {
  const processor = new BatchProcessor(EventType.SQS);

  async function archiveOne(record: SQSRecord): Promise<void> {
    const job = readJob(record.body);
    const log = correlated(deps.logger, job.eventId);
    let result: ArchiveOutcome;
    try {
      result = await deps.archiver.archive(job);
    } catch (error) {
      const reason = (error as Error).message;
      log.warn('media archive failed, SQS will retry', {
        activityId: job.activityId,
        field: job.field,
        index: job.index,
        attempts: record.attributes.ApproximateReceiveCount,
        reason,
      });
      deps.onResult?.(job, { kind: 'retrying', reason });
      throw error;
    }
    const recorded = await deps.activities.recordMediaArchive(job, archiveRecordOf(result));
    // Erased while it downloaded: no sweep can find a key the activity never held.
    if (result.kind === 'archived' && recorded.outcome === 'activity-erased')
      await deps.archiver.discard(result.key);
    log.info(result.kind === 'archived' ? 'media archived' : 'media not archived', {
      activityId: job.activityId,
      field: job.field,
      index: job.index,
      ...(result.kind === 'archived'
        ? { key: result.key, bytes: result.bytes }
        : { reason: describeRejection(result.rejection) }),
      recorded: recorded.outcome,
    });
    deps.onResult?.(job, result);
  }

  return async (event: SQSEvent): Promise<SQSBatchResponse> =>
    processPartialResponse(event, archiveOne, processor, { throwOnFullBatchFailure: false });
}
