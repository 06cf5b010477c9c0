import { environmentNames, wholeNumberVariable } from '../shared/environment';
import * as z from '../shared/zod-mini';
import { familyQueueUrlsShape, sweepEnvironmentShape } from '../events';

/** The ingest Lambda's variables (`lib/ingest.ts` sets them). */
export const ingestEnvironmentShape = {
  [environmentNames.eventsTable]: z.string().check(z.minLength(3)),
  [environmentNames.signingKeysParameter]: z.string().check(z.minLength(1)),
  [environmentNames.eventRetentionDays]: z._default(wholeNumberVariable(1), 90),
  [environmentNames.maxWebhookBodyBytes]: z._default(wholeNumberVariable(1), 262_144),
};

/** The family queues: a redelivery of a stuck event is handed to its queue again (`sweepEnvironmentShape`: when). */
export const ingestQueueEnvironmentShape = familyQueueUrlsShape;
export { sweepEnvironmentShape };
