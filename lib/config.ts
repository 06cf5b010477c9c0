import { z } from 'zod';
import { defaultReplyWindowDays, maxReplyWindowDays } from '../lambdas/domain/campaigns/tracking';

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
  logRetentionDays: z.number().int().positive().default(30),
  /** When the incremental history sync runs: an EventBridge schedule expression, or `off`. */
  importSyncSchedule: z
    .string()
    .regex(/^(off|rate\(.+\)|cron\(.+\))$/, 'rate(…), cron(…) or off')
    .default('rate(1 hour)'),
  /** Days after a campaign send in which an inbound message from its recipient counts as a reply. */
  campaignReplyWindowDays: z.number().int().min(1).max(maxReplyWindowDays).default(defaultReplyWindowDays),
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
