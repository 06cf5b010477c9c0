import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { messageListings } from '../lambdas/history-import';
import { z } from 'zod';
import {
  defaultReplyWindowDays,
  defaultStateSendingRules,
  maxReplyWindowDays,
  sendingNumberRules,
  stateSendingRules,
} from '../lambdas/campaigns';
import {
  consentReplySettings,
  defaultMediaHosts,
  defaultYesWindowHours,
  followUpSettings,
  mediaHostEntryProblem,
} from '../lambdas/crm';

/** The retention periods CloudWatch Logs accepts, in days (INFINITE excluded: logs are not kept forever). */
const logRetentionChoices = Object.values(RetentionDays).filter(
  (d): d is number => typeof d === 'number' && d !== RetentionDays.INFINITE,
);

/** Stage settings, read from cdk.json context (`stage`, `stages.<name>`), validated here. */
export const stageConfigSchema = z.object({
  stageName: z.string().regex(/^[a-z][a-z0-9-]{1,20}$/, 'lower-case letters, digits and dashes'),
  webhookThrottle: z
    .object({
      rateLimit: z.number().int().positive().default(50),
      burstLimit: z.number().int().positive().default(100),
    })
    .default({ rateLimit: 50, burstLimit: 100 }),
  /** Days an event record is kept in the events table before DynamoDB's TTL removes it. */
  eventRetentionDays: z.number().int().min(1).max(3650).default(90),
  /** Largest webhook body the ingest accepts, in bytes; larger ones get 413. */
  maxWebhookBodyBytes: z.number().int().min(1024).max(262_144).default(262_144),
  /** Days Lambda, API access and state machine logs are kept. */
  logRetentionDays: z
    .number()
    .int()
    .refine((d) => logRetentionChoices.includes(d), `one of ${logRetentionChoices.join(', ')}`)
    .default(30),
  /** When the incremental history sync runs: an EventBridge schedule expression, or `off`. */
  importSyncSchedule: z
    .string()
    .regex(/^(off|rate\(.+\)|cron\(.+\))$/, 'rate(…), cron(…) or off')
    .default('rate(1 hour)'),
  historyImport: z
    .object({
      /**
       * How an import lists messages: `workspace` (Quo's workspace-wide listing, fewer requests for
       * short threads) or `per-conversation` (each conversation's, fewer for threads of 50+ messages).
       */
      messageListing: z.enum(messageListings).default('workspace'),
    })
    .prefault({}),
  /** The sweeper: events still `received` this long after arrival are handed to their queue again. */
  eventSweep: z
    .object({
      /** How often it runs: an EventBridge schedule expression. */
      schedule: z
        .string()
        .regex(/^(rate\(.+\)|cron\(.+\))$/, 'rate(…) or cron(…)')
        .default('rate(5 minutes)'),
      /** Minutes after its arrival before a still-received event counts as stuck. */
      stuckAfterMinutes: z.number().int().min(1).max(1440).default(10),
      /** Re-dispatches before a stuck event is failed as `undeliverable`. */
      maxRedispatches: z.number().int().min(1).max(100).default(12),
    })
    .prefault({}),
  /** Days after a campaign send in which an inbound message from its recipient counts as a reply. */
  campaignReplyWindowDays: z.number().int().min(1).max(maxReplyWindowDays).default(defaultReplyWindowDays),
  /** Hours after a "reply YES" message in which a YES lifts an opt-out (docs/crm-records.md, "Consent"). */
  consentYesWindowHours: z.number().positive().max(720).default(defaultYesWindowHours),
  /** Extra whole-message opt-in words beside START, UNSTOP, SUBSCRIBE, RESUME. */
  consentOptInWords: z.array(z.string().regex(/^[\p{L}\p{N} ]+$/u, 'letters, digits and spaces')).default([]),
  /**
   * States' rules stricter than the federal 08:00–21:00, by the recipient area code's state: a
   * narrower window and a cap on campaign messages per number per 24 h. Replaces the default
   * table (FL, OK, MD: 08:00–20:00, 3 per 24 h) whole; `{}` applies none.
   */
  campaignStateRules: stateSendingRules.default(defaultStateSendingRules),
  /**
   * Sending numbers' own business-day zone and daily cap, by `PN…` id or E.164: every campaign on
   * the number counts against one counter per day in that zone (default: the number's area code's
   * zone, and each campaign's own cap, the lower one applying).
   */
  campaignSendingNumbers: sendingNumberRules.default({}),
  /**
   * Confirmation replies: "You're unsubscribed…; reply START to resubscribe" to an opt-out, the
   * help text to HELP, once per message and at most one of each kind per number per 24 h. Off by
   * default: OpenPhone or the carrier may already send their own.
   */
  consentReplies: z.prefault(consentReplySettings, {}),
  /**
   * Follow-up (docs/crm-records.md, "Conversations"): business hours and the reply target,
   * by default and per sending number (`PN…` or E.164). Waiting time counts business time only.
   */
  followUp: z.prefault(followUpSettings, {}),
  /** Where alarm notifications are e-mailed (an SNS subscription to confirm); none when absent. */
  alarmEmail: z.email('an e-mail address').optional(),
  /** Alarm thresholds (README, "Observability"). */
  alarms: z
    .object({
      /** Oldest message in a family queue, in seconds, before the backlog alarm fires. */
      queueAgeSeconds: z.number().int().min(60).max(345_600).default(900),
      /** Ingest 5xx answers in 5 minutes. */
      ingestServerErrorsPer5Min: z.number().int().positive().default(5),
      /** Ingest 401 answers (bad or missing signatures) in 5 minutes. */
      ingestUnauthorizedPer5Min: z.number().int().positive().default(20),
      /** OpenPhone 429 answers in 5 minutes. */
      throttledCallsPer5Min: z.number().int().positive().default(10),
      /** Events rejected by validation (recorded failed, not retried) in 5 minutes. */
      rejectedEventsPer5Min: z.number().int().positive().default(1),
      /** Age of the oldest record the dispatcher has not handled in the events table's stream, in seconds. */
      streamIteratorAgeSeconds: z.number().int().min(60).max(86_400).default(300),
      /** Stuck events the sweeper (or a redelivery) handed to their queue again, in 5 minutes. */
      redispatchedEventsPer5Min: z.number().int().positive().default(1),
      /** Events failed as `undeliverable` after every re-dispatch, in 5 minutes. */
      undeliverableEventsPer5Min: z.number().int().positive().default(1),
      /**
       * Business minutes the longest-waiting conversation may wait for an answer before the
       * follow-up alarm (4× the default 15-minute reply target; business time, so not overnight).
       */
      oldestWaitingBusinessMinutes: z.number().int().min(1).max(10_080).default(60),
    })
    .prefault({}),
  /**
   * Reserved concurrency of the functions a runaway would make expensive or that would starve the
   * rest of the account; `null` reserves nothing (accounts whose concurrency limit is 10).
   */
  reservedConcurrency: z
    .object({
      mediaArchiver: z.number().int().min(1).max(1000).nullable().default(5),
      historyImport: z.number().int().min(1).max(1000).nullable().default(3),
      campaignSender: z.number().int().min(2).max(1000).nullable().default(3),
    })
    .prefault({}),
  /**
   * X-Ray and the Powertools tracer on every function, the import state machine and the REST API
   * stage (`active`, for debugging), or none (`off`, the default: traces were over half the cost
   * per webhook; logs carry a correlation id instead, docs/operations/observability.md).
   */
  tracing: z.enum(['active', 'off']).default('off'),
  /**
   * Who may call the CRM API (`/v1/…`): AWS IAM (SigV4; the default, for a CRM backend in the
   * same account) or a JWT authorizer (`jwtIssuer`, `jwtAudience`) for a CRM elsewhere.
   */
  crmApi: z
    .discriminatedUnion('auth', [
      z.object({ auth: z.literal('iam') }),
      z.object({
        auth: z.literal('jwt'),
        jwtIssuer: z.url('the issuer URL'),
        jwtAudience: z.array(z.string().min(1)).min(1, 'at least one audience'),
      }),
    ])
    .default({ auth: 'iam' }),
  /** The CRM events on the bridge's bus (docs/crm-events.md). */
  crmEvents: z
    .object({
      /** Message text, call summaries and transcripts in activity events; off keeps them in the CRM only. */
      includeText: z.boolean().default(false),
    })
    .prefault({}),
  /** `POST /v1/messages` (docs/crm-api.md, "Messages"). */
  messages: z
    .object({
      /**
       * The number a message without `from` is sent from: E.164 or its OpenPhone id (`PN…`).
       * Absent: the workspace's only number (a workspace with several asks the caller to choose).
       */
      defaultFrom: z
        .string()
        .regex(/^(\+[1-9]\d{6,14}|PN[A-Za-z0-9]+)$/, 'E.164 (+15555550123) or a PN… id')
        .optional(),
    })
    .prefault({}),
  /**
   * How long personal data is kept; off (kept) by default. `activitiesDays`: activities and their
   * timeline entries expire (DynamoDB TTL) that many days after their creation; `mediaDays`:
   * archived media under `media/` expire (S3 lifecycle rule) that many days after archiving.
   */
  retention: z
    .object({
      activitiesDays: z.number().int().min(1).max(36_500).optional(),
      mediaDays: z.number().int().min(1).max(36_500).optional(),
    })
    .prefault({}),
  /** The media archiver (docs/crm-records.md, "Media archive"). */
  mediaArchive: z
    .object({
      /**
       * Hosts media URLs are fetched from, over https only: names or `*.domain`. The default is
       * OpenPhone's media hosts as seen in public samples, not documented by OpenPhone.
       */
      allowedHosts: z
        .array(
          z.string().superRefine((entry, context) => {
            const problem = mediaHostEntryProblem(entry);
            if (problem) context.addIssue({ code: 'custom', message: problem });
          }),
        )
        .min(1, 'at least one host')
        .default([...defaultMediaHosts]),
    })
    .prefault({}),
  /** AWS WAF in front of the webhook endpoint (then a REST API: HTTP APIs cannot have a WebACL). */
  waf: z
    .object({
      enabled: z.boolean().default(false),
      /** Requests one IP address may make in 5 minutes before WAF blocks it (WAF's minimum is 10). */
      rateLimitPer5Min: z.number().int().min(10).max(2_000_000_000).default(6000),
    })
    .prefault({}),
});

export type StageConfig = z.infer<typeof stageConfigSchema>;

export function readStageConfig(context: { stage?: unknown; stages?: unknown }): StageConfig {
  const stageName = typeof context.stage === 'string' ? context.stage : 'dev';
  const stages = (context.stages ?? {}) as Record<string, unknown>;
  const parsed = stageConfigSchema.safeParse({
    ...((stages[stageName] as object | undefined) ?? {}),
    stageName,
  });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`Invalid stage configuration for "${stageName}": ${issues}`);
  }
  return parsed.data;
}
