import type { EventFamily } from '../../lambdas/events';
import { formatTable, plural, type Output } from '../output';
import type { Target } from '../target';

/** Messages waiting in each family queue and its dead-letter queue. */
export async function showQueueDepths(target: Target, out: Output): Promise<void> {
  const depths = await target.queues.depths();
  out.line(`Queues of ${target.name}`);
  for (const line of formatTable(
    ['family', 'queued', 'dead letters'],
    depths.map((d) => [d.family, d.queued, d.deadLetters]),
  ))
    out.line(line);
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
