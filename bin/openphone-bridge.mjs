#!/usr/bin/env node
// `openphone-bridge …` (`npx openphone-bridge …`): the operator CLI of an installed package. The CLI
// is TypeScript, run by tsx like `npm run cli`; this launcher finds tsx and cli/index.ts beside
// itself, so it works from the repository and from node_modules alike.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
let tsx;
try {
  tsx = createRequire(join(packageRoot, 'package.json')).resolve('tsx/cli');
} catch {
  process.stderr.write('error: openphone-bridge needs tsx to run its TypeScript CLI: npm install tsx\n');
  process.exit(1);
}
const child = spawn(process.execPath, [tsx, join(packageRoot, 'cli', 'index.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
