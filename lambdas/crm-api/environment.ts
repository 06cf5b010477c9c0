import { z } from 'zod';
import { followUpSettings } from '../crm';
import { environmentNames } from '../shared/environment';

/** Variables only the CRM API Lambda reads. */
export const crmApiEnvironmentNames = {
  /** The state machine that runs an erase's second sweep (absent: only the first sweep runs). */
  eraseSecondSweep: 'ERASE_SECOND_SWEEP_STATE_MACHINE',
} as const;

/** The CRM API Lambda's variables (`lib/crm-api.ts` sets them). */
export const crmApiEnvironmentShape = {
  [crmApiEnvironmentNames.eraseSecondSweep]: z.string().min(1).optional(),
  [environmentNames.crmTable]: z.string().min(3),
  [environmentNames.mediaBucket]: z.string().min(3),
  [environmentNames.rateLimitTable]: z.string().min(3),
  [environmentNames.openPhoneApiKeyParameter]: z.string().min(1),
  [environmentNames.openPhoneBaseUrl]: z.url().default('https://api.openphone.com'),
  /** `POST /v1/messages` without `from`: this number (E.164 or `PN…`); absent, the workspace's only one. */
  [environmentNames.messagesDefaultFrom]: z.string().min(1).optional(),
  /** An erase reaches these too: raw webhook bodies, campaign recipients. */
  [environmentNames.eventsTable]: z.string().min(3),
  [environmentNames.campaignTable]: z.string().min(3),
  /** The stage's activity retention: messages sent through the API expire with it. */
  [environmentNames.activityRetentionDays]: z.coerce.number().int().min(1).optional(),
  /** Business hours and reply targets (JSON of the stage's `followUp`); absent: the defaults. */
  [environmentNames.followUp]: z
    .string()
    .optional()
    .transform((text) => followUpSettings.parse(text === undefined ? {} : JSON.parse(text))),
};
