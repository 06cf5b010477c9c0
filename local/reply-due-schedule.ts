import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  createReplyDueTimer,
  followUpSettings,
  ReplyDueRepository,
  type FollowUpSettings,
  type ReplyDueReport,
} from '../lambdas/crm';
import { environmentNames } from '../lambdas/shared/environment';
import type { CfnTemplate } from './cfn-tables';
import { repeatAfterEachRun, type RepeatingRun } from './repeating-run';
import { functionVariables, ruleSchedule } from './template-reading';

/** The reply-due timer as the stack deploys it: its schedule and the stage's follow-up settings. */
export function replyDueSettings(template: CfnTemplate): { everyMs?: number; followUp: FollowUpSettings } {
  const variables = functionVariables(template, 'ReplyDueTimerTimerFunction');
  const followUp = variables[environmentNames.followUp];
  const { everyMs } = ruleSchedule(template, 'ReplyDueTimerSchedule');
  return {
    ...(everyMs === undefined ? {} : { everyMs }),
    followUp: followUpSettings.parse(typeof followUp === 'string' ? JSON.parse(followUp) : {}),
  };
}

/** `[reply-due] 2 due: 2 marked overdue, 0 skipped`: nothing when nothing was due. */
export function replyDueLogLine(report: ReplyDueReport): string | undefined {
  if (report.due === 0) return undefined;
  return `[reply-due] ${report.due} due: ${report.fired} marked overdue, ${report.skipped} skipped, ${report.failed} failed`;
}

/** The stack's reply-due rule, locally: the real timer, run every `everyMs` after the previous run ended. */
export function startLocalReplyDueTimer(options: {
  documents: DynamoDBDocumentClient;
  crmTable: string;
  followUp: FollowUpSettings;
  everyMs: number;
  log: (line: string) => void;
}): RepeatingRun {
  const timer = createReplyDueTimer({
    timers: new ReplyDueRepository(options.documents, options.crmTable),
    followUp: options.followUp,
  });
  return repeatAfterEachRun(options.everyMs, async () => {
    try {
      const line = replyDueLogLine(await timer.run());
      if (line) options.log(line);
    } catch (error) {
      options.log(`[reply-due] run failed: ${(error as Error).message}`);
    }
  });
}
