// `npm run bench`: every figure beside its baseline, measured in the same run on this machine.
import { cpus } from 'node:os';
import { benchIngest } from './ingest';
import { printTable, type BenchRow } from './report';

async function main(): Promise<void> {
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  console.log(
    `OpenPhone Bridge benchmarks — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}\n`,
  );
  const rows: BenchRow[] = [...(await benchIngest())];
  printTable(rows);
}

main().catch((error: Error) => {
  console.error(`bench failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
