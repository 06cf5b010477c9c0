// The events capability's public surface: what other capabilities, lib/ and cli/ may use.
import { join } from 'node:path';
export { EventRepository } from './adapters/event-repository';
export type { OpenEventSummary } from './adapters/event-repository';
export { SqsQueueAdmin } from './adapters/queue-admin';
export type { FamilyQueueDepth, FamilyQueueUrls, QueueAdmin, ReplayResult } from './adapters/queue-admin';
export { eventsTableKeys, newEventRecord } from './domain/event-record';
export type { EventRecord, EventStatus, SignatureScheme } from './domain/event-record';
export { eventFamilies, familyOf } from './domain/event-types';
export type { EventFamily } from './domain/event-types';
export { queueMessageFor } from './domain/queue-message';
export type { QueueMessage } from './domain/queue-message';
export { queueUrlVariable } from './environment';

/** The events Lambdas' entry files, for the CDK construct to bundle. */
export const eventsEntries = {
  dispatch: join(__dirname, 'dispatch', 'handler.ts'),
  process: join(__dirname, 'process', 'handler.ts'),
} as const;
