import * as z from './zod-mini';

/** Names of the environment variables the CDK stack sets and the handlers read. */
export const environmentNames = {
  eventsTable: 'EVENTS_TABLE_NAME',
  signingKeysParameter: 'SIGNING_KEYS_PARAMETER_NAME',
  eventRetentionDays: 'EVENT_RETENTION_DAYS',
  maxWebhookBodyBytes: 'MAX_WEBHOOK_BODY_BYTES',
  rateLimitTable: 'RATE_LIMIT_TABLE_NAME',
  crmTable: 'CRM_TABLE_NAME',
  eventFamily: 'EVENT_FAMILY',
  mediaBucket: 'MEDIA_BUCKET_NAME',
  mediaArchiveQueueUrl: 'MEDIA_ARCHIVE_QUEUE_URL',
  maxMediaBytes: 'MAX_MEDIA_BYTES',
  mediaHosts: 'MEDIA_HOSTS',
  bounceThreshold: 'BOUNCE_THRESHOLD',
  consentYesWindowHours: 'CONSENT_YES_WINDOW_HOURS',
  consentOptInWords: 'CONSENT_OPT_IN_WORDS',
  campaignTable: 'CAMPAIGN_TABLE_NAME',
  campaignReplyWindowDays: 'CAMPAIGN_REPLY_WINDOW_DAYS',
  campaignStateRules: 'CAMPAIGN_STATE_RULES',
  campaignSendingNumbers: 'CAMPAIGN_SENDING_NUMBERS',
  crmEventBus: 'CRM_EVENT_BUS_NAME',
  crmEventsIncludeText: 'CRM_EVENTS_INCLUDE_TEXT',
  consentReplies: 'CONSENT_REPLIES',
  openPhoneApiKeyParameter: 'OPENPHONE_API_KEY_PARAMETER_NAME',
  openPhoneBaseUrl: 'OPENPHONE_BASE_URL',
  messagesDefaultFrom: 'MESSAGES_DEFAULT_FROM',
  followUp: 'FOLLOW_UP',
  stuckEventAfterMinutes: 'STUCK_EVENT_AFTER_MINUTES',
  maxEventRedispatches: 'MAX_EVENT_REDISPATCHES',
  activityRetentionDays: 'ACTIVITY_RETENTION_DAYS',
  deadLetterQueues: 'DEAD_LETTER_QUEUES',
} as const;

/** Reads and validates variables once; a missing one is a clear start-up error naming it. */
export function readEnvironment<T extends z.core.$ZodShape>(
  shape: T,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodMiniObject<T>> {
  const parsed = z.object(shape).safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  return parsed.data;
}

/**
 * A variable holding a whole number from `min` to `max`: `z._default(wholeNumberVariable(1), 3)`,
 * or `z.optional(…)` for one that may be unset.
 */
export function wholeNumberVariable(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.pipe(z.coerce.number(), z.int().check(z.minimum(min), z.maximum(max)));
}
