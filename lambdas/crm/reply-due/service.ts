import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { bridgeMetrics } from '../../shared/metrics';
import type { ReplyDueRepository } from '../adapters/reply-due-repository';
import { businessHoursOf, businessMinutesBetween, type FollowUpSettings } from '../domain/business-hours';

export interface ReplyDueTimerDeps {
  timers: Pick<ReplyDueRepository, 'dueConversationKeys' | 'markOverdue' | 'oldestWaiting' | 'waitingCount'>;
  followUp: FollowUpSettings;
  logger?: Pick<Logger, 'info' | 'warn'>;
  metrics?: {
    addMetric(name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): unknown;
  };
  now?: () => Date;
}

export interface ReplyDueReport {
  due: number;
  fired: number;
  /** Due entries that were answered or fired meanwhile. */
  skipped: number;
  /** Marks that failed (left in the index: the next run tries again). */
  failed: number;
  waiting: number;
  oldestWaitingBusinessMinutes: number;
  oldestWaitingMinutes: number;
}

/**
 * One run of the reply-due timer (decision 0008): every spell due by now is marked overdue once
 * (the CRM events publisher turns each mark into `conversation.waiting`), then the follow-up
 * queue's oldest wait is emitted as a metric, only while someone waits (no data is none waiting);
 * how many wait and the wall-clock wait are in the report and the log line only.
 */
export function createReplyDueTimer(deps: ReplyDueTimerDeps) {
  const now = deps.now ?? (() => new Date());
  return {
    async run(): Promise<ReplyDueReport> {
      const at = now();
      const keys = await deps.timers.dueConversationKeys(at);
      let fired = 0;
      let failed = 0;
      for (const key of keys) {
        try {
          const outcome = await deps.timers.markOverdue(key, at, (record) =>
            businessMinutesBetween(
              new Date(record.waitingSince!),
              at,
              businessHoursOf(deps.followUp, record.phoneNumberId, record.ourNumber),
            ),
          );
          if (outcome === 'fired') fired++;
        } catch (error) {
          failed++;
          deps.logger?.warn('reply-due mark failed', { conversationKey: key, error });
        }
      }
      const [oldest, waiting] = await Promise.all([deps.timers.oldestWaiting(), deps.timers.waitingCount()]);
      const since = oldest && new Date(oldest.waitingSince);
      const hours = oldest && businessHoursOf(deps.followUp, oldest.phoneNumberId, oldest.ourNumber);
      const report: ReplyDueReport = {
        due: keys.length,
        fired,
        skipped: keys.length - fired - failed,
        failed,
        waiting,
        oldestWaitingBusinessMinutes: since && hours ? businessMinutesBetween(since, at, hours) : 0,
        oldestWaitingMinutes: since ? Math.max(0, Math.floor((at.getTime() - since.getTime()) / 60_000)) : 0,
      };
      // Each series costs $0.30 a month for every hour it is published: an idle office publishes none.
      const m = bridgeMetrics.followUp;
      // How many wait is in the log line and the console's follow-up page, not a series of its own.
      if (report.waiting > 0)
        deps.metrics?.addMetric(
          m.oldestWaitingBusinessMinutes,
          MetricUnit.Count,
          report.oldestWaitingBusinessMinutes,
        );
      if (report.fired > 0) deps.metrics?.addMetric(m.markedOverdue, MetricUnit.Count, report.fired);
      if (keys.length > 0) deps.logger?.info('reply-due run', { ...report });
      if (failed > 0) throw new Error(`${failed} of ${keys.length} due conversations not marked`);
      return report;
    },
  };
}

export type ReplyDueTimer = ReturnType<typeof createReplyDueTimer>;
