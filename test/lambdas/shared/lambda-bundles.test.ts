import { readFileSync } from 'node:fs';
import { lambdaBundles } from '../../support/lambda-bundle';

/** What only the Powertools tracer and the X-Ray SDK bring into a bundle. */
const tracerMarkers = ['aws-xray-sdk', 'AWSXRay', 'POWERTOOLS_TRACE_ENABLED'];

const { bundleOf, remove } = lambdaBundles();
afterAll(remove);

describe('the tracer in the bundles', () => {
  it.each(['ingest/handler.ts', 'events/process/handler.ts'])(
    'is absent from %s built with tracing off, which still loads',
    async (entry) => {
      const file = await bundleOf(entry, 'off');
      const code = readFileSync(file, 'utf8');
      for (const marker of tracerMarkers) expect(code).not.toContain(marker);
      expect(() => jest.requireActual(file)).not.toThrow(); // middy accepts the stand-in middleware
    },
    60_000,
  );

  it('is in the bundle built with tracing active', async () => {
    const code = readFileSync(await bundleOf('ingest/handler.ts', 'active'), 'utf8');
    for (const marker of tracerMarkers) expect(code).toContain(marker);
  }, 60_000);
});

describe('zod in the ingest bundle', () => {
  it('is the small build only: the full one cannot be tree-shaken and slows every cold start', async () => {
    const code = readFileSync(await bundleOf('ingest/handler.ts', 'off'), 'utf8');
    expect(code).toContain('"ZodMiniObject"');
    expect(code).not.toContain('"ZodObject"'); // the full build's object schema
  }, 60_000);

  it('still explains a refused envelope in English once bundled', async () => {
    const file = await bundleOf('ingest/domain/webhook-envelope.ts', 'off');
    const { readEnvelope } =
      jest.requireActual<typeof import('../../../lambdas/ingest/domain/webhook-envelope')>(file);
    const refused = readEnvelope({ id: 'EV1', type: 7, data: { object: {} } }, undefined, () => true);
    expect(refused).toEqual({ ok: false, reason: 'type: Invalid input: expected string, received number' });
  }, 60_000);
});
