/**
 * zod's small build, for the modules on a Lambda's start-up path (everything the ingest loads).
 * Import it as `import * as z from '../shared/zod-mini'`: the same schemas, types and parsing as
 * `zod`, written as functions (`z.optional(z.string().check(z.maxLength(40)))`) so a bundle carries
 * only what it uses. The full build's methods reach every schema kind, cannot be tree-shaken and cost
 * the ingest about a third of its cold module load (docs/benchmarks.md).
 *
 * Issues carry zod's English messages, as with the full build. `package.json` lists this file under
 * `sideEffects`, so bundling keeps the `config` call even where only the re-exports are used.
 */
import { config } from 'zod/mini';
import { en } from 'zod/locales';

config(en());

export * from 'zod/mini';
