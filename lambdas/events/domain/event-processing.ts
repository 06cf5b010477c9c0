import {
  contactChangeFromWebhook,
  type ContactChange,
  activityChangeFromWebhook,
  consentChangeOf,
  deliveryOutcomesOf,
  type ActivityChange,
  type ConsentChange,
  type ConsentRuleOptions,
  type DeliveryOutcome,
} from '../../crm';
import { familyOf, type EventFamily } from './event-types';
import { queueMessage, type QueueMessage } from './queue-message';
import type { EventRecord } from './event-record';
import { parseWebhookBody, type WebhookEvent } from '../../openphone';

/**
 * What a processor does with one queued event, decided without I/O: the CRM writes an event asks
 * for, or the reason it is rejected. A rejection is permanent (retrying cannot fix the payload):
 * the event is recorded as failed with the reason and not retried.
 */

export type ProcessingPlan =
  | {
      kind: 'activity';
      change: ActivityChange;
      /** An incoming STOP/START/HELP: a suppression change (HELP is only flagged). */
      consent?: ConsentChange;
      /** An outgoing message's delivered/failed outcome per recipient, for bounce tracking. */
      deliveryOutcomes: DeliveryOutcome[];
    }
  | { kind: 'contact'; change: ContactChange }
  | { kind: 'rejected'; reason: string };

export type QueueMessageReading = { ok: true; message: QueueMessage } | { ok: false; reason: string };

/** A queue message body: JSON, and the shape the dispatcher writes. */
export function readQueueMessage(body: string): QueueMessageReading {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'queue message: not JSON' };
  }
  const parsed = queueMessage.safeParse(json);
  return parsed.success
    ? { ok: true, message: parsed.data }
    : { ok: false, reason: `queue message: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}` };
}

/** Whether an event of this type belongs on this processor's queue (the router's table says so). */
export function belongsToFamily(eventType: string, family: EventFamily): boolean {
  return familyOf(eventType) === family;
}

/**
 * Parses a raw webhook body and decides what it changes. `family` is the processor's own: an
 * event routed elsewhere is rejected rather than written by the wrong processor.
 */
export function planEventProcessing(
  rawBody: string,
  family: EventFamily,
  receivedAt: string,
  consentRule: ConsentRuleOptions = {},
): ProcessingPlan {
  const parsed = parseWebhookBody(rawBody);
  if (!parsed.ok) return { kind: 'rejected', reason: redactQuotedText(parsed.reason) };
  return planParsedEvent(parsed.value, family, receivedAt, consentRule);
}

/**
 * The plan for a queued event, made from its stored record only: the payload whose signature the
 * ingest verified, and the family the ingest routed it to. A queue message names the event and
 * never supplies its content, so whoever can put a message on a queue cannot inject a body. An
 * event of another family is rejected before its payload is read.
 */
export function planStoredEvent(
  stored: Pick<EventRecord, 'family' | 'type' | 'receivedAt' | 'payload'>,
  family: EventFamily,
  consentRule: ConsentRuleOptions = {},
): ProcessingPlan {
  // An event recorded as ignored by a version that did not route its type has no family: the
  // stored (verified) type decides, by today's table, so a re-drive once it is supported works.
  const storedFamily = stored.family ?? familyOf(stored.type);
  if (storedFamily !== family)
    return {
      kind: 'rejected',
      reason: `family: a ${storedFamily ?? 'unrouted'} event on the ${family} queue`,
    };
  return planEventProcessing(stored.payload, family, stored.receivedAt, consentRule);
}

export function planParsedEvent(
  event: WebhookEvent,
  family: EventFamily,
  receivedAt: string,
  consentRule: ConsentRuleOptions = {},
): ProcessingPlan {
  if (!belongsToFamily(event.type, family))
    return { kind: 'rejected', reason: `type: ${event.type} is not a ${family} event` };
  if (event.kind === 'contact') {
    const mapped = contactChangeFromWebhook(event, receivedAt);
    return mapped.ok
      ? { kind: 'contact', change: mapped.change }
      : { kind: 'rejected', reason: `contact: ${mapped.reason}` };
  }
  const mapped = activityChangeFromWebhook(event, receivedAt);
  if (!mapped.ok) return { kind: 'rejected', reason: `activity: ${mapped.reason}` };
  const consent = consentChangeOf(mapped.change, consentRule);
  return {
    kind: 'activity',
    change: mapped.change,
    ...(consent ? { consent } : {}),
    deliveryOutcomes: deliveryOutcomesOf(mapped.change),
  };
}

/**
 * Reasons are stored and logged: quoted fragments (JSON.parse quotes the body it choked on, which
 * may be message text) are replaced by `"…"`.
 */
export function redactQuotedText(reason: string): string {
  return reason.replace(/"(?:[^"\\]|\\.)*"/g, '"…"');
}

/** The receive count SQS reports (ApproximateReceiveCount), 1 when absent or unreadable. */
export function attemptOf(approximateReceiveCount: string | undefined): number {
  const count = Number(approximateReceiveCount);
  return Number.isInteger(count) && count > 0 ? count : 1;
}

/** How one event ended in one invocation: `retrying` means SQS delivers it again (or dead-letters it). */
export type EventOutcome =
  | { status: 'processed' }
  | { status: 'duplicate' }
  | { status: 'failed'; reason: string }
  | { status: 'retrying'; reason: string; attempts: number };

/** The line an operator reads per event: `[messages] message.received EV… → processed`; no text, no numbers. */
export function processingLogLine(
  family: EventFamily,
  message: Pick<QueueMessage, 'type' | 'eventId'>,
  outcome: EventOutcome,
): string {
  const result =
    outcome.status === 'failed'
      ? `failed: ${outcome.reason}`
      : outcome.status === 'retrying'
        ? `failed: ${outcome.reason} (attempt ${outcome.attempts}, retrying)`
        : outcome.status === 'duplicate'
          ? 'processed (duplicate delivery, skipped)'
          : 'processed';
  return `[${family}] ${message.type} ${message.eventId} → ${result}`;
}
