import { defaultReplyWindowDays, maxReplyWindowDays } from '../campaigns';
import { consentReplySettings, defaultYesWindowHours, followUpSettings } from '../crm';
import { environmentNames, wholeNumberVariable } from '../shared/environment';
import * as z from '../shared/zod-mini';
import { defaultEventRetentionDays } from './domain/event-record';
import { eventFamilies } from './domain/event-types';

export const processorEnvironmentShape = {
  /** Days a processed event is kept (its TTL starts when it closes). */
  [environmentNames.eventRetentionDays]: z._default(wholeNumberVariable(1), defaultEventRetentionDays),
  [environmentNames.eventFamily]: z.enum(eventFamilies),
  [environmentNames.eventsTable]: z.string().check(z.minLength(3)),
  [environmentNames.crmTable]: z.string().check(z.minLength(3)),
  [environmentNames.mediaArchiveQueueUrl]: z.string().check(z.minLength(1)),
  [environmentNames.bounceThreshold]: z._default(wholeNumberVariable(1), 3),
  /** Hours after a "reply YES" message in which a YES lifts an opt-out. */
  [environmentNames.consentYesWindowHours]: z._default(
    z.coerce.number().check(z.positive()),
    defaultYesWindowHours,
  ),
  /** Extra whole-message opt-in words beside START, UNSTOP, SUBSCRIBE, RESUME: comma-separated. */
  [environmentNames.consentOptInWords]: z.pipe(
    z.optional(z.string()),
    z.transform((value) =>
      (value ?? '')
        .split(',')
        .map((word) => word.trim())
        .filter((word) => word !== ''),
    ),
  ),
  /** Only the messages processor tracks campaigns; the others have no campaign table. */
  [environmentNames.campaignTable]: z.optional(z.string().check(z.minLength(3))),
  [environmentNames.campaignReplyWindowDays]: z._default(
    wholeNumberVariable(1, maxReplyWindowDays),
    defaultReplyWindowDays,
  ),
  /** Confirmation replies to STOP and HELP (JSON of the stage's `consentReplies`); absent: off. */
  [environmentNames.consentReplies]: z.pipe(
    z.optional(z.string()),
    z.transform((text) => (text === undefined ? undefined : consentReplySettings.parse(JSON.parse(text)))),
  ),
  /** Business hours and reply targets (JSON of the stage's `followUp`); absent: the defaults. */
  [environmentNames.followUp]: z.pipe(
    z.optional(z.string()),
    z.transform((text) => followUpSettings.parse(text === undefined ? {} : JSON.parse(text))),
  ),
  /** With consent replies on: the API key's parameter and the shared limiter's table. */
  [environmentNames.openPhoneApiKeyParameter]: z.optional(z.string().check(z.minLength(1))),
  [environmentNames.rateLimitTable]: z.optional(z.string().check(z.minLength(3))),
  [environmentNames.openPhoneBaseUrl]: z._default(z.url(), 'https://api.openphone.com'),
  /** Days an activity is kept (DynamoDB TTL, the stage's `retention.activitiesDays`); unset: kept. */
  [environmentNames.activityRetentionDays]: z.optional(wholeNumberVariable(1)),
};
