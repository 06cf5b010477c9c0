import { CommandFailure } from '../errors';
import { formatTable, maskPhoneNumbersIn, printData, type Output } from '../output';
import type { Target } from '../target';

/**
 * `events show`: one stored webhook delivery, its status and times; the raw body only with
 * `--show-text` (it holds message text and transcripts), and never once its person was erased.
 */
export async function showEvent(
  target: Target,
  out: Output,
  eventId: string,
  options: { showText?: boolean },
): Promise<void> {
  const event = await target.events.getEvent(eventId);
  if (!event) throw new CommandFailure(`no event ${eventId} in ${target.name}`);
  const { payload, ...record } = event;
  const body = event.payloadErasedAt
    ? `(erased ${event.payloadErasedAt})`
    : options.showText
      ? payload
      : `${Buffer.byteLength(payload)} bytes (--show-text prints it)`;
  printData(out, { ...record, ...(options.showText && !event.payloadErasedAt ? { payload } : {}) }, () => {
    const rows: [string, string][] = [
      ['id', event.eventId],
      ['type', event.type],
      ['family', event.family ?? '-'],
      ['status', event.status],
      ['received', event.receivedAt],
      ...(event.occurredAt ? [['occurred', event.occurredAt] as [string, string]] : []),
      ...(event.processedAt ? [['processed', event.processedAt] as [string, string]] : []),
      ...(event.failureReason
        ? [['reason', maskPhoneNumbersIn(event.failureReason)] as [string, string]]
        : []),
      ...(event.attempts ? [['attempts', String(event.attempts)] as [string, string]] : []),
    ];
    for (const line of formatTable(['', ''], rows).slice(1)) out.line(line);
    out.line(`payload: ${body}`);
  });
}
