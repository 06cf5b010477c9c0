import { z } from 'zod';
import { environmentNames } from '../shared/environment';
import { eventFamilies, queueUrlVariable, sweepEnvironmentShape } from '../events';

/** The ingest Lambda's variables (`lib/ingest.ts` sets them). */
export const ingestEnvironmentShape = {
  [environmentNames.eventsTable]: z.string().min(3),
  [environmentNames.signingKeysSecret]: z.string().min(1),
  [environmentNames.eventRetentionDays]: z.coerce.number().int().positive().default(90),
  [environmentNames.maxWebhookBodyBytes]: z.coerce.number().int().positive().default(262_144),
};

/** The family queues: a redelivery of a stuck event is handed to its queue again (`sweepEnvironmentShape`: when). */
export const ingestQueueEnvironmentShape = Object.fromEntries(
  eventFamilies.map((f) => [queueUrlVariable(f), z.string().min(1)]),
) as Record<string, z.ZodString>;
export { sweepEnvironmentShape };
