import { z } from 'zod';
import { environmentNames } from '../shared/environment';

/** The CRM events publisher's variables (`lib/crm-events.ts` sets them). */
export const crmEventsEnvironmentShape = {
  [environmentNames.crmEventBus]: z.string().min(1),
  /** `true` puts message text, summaries and transcripts in activity events (the stage's `crmEvents.includeText`). */
  [environmentNames.crmEventsIncludeText]: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
};
