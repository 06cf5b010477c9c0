import {
  eventFamilies,
  queueMessageFor,
  withCurrentRoute,
  type EventFamily,
  type OpenEventSummary,
} from '../../lambdas/events';
import { CommandFailure } from '../errors';
import { formatTable, plural, type Output } from '../output';
import { progressBar } from '../progress-bar';
import type { Target } from '../target';

/** Sends one stored event to its family queue again, as the dispatcher would have. */
export async function redriveEvent(
  target: Target,
  out: Output,
  eventId: string,
  options: { force?: boolean } = {},
): Promise<void> {
  const stored = await target.events.getEvent(eventId);
  if (!stored) throw new CommandFailure(`no event ${eventId} in ${target.name}`);
  // An event ignored as an unknown type is re-drivable once this version supports its type.
  const record = withCurrentRoute(stored);
  if (!record.family)
    throw new CommandFailure(
      `event ${eventId} is of type ${record.type}, which the bridge ignores: there is no queue to send it to`,
    );
  if (record.status === 'processed' && !options.force)
    throw new CommandFailure(
      `event ${eventId} was already processed${record.processedAt ? ` at ${record.processedAt}` : ''}: add --force to send it again`,
    );
  await target.queues.enqueue(queueMessageFor(record));
  out.line(`Sent event ${eventId} (${record.type}, ${record.status}) to the ${record.family} queue.`);
}

export interface BulkRedriveOptions {
  /** `ignored`: the events of types unknown when they arrived that this version now routes. */
  status: 'failed' | 'received' | 'ignored';
  type?: string;
  family?: EventFamily;
  /** Only events that entered their status at or after this time (ISO, UTC). */
  since?: string;
  /** Only failed events whose reason contains this text (case-insensitive). */
  reasonContains?: string;
  dryRun?: boolean;
}

/**
 * The open events of one status (and family), oldest first, read from the byStatus index a page at
 * a time: all of them, or the pages that reach `max`.
 */
export async function listOpenEvents(
  target: Target,
  status: 'received' | 'failed' | 'ignored',
  family: EventFamily | undefined,
  max = Infinity,
): Promise<OpenEventSummary[]> {
  const events: OpenEventSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await target.events.listEvents(status, family, {
      limit: 500,
      ...(cursor ? { cursor } : {}),
    });
    events.push(...page.events);
    cursor = page.cursor;
  } while (cursor && events.length < max);
  return events;
}

/** Whether an open event passes a bulk re-drive's filters (the reason's text in any case). */
export function matchesRedriveFilters(
  filters: Pick<BulkRedriveOptions, 'family' | 'type' | 'since' | 'reasonContains'>,
): (event: OpenEventSummary) => boolean {
  const reason = filters.reasonContains?.toLowerCase();
  return (event) =>
    (!filters.family || event.family === filters.family) &&
    (!filters.type || event.type === filters.type) &&
    (!filters.since || event.statusSince.split('#')[0]! >= filters.since) &&
    (reason === undefined || (event.failureReason ?? '').toLowerCase().includes(reason));
}

/** The open events a bulk re-drive matches. */
async function matchingEvents(target: Target, options: BulkRedriveOptions): Promise<OpenEventSummary[]> {
  const matches: OpenEventSummary[] = [];
  if (options.status === 'ignored') {
    // The index does not hold why an event was ignored: read each (a test delivery stays ignored).
    for (const event of await listOpenEvents(target, 'ignored', undefined)) {
      const stored = await target.events.getEvent(event.eventId);
      const family = stored && withCurrentRoute(stored).family;
      if (family) matches.push({ ...event, family });
    }
    return matches.filter(matchesRedriveFilters(options));
  }
  for (const family of options.family ? [options.family] : eventFamilies)
    matches.push(
      ...(await listOpenEvents(target, options.status, family)).filter(matchesRedriveFilters(options)),
    );
  return matches;
}

/**
 * Sends every open event matching the filters to its family queue again (after a parser fix, an
 * outage): a progress bar while it goes, then how many were queued. `--dry-run` only counts.
 */
export async function redriveEvents(target: Target, out: Output, options: BulkRedriveOptions): Promise<void> {
  const matches = await matchingEvents(target, options);
  const what = `${options.status} event`;
  if (options.dryRun) {
    out.line(`Dry run: ${plural(matches.length, what)} would be sent to their queue again.`);
    for (const line of formatTable(
      ['family', 'events'],
      eventFamilies
        .map((f): [string, number] => [f, matches.filter((e) => e.family === f).length])
        .filter(([, n]) => n > 0),
    ))
      out.line(line);
    return;
  }
  let queued = 0;
  let skipped = 0;
  const step = Math.max(1, Math.ceil(matches.length / 10));
  for (const [i, summary] of matches.entries()) {
    const stored = await target.events.getEvent(summary.eventId);
    const record = stored && withCurrentRoute(stored);
    // Processed (or gone) since it was listed: nothing left to re-drive.
    if (!record?.family || record.status !== options.status) skipped++;
    else {
      await target.queues.enqueue(queueMessageFor(record));
      queued++;
    }
    if ((i + 1) % step === 0 && i + 1 < matches.length) out.line(progressBar(i + 1, matches.length));
  }
  out.line(progressBar(matches.length, matches.length));
  out.line(
    `Queued ${plural(queued, what)} again${skipped > 0 ? ` (${skipped} changed status meanwhile, left alone)` : ''}.`,
  );
}
