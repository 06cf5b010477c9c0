// The CLI's command tree, declared in one place so `--help` and the global options read as one
// program: every command is a few lines of commander wiring over a plain function in commands/
// (the campaigns, conversations, events, reports and webhooks groups are in their own *-commands.ts).
import { Argument, Command, CommanderError, Option } from 'commander';
import { eventFamilies, type EventFamily } from '../lambdas/events';
import { showActivity, type ShowRecordOptions } from './commands/activities-show';
import { showContact } from './commands/contacts-show';
import { eraseContact } from './commands/contacts-erase';
import { showTimeline } from './commands/contacts-timeline';
import { listCrmEvents } from './commands/crm-events';
import { sendMessage, showMessage, type SendOptions } from './commands/messages';
import { replayAllDeadLetters, replayDeadLetters, showQueueDepths } from './commands/dlq';
import {
  cancelImport,
  listImports,
  showImportStatus,
  startImport,
  type StartImportOptions,
} from './commands/imports';
import {
  addSuppression,
  clearReview,
  confirmReview,
  exportSuppressions,
  importSuppressions,
  listSuppressions,
  removeSuppression,
  showSuppression,
  type ExportFormat,
} from './commands/suppressions';
import { listedSuppressionReasons, type SuppressionReason } from '../lambdas/crm';
import { crmEventTypes } from '../lambdas/crm-events';
import { addCampaignCommands } from './campaign-commands';
import { addConversationCommands } from './conversation-commands';
import { addEventCommands } from './event-commands';
import { addReportCommands } from './report-commands';
import { addSecretCommands } from './secret-commands';
import { addWebhookCommands } from './webhook-commands';
import { describeFailure, exitCodes, UsageError } from './errors';
import {
  packageVersion,
  countryCode,
  positiveLimit,
  refreshSeconds,
  runsPerPage,
  startTime,
} from './option-values';
import type { Output } from './output';
import type { Target, TargetOptions } from './target';

export interface CliDeps {
  out: Output;
  /** Where the one-line error (or, with --debug, the stack) goes. */
  err: (text: string) => void;
  resolveTarget: (options: TargetOptions) => Promise<Target>;
}

