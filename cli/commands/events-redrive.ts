import { queueMessageFor } from '../../lambdas/events';
import { CommandFailure } from '../errors';
import type { Output } from '../output';
import type { Target } from '../target';

/** Sends one stored event to its family queue again, as the dispatcher would have. */
export async function redriveEvent(
  target: Target,
  out: Output,
  eventId: string,
  options: { force?: boolean } = {},
): Promise<void> {
  const record = await target.events.getEvent(eventId);
  if (!record) throw new CommandFailure(`no event ${eventId} in ${target.name}`);
  if (!record.family || record.status === 'ignored')
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
