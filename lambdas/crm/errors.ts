/** The crm capability's errors, as named classes a caller can branch on. */
export { InvalidCursorError } from '../shared/page-cursor';

/** Optimistic writes that kept losing to concurrent writers: the caller retries the whole event. */
export class ConcurrentUpdateError extends Error {
  override readonly name = 'ConcurrentUpdateError';
  constructor(what: string, attempts: number) {
    super(`${what}: still conflicting after ${attempts} attempts`);
  }
}

/** Some archive jobs could not be queued: the processor retries the event (its CRM writes are idempotent). */
export class ArchiveEnqueueError extends Error {
  override readonly name = 'ArchiveEnqueueError';
  constructor(readonly failedJobs: number) {
    super(`${failedJobs} media archive job(s) could not be queued`);
  }
}

/** The media URL could not be read this time (network, timeout, 5xx): SQS delivers the job again. */
export class MediaFetchError extends Error {
  override readonly name = 'MediaFetchError';
  constructor(
    readonly reason: string,
    readonly httpStatus?: number,
  ) {
    super(`media fetch failed: ${reason}`);
  }
}

/** An archive queue message that is not a job: it goes to the archive DLQ after maxReceiveCount. */
export class UnreadableArchiveJobError extends Error {
  override readonly name = 'UnreadableArchiveJobError';
}

/** Another attempt holds the claim on this consent reply and may still be sending: retry the event later. */
export class ConsentReplyInFlightError extends Error {
  override readonly name = 'ConsentReplyInFlightError';
  constructor(readonly messageId: string) {
    super(`the consent reply to ${messageId} is being sent by another attempt`);
  }
}
