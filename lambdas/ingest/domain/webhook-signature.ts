import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { SignatureScheme } from '../../events';

/** Why a delivery's signature was not accepted; sent back as the 401 reason code. */
export type SignatureFailure =
  'missing_signature' | 'malformed_signature' | 'stale_timestamp' | 'invalid_signature';

export type SignatureCheck =
  | { ok: true; scheme: SignatureScheme; deliveryId?: string; timestamp: Date }
  | { ok: false; reason: SignatureFailure };

/**
 * A delivery's body: its exact bytes, or (as API Gateway passes a JSON body) the well-formed text
 * whose UTF-8 encoding they are, which is signed and read without a copy into a Buffer.
 */
export type WebhookBody = Buffer | string;

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
  rawBody: WebhookBody,
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
    const secret = decodeKey(key);
    // A key that decodes to no bytes (`whsec_`, not base64) would accept anyone's HMAC with an empty key.
    if (secret.length === 0) continue;
    const mac = createHmac('sha256', secret);
    const expected = (
      typeof rawBody === 'string'
        ? mac.update(`${timestampText}.${rawBody}`)
        : mac.update(`${timestampText}.`).update(rawBody)
    ).digest();
    if (expected.length === given.length && timingSafeEqual(expected, given)) {
      return { ok: true, scheme: 'legacy', timestamp: new Date(timestampMs) };
    }
  }
  return { ok: false, reason: 'invalid_signature' };
}

/**
 * Standard Webhooks (OpenPhone's newer subscriptions): `webhook-id`, `webhook-timestamp` (seconds) and
 * `webhook-signature` (space-separated `v1,<base64>` entries), checked as the `standardwebhooks`
 * package checks them (`standardKeyOf`), with node:crypto's HMAC rather than its JavaScript SHA-256.
 */
export function verifyStandardWebhookSignature(
  rawBody: WebhookBody,
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
  const timestampSeconds = Number(timestampText);
  const timestampMs = timestampSeconds * 1000;
  if (!isFresh(timestampMs, now, toleranceSeconds)) return { ok: false, reason: 'stale_timestamp' };
  // The package also holds the timestamp to its own five minutes of the wall clock, whatever `now` is.
  const wallSeconds = Math.floor(Date.now() / 1000);
  if (wallSeconds - timestampSeconds > 300 || timestampSeconds > wallSeconds + 300)
    return { ok: false, reason: 'invalid_signature' };
  const signatures = signature
    .split(' ')
    .map((entry) => entry.split(','))
    .filter(([version]) => version === 'v1')
    .map(([, given]) => Buffer.from(given ?? ''));
  const signedPrefix = `${id}.${timestampSeconds}.`;
  let signedText: string | undefined;
  for (const key of standardKeys(keys)) {
    let accepted: boolean;
    if (key.kind === 'bytes') {
      signedText ??= typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
      const expected = Buffer.from(
        createHmac('sha256', key.bytes).update(signedPrefix).update(signedText).digest('base64'),
      );
      accepted = signatures.some(
        (given) => given.length === expected.length && timingSafeEqual(given, expected),
      );
    } else {
      accepted = libraryAccepts(key.verifier, rawBody, {
        'webhook-id': id,
        'webhook-timestamp': timestampText,
        'webhook-signature': signature,
      });
    }
    if (accepted) {
      lastStandardKey = key;
      return { ok: true, scheme: 'standard-webhooks', deliveryId: id, timestamp: new Date(timestampMs) };
    }
  }
  return { ok: false, reason: 'invalid_signature' };
}

function libraryAccepts(verifier: Webhook, rawBody: WebhookBody, headers: Record<string, string>): boolean {
  try {
    verifier.verify(rawBody, headers, { jsonParse: false });
    return true;
  } catch {
    return false; // not this key; the next one may be (several subscriptions, or a rotation in progress)
  }
}

/** A usable Standard Webhooks key: its decoded bytes, or the package's verifier where Buffer decodes it otherwise. */
type StandardKey = { kind: 'bytes'; bytes: Buffer } | { kind: 'library'; verifier: Webhook };

/**
 * The package decodes a key with its own strict base64; Buffer's decoder is lenient. A key is used
 * as Buffer decodes it only when a probe signs alike both ways, else the package verifies with it.
 */
function standardKeyOf(key: string): StandardKey | null {
  let verifier: Webhook;
  try {
    verifier = new Webhook(key);
  } catch {
    return null; // not a usable Standard Webhooks key (e.g. empty)
  }
  const bytes = Buffer.from(key.startsWith('whsec_') ? key.slice('whsec_'.length) : key, 'base64');
  const probe = `v1,${createHmac('sha256', bytes).update('probe.0.probe').digest('base64')}`;
  return verifier.sign('probe', new Date(0), 'probe') === probe
    ? { kind: 'bytes', bytes }
    : { kind: 'library', verifier };
}

/**
 * The key that last accepted a delivery is tried first: consecutive deliveries are nearly always
 * signed with the same key, and a key that does not match costs a whole HMAC. Any key still accepts.
 */
let lastStandardKey: StandardKey | undefined;

const standardKeyCache = new Map<string, StandardKey | null>();
function standardKeys(keys: readonly string[]): StandardKey[] {
  return keys
    .flatMap((key) => {
      let standard = standardKeyCache.get(key);
      if (standard === undefined) {
        standard = standardKeyOf(key);
        standardKeyCache.set(key, standard);
      }
      return standard ? [standard] : [];
    })
    .sort((a, b) => Number(b === lastStandardKey) - Number(a === lastStandardKey));
}

/** Picks the scheme from the headers present and verifies the raw body bytes against every key. */
export function verifyWebhookSignature(
  rawBody: WebhookBody,
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
