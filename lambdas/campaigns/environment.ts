import { z } from 'zod';
import { environmentNames } from '../shared/environment';
import { defaultStateSendingRules, stateSendingRules } from './domain/quiet-hours';
import { sendingNumberRules } from './domain/sending-numbers';

/** The states' sending rules as JSON; absent: the default table. */
const stateRulesJson = z
  .string()
  .optional()
  .transform((text, context) => {
    if (text === undefined) return defaultStateSendingRules;
    try {
      return stateSendingRules.parse(JSON.parse(text));
    } catch (error) {
      context.addIssue({ code: 'custom', message: `not a state rules table: ${(error as Error).message}` });
      return z.NEVER;
    }
  });

/** The sending numbers' own zone and daily cap as JSON; absent: none. */
const sendingNumbersJson = z
  .string()
  .optional()
  .transform((text, context) => {
    if (text === undefined) return {};
    try {
      return sendingNumberRules.parse(JSON.parse(text));
    } catch (error) {
      context.addIssue({
        code: 'custom',
        message: `not a sending numbers table: ${(error as Error).message}`,
      });
      return z.NEVER;
    }
  });

/** The campaign sender's variables (`lib/campaigns.ts` sets them). */
export const campaignSenderEnvironmentShape = {
  [environmentNames.campaignTable]: z.string().min(3),
  [environmentNames.crmTable]: z.string().min(3),
  [environmentNames.rateLimitTable]: z.string().min(3),
  [environmentNames.openPhoneApiKeyParameter]: z.string().min(1),
  [environmentNames.openPhoneBaseUrl]: z.url().default('https://api.openphone.com'),
  [environmentNames.campaignStateRules]: stateRulesJson,
  [environmentNames.campaignSendingNumbers]: sendingNumbersJson,
  /** The stage's activity retention: finished recipient rows expire with it. */
  [environmentNames.activityRetentionDays]: z.coerce.number().int().min(1).optional(),
};
