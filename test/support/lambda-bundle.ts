import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bridgeBundling, type TracingMode } from '../../lib/bridge-function';

/**
 * Builds Lambda bundles as the stack does (lib/bridge-function.ts's esbuild options) into a
 * temporary directory: `bundleOf` answers the file, `remove` deletes them all.
 */
export function lambdaBundles() {
  const outDir = mkdtempSync(path.join(tmpdir(), 'bridge-bundles-'));
  return {
    /** `entry` under lambdas/, e.g. `events/process/handler.ts`. */
    async bundleOf(entry: string, tracing: TracingMode = 'off'): Promise<string> {
      const options = bridgeBundling(tracing);
      const outfile = path.join(outDir, tracing, entry.replace(/\W/g, '-'), 'index.js');
      await build({
        entryPoints: [path.join(__dirname, '../../lambdas', entry)],
        outfile,
        bundle: true,
        platform: 'node',
        minify: options.minify,
        target: options.target,
        format: 'cjs',
        mainFields: options.mainFields,
        define: options.define,
        logLevel: 'silent',
      });
      return outfile;
    },
    remove: () => rmSync(outDir, { recursive: true, force: true }),
  };
}
