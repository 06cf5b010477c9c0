// The `events` commands: count, list, show and re-drive the events the ingest stored.
import { Option, type Command } from 'commander';
import { eventFamilies, type EventFamily } from '../lambdas/events';
import { countEvents } from './commands/events-count';
import { listableStatuses, listEvents, type ListableStatus } from './commands/events-list';
import { showEvent } from './commands/events-show';
import { redriveEvent, redriveEvents, type BulkRedriveOptions } from './commands/events-redrive';
import { UsageError } from './errors';
import { positiveLimit, startTime } from './option-values';
import type { Output } from './output';
import type { Target } from './target';

export function addEventCommands(program: Command, target: () => Promise<Target>, out: Output): void {
  const events = program.command('events').description('events stored by the ingest, by status');
  events
    .command('count')
    .description('count events not yet processed and failed, per family, and ignored events')
    .action(async () => countEvents(await target(), out));
  events
    .command('list')
    .description('list open events, oldest first, a page at a time')
    .addOption(
      new Option('--status <status>', 'received (not yet processed), failed or ignored')
        .choices(listableStatuses)
        .makeOptionMandatory(),
    )
    .addOption(new Option('--family <family>', 'only this family').choices(eventFamilies))
    .option('--limit <n>', 'events per page (1–1000)', positiveLimit, 50)
    .option('--cursor <cursor>', 'the next-page cursor a previous listing printed')
    .action(
      async (options: { status: ListableStatus; family?: EventFamily; limit: number; cursor?: string }) =>
        listEvents(await target(), out, options),
    );
  events
    .command('show')
    .description('one stored event: type, status and times; its raw body only with --show-text')
    .argument('<eventId>', 'the event id (EV…)')
    .option('--show-text', 'print the raw body (it holds message text and transcripts)')
    .action(async (eventId: string, options: { showText?: boolean }) =>
      showEvent(await target(), out, eventId, options),
    );
  events
    .command('redrive')
    .description(
      'send one stored event to its family queue again, or with --status every open event matching the filters',
    )
    .argument('[eventId]', 'the event id (EV…); or use --status')
    .option('--force', 'send it even when it was already processed (one event id)')
    .addOption(
      new Option(
        '--status <status>',
        'every event in this status: failed, received (stuck), or ignored (types this version now supports)',
      ).choices(['failed', 'received', 'ignored']),
    )
    .option('--type <type>', 'only events of this type, e.g. message.received (with --status)')
    .addOption(new Option('--family <family>', 'only this family (with --status)').choices(eventFamilies))
    .option('--since <time>', 'only events in the status since this ISO time (with --status)', startTime)
    .option('--reason-contains <text>', 'only failed events whose reason contains this text (with --status)')
    .option('--dry-run', 'count what would be sent, send nothing (with --status)')
    .action(
      async (eventId: string | undefined, options: { force?: boolean } & Partial<BulkRedriveOptions>) => {
        const { force, status, ...filters } = options;
        const bulkOnly = Object.values(filters).some((v) => v !== undefined);
        if (eventId && (status || bulkOnly))
          throw new UsageError('give an event id or --status with filters, not both');
        if (eventId) return redriveEvent(await target(), out, eventId, { ...(force ? { force } : {}) });
        if (!status)
          throw new UsageError('give an event id, or --status failed (or received) to re-drive many');
        if (force) throw new UsageError('--force is for one event id: bulk re-drives only send open events');
        return redriveEvents(await target(), out, { status, ...filters });
      },
    );
}
