import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * Independent signers for tests: the legacy one is written from OpenPhone's documented format
 * (not from the production verifier); the Standard Webhooks one is the reference library.
 */
export function newLegacyKey(): string {
  return randomBytes(32).toString('base64');
}

export function newStandardKey(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function legacySignatureHeader(
  body: string | Buffer,
  key: string,
  timestamp: number = Date.now(),
): string {
  const mac = createHmac('sha256', Buffer.from(key, 'base64'));
  mac.update(`${timestamp}.`);
  mac.update(body);
  return `hmac;1;${timestamp};${mac.digest('base64')}`;
}

export function standardWebhookHeaders(
  body: string,
  key: string,
  id = `msg_${randomBytes(8).toString('hex')}`,
  at: Date = new Date(),
): Record<string, string> {
  const signature = new Webhook(key).sign(id, at, body);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signature,
  };
}
