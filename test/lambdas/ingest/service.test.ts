import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { bridgeMetrics } from '../../../lambdas/shared/metrics';
import type { EventRecord } from '../../../lambdas/events/domain/event-record';
import type { IntakeDeps } from '../../../lambdas/ingest/domain/webhook-intake';
import { createIngestHandler } from '../../../lambdas/ingest/service';
import { webhookRequestEvent } from '../../support/api-gateway';
import { legacyEvent, standardEvent } from '../../support/events';
import {
  legacySignatureHeader,
  newLegacyKey,
  newStandardKey,
  standardWebhookHeaders,
} from '../../support/signers';

const logger = new Logger({ logLevel: 'SILENT' });
const metrics = new Metrics({ namespace: 'test', serviceName: 'test' });

function inMemoryIntake(keys: string[], extra: Partial<IntakeDeps> = {}) {
  const stored = new Map<string, EventRecord>();
  const ports: IntakeDeps = {
    signingKeys: async () => keys,
    recordEventOnce: async (record) => {
      if (stored.has(record.eventId)) return 'duplicate';
      stored.set(record.eventId, record);
      return 'recorded';
    },
    ...extra,
  };
  const handler = createIngestHandler({
    deps: ports,
    settings: { maxBodyBytes: 4096, retentionDays: 30 },
    logger,
    metrics,
  });
  return { handler, stored };
}

const parse = (body: string | undefined) => JSON.parse(body ?? '{}') as Record<string, unknown>;

