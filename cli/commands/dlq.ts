import { eventFamilies, type EventFamily } from '../../lambdas/events';
import { progressBar } from '../progress-bar';
import { formatTable, plural, printData, type Output } from '../output';
import type { Target } from '../target';

/** Messages waiting in each family queue and its dead-letter queue. */
export async function showQueueDepths(target: Target, out: Output): Promise<void> {
  const depths = await target.queues.depths();
  printData(out, { target: target.name, queues: depths }, () => {
    out.line(`Queues of ${target.name}`);
    for (const line of formatTable(
      ['family', 'queued', 'dead letters'],
      depths.map((d) => [d.family, d.queued, d.deadLetters]),
    ))
      out.line(line);
  });
}

/** Moves a family's dead letters back to its queue: all, or those of the given event ids. */
export async function replayDeadLetters(
  target: Target,
  out: Output,
  family: EventFamily,
  eventIds: readonly string[] = [],
): Promise<void> {
  const { moved } = await target.queues.replayDeadLetters(family, eventIds);
  const asked = eventIds.length > 0 ? ` (of ${plural(eventIds.length, 'event id')} asked for)` : '';
  out.line(`Moved ${plural(moved, 'dead letter')}${asked} back to the ${family} queue.`);
}

/** Moves every family's dead letters back to its queue (or one family's): a progress bar per family, then the total. */
export async function replayAllDeadLetters(target: Target, out: Output, family?: EventFamily): Promise<void> {
  const families = family ? [family] : [...eventFamilies];
  let total = 0;
  for (const [i, f] of families.entries()) {
    const { moved } = await target.queues.replayDeadLetters(f);
    total += moved;
    out.line(`${progressBar(i + 1, families.length)}  ${f}: ${plural(moved, 'dead letter')} moved back`);
  }
  out.line(
    `Moved ${plural(total, 'dead letter')} back to ${family ? `the ${family} queue` : 'their family queues'}.`,
  );
}
