import { z } from 'zod';
import { defaultReplyWindowDays, maxReplyWindowDays } from '../campaigns';
import { consentReplySettings, defaultYesWindowHours } from '../crm';
import { environmentNames } from '../shared/environment';
import { defaultEventRetentionDays } from './domain/event-record';
import { defaultSweepPolicy } from './domain/event-sweep';
import { eventFamilies, type EventFamily } from './domain/event-types';

/** The variable holding one family queue's URL (the dispatcher sends to each). */
export function queueUrlVariable(family: EventFamily): string {
  return `QUEUE_URL_${family.toUpperCase().replace(/-/g, '_')}`;
}

export const dispatchEnvironmentShape = {
  [environmentNames.eventsTable]: z.string().min(3),
  ...Object.fromEntries(eventFamilies.map((f) => [queueUrlVariable(f), z.string().min(1)])),
} as Record<string, z.ZodString>;

/**
 * The sweep policy the sweeper reads beside `dispatchEnvironmentShape` (and the ingest, which
 * re-dispatches a stuck event OpenPhone delivers again).
 */
export const sweepEnvironmentShape = {
  [environmentNames.stuckEventAfterMinutes]: z.coerce
    .number()
    .int()
    .min(1)
    .default(defaultSweepPolicy.stuckAfterMinutes),
  [environmentNames.maxEventRedispatches]: z.coerce
    .number()
    .int()
    .min(1)
    .default(defaultSweepPolicy.maxRedispatches),
};

export const processorEnvironmentShape = {
  /** Days a processed event is kept (its TTL starts when it closes). */
  [environmentNames.eventRetentionDays]: z.coerce
    .number()
    .int()
    .positive()
    .default(defaultEventRetentionDays),
  [environmentNames.eventFamily]: z.enum(eventFamilies),
  [environmentNames.eventsTable]: z.string().min(3),
  [environmentNames.crmTable]: z.string().min(3),
  [environmentNames.mediaArchiveQueueUrl]: z.string().min(1),
  [environmentNames.bounceThreshold]: z.coerce.number().int().positive().default(3),
  /** Hours after a "reply YES" message in which a YES lifts an opt-out. */
  [environmentNames.consentYesWindowHours]: z.coerce.number().positive().default(defaultYesWindowHours),
  /** Extra whole-message opt-in words beside START, UNSTOP, SUBSCRIBE, RESUME: comma-separated. */
  [environmentNames.consentOptInWords]: z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((word) => word.trim())
        .filter((word) => word !== ''),
    ),
  /** Only the messages processor tracks campaigns; the others have no campaign table. */
  [environmentNames.campaignTable]: z.string().min(3).optional(),
  [environmentNames.campaignReplyWindowDays]: z.coerce
    .number()
    .int()
    .min(1)
    .max(maxReplyWindowDays)
    .default(defaultReplyWindowDays),
  /** Confirmation replies to STOP and HELP (JSON of the stage's `consentReplies`); absent: off. */
  [environmentNames.consentReplies]: z
    .string()
    .optional()
    .transform((text) => (text === undefined ? undefined : consentReplySettings.parse(JSON.parse(text)))),
  /** With consent replies on: the API key's secret and the shared limiter's table. */
  [environmentNames.openPhoneApiKeySecret]: z.string().min(1).optional(),
  [environmentNames.rateLimitTable]: z.string().min(3).optional(),
  [environmentNames.openPhoneBaseUrl]: z.url().default('https://api.openphone.com'),
  /** Days an activity is kept (DynamoDB TTL, the stage's `retention.activitiesDays`); unset: kept. */
  [environmentNames.activityRetentionDays]: z.coerce.number().int().positive().optional(),
};