describe('ingest handler', () => {
  const key = newLegacyKey();

  it('answers 202 and records a signed event with its type, family and status, and no expiry while open', async () => {
    const { handler, stored } = inMemoryIntake([key]);
    const body = JSON.stringify(legacyEvent({ id: 'EVaccepted' }));
    const response = await handler(
      webhookRequestEvent(body, { 'openphone-signature': legacySignatureHeader(body, key) }),
    );
    expect(response.statusCode).toBe(202);
    expect(parse(response.body)).toEqual({ status: 'accepted', eventId: 'EVaccepted' });
    const record = stored.get('EVaccepted');
    expect(record).toMatchObject({
      type: 'message.received',
      family: 'messages',
      status: 'received',
      scheme: 'legacy',
      payload: body,
    });
    // An open event never expires: the TTL starts when it is processed.
    expect(record!.expiresAt).toBeUndefined();
  });

  it('verifies a body API Gateway handed over base64-encoded, on its original bytes', async () => {
    const { handler } = inMemoryIntake([key]);
    const body = JSON.stringify(legacyEvent({ object: { id: 'AC1', text: 'naïve café ✓' } }));
    const response = await handler(
      webhookRequestEvent(
        body,
        { 'openphone-signature': legacySignatureHeader(body, key) },
        { base64: true },
      ),
    );
    expect(response.statusCode).toBe(202);
  });

  it('verifies and stores a text body with a lone surrogate as its UTF-8 bytes read back', async () => {
    const standardKey = newStandardKey();
    const { handler, stored } = inMemoryIntake([key, standardKey]);
    for (const [id, sign] of [
      ['EVloneLegacy', (b: Buffer) => ({ 'openphone-signature': legacySignatureHeader(b, key) })],
      ['EVloneStandard', (b: Buffer) => standardWebhookHeaders(b.toString(), standardKey)],
    ] as const) {
      // JSON.stringify escapes a lone surrogate; API Gateway's text may carry it raw.
      const text = JSON.stringify(
        legacyEvent({ id, object: { id: 'AC1', text: 'half MARK of a pair' } }),
      ).replace('MARK', '\ud83d');
      expect(text).not.toBe(Buffer.from(text).toString());
      const bytes = Buffer.from(text); // the lone surrogate's bytes are U+FFFD's
      const event = { ...webhookRequestEvent(bytes, sign(bytes)), body: text };
      const response = await handler(event);
      expect(response.statusCode).toBe(202);
      expect(stored.get(id)?.payload).toBe(bytes.toString());
    }
  });

  it('counts a text body against the limit in UTF-8 bytes, not characters', async () => {
    const { handler, stored } = inMemoryIntake([key]);
    const body = JSON.stringify(legacyEvent({ object: { id: 'AC1', text: '✓'.repeat(1400) } }));
    expect(body.length).toBeLessThan(4096);
    const response = await handler(
      webhookRequestEvent(body, { 'openphone-signature': legacySignatureHeader(body, key) }),
    );
    expect(response.statusCode).toBe(413);
    expect(stored.size).toBe(0);
  });

  it('answers 200 for a repeated delivery and records nothing new', async () => {
    const { handler, stored } = inMemoryIntake([key]);
    const body = JSON.stringify(legacyEvent({ id: 'EVtwice' }));
    const headers = { 'openphone-signature': legacySignatureHeader(body, key) };
    await handler(webhookRequestEvent(body, headers));
    const again = await handler(webhookRequestEvent(body, headers));
    expect(again.statusCode).toBe(200);
    expect(parse(again.body)).toEqual({ status: 'duplicate', eventId: 'EVtwice' });
    expect(stored.size).toBe(1);
  });

  it('answers 200 for an unknown event type and keeps it as ignored for operators', async () => {
    const { handler, stored } = inMemoryIntake([key]);
    const body = JSON.stringify(legacyEvent({ id: 'EVnew', type: 'conversation.archived' }));
    const response = await handler(
      webhookRequestEvent(body, { 'openphone-signature': legacySignatureHeader(body, key) }),
    );
    expect(response.statusCode).toBe(200);
    expect(parse(response.body)).toMatchObject({ status: 'ignored' });
    expect(stored.get('EVnew')).toMatchObject({ status: 'ignored', statusKey: 'ignored#-' });
  });

  it.each([
    ['a notice whose data is a message', { id: 'EVtoken', type: 'token.validated', data: { message: 'ok' } }],
    ['a type with no data at all', { id: 'EVtoken', type: 'workspace.updated' }],
    ['a type whose data is a list', { id: 'EVtoken', type: 'conversation.archived', data: [1, 2] }],
  ])('answers 200 ignored for an unrouted type whatever its data: %s', async (_name, event) => {
    const { handler, stored } = inMemoryIntake([key]);
    const body = JSON.stringify(event);
    const response = await handler(
      webhookRequestEvent(body, { 'openphone-signature': legacySignatureHeader(body, key) }),
    );
    expect(response.statusCode).toBe(200);
    expect(parse(response.body)).toEqual({
      status: 'ignored',
      eventId: 'EVtoken',
      reason: 'unknown_event_type',
    });
    expect(stored.get('EVtoken')).toMatchObject({
      type: event.type,
      status: 'ignored',
      ignoredReason: 'unknown_event_type',
      payload: body,
    });
  });

  it('keys an unrouted Standard Webhooks delivery without a body id by its webhook-id', async () => {
    const standardKey = newStandardKey();
    const { handler, stored } = inMemoryIntake([standardKey]);
    const body = JSON.stringify({ type: 'token.validated', data: { message: 'ok' } });
    const response = await handler(
      webhookRequestEvent(body, standardWebhookHeaders(body, standardKey, 'msg_token')),
    );
    expect(response.statusCode).toBe(200);
    expect(stored.get('msg_token')).toMatchObject({ status: 'ignored', scheme: 'standard-webhooks' });
  });

  it('answers 200 test for a signed delivery with all-empty ids and records it as an ignored test delivery', async () => {
    const { handler, stored } = inMemoryIntake([key]);
    const body = JSON.stringify(
      legacyEvent({
        id: '',
        object: { id: '', from: '', to: '', conversationId: '', phoneNumberId: '', userId: '' },
      }),
    );
    const response = await handler(
      webhookRequestEvent(body, { 'openphone-signature': legacySignatureHeader(body, key) }),
    );
    expect(response.statusCode).toBe(200);
    const answer = parse(response.body);
    expect(answer).toEqual({ status: 'test', eventId: expect.stringMatching(/^test-/) });
    const record = stored.get(answer.eventId as string);
    expect(record).toMatchObject({
      type: 'message.received',
      status: 'ignored',
      ignoredReason: 'test_delivery',
      statusKey: 'ignored#-',
      payload: body,
    });
    expect(record?.family).toBeUndefined();
  });

  it('answers 401 to a badly signed delivery with an empty id, storing nothing', async () => {
    const { handler, stored } = inMemoryIntake([key]);
    const body = JSON.stringify(legacyEvent({ id: '' }));
    const response = await handler(
      webhookRequestEvent(body, { 'openphone-signature': legacySignatureHeader(body, newLegacyKey()) }),
    );
    expect(response.statusCode).toBe(401);
    expect(stored.size).toBe(0);
  });

  it('still answers 400 for a routed type whose data is not an event payload', async () => {
    const { handler, stored } = inMemoryIntake([key]);
    const body = JSON.stringify({ id: 'EVbad', type: 'message.received', data: { message: 'x' } });
    const response = await handler(
      webhookRequestEvent(body, { 'openphone-signature': legacySignatureHeader(body, key) }),
    );
    expect(response.statusCode).toBe(400);
    expect(parse(response.body)).toMatchObject({ error: 'invalid_envelope' });
    expect(stored.size).toBe(0);
  });

  it('keys a Standard Webhooks delivery without a body id by its webhook-id', async () => {
    const standardKey = newStandardKey();
    const { handler, stored } = inMemoryIntake([key, standardKey]);
    const body = JSON.stringify(standardEvent());
    const response = await handler(
      webhookRequestEvent(body, standardWebhookHeaders(body, standardKey, 'msg_2Xyz')),
    );
    expect(response.statusCode).toBe(202);
    expect(stored.get('msg_2Xyz')).toMatchObject({ scheme: 'standard-webhooks', family: 'messages' });
  });

  it.each([
    ['no signature header', {}, 'missing_signature'],
    ['a malformed header', { 'openphone-signature': 'hmac;1;abc' }, 'malformed_signature'],
    ['a signature by an unknown key', 'other-key', 'invalid_signature'],
    ['a timestamp ten minutes old', 'stale', 'stale_timestamp'],
  ])('answers 401 with a reason code for %s, storing nothing', async (_name, variant, reason) => {
    const { handler, stored } = inMemoryIntake([key]);
    const body = JSON.stringify(legacyEvent());
    const headers =
      variant === 'other-key'
        ? { 'openphone-signature': legacySignatureHeader(body, newLegacyKey()) }
        : variant === 'stale'
          ? { 'openphone-signature': legacySignatureHeader(body, key, Date.now() - 600_000) }
          : (variant as Record<string, string>);
    const response = await handler(webhookRequestEvent(body, headers));
    expect(response.statusCode).toBe(401);
    expect(parse(response.body)).toEqual({ error: reason });
    expect(stored.size).toBe(0);
  });

  it('answers 400 invalid_json for a signed body that is not JSON', async () => {
    const { handler } = inMemoryIntake([key]);
    const body = '{"id": "EV1", ';
    const response = await handler(
      webhookRequestEvent(body, { 'openphone-signature': legacySignatureHeader(body, key) }),
    );
    expect(response.statusCode).toBe(400);
    expect(parse(response.body)).toMatchObject({ error: 'invalid_json' });
  });

  it('answers 400 invalid_envelope naming the field for JSON that is not an event', async () => {
    const { handler } = inMemoryIntake([key]);
    const body = JSON.stringify({ id: 'EV1', data: { object: {} } });
    const response = await handler(
      webhookRequestEvent(body, { 'openphone-signature': legacySignatureHeader(body, key) }),
    );
    expect(response.statusCode).toBe(400);
    expect(parse(response.body)).toMatchObject({
      error: 'invalid_envelope',
      message: expect.stringContaining('type'),
    });
  });

  it('answers 413 for a body above the limit without verifying or storing it', async () => {
    const { handler, stored } = inMemoryIntake([key]);
    const body = JSON.stringify(legacyEvent({ object: { text: 'x'.repeat(5000) } }));
    const response = await handler(
      webhookRequestEvent(body, { 'openphone-signature': legacySignatureHeader(body, key) }),
    );
    expect(response.statusCode).toBe(413);
    expect(parse(response.body)).toMatchObject({ error: 'payload_too_large' });
    expect(stored.size).toBe(0);
  });

  it('answers 503 while no signing key is configured, so OpenPhone delivers again later', async () => {
    const { handler } = inMemoryIntake([]);
    const body = JSON.stringify(legacyEvent());
    const response = await handler(
      webhookRequestEvent(body, { 'openphone-signature': legacySignatureHeader(body, key) }),
    );
    expect(response.statusCode).toBe(503);
    expect(parse(response.body)).toMatchObject({ error: 'signing_keys_not_configured' });
  });

  it('re-reads the keys once when a signature fails, so a key rotated a moment ago is accepted', async () => {
    const rotated = newLegacyKey();
    const refreshed = jest.fn(async () => [key, rotated]);
    const { handler } = inMemoryIntake([key], { refreshedSigningKeys: refreshed });
    const body = JSON.stringify(legacyEvent());
    const response = await handler(
      webhookRequestEvent(body, { 'openphone-signature': legacySignatureHeader(body, rotated) }),
    );
    expect(response.statusCode).toBe(202);
    expect(refreshed).toHaveBeenCalledTimes(1);
  });

  it('answers 500 without a stack trace when the store fails, so OpenPhone retries', async () => {
    const { handler } = inMemoryIntake([key], {
      recordEventOnce: async () => {
        throw new Error('ProvisionedThroughputExceeded at /var/task/index.js:1:1');
      },
    });
    const body = JSON.stringify(legacyEvent());
    const response = await handler(
      webhookRequestEvent(body, { 'openphone-signature': legacySignatureHeader(body, key) }),
    );
    expect(response.statusCode).toBe(500);
    expect(response.body).toBe(JSON.stringify({ error: 'internal_error' }));
  });
});

