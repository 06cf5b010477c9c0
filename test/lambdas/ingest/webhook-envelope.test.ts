import fc from 'fast-check';
import {
  anyEnvelope,
  anyEnvelopeOf,
  envelopeSchemas,
  isLegacyEnvelope,
  isStandardEnvelope,
  readEnvelope,
} from '../../../lambdas/ingest/domain/webhook-envelope';

const routed = () => true;

describe('a routed delivery', () => {
  const payload = fc.oneof(
    fc.dictionary(fc.string(), fc.jsonValue()),
    fc.jsonValue(),
    fc.constant({ constructor: 'x', __proto__: 1 }),
  );
  const field = fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 210 }).filter((s) => s.trim() !== '') /* a blank id is a test delivery */,
    fc.integer(),
    fc.constant('event'),
  );
  const envelope = fc.record(
    {
      id: field,
      object: field,
      apiVersion: field,
      createdAt: field,
      timestamp: field,
      type: fc.oneof(fc.constant('message.received'), fc.string({ maxLength: 3 })),
      data: fc.oneof(
        fc.record({ object: payload }, { requiredKeys: [] }),
        fc.record({ resource: payload, context: payload, links: payload }, { requiredKeys: [] }),
        payload,
      ),
    },
    { requiredKeys: ['type', 'data'] },
  );

  it('is accepted exactly when the legacy or the Standard Webhooks envelope schema parses it', () => {
    fc.assert(
      fc.property(envelope, (candidate) => {
        // As the ingest reads it: JSON text parsed.
        const body: unknown = JSON.parse(JSON.stringify(candidate));
        const read = readEnvelope(body, 'msg_1', routed);
        const typed =
          typeof (body as { type?: unknown }).type === 'string' && (body as { type: string }).type !== '';
        if (!typed) return !read.ok;
        const { legacy, standard } = envelopeSchemas();
        const schemasAccept = legacy.safeParse(body).success || standard.safeParse(body).success;
        return read.ok === schemasAccept;
      }),
      { numRuns: 2000 },
    );
  });

  it('is refused with the envelope schema’s first issue', () => {
    expect(
      readEnvelope({ id: 'EV1', type: 'message.received', data: { object: [] } }, undefined, routed),
    ).toEqual({
      ok: false,
      reason: 'data.object: Invalid input: expected record, received array',
    });
    expect(
      readEnvelope({ type: 'message.received', data: { resource: {}, links: 'x' } }, 'msg_1', routed),
    ).toEqual({ ok: false, reason: 'data.links: Invalid input: expected record, received string' });
  });

  it('keys a delivery without a body id by a webhook-id of at most 200 characters, as a body id', () => {
    const body = { type: 'message.received', data: { resource: {}, links: {} } };
    expect(readEnvelope(body, 'm'.repeat(200), routed)).toMatchObject({ ok: true });
    expect(readEnvelope(body, '😀'.repeat(200), routed)).toMatchObject({ ok: true });
    expect(readEnvelope(body, 'm'.repeat(201), routed)).toEqual({
      ok: false,
      reason: 'webhook-id: an event id of at most 200 characters',
    });
  });
});

describe('the envelope checks the ingest runs per delivery', () => {
  // Any UTF-16 text (astral characters, lone surrogates): zod measures a string in code points.
  const text = (max: number) =>
    fc.oneof(
      fc.string({ maxLength: max }),
      // Lengths up to the limit and past it, not only fast-check's small default sizes.
      fc.string({ unit: fc.constantFrom('a', 'é', '😀', '\ud800'), maxLength: max, size: 'max' }),
    );
  const payload = fc.oneof(
    fc.dictionary(fc.string(), fc.jsonValue()),
    fc.jsonValue(),
    fc.constant({ constructor: { prototype: 1 } }),
  );
  const field = (max: number) =>
    fc.oneof(fc.constant(undefined), text(max + 10), fc.integer(), fc.constant(null), fc.constant('event'));
  const body = fc.oneof(
    fc.record(
      {
        id: field(200),
        object: field(10),
        apiVersion: field(40),
        createdAt: field(64),
        timestamp: field(64),
        type: fc.oneof(text(110), fc.constant('message.received'), fc.integer()),
        data: fc.oneof(
          fc.record({ object: payload }, { requiredKeys: [] }),
          fc.record({ resource: payload, context: payload, links: payload }, { requiredKeys: [] }),
          payload,
        ),
      },
      { requiredKeys: [] },
    ),
    fc.jsonValue(),
  );
  const asDelivered = (candidate: unknown): unknown => JSON.parse(JSON.stringify(candidate) ?? 'null');

  it('accept exactly the JSON the legacy and Standard Webhooks envelope schemas accept', () => {
    const { legacy, standard } = envelopeSchemas();
    fc.assert(
      fc.property(body, (candidate) => {
        const parsed = asDelivered(candidate);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
        const fields = parsed as Record<string, unknown>;
        expect(isLegacyEnvelope(fields)).toBe(legacy.safeParse(parsed).success);
        expect(isStandardEnvelope(fields)).toBe(standard.safeParse(parsed).success);
      }),
      { numRuns: 3000 },
    );
  });

  it('read the id, type, version and times exactly as the any-envelope schema does', () => {
    fc.assert(
      fc.property(body, (candidate) => {
        const parsed = asDelivered(candidate);
        const schema = anyEnvelope.safeParse(parsed);
        expect(anyEnvelopeOf(parsed)).toEqual(schema.success ? schema.data : undefined);
      }),
      { numRuns: 3000 },
    );
  });
});
