import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { SignatureScheme } from '../../events';

/** Why a delivery's signature was not accepted; sent back as the 401 reason code. */
export type SignatureFailure =
  'missing_signature' | 'malformed_signature' | 'stale_timestamp' | 'invalid_signature';

export type SignatureCheck =
  | { ok: true; scheme: SignatureScheme; deliveryId?: string; timestamp: Date }
  | { ok: false; reason: SignatureFailure };

/** Lower-cased header names, as API Gateway's payload v2 delivers them. */
export type WebhookHeaders = Readonly<Record<string, string | undefined>>;

export const signatureToleranceSeconds = 5 * 60;

const legacyHeaderPattern = /^hmac;([^;]+);(\d{1,16});([A-Za-z0-9+/]+={0,2})$/;
const secondsOrMillis = (n: number) => (n >= 1e12 ? n : n * 1000);

function isFresh(timestampMs: number, now: Date, toleranceSeconds: number): boolean {
  return Math.abs(now.getTime() - timestampMs) <= toleranceSeconds * 1000;
}

const decodedKeys = new Map<string, Buffer>();
function decodeKey(key: string): Buffer {
  let decoded = decodedKeys.get(key);
  if (!decoded) {
    decoded = Buffer.from(key.startsWith('whsec_') ? key.slice('whsec_'.length) : key, 'base64');
    decodedKeys.set(key, decoded);
  }
  return decoded;
}

/**
 * OpenPhone's legacy scheme: `openphone-signature: hmac;<version>;<timestamp>;<base64 signature>`,
 * the signature being HMAC-SHA256 over `<timestamp>.<raw body>` keyed with the base64-decoded key.
 * The timestamp may be in milliseconds or seconds (OpenPhone does not document the unit).
 */
export function verifyLegacySignature(
  rawBody: Buffer,
  header: string,
  keys: readonly string[],
  now: Date,
  toleranceSeconds = signatureToleranceSeconds,
): SignatureCheck {
  const match = legacyHeaderPattern.exec(header.trim());
  if (!match) return { ok: false, reason: 'malformed_signature' };
  const [, , timestampText, signatureText] = match as unknown as [string, string, string, string];
  const timestampMs = secondsOrMillis(Number(timestampText));
  if (!isFresh(timestampMs, now, toleranceSeconds)) return { ok: false, reason: 'stale_timestamp' };
  const given = Buffer.from(signatureText, 'base64');
  for (const key of keys) {
    const expected = createHmac('sha256', decodeKey(key))
      .update(`${timestampText}.`)
      .update(rawBody)
      .digest();
    if (expected.length === given.length && timingSafeEqual(expected, given)) {
      return { ok: true, scheme: 'legacy', timestamp: new Date(timestampMs) };
    }
  }
  return { ok: false, reason: 'invalid_signature' };
}

/**
 * Standard Webhooks (OpenPhone's newer subscriptions): `webhook-id`, `webhook-timestamp` (seconds) and
 * `webhook-signature` (space-separated `v1,<base64>` entries), checked by the `standardwebhooks` package.
 */
export function verifyStandardWebhookSignature(
  rawBody: Buffer,
  headers: WebhookHeaders,
  keys: readonly string[],
  now: Date,
  toleranceSeconds = signatureToleranceSeconds,
): SignatureCheck {
  const id = headers['webhook-id'];
  const timestampText = headers['webhook-timestamp'];
  const signature = headers['webhook-signature'];
  if (!id || !timestampText || !signature || !/^\d{1,12}$/.test(timestampText)) {
    return { ok: false, reason: 'malformed_signature' };
  }
  const timestampMs = Number(timestampText) * 1000;
  if (!isFresh(timestampMs, now, toleranceSeconds)) return { ok: false, reason: 'stale_timestamp' };
  const signedHeaders = {
    'webhook-id': id,
    'webhook-timestamp': timestampText,
    'webhook-signature': signature,
  };
  for (const verifier of standardVerifiers(keys)) {
    try {
      verifier.verify(rawBody, signedHeaders, { jsonParse: false });
      lastVerifier = verifier;
      return { ok: true, scheme: 'standard-webhooks', deliveryId: id, timestamp: new Date(timestampMs) };
    } catch {
      // Not this key; try the next one (several subscriptions, or a rotation in progress).
    }
  }
  return { ok: false, reason: 'invalid_signature' };
}

/**
 * The verifier that last accepted a delivery is tried first: a key that does not match costs a
 * whole HMAC (the library's own SHA-256, in JavaScript) and a thrown error with its stack, and
 * consecutive deliveries are nearly always signed with the same key. Any key still accepts.
 */
let lastVerifier: Webhook | undefined;

const verifierCache = new Map<string, Webhook | null>();
function standardVerifiers(keys: readonly string[]): Webhook[] {
  return keys
    .flatMap((key) => {
      if (!verifierCache.has(key)) {
        try {
          verifierCache.set(key, new Webhook(key));
        } catch {
          verifierCache.set(key, null); // not a usable Standard Webhooks key (e.g. empty)
        }
      }
      const verifier = verifierCache.get(key);
      return verifier ? [verifier] : [];
    })
    .sort((a, b) => Number(b === lastVerifier) - Number(a === lastVerifier));
}

/** Picks the scheme from the headers present and verifies the raw body bytes against every key. */
export function verifyWebhookSignature(
  rawBody: Buffer,
  headers: WebhookHeaders,
  keys: readonly string[],
  now: Date,
): SignatureCheck {
  if (headers['webhook-signature'] !== undefined)
    return verifyStandardWebhookSignature(rawBody, headers, keys, now);
  const legacy = headers['openphone-signature'];
  if (legacy !== undefined) return verifyLegacySignature(rawBody, legacy, keys, now);
  return { ok: false, reason: 'missing_signature' };
}
