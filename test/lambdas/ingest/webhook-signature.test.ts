import fc from 'fast-check';
import { createHmac, randomBytes, type Hmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import {
  verifyLegacySignature,
  verifyStandardWebhookSignature,
  verifyWebhookSignature,
} from '../../../lambdas/ingest/domain/webhook-signature';
import {
  legacySignatureHeader,
  newLegacyKey,
  newStandardKey,
  standardWebhookHeaders,
} from '../../support/signers';

const body = Buffer.from(JSON.stringify({ id: 'EV1', type: 'message.received', data: { object: {} } }));

describe('legacy openphone-signature', () => {
  const key = newLegacyKey();

  it('accepts a body signed with a millisecond timestamp', () => {
    const now = Date.now();
    expect(
      verifyLegacySignature(body, legacySignatureHeader(body, key, now), [key], new Date(now)),
    ).toMatchObject({ ok: true, scheme: 'legacy' });
  });

  it('accepts a timestamp given in seconds, since the unit is not documented', () => {
    const seconds = Math.floor(Date.now() / 1000);
    expect(
      verifyLegacySignature(body, legacySignatureHeader(body, key, seconds), [key], new Date()),
    ).toMatchObject({ ok: true });
  });

  it('accepts the second of several keys (each subscription has its own)', () => {
    const header = legacySignatureHeader(body, key);
    expect(verifyLegacySignature(body, header, [newLegacyKey(), key], new Date())).toMatchObject({
      ok: true,
    });
  });

  it('rejects a timestamp more than five minutes old or ahead as stale', () => {
    const now = Date.now();
    expect(
      verifyLegacySignature(body, legacySignatureHeader(body, key, now - 301_000), [key], new Date(now)),
    ).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(
      verifyLegacySignature(body, legacySignatureHeader(body, key, now + 301_000), [key], new Date(now)),
    ).toEqual({ ok: false, reason: 'stale_timestamp' });
  });

  it.each([
    '',
    'hmac;1;123',
    'sha1;1;1700000000000;abc=',
    'hmac;1;notanumber;abc=',
    'hmac;1;1700000000000;not base64!',
  ])('calls header %p malformed', (header) => {
    expect(verifyLegacySignature(body, header, [key], new Date())).toEqual({
      ok: false,
      reason: 'malformed_signature',
    });
  });

  it('rejects a signature made with another key', () => {
    expect(
      verifyLegacySignature(body, legacySignatureHeader(body, newLegacyKey()), [key], new Date()),
    ).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it.each(['whsec_', '!!!!', '===='])(
    'refuses a forgery signed with no key when a configured key %p decodes to no bytes',
    (emptyKey) => {
      const now = Date.now();
      const forged = createHmac('sha256', Buffer.alloc(0)).update(`${now}.`).update(body).digest('base64');
      expect(verifyLegacySignature(body, `hmac;1;${now};${forged}`, [emptyKey, key], new Date(now))).toEqual({
        ok: false,
        reason: 'invalid_signature',
      });
    },
  );
});

describe('Standard Webhooks', () => {
  const key = newStandardKey();

  it('accepts a delivery signed by the standardwebhooks library and reports its webhook-id', () => {
    const headers = standardWebhookHeaders(body.toString(), key, 'msg_1');
    expect(verifyStandardWebhookSignature(body, headers, [key], new Date())).toMatchObject({
      ok: true,
      scheme: 'standard-webhooks',
      deliveryId: 'msg_1',
    });
  });

  it('accepts a rotation header carrying an old and a new signature', () => {
    const oldKey = newStandardKey();
    const headers = standardWebhookHeaders(body.toString(), oldKey, 'msg_2');
    const rotated = {
      ...headers,
      'webhook-signature': `${standardWebhookHeaders(body.toString(), newStandardKey(), 'msg_2')['webhook-signature']} ${headers['webhook-signature']}`,
    };
    expect(verifyStandardWebhookSignature(body, rotated, [key, oldKey], new Date())).toMatchObject({
      ok: true,
    });
  });

  it('tries the key that verified the last delivery first, and still accepts every key', () => {
    const first = newStandardKey();
    const second = newStandardKey();
    // Each key tried costs one HMAC (the keys' probes are made before counting).
    verifyStandardWebhookSignature(
      body,
      standardWebhookHeaders(body.toString(), first),
      [first, second],
      new Date(),
    );
    const hmac = jest.spyOn(Object.getPrototypeOf(createHmac('sha256', 'k')) as Hmac, 'digest');
    const deliver = (signingKey: string) => {
      const headers = standardWebhookHeaders(body.toString(), signingKey);
      hmac.mockClear();
      const check = verifyStandardWebhookSignature(body, headers, [first, second], new Date());
      return { ok: check.ok, tries: hmac.mock.calls.length };
    };
    try {
      expect(deliver(second)).toEqual({ ok: true, tries: 2 });
      expect(deliver(second)).toEqual({ ok: true, tries: 1 });
      expect(deliver(first)).toEqual({ ok: true, tries: 2 });
      expect(deliver(first)).toEqual({ ok: true, tries: 1 });
      expect(deliver(newStandardKey())).toEqual({ ok: false, tries: 2 });
    } finally {
      hmac.mockRestore();
    }
  });

  it('answers as the standardwebhooks package does for odd signature headers and keys', () => {
    const libraryAccepts = (k: string, headers: Record<string, string>) => {
      try {
        new Webhook(k).verify(body, headers, { jsonParse: false });
        return true;
      } catch {
        return false;
      }
    };
    const at = new Date();
    const seconds = String(Math.floor(at.getTime() / 1000));
    const signed = standardWebhookHeaders(body.toString(), key, 'msg_odd', at);
    const signature = signed['webhook-signature']!;
    const headerVariants = [
      signed,
      { ...signed, 'webhook-timestamp': `00${seconds}` },
      { ...signed, 'webhook-signature': `${signature},trailing` },
      { ...signed, 'webhook-signature': `v2,${signature.slice(3)}` },
      { ...signed, 'webhook-signature': `v1 ${signature}` },
      { ...signed, 'webhook-signature': `  ${signature}  ` },
      { ...signed, 'webhook-signature': signature.slice(0, -1) },
    ];
    for (const headers of headerVariants)
      expect(verifyStandardWebhookSignature(body, headers, [key], at).ok).toBe(libraryAccepts(key, headers));
    // Keys Buffer's base64 reads more leniently than the package (unpadded, url-safe, odd length).
    const raw = randomBytes(25);
    for (const odd of [
      `whsec_${raw.toString('base64').replace(/=+$/, '')}`,
      `whsec_${raw.toString('base64url')}`,
      `whsec_${raw.toString('base64')}A`,
      `whsec_${raw.toString('base64').slice(0, -2)}`,
    ]) {
      const headers = (() => {
        try {
          return standardWebhookHeaders(body.toString(), odd, 'msg_key', at);
        } catch {
          return signed;
        }
      })();
      expect(verifyStandardWebhookSignature(body, headers, [odd], at).ok).toBe(libraryAccepts(odd, headers));
    }
  });

  it('rejects a stale webhook-timestamp before checking the signature', () => {
    const at = new Date(Date.now() - 10 * 60_000);
    expect(
      verifyStandardWebhookSignature(
        body,
        standardWebhookHeaders(body.toString(), key, 'msg_3', at),
        [key],
        new Date(),
      ),
    ).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
  });

  it('calls missing webhook-id or a non-numeric timestamp malformed', () => {
    const headers = standardWebhookHeaders(body.toString(), key);
    expect(
      verifyStandardWebhookSignature(body, { ...headers, 'webhook-id': undefined }, [key], new Date()),
    ).toEqual({ ok: false, reason: 'malformed_signature' });
    expect(
      verifyStandardWebhookSignature(body, { ...headers, 'webhook-timestamp': '12a' }, [key], new Date()),
    ).toEqual({ ok: false, reason: 'malformed_signature' });
  });
});

describe('choosing the scheme', () => {
  it('says a delivery without any signature header is missing its signature', () => {
    expect(
      verifyWebhookSignature(body, { 'content-type': 'application/json' }, [newLegacyKey()], new Date()),
    ).toEqual({ ok: false, reason: 'missing_signature' });
  });
});

describe('properties', () => {
  const legacyKey = newLegacyKey();
  const standardKey = newStandardKey();
  const json = fc
    .jsonValue()
    .map((v) => JSON.stringify({ id: 'EV1', type: 'message.received', data: { object: { v } } }));

  it('accepts every payload signed by the independent legacy signer', () => {
    fc.assert(
      fc.property(json, fc.integer({ min: -290_000, max: 290_000 }), (payload, skew) => {
        const now = Date.now();
        const header = legacySignatureHeader(payload, legacyKey, now + skew);
        return verifyLegacySignature(Buffer.from(payload), header, [legacyKey], new Date(now)).ok;
      }),
    );
  });

  it('rejects any change to a legacy body, timestamp or signature', () => {
    fc.assert(
      fc.property(
        json,
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 255 }),
        (payload, position, flip) => {
          const now = Date.now();
          const header = legacySignatureHeader(payload, legacyKey, now);
          const bytes = Buffer.from(payload);
          const changedBody = Buffer.from(bytes);
          changedBody[position % bytes.length]! ^= flip;
          const [, version, ts, sig] = header.split(';') as [string, string, string, string];
          const changedTs = `hmac;${version};${Number(ts) + 1 + (position % 1000)};${sig}`;
          const sigBytes = Buffer.from(sig, 'base64');
          sigBytes[position % sigBytes.length]! ^= flip;
          const changedSig = `hmac;${version};${ts};${sigBytes.toString('base64')}`;
          const at = new Date(now);
          return (
            !verifyLegacySignature(changedBody, header, [legacyKey], at).ok &&
            !verifyLegacySignature(bytes, changedTs, [legacyKey], at).ok &&
            !verifyLegacySignature(bytes, changedSig, [legacyKey], at).ok
          );
        },
      ),
    );
  });

  it('accepts every payload signed by the standardwebhooks library', () => {
    fc.assert(
      fc.property(json, fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/), (payload, id) => {
        const headers = standardWebhookHeaders(payload, standardKey, id);
        return verifyStandardWebhookSignature(Buffer.from(payload), headers, [standardKey], new Date()).ok;
      }),
      { numRuns: 50 },
    );
  });

  it('rejects any change to a Standard Webhooks body, timestamp, id or signature', () => {
    fc.assert(
      fc.property(
        json,
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 255 }),
        (payload, position, flip) => {
          const headers = standardWebhookHeaders(payload, standardKey, 'msg_prop');
          const bytes = Buffer.from(payload);
          const changedBody = Buffer.from(bytes);
          changedBody[position % bytes.length]! ^= flip;
          const sig = Buffer.from(headers['webhook-signature']!.slice(3), 'base64');
          sig[position % sig.length]! ^= flip;
          const variants = [
            { body: changedBody, headers },
            {
              body: bytes,
              headers: {
                ...headers,
                'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1 - (position % 200)),
              },
            },
            { body: bytes, headers: { ...headers, 'webhook-id': `msg_prop${position}` } },
            { body: bytes, headers: { ...headers, 'webhook-signature': `v1,${sig.toString('base64')}` } },
          ];
          return variants.every(
            (v) => !verifyStandardWebhookSignature(v.body, v.headers, [standardKey], new Date()).ok,
          );
        },
      ),
      { numRuns: 50 },
    );
  });
});
