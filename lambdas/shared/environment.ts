import { z } from 'zod';
import { defaultReplyWindowDays, maxReplyWindowDays } from '../campaigns/domain/tracking';
import { eventFamilies, type EventFamily } from '../events/domain/event-types';

/** Names of the environment variables the CDK stack sets and the handlers read. */
export const environmentNames = {
  eventsTable: 'EVENTS_TABLE_NAME',
  signingKeysSecret: 'SIGNING_KEYS_SECRET_ID',
  eventRetentionDays: 'EVENT_RETENTION_DAYS',
  maxWebhookBodyBytes: 'MAX_WEBHOOK_BODY_BYTES',
  rateLimitTable: 'RATE_LIMIT_TABLE_NAME',
  crmTable: 'CRM_TABLE_NAME',
  eventFamily: 'EVENT_FAMILY',
  mediaBucket: 'MEDIA_BUCKET_NAME',
  mediaArchiveQueueUrl: 'MEDIA_ARCHIVE_QUEUE_URL',
  maxMediaBytes: 'MAX_MEDIA_BYTES',
  bounceThreshold: 'BOUNCE_THRESHOLD',
  campaignTable: 'CAMPAIGN_TABLE_NAME',
  campaignReplyWindowDays: 'CAMPAIGN_REPLY_WINDOW_DAYS',
  openPhoneApiKeySecret: 'OPENPHONE_API_KEY_SECRET_ID',
  openPhoneBaseUrl: 'OPENPHONE_BASE_URL',
} as const;

export function queueUrlVariable(family: EventFamily): string {
  return `QUEUE_URL_${family.toUpperCase().replace(/-/g, '_')}`;
}

/** Reads and validates variables once; a missing one is a clear start-up error naming it. */
export function readEnvironment<T extends z.ZodRawShape>(
  shape: T,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<T>> {
  const parsed = z.object(shape).safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  return parsed.data;
}

export const ingestEnvironmentShape = {
  [environmentNames.eventsTable]: z.string().min(3),
  [environmentNames.signingKeysSecret]: z.string().min(1),
  [environmentNames.eventRetentionDays]: z.coerce.number().int().positive().default(90),
  [environmentNames.maxWebhookBodyBytes]: z.coerce.number().int().positive().default(262_144),
};

export const dispatchEnvironmentShape = {
  [environmentNames.eventsTable]: z.string().min(3),
  ...Object.fromEntries(eventFamilies.map((f) => [queueUrlVariable(f), z.string().min(1)])),
} as Record<string, z.ZodString>;

export const processorEnvironmentShape = {
  [environmentNames.eventFamily]: z.enum(eventFamilies),
  [environmentNames.eventsTable]: z.string().min(3),
  [environmentNames.crmTable]: z.string().min(3),
  [environmentNames.mediaArchiveQueueUrl]: z.string().min(1),
  [environmentNames.bounceThreshold]: z.coerce.number().int().positive().default(3),
  /** Only the messages processor tracks campaigns; the others have no campaign table. */
  [environmentNames.campaignTable]: z.string().min(3).optional(),
  [environmentNames.campaignReplyWindowDays]: z.coerce
    .number()
    .int()
    .min(1)
    .max(maxReplyWindowDays)
    .default(defaultReplyWindowDays),
};

export const archiverEnvironmentShape = {
  [environmentNames.crmTable]: z.string().min(3),
  [environmentNames.mediaBucket]: z.string().min(3),
  [environmentNames.maxMediaBytes]: z.coerce
    .number()
    .int()
    .positive()
    .default(25 * 1024 * 1024),
};

export const campaignSenderEnvironmentShape = {
  [environmentNames.campaignTable]: z.string().min(3),
  [environmentNames.crmTable]: z.string().min(3),
  [environmentNames.rateLimitTable]: z.string().min(3),
  [environmentNames.openPhoneApiKeySecret]: z.string().min(1),
  [environmentNames.openPhoneBaseUrl]: z.url().default('https://api.openphone.com'),
};

/** The history import Lambda's variables (`lib/history-import.ts` sets them). */
export const importEnvironmentNames = {
  importTable: 'IMPORT_TABLE_NAME',
  crmTable: environmentNames.crmTable,
  rateLimitTable: environmentNames.rateLimitTable,
  apiKeySecret: environmentNames.openPhoneApiKeySecret,
  openPhoneBaseUrl: environmentNames.openPhoneBaseUrl,
  reserveMs: 'IMPORT_RESERVE_MS',
} as const;

export const importEnvironmentShape = {
  [importEnvironmentNames.importTable]: z.string().min(3),
  [importEnvironmentNames.crmTable]: z.string().min(3),
  [importEnvironmentNames.rateLimitTable]: z.string().min(3),
  [importEnvironmentNames.apiKeySecret]: z.string().min(1),
  [importEnvironmentNames.openPhoneBaseUrl]: z.string().url().default('https://api.openphone.com'),
  [importEnvironmentNames.reserveMs]: z.coerce.number().int().positive().default(30_000),
};
