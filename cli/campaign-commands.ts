// The `campaigns` commands: create, preview, the lifecycle actions, status and list.
import type { Command } from 'commander';
import { createCampaign } from './commands/campaigns-create';
import { changeCampaign, operatorActions } from './commands/campaigns-lifecycle';
import { previewCampaign } from './commands/campaigns-preview';
import { listCampaigns, showCampaignStatus } from './commands/campaigns-status';
import { countryCode, positiveLimit, positiveSeconds, startTime } from './option-values';
import type { Output } from './output';
import type { Target } from './target';

export function addCampaignCommands(
  program: Command,
  target: () => Promise<Target>,
  out: Output,
  noWatchWithJson: (options: { watch?: boolean }) => void,
): void {
  const campaigns = program.command('campaigns').description('SMS campaigns: create, preview, run, watch');
  campaigns
    .command('create')
    .description('create a draft campaign from a definition (JSON) and a recipient CSV')
    .requiredOption(
      '--definition <file>',
      'the campaign definition: name, sendingNumber, variants, timeZone, …',
    )
    .requiredOption('--csv <file>', 'recipients: a phone column and one column per template field')
    .option('--default-country <code>', 'country of numbers written without +', countryCode, 'US')
    .option('--id <campaignId>', 'the campaign id (default: a fresh cmp-… id)')
    .option(
      '--encoding <label>',
      "the recipient file's encoding when it is not UTF-8, e.g. windows-1252 (default: UTF-8, strictly)",
    )
    .action(
      async (options: {
        definition: string;
        csv: string;
        defaultCountry: string;
        id?: string;
        encoding?: string;
      }) => createCampaign(await target(), out, options),
    );
  campaigns
    .command('preview')
    .description("the first recipients' rendered messages: variant, length, segments, encoding")
    .argument('<campaignId>')
    .option('--limit <n>', 'recipients to show (1–1000)', positiveLimit, 5)
    .action(async (campaignId: string, options: { limit: number }) =>
      previewCampaign(await target(), out, campaignId, options),
    );
  const lifecycle: Record<(typeof operatorActions)[number], string> = {
    schedule: 'start sending at a time (a draft, or a scheduled campaign to move)',
    unschedule: 'back to draft (a scheduled campaign)',
    start: 'start sending now (a draft or scheduled campaign)',
    pause: 'stop sending for now (a running campaign)',
    resume: 'go on sending (a paused campaign)',
    cancel: 'stop for good (any unfinished campaign)',
  };
  for (const action of operatorActions) {
    const command = campaigns
      .command(action)
      .description(lifecycle[action])
      .argument('<campaignId>')
      .action(async (campaignId: string, options: { note?: string; at?: string }) =>
        changeCampaign(await target(), out, campaignId, action, {
          ...(options.note ? { note: options.note } : {}),
          ...(options.at ? { startAt: options.at } : {}),
        }),
      );
    if (action === 'pause') command.option('--note <text>', 'why, for the status screen');
    if (action === 'schedule')
      command.requiredOption(
        '--at <time>',
        'when the sender starts it: an ISO time with its offset, e.g. 2026-12-01T09:00:00-05:00',
        startTime,
      );
  }
  campaigns
    .command('status')
    .description('state, progress bar, recipients by state, per-variant table and A/B significance')
    .argument('<campaignId>')
    .option('--watch', 'print it again every --every seconds until the campaign is finished')
    .option('--every <seconds>', 'with --watch: seconds between prints', positiveSeconds, 5)
    .action(async (campaignId: string, options: { watch?: boolean; every: number }) => {
      noWatchWithJson(options);
      return showCampaignStatus(await target(), out, campaignId, {
        ...(options.watch ? { watch: true } : {}),
        everySeconds: options.every,
      });
    });
  campaigns
    .command('list')
    .description('every campaign, newest first: id, name, state, recipients, sent')
    .action(async () => listCampaigns(await target(), out));
}
