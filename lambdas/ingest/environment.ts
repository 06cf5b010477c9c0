import { z } from 'zod';
import { environmentNames } from '../shared/environment';

/** The ingest Lambda's variables (`lib/ingest.ts` sets them). */
export const ingestEnvironmentShape = {
  [environmentNames.eventsTable]: z.string().min(3),
  [environmentNames.signingKeysSecret]: z.string().min(1),
  [environmentNames.eventRetentionDays]: z.coerce.number().int().positive().default(90),
  [environmentNames.maxWebhookBodyBytes]: z.coerce.number().int().positive().default(262_144),
};
