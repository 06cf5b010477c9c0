// `npm run cli -- <command>`: the operator CLI. `npm run cli -- --help` lists the commands.
import { runCli } from './program';
import { localTarget } from './local-target';
import { stdout } from './output';
import { awsClients, stackTarget } from './stack-target';

runCli(process.argv.slice(2), {
  out: stdout,
  err: (text) => process.stderr.write(`${text}\n`),
  resolveTarget: async (options) =>
    options.stack ? stackTarget(options.stack, awsClients(options)) : localTarget(options.replicaFile),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
