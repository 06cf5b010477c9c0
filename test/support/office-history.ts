import { seededRandom } from '../../local/openphone-simulator/prng';
import { inboundContact } from '../../local/openphone-simulator/traffic';
import { defaultTrafficRates, type TrafficRates } from '../../local/openphone-simulator/traffic-rates';
import { callObject, legacyEvent, messageObject, outgoingMessageObject } from './openphone-payloads';

type Json = Record<string, unknown>;

export interface OfficeHistoryOptions {
  readonly seed: number;
  readonly line: { readonly id: string; readonly number: string };
  /** Days before today's (UTC) to fill, today excluded. */
  readonly days: number;
  readonly contactsPerDay: number;
  readonly now: number;
  readonly rates?: TrafficRates;
}

/**
 * Past days of the simulated office (traffic.ts's choices) as legacy webhooks stamped in the past:
 * from 14:00 UTC each day, people text or call every 20 minutes and the office answers some,
 * late or prompt, or never. The simulator cannot post the past (it signs with its clock).
 */
export function officeHistoryEvents(options: OfficeHistoryOptions): Json[] {
  const rates = options.rates ?? defaultTrafficRates;
  const today = Date.UTC(
    new Date(options.now).getUTCFullYear(),
    new Date(options.now).getUTCMonth(),
    new Date(options.now).getUTCDate(),
  );
  const events: Json[] = [];
  for (let d = options.days; d >= 1; d--) {
    for (let s = 0; s < options.contactsPerDay; s++) {
      const random = seededRandom(options.seed, 'history', d, s);
      const at = today - d * 86_400_000 + 14 * 3_600_000 + s * 20 * 60_000;
      const iso = (ms: number) => new Date(ms).toISOString();
      const tag = `${options.seed}x${d}x${s}`;
      const customer = `+1555${String(8_000_000 + d * 100 + s).padStart(7, '0')}`;
      const people = { phoneNumberId: options.line.id, conversationId: `CNhistory${tag}`, userId: null };
      const contact = inboundContact(random, rates);
      if (contact.kind === 'text')
        events.push(
          legacyEvent(
            'message.received',
            messageObject({
              ...people,
              id: `AChin${tag}`,
              from: customer,
              to: [options.line.number],
              text: contact.text,
              media: [],
              createdAt: iso(at),
            }),
            iso(at),
            { id: `EVhin${tag}` },
          ),
        );
      else {
        const ended = at + (contact.answered ? 180_000 : 25_000);
        events.push(
          legacyEvent(
            'call.completed',
            callObject({
              ...people,
              id: `AChcall${tag}`,
              from: customer,
              to: options.line.number,
              status: contact.answered ? 'completed' : 'missed',
              createdAt: iso(at),
              answeredAt: contact.answered ? iso(at + 4000) : null,
              completedAt: iso(ended),
              voicemail: contact.voicemail
                ? { url: 'https://storage.openphone.example/vm.mp3', type: 'audio/mpeg', duration: 14 }
                : null,
            }),
            iso(ended),
            { id: `EVhcall${tag}` },
          ),
        );
      }
      if (contact.answer && (contact.kind === 'call' ? !contact.answered : contact.needsAnswer)) {
        const answeredAt = iso(at + contact.answer.afterMs);
        events.push(
          legacyEvent(
            'message.delivered',
            outgoingMessageObject({
              ...people,
              id: `AChout${tag}`,
              from: options.line.number,
              to: [customer],
              text: contact.answer.text,
              status: 'delivered',
              createdAt: answeredAt,
            }),
            answeredAt,
            { id: `EVhout${tag}` },
          ),
        );
      }
    }
  }
  return events;
}
