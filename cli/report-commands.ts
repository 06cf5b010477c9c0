// The `reports` commands: figures computed from the CRM's activities.
import { Option, type Command } from 'commander';
import { responseGroupings } from '../lambdas/crm';
import { maxReportDays } from '../lambdas/crm-api';
import { showResponseTimes, type ResponseTimeOptions } from './commands/reports-response-times';
import type { Output } from './output';
import type { Target } from './target';

export function addReportCommands(program: Command, target: () => Promise<Target>, out: Output): void {
  const reports = program.command('reports').description('figures computed from the CRM activities');
  reports
    .command('response-times')
    .description(
      'first-response times in business minutes per day and line (or user), and missed calls not returned',
    )
    .requiredOption('--from <day>', "the first day, YYYY-MM-DD (each line's local day)")
    .requiredOption('--to <day>', `the last day, inclusive (at most ${maxReportDays} days after --from)`)
    .addOption(
      new Option('--by <grouping>', 'rows per line or per user who answered').choices(responseGroupings),
    )
    .option(
      '--follow-up <file>',
      "the stage's followUp settings as JSON (default: Mon–Fri 08:00–17:00 New York, 15 min)",
    )
    .option('--show-numbers', 'print whole phone numbers (default: the last 4 digits)')
    .action(async (options: ResponseTimeOptions) => showResponseTimes(await target(), out, options));
}
