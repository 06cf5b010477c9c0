import {
  type OpenEventSummary,
  type EventStatus,
  eventFamilies,
  type EventFamily,
} from '../../lambdas/events';
import { UsageError } from '../errors';
import { formatTable, maskPhoneNumbersIn, printData, type Output } from '../output';
import type { Target } from '../target';

export const listableStatuses = ['received', 'failed', 'ignored'] as const;
export type ListableStatus = Extract<EventStatus, (typeof listableStatuses)[number]>;

export interface ListEventsOptions {
  status: ListableStatus;
  /** One family; every family in turn when absent (ignored events have none). */
  family?: EventFamily;
  limit: number;
  cursor?: string;
}

/** Where a listing stopped: which status and family, and the repository's cursor inside it. */
interface ListPosition {
  status: ListableStatus;
  family: EventFamily | null;
  cursor?: string;
}

const encode = (position: ListPosition) => Buffer.from(JSON.stringify(position)).toString('base64url');

function decode(
  cursor: string,
  status: ListableStatus,
  families: readonly (EventFamily | null)[],
): ListPosition {
  let position: ListPosition | undefined;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as ListPosition;
  } catch {
    position = undefined;
  }
  if (!position || position.status !== status || !families.includes(position.family))
    throw new UsageError('--cursor is not a cursor printed by this listing (same --status and --family)');
  return position;
}

const maxReasonLength = 60;

function row(event: OpenEventSummary): (string | number)[] {
  const reason = maskPhoneNumbersIn(event.failureReason ?? '');
  return [
    event.eventId,
    event.type,
    event.family ?? '-',
    event.statusSince.split('#')[0] ?? '',
    event.attempts ?? 0,
    reason.length > maxReasonLength ? `${reason.slice(0, maxReasonLength - 1)}…` : reason,
  ];
}

/** One page of open events, oldest first per family; prints the cursor of the next page. */
export async function listEvents(target: Target, out: Output, options: ListEventsOptions): Promise<void> {
  if (options.status === 'ignored' && options.family)
    throw new UsageError('ignored events have no family: drop --family');
  const families: (EventFamily | null)[] =
    options.status === 'ignored' ? [null] : options.family ? [options.family] : [...eventFamilies];
  let position: ListPosition = options.cursor
    ? decode(options.cursor, options.status, families)
    : { status: options.status, family: families[0]! };
  const events: OpenEventSummary[] = [];
  let next: ListPosition | undefined;
  for (;;) {
    const page = await target.events.listEvents(options.status, position.family ?? undefined, {
      limit: options.limit - events.length,
      ...(position.cursor ? { cursor: position.cursor } : {}),
    });
    events.push(...page.events);
    const following = families[families.indexOf(position.family) + 1];
    if (page.cursor) position = { ...position, cursor: page.cursor };
    else if (following !== undefined) position = { status: options.status, family: following };
    else break;
    if (events.length >= options.limit) {
      next = position;
      break;
    }
  }
  const cursor = next ? encode(next) : undefined;
  const items = events.map((event) => ({
    eventId: event.eventId,
    type: event.type,
    family: event.family ?? null,
    since: event.statusSince.split('#')[0] ?? '',
    attempts: event.attempts ?? 0,
    ...(event.failureReason ? { failureReason: maskPhoneNumbersIn(event.failureReason) } : {}),
  }));
  printData(out, { items, ...(cursor ? { cursor } : {}) }, () => {
    if (events.length === 0)
      out.line(`No ${options.status} events${options.family ? ` of ${options.family}` : ''}.`);
    else
      for (const line of formatTable(
        ['id', 'type', 'family', 'since', 'attempts', 'failure reason'],
        events.map(row),
      ))
        out.line(line);
    if (cursor) out.line(`next page: --cursor ${cursor}`);
  });
}
