import fc from 'fast-check';
import { envelopeSchemas, readEnvelope } from '../../../lambdas/ingest/domain/webhook-envelope';

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
});