/** The command tree; each action is a plain function of a target and an output, in `commands/`. */
export function buildProgram(deps: CliDeps): Command {
  const program = new Command('npm run cli --')
    .description(
      'Operate OpenPhone Bridge: events, queues, imports, campaigns, OpenPhone connection and webhooks.',
    )
    .option('--stack <name>', 'act on this deployed stack (default: the local replica of `npm start`)')
    .option('--profile <name>', 'AWS profile, with --stack (default: AWS_PROFILE or the default chain)')
    .option('--region <region>', 'AWS region, with --stack (default: AWS_REGION)')
    .option('--replica-file <path>', 'the local replica description', '.local/replica.json')
    .option('--json', 'print the data of a command as one JSON document on stdout (for scripts)')
    .option('--debug', 'print the stack trace of an unexpected error')
    .version(packageVersion(), '--version', 'print the version')
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.out.line(text.replace(/\n$/, '')),
      writeErr: (text) => deps.err(text.replace(/\n$/, '')),
    });

  // Every command writes here: `--json` is read when it prints, wherever it was given on the line.
  const out: Output = {
    line: (text) => deps.out.line(text),
    get isTTY() {
      return deps.out.isTTY;
    },
    get json() {
      return program.opts<{ json?: boolean }>().json === true;
    },
  };
  const noWatchWithJson = (options: { watch?: boolean }) => {
    if (options.watch && out.json) throw new UsageError('--json prints one snapshot: drop --watch');
  };

  const target = () => {
    const options = program.opts<TargetOptions>();
    if (!options.stack && (options.profile || options.region))
      deps.err('note: --profile and --region only matter with --stack');
    return deps.resolveTarget(options);
  };

  addEventCommands(program, target, out);

  const contacts = program.command('contacts').description("contacts' CRM records");
  contacts
    .command('timeline')
    .description("a contact's activities by phone number, newest first, a page at a time")
    .argument('<phoneNumber>', "the contact's number (E.164, or a US number)")
    .option('--limit <n>', 'activities per page (1–1000)', positiveLimit, 20)
    .option('--cursor <cursor>', 'the next-page cursor a previous listing printed')
    .option('--show-text', 'print message text and call summaries (off: sizes only)')
    .action(async (phoneNumber: string, options: { limit: number; cursor?: string; showText?: boolean }) =>
      showTimeline(await target(), out, phoneNumber, options),
    );

  contacts
    .command('show')
    .description('a contact by its OpenPhone id, or the contacts that have a phone number: every field')
    .argument('<idOrPhone>', 'the OpenPhone contact id, or a number (E.164, or a US number)')
    .option('--show-numbers', 'print whole phone numbers (default: the last 4 digits)')
    .action(async (idOrPhone: string, options: { showNumbers?: boolean }) =>
      showContact(await target(), out, idOrPhone, options),
    );

  program
    .command('activities')
    .description('activities (messages, calls, voicemails) the bridge recorded')
    .command('show')
    .description('one activity by its OpenPhone id (AC…): the whole record')
    .argument('<activityId>', 'the message or call id (AC…), e.g. from contacts timeline')
    .option('--show-text', 'print message text, summaries, next steps and transcripts (default: sizes)')
    .option('--show-numbers', 'print whole phone numbers (default: the last 4 digits)')
    .action(async (activityId: string, options: ShowRecordOptions) =>
      showActivity(await target(), out, activityId, options),
    );

  const messages = program
    .command('messages')
    .description('one message through the CRM API’s sending code: exactly once per idempotency key');
  messages
    .command('send')
    .description('send one SMS; prints its id (a retry with the same --idempotency-key sends nothing more)')
    .requiredOption('--to <phoneNumber>', 'the recipient, E.164 (+15555550123)')
    .requiredOption('--text <text>', 'the message, 1–1600 characters')
    .option(
      '--from <number>',
      'the workspace number, E.164 or PN… (default: MESSAGES_DEFAULT_FROM, else the only one)',
    )
    .option(
      '--idempotency-key <key>',
      'reuse the key a previous send printed to retry it (default: a new one)',
    )
    .action(async (options: SendOptions) => sendMessage(await target(), out, options));
  messages
    .command('show')
    .description("a message's status, following the delivery webhooks")
    .argument('<id>', 'the message id (msg_…) that messages send printed')
    .option('--show-text', 'print the message text too')
    .action(async (id: string, options: { showText?: boolean }) =>
      showMessage(await target(), out, id, options),
    );
  contacts
    .command('erase')
    .description(
      'erase one person everywhere: activities, media, contacts, sent messages, webhook bodies, campaign recipients (suppressions stay)',
    )
    .argument('<phoneNumber>', "the person's number (E.164, or a US number)")
    .option('--yes', 'really erase (it cannot be undone)')
    .action(async (phoneNumber: string, options: { yes?: boolean }) =>
      eraseContact(await target(), deps.out, phoneNumber, options),
    );

  const suppressions = program
    .command('suppressions')
    .description('numbers no campaign may message: list, show, add, remove, import, export, review');
  const reasonOption = (description: string) =>
    new Option('--reason <reason>', description).choices(listedSuppressionReasons);
  suppressions
    .command('list')
    .description('active suppressions by reason, oldest first (--reason review: the review queue)')
    .addOption(reasonOption('only this reason (default: all)'))
    .option('--since <time>', 'only those that became active at or after this ISO time', startTime)
    .option('--show-numbers', 'print whole numbers (default: the last 4 digits)')
    .action(async (options: { reason?: SuppressionReason; since?: string; showNumbers?: boolean }) =>
      listSuppressions(await target(), out, options),
    );
  suppressions
    .command('show')
    .description("a number's suppressions and their audit trail: message id, time, masked excerpt")
    .argument('<phoneNumber>', 'E.164, or a US number')
    .option('--show-numbers', 'print the whole number')
    .action(async (phoneNumber: string, options: { showNumbers?: boolean }) =>
      showSuppression(await target(), out, phoneNumber, options),
    );
  suppressions
    .command('add')
    .description('suppress a number by hand (audited)')
    .argument('<phoneNumber>', 'E.164, or a US number')
    .addOption(reasonOption('manual (the only reason an operator adds)').makeOptionMandatory())
    .requiredOption('--note <text>', 'why, for the audit trail')
    .action(async (phoneNumber: string, options: { reason: SuppressionReason; note: string }) =>
      addSuppression(await target(), out, phoneNumber, options),
    );
  suppressions
    .command('remove')
    .description('lift one reason of a suppression (audited); an opt-out only with --confirm-consent')
    .argument('<phoneNumber>', 'E.164, or a US number')
    .addOption(reasonOption('the reason to lift').makeOptionMandatory())
    .option('--confirm-consent', 'the person consented again: required to lift an opt-out')
    .option(
      '--note <text>',
      'why, for the audit trail (required; to lift an opt-out: how they consented again)',
    )
    .action(
      async (
        phoneNumber: string,
        options: { reason: SuppressionReason; note?: string; confirmConsent?: boolean },
      ) => removeSuppression(await target(), out, phoneNumber, options),
    );
  suppressions
    .command('confirm')
    .description('a number in review did opt out: make it an opt-out')
    .argument('<phoneNumber>', 'E.164, or a US number')
    .option('--note <text>', 'why, for the audit trail')
    .action(async (phoneNumber: string, options: { note?: string }) =>
      confirmReview(await target(), out, phoneNumber, options),
    );
  suppressions
    .command('clear')
    .description('a number in review did not opt out: lift the review')
    .argument('<phoneNumber>', 'E.164, or a US number')
    .option('--note <text>', 'why, for the audit trail')
    .action(async (phoneNumber: string, options: { note?: string }) =>
      clearReview(await target(), out, phoneNumber, options),
    );
  suppressions
    .command('import')
    .description('a do-not-contact CSV (phone[,note]) as manual suppressions: every row, or none')
    .argument('<csv>', 'the file')
    .option('--default-country <code>', 'country of numbers written without +', countryCode, 'US')
    .action(async (file: string, options: { defaultCountry: string }) =>
      importSuppressions(await target(), out, file, options),
    );
  suppressions
    .command('export')
    .description(
      'the audit trail of one number or all (who changed what, when and why) for a compliance request; nothing masked',
    )
    .argument('[phoneNumber]', 'E.164, or a US number (default: every number, a scan of the CRM table)')
    .addOption(new Option('--format <format>', 'csv or json').choices(['csv', 'json']))
    .option('--active', 'the active suppressions instead (whole numbers: the list for another system)')
    .action(async (phoneNumber: string | undefined, options: { format?: ExportFormat; active?: boolean }) =>
      exportSuppressions(await target(), out, { ...options, ...(phoneNumber ? { phoneNumber } : {}) }),
    );

  program
    .command('crm-events')
    .description("the CRM events on the bridge's bus (the local replica keeps a copy)")
    .command('list')
    .description('the newest CRM events, oldest first: time, type, record, changes, event id')
    .addOption(new Option('--type <detail-type>', 'only this detail-type').choices(crmEventTypes))
    .option('--limit <n>', 'the newest n events', positiveLimit, 50)
    .action(async (options: { type?: string; limit: number }) => listCrmEvents(await target(), out, options));

  const dlq = program.command('dlq').description('dead-letter queues of the family queues');
  dlq
    .command('list')
    .description('messages waiting in each family queue and its dead-letter queue')
    .action(async () => showQueueDepths(await target(), out));
  dlq
    .command('replay')
    .description(
      "move a family's dead letters back to its queue (--all: every family's, or all of one family's)",
    )
    .addArgument(new Argument('[family]', 'the event family').choices(eventFamilies))
    .option('--event-id <ids...>', 'only the dead letters of these event ids')
    .option('--all', 'every dead letter: of the family given, or of every family')
    .action(async (family: EventFamily | undefined, options: { eventId?: string[]; all?: boolean }) => {
      if (options.all && options.eventId) throw new UsageError('--all and --event-id do not go together');
      if (options.all) return replayAllDeadLetters(await target(), out, family);
      if (!family) throw new UsageError('give a family, or --all for every family');
      return replayDeadLetters(await target(), out, family, options.eventId ?? []);
    });

  const imports = program
    .command('imports')
    .description('history imports and incremental syncs from OpenPhone');
  imports
    .command('start')
    .description('start a full import (or an incremental sync), or resume one by its id; prints its id')
    .option('--incremental', 'only what changed since the last completed run of the same scope')
    .option(
      '--phone-numbers <numbers...>',
      'only these phone numbers: PN… ids or numbers, comma-separated (default: all)',
    )
    .option('--no-contacts', 'leave the contacts out')
    .option(
      '--import-id <id>',
      'the run id (default: <kind>-<time>); a running or failed run of that id resumes from its checkpoint',
    )
    .action(async (options: StartImportOptions) => startImport(await target(), out, options));
  imports
    .command('status')
    .description(
      "a run's phase, pages, records by kind, rate, time left and first errors, with a progress bar",
    )
    .argument('<importId>', 'the import id (imports list shows them)')
    .option('--watch', 'refresh until the run ends')
    .option('--every <seconds>', 'seconds between refreshes with --watch', refreshSeconds, 2)
    .action(async (importId: string, options: { watch?: boolean; every: number }) => {
      noWatchWithJson(options);
      return showImportStatus(await target(), out, importId, options);
    });
  imports
    .command('list')
    .description('imports newest first: id, kind, status, started, records, errors')
    .option('--limit <n>', 'runs per page (1–100)', runsPerPage, 20)
    .option('--cursor <cursor>', 'the next-page cursor a previous listing printed')
    .action(async (options: { limit: number; cursor?: string }) => listImports(await target(), out, options));
  imports
    .command('cancel')
    .description('stop a running import after the page it is writing')
    .argument('<importId>', 'the import id')
    .action(async (importId: string) => cancelImport(await target(), out, importId));

  addWebhookCommands(program, target, out);
  addSecretCommands(program, target, out);
  addCampaignCommands(program, target, out, noWatchWithJson);
  addConversationCommands(program, target, out);
  addReportCommands(program, target, out);

  return program;
}

/** Runs one command line; returns the exit code (0, 1 failure, 2 usage) instead of exiting. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  const program = buildProgram(deps);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCodes.ok;
  } catch (error) {
    // Commander has already written its own one-line message (or the help).
    if (error instanceof CommanderError) return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    const { message, exitCode } = describeFailure(error);
    deps.err(`error: ${message}`);
    if (program.opts<{ debug?: boolean }>().debug && error instanceof Error && error.stack)
      deps.err(error.stack);
    return exitCode;
  }
}