describe('ingest metrics', () => {
  const key = newLegacyKey();

  it('counts a 401 as WebhooksUnauthorized (the alarm’s metric) besides its rejection reason', async () => {
    const { handler } = inMemoryIntake([key]);
    const counted = jest.spyOn(metrics, 'addMetric');
    const body = JSON.stringify(legacyEvent());
    await handler(
      webhookRequestEvent(body, { 'openphone-signature': legacySignatureHeader(body, newLegacyKey()) }),
    );
    expect(counted).toHaveBeenCalledWith(bridgeMetrics.ingest.unauthorized, 'Count', 1);
    counted.mockClear();
    await handler(webhookRequestEvent(body, { 'openphone-signature': legacySignatureHeader(body, key) }));
    expect(counted.mock.calls).toEqual([[bridgeMetrics.ingest.accepted, 'Count', 1]]);
    counted.mockRestore();
  });

  it('counts a test delivery as WebhookTestDeliveries, not as a rejection or an unauthorized call', async () => {
    const { handler } = inMemoryIntake([key]);
    const counted = jest.spyOn(metrics, 'addMetric');
    const body = JSON.stringify(legacyEvent({ id: '' }));
    await handler(webhookRequestEvent(body, { 'openphone-signature': legacySignatureHeader(body, key) }));
    expect(counted.mock.calls).toEqual([[bridgeMetrics.ingest.test, 'Count', 1]]);
    counted.mockRestore();
  });
});
