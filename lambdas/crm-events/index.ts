// The crm-events capability's public surface: what lib/, local/, cli/ and the docs script may use.
import { join } from 'node:path';
export { EventBridgeBus } from './adapters/event-bus';
export type { CrmEventBus, PutOutcome } from './adapters/event-bus';
export { crmEventsOf } from './domain/crm-event-mapping';
export type { CrmEventSettings, ItemChange } from './domain/crm-event-mapping';
export {
  crmEventDetails,
  crmEventJsonSchema,
  crmEventSource,
  crmEventTypes,
} from './domain/crm-event-schemas';
export type { CrmEvent, CrmEventDetail, CrmEventType } from './domain/crm-event-schemas';
export { createCrmEventsPublisher } from './service';
export type { CrmEventsPublisherOptions } from './service';

/** The publisher's entry file, for the CDK construct to bundle. */
export const crmEventsEntry = join(__dirname, 'handler.ts');
