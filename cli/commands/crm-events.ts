import type { BusEvent } from '../../local/crm-events';
import { formatTable, maskPhoneNumber, plural, printData, type Output } from '../output';
import type { Target } from '../target';

export interface ListCrmEventsOptions {
  type?: string;
  /** The newest this many. */
  limit?: number;
}

/** The record an event is about, as an operator's screen may show it (a phone number masked). */
function recordOf(event: BusEvent): string {
  const detail = event.detail as Record<string, unknown>;
  const id = detail.activityId ?? detail.contactId ?? detail.campaignId;
  if (typeof id === 'string') return id;
  return typeof detail.phoneNumber === 'string' ? maskPhoneNumber(detail.phoneNumber) : '';
}

/** The CRM events put on the bus (the local replica keeps a copy), oldest first. */
export async function listCrmEvents(
  target: Target,
  out: Output,
  options: ListCrmEventsOptions,
): Promise<void> {
  const events = (await target.crmEvents.list(options.type)).slice(-(options.limit ?? 50));
  printData(out, events, () => {
    out.line(`CRM events on the bus of ${target.name}: ${plural(events.length, 'event')}`);
    if (events.length === 0) return;
    for (const line of formatTable(
      ['time', 'type', 'record', 'changes', 'event id'],
      events.map((e) => [
        e.time,
        e.detailType,
        recordOf(e),
        ((e.detail as { changes?: string[] }).changes ?? []).join(','),
        e.detail.eventId,
      ]),
    ))
      out.line(line);
  });
}
