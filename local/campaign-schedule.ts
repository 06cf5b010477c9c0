import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { campaignRepositories } from '../lambdas/campaigns/adapters/campaign-repositories';
import type { SuppressionRepository } from '../lambdas/crm/adapters/suppression-repository';
import { OpenPhoneClient } from '../lambdas/openphone/adapters/openphone-client';
import { SharedTokenBucket } from '../lambdas/openphone/adapters/rate-limiter';
import { campaignSenderMetrics } from '../lambdas/campaigns';
import {
  createCampaignSender,
  type CampaignRunReport,
  type CampaignSenderSettings,
} from '../lambdas/campaigns/service';
import { repeatAfterEachRun } from './repeating-run';

/** What `npm start` reads from LOCAL_CAMPAIGN_SENDER_EVERY_MS. */
export const defaultCampaignSenderEveryMs = 60_000;

/** `off` (or 0) disables the schedule; otherwise a whole number of milliseconds. */
export function parseCampaignSenderEvery(value: string | undefined): number | 'off' {
  if (value === undefined || value.trim() === '') return defaultCampaignSenderEveryMs;
  if (value.trim().toLowerCase() === 'off') return 'off';
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0)
    throw new Error(
      `LOCAL_CAMPAIGN_SENDER_EVERY_MS must be a number of milliseconds or "off", not "${value}"`,
    );
  return ms === 0 ? 'off' : ms;
}

/** `[campaign-sender] 2 campaigns: 5 sent, 1 skipped, …`: counts and campaign ids, never numbers or text. */
export function campaignRunLogLine(reports: readonly CampaignRunReport[]): string {
  if (reports.length === 0) return '[campaign-sender] no running campaign';
  const total = (key: 'sent' | 'skipped' | 'failed' | 'reconciledAsSent' | 'unknownOutcome' | 'parked') =>
    reports.reduce((sum, r) => sum + r[key], 0);
  const ended = reports.map((r) => `${r.campaignId} ${r.ended}`).join(', ');
  return (
    `[campaign-sender] ${reports.length} campaign${reports.length === 1 ? '' : 's'}: ` +
    `${total('sent')} sent, ${total('skipped')} skipped, ${total('failed')} failed, ` +
    `${total('reconciledAsSent')} reconciled as sent, ${total('unknownOutcome')} unknown outcome` +
    (total('parked') ? `, ${total('parked')} parked` : '') +
    ` (${ended})`
  );
}

export interface LocalCampaignSenderOptions {
  dynamo: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  campaignTable: string;
  rateLimitTable: string;
  suppressions: Pick<SuppressionRepository, 'isSuppressed'>;
  /** The OpenPhone the replica uses: the simulator, or the real API. */
  openPhone: { apiKey: string; baseUrl: string };
  everyMs: number;
  /** One run's budget: the deployed sender's Lambda timeout. */
  budgetMs: number;
  log: (line: string) => void;
  settings?: Partial<CampaignSenderSettings>;
}

export interface LocalCampaignSchedule {
  /** Stops scheduling and waits for a run in progress (at most `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The EventBridge rule of the stack, locally: the real campaign sender, bound to DynamoDB Local,
 * the replica's shared rate limiter (campaign lane) and its OpenPhone, run every `everyMs` after
 * the previous run ended (so runs never overlap here), each within the Lambda's time budget.
 */
export function startLocalCampaignSender(options: LocalCampaignSenderOptions): LocalCampaignSchedule {
  const { suppressions } = options;
  const metrics = new Metrics({
    namespace: campaignSenderMetrics.namespace,
    serviceName: 'openphone-bridge',
  });
  const sender = createCampaignSender({
    ...campaignRepositories(options.documents, options.campaignTable),
    isSuppressed: (phone) => suppressions.isSuppressed(phone),
    openPhone: new OpenPhoneClient({
      apiKey: options.openPhone.apiKey,
      baseUrl: options.openPhone.baseUrl,
      lane: 'campaign',
      rateLimiter: new SharedTokenBucket({
        client: options.dynamo,
        tableName: options.rateLimitTable,
        apiKey: options.openPhone.apiKey,
      }),
    }),
    ...(options.settings ? { settings: options.settings } : {}),
    logger: new Logger({
      serviceName: 'openphone-bridge-local',
      logLevel: (process.env.POWERTOOLS_LOG_LEVEL as 'WARN' | undefined) ?? 'WARN',
    }),
    metrics,
  });

  const schedule = repeatAfterEachRun(options.everyMs, async () => {
    try {
      const reports = await sender.sendRunningCampaigns(Date.now() + options.budgetMs);
      options.log(campaignRunLogLine(reports));
    } catch (error) {
      options.log(`[campaign-sender] run failed: ${(error as Error).message}`);
    } finally {
      // Locally there is no CloudWatch to publish to: drop the run's metrics.
      metrics.clearMetrics();
    }
  });
  // A run cut short leaves at most a claim behind, which the next run reconciles, as after a dead Lambda.
  return { stop: (graceMs = 10_000) => schedule.stop(graceMs) };
}
