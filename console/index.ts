// `npm run console`: the operator console on http://127.0.0.1, against the local replica (default) or
// `--stack <name> [--profile] [--region]`, through the CLI's target layer and the CRM API.
import { Command, InvalidArgumentError } from 'commander';
import { describeFailure } from '../cli/errors';
import { resolveConsoleTarget } from './console-target';
import { startConsoleServer } from './server';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port number.');
  return n;
}

const program = new Command('npm run console --')
  .description('The operator console: health, contacts, campaigns, imports and sending, in a browser.')
  .option('--stack <name>', 'a deployed stack (default: the local replica of `npm start`)')
  .option('--profile <name>', 'AWS profile, with --stack')
  .option('--region <region>', 'AWS region, with --stack')
  .option('--replica-file <path>', 'the local replica description', '.local/replica.json')
  .option('--port <port>', 'the port on 127.0.0.1', port, 4000)
  .action(
    async (options: {
      stack?: string;
      profile?: string;
      region?: string;
      replicaFile: string;
      port: number;
    }) => {
      const { target, api } = await resolveConsoleTarget(options);
      const running = await startConsoleServer({
        target,
        api,
        port: options.port,
        log: (line) => console.log(line),
      });
      console.log(`Operator console for ${target.name}: ${running.url}  (127.0.0.1 only; Ctrl-C stops it)
  Log in by opening (once; the link then stops working):
    ${running.loginUrl}`);
      const stop = () => void running.stop().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
  );

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`error: ${describeFailure(error).message}`);
  process.exitCode = 1;
});
