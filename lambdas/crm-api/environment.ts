import { z } from 'zod';
import { environmentNames } from '../shared/environment';

/** The CRM API Lambda's variables (`lib/crm-api.ts` sets them). */
export const crmApiEnvironmentShape = {
  [environmentNames.crmTable]: z.string().min(3),
  [environmentNames.mediaBucket]: z.string().min(3),
  /** The OpenPhone API key (`{"apiKey": "…"}`) and the shared rate limit, for contact writes. */
  [environmentNames.openPhoneApiKeySecret]: z.string().min(1),
  [environmentNames.rateLimitTable]: z.string().min(3),
  [environmentNames.openPhoneBaseUrl]: z.url().default('https://api.openphone.com'),
};
