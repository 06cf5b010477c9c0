import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bridgeBundling, type TracingMode } from '../../../lib/bridge-function';

/** What only the Powertools tracer and the X-Ray SDK bring into a bundle. */
const tracerMarkers = ['aws-xray-sdk', 'AWSXRay', 'POWERTOOLS_TRACE_ENABLED'];

const outDir = mkdtempSync(path.join(tmpdir(), 'bridge-bundles-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** The bundle the stack builds for `entry`: lib/bridge-function.ts's esbuild options. */
async function bundleOf(entry: string, tracing: TracingMode): Promise<string> {
  const options = bridgeBundling(tracing);
  const outfile = path.join(outDir, tracing, entry.replace(/\W/g, '-'), 'index.js');
  await build({
    entryPoints: [path.join(__dirname, '../../../lambdas', entry)],
    outfile,
    bundle: true,
    platform: 'node',
    minify: options.minify,
    target: options.target,
    format: 'cjs',
    define: options.define,
    logLevel: 'silent',
  });
  return outfile;
}

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
