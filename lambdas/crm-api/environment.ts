import { z } from 'zod';
import { environmentNames } from '../shared/environment';

/** The CRM API Lambda's variables (`lib/crm-api.ts` sets them). */
export const crmApiEnvironmentShape = {
  [environmentNames.crmTable]: z.string().min(3),
  [environmentNames.mediaBucket]: z.string().min(3),
};
