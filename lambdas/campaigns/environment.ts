import { z } from 'zod';
import { environmentNames } from '../shared/environment';

/** The campaign sender's variables (`lib/campaigns.ts` sets them). */
export const campaignSenderEnvironmentShape = {
  [environmentNames.campaignTable]: z.string().min(3),
  [environmentNames.crmTable]: z.string().min(3),
  [environmentNames.rateLimitTable]: z.string().min(3),
  [environmentNames.openPhoneApiKeySecret]: z.string().min(1),
  [environmentNames.openPhoneBaseUrl]: z.url().default('https://api.openphone.com'),
};
