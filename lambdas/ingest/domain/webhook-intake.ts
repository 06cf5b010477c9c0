import { randomUUID } from 'node:crypto';
import { newEventRecord, type EventRecord, familyOf, type EventFamily } from '../../events';
import { readEnvelope } from './webhook-envelope';
import type { RejectionReason } from '../errors';
import { verifyWebhookSignature, type WebhookBody, type WebhookHeaders } from './webhook-signature';

export interface WebhookRequest {
  /** The body's exact bytes (after undoing API Gateway's base64, if any), or its well-formed text. */
  body: WebhookBody;
  headers: WebhookHeaders;
  receivedAt: Date;
}

/** What the intake needs from the outside world; adapters provide it. */
export interface IntakeDeps {
  signingKeys(): Promise<readonly string[]>;
  /** Re-reads the keys when a signature fails (a rotation may have just happened); undefined when it may not yet. */
  refreshedSigningKeys?(): Promise<readonly string[] | undefined>;
  /** Conditional put keyed by event id. */
  recordEventOnce(record: EventRecord): Promise<'recorded' | 'duplicate'>;
}

export interface IntakeSettings {
  maxBodyBytes: number;
  retentionDays: number;
}

export type IntakeOutcome =
  | { kind: 'accepted'; eventId: string; type: string; family: EventFamily }
  | { kind: 'ignored'; eventId: string; type: string }
  /** A signed delivery with an empty event id (a sample or test): recorded under a generated id. */
  | { kind: 'test'; eventId: string; type: string }
  | { kind: 'duplicate'; eventId: string; type: string }
  | { kind: 'rejected'; status: 400 | 401 | 413 | 503; reason: RejectionReason; detail?: string };

const reject = (status: 400 | 401 | 413 | 503, reason: RejectionReason, detail?: string): IntakeOutcome => ({
  kind: 'rejected',
  status,
  reason,
  ...(detail ? { detail } : {}),
});

/**
 * One webhook delivery, start to finish: size, signature, envelope, then record it exactly once.
 * Nothing is stored unless the signature holds; a duplicate changes nothing.
 */
export async function acceptWebhook(
  request: WebhookRequest,
  deps: IntakeDeps,
  settings: IntakeSettings,
): Promise<IntakeOutcome> {
  const { body: raw } = request;
  const bytes = typeof raw === 'string' ? Buffer.byteLength(raw, 'utf8') : raw.length;
  if (bytes > settings.maxBodyBytes) {
    return reject(413, 'payload_too_large', `bodies above ${settings.maxBodyBytes} bytes are refused`);
  }
  const keys = await deps.signingKeys();
  if (keys.length === 0)
    return reject(503, 'signing_keys_not_configured', 'no webhook signing keys are configured yet');
  let check = verifyWebhookSignature(request.body, request.headers, keys, request.receivedAt);
  if (!check.ok && check.reason === 'invalid_signature') {
    const fresh = await deps.refreshedSigningKeys?.();
    if (fresh?.length)
      check = verifyWebhookSignature(request.body, request.headers, fresh, request.receivedAt);
  }
  if (!check.ok) return reject(401, check.reason);

  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return reject(400, 'invalid_json', 'the body is not JSON');
  }
  const parsed = readEnvelope(body, check.deliveryId, (type) => familyOf(type) !== undefined);
  if (!parsed.ok) return reject(400, 'invalid_envelope', parsed.reason);

  const { type, apiVersion, occurredAt } = parsed.envelope;
  const test = parsed.kind === 'test';
  const eventId = test ? `test-${randomUUID()}` : parsed.envelope.eventId;
  const family = familyOf(type);
  // Absent fields passed as undefined (newEventRecord leaves them out): spreads cost a little per event.
  const record = newEventRecord({
    eventId,
    type,
    family,
    scheme: check.scheme,
    ignoredReason: test ? 'test_delivery' : undefined,
    apiVersion,
    occurredAt,
    payload: text,
    receivedAt: request.receivedAt,
    retentionDays: settings.retentionDays,
  });
  if ((await deps.recordEventOnce(record)) === 'duplicate') return { kind: 'duplicate', eventId, type };
  if (test) return { kind: 'test', eventId, type };
  return family ? { kind: 'accepted', eventId, type, family } : { kind: 'ignored', eventId, type };
}
