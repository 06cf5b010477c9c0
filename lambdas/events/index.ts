// The events capability's public surface: what other capabilities, lib/ and cli/ may use.
import { join } from 'node:path';
export { EventRepository } from './adapters/event-repository';
export type { OpenEventSummary, RecordingOutcome } from './adapters/event-repository';
export { SqsQueuePublisher } from './adapters/queue-publisher';
export type { QueuePublisher } from './adapters/queue-publisher';
export { lazySqsQueuePublisher } from './adapters/lazy-queue-publisher';
export { createEventSweeper } from './sweep/service';
export type { EventSweeper, SweepReport } from './sweep/service';
export { defaultSweepPolicy, undeliverableReason } from './domain/event-sweep';
export type { SweepPolicy } from './domain/event-sweep';
export { SqsQueueAdmin } from './adapters/queue-admin';
export type { FamilyQueueDepth, FamilyQueueUrls, QueueAdmin, ReplayResult } from './adapters/queue-admin';
export {
  defaultEventRetentionDays,
  eventsTableKeys,
  newEventRecord,
  withCurrentRoute,
} from './domain/event-record';
export type { EventRecord, EventStatus, SignatureScheme } from './domain/event-record';
export { eventFamilies, familyOf } from './domain/event-types';
export type { EventFamily } from './domain/event-types';
export { queueMessageFor } from './domain/queue-message';
export type { QueueMessage } from './domain/queue-message';
export { familyQueueUrlsShape, queueUrlVariable, sweepEnvironmentShape } from './hand-on-environment';

/** The events Lambdas' entry files, for the CDK construct to bundle. */
export const eventsEntries = {
  process: join(__dirname, 'process', 'handler.ts'),
  sweep: join(__dirname, 'sweep', 'handler.ts'),
} as const;
