import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { verifyStandardWebhookSignature } from '../../../lambdas/ingest/domain/webhook-signature';
import { newStandardKey } from '../../support/signers';

// Review of 5bee7a3 (Standard Webhooks with node:crypto): every delivery below gets the verdict
// the standardwebhooks package gives it (the check before the change, behind the same
// `^\d{1,12}$` timestamp rule), for odd bodies, odd signature headers and odd or several keys.

function packageAccepts(keys: string[], body: Buffer | string, headers: Record<string, string>): boolean {
  if (!/^\d{1,12}$/.test(headers['webhook-timestamp'] ?? '')) return false; // kept from before the change
  return keys.some((key) => {
    try {
      new Webhook(key).verify(body, headers, { jsonParse: false });
      return true;
    } catch {
      return false;
    }
  });
}

function signedBy(key: string, id: string, seconds: number, body: Buffer | string): string {
  return new Webhook(key).sign(id, new Date(seconds * 1000), body);
}

describe('Standard Webhooks verdicts beside the package', () => {
  const key = newStandardKey();
  const other = newStandardKey();
  const raw = randomBytes(32);
  const oddKeys = [
    `whsec_${raw.toString('base64').replace(/=+$/, '')}`, // unpadded
    `whsec_${raw.toString('base64url')}`, // url-safe
    raw.toString('base64'), // no prefix
    `whsec_ ${raw.toString('base64')}`, // a space
    'whsec_not a key!',
    'whsec_',
  ];
  const seconds = Math.floor(Date.now() / 1000);
  const bodies: (Buffer | string)[] = [
    Buffer.from('{"id":"EV1","type":"message.received"}'),
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"id":"EV1"}')]), // a BOM
    Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d]), // invalid UTF-8
    Buffer.alloc(0),
    '{"text":"\uD83D\uDE00 a pair"}',
  ];

  it('accepts and refuses exactly what the package does', () => {
    let compared = 0;
    let accepted = 0;
    for (const body of bodies) {
      for (const signingKey of [key, ...oddKeys]) {
        let good: string;
        try {
          good = signedBy(signingKey, 'msg_1', seconds, body);
        } catch {
          continue; // a key the package cannot use signs nothing
        }
        const sig = good.slice(3);
        const headerVariants: Record<string, string>[] = [
          { 'webhook-signature': good, 'webhook-timestamp': String(seconds) },
          { 'webhook-signature': good, 'webhook-timestamp': `0${seconds}` },
          { 'webhook-signature': good, 'webhook-timestamp': `+${seconds}` },
          { 'webhook-signature': good, 'webhook-timestamp': `${seconds} ` },
          { 'webhook-signature': good, 'webhook-timestamp': String(seconds - 301) },
          { 'webhook-signature': good, 'webhook-timestamp': String(seconds + 301) },
          { 'webhook-signature': good, 'webhook-timestamp': '999999999999' },
          { 'webhook-signature': `${good},extra,commas`, 'webhook-timestamp': String(seconds) },
          { 'webhook-signature': `v1,,${sig}`, 'webhook-timestamp': String(seconds) },
          {
            'webhook-signature': `\t${good}`,
            'webhook-signature2': '',
            'webhook-timestamp': String(seconds),
          },
          { 'webhook-signature': `v1, ${sig}`, 'webhook-timestamp': String(seconds) },
          { 'webhook-signature': 'v1,', 'webhook-timestamp': String(seconds) },
          { 'webhook-signature': 'v1', 'webhook-timestamp': String(seconds) },
          { 'webhook-signature': `V1,${sig}`, 'webhook-timestamp': String(seconds) },
          { 'webhook-signature': `v1,${sig}=`, 'webhook-timestamp': String(seconds) },
          { 'webhook-signature': `v1,bogus  ${good}`, 'webhook-timestamp': String(seconds) },
        ];
        for (const variant of headerVariants) {
          const headers = { 'webhook-id': 'msg_1', ...variant };
          for (const keys of [[signingKey], [other, signingKey], [...oddKeys, key]]) {
            const ours = verifyStandardWebhookSignature(body, headers, keys, new Date(seconds * 1000)).ok;
            expect({ body, headers, keys, ours }).toEqual({
              body,
              headers,
              keys,
              ours: packageAccepts(keys, body, headers),
            });
            compared++;
            if (ours) accepted++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(200);
    expect(accepted).toBeGreaterThan(50);
  });

  it('signs a text body as the package signs its UTF-8 bytes (a lone surrogate read as U+FFFD)', () => {
    const text = '{"text":"half \uD83D pair"}';
    const bytes = Buffer.from(text, 'utf8');
    const headers = {
      'webhook-id': 'msg_2',
      'webhook-timestamp': String(seconds),
      'webhook-signature': signedBy(key, 'msg_2', seconds, bytes),
    };
    expect(verifyStandardWebhookSignature(bytes, headers, [key], new Date(seconds * 1000)).ok).toBe(true);
    expect(
      verifyStandardWebhookSignature(bytes.toString('utf8'), headers, [key], new Date(seconds * 1000)).ok,
    ).toBe(true);
  });
});
