// `npm run bench`: every figure beside its baseline, measured in the same run on this machine.
import { cpus } from 'node:os';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { synthBridgeStack } from '../local/synth';
import { benchApiRead } from './api-read';
import { benchApiSend } from './api-send';
import { benchImport } from './import';
import { benchCampaign, campaignBenchOptionsFromEnvironment } from './campaign';
import { benchConsent } from './consent';
import { benchCost } from './cost';
import { measureWriteUnits, writeUnitRows } from './write-units';
import { campaignUnitRows, measureCampaignUnits } from './campaign-write-units';
import { benchE2e } from './e2e-load';
import { benchMigration } from './migration';
import { benchIngest } from './ingest';
import { benchRateLimit } from './rate-limit';
import { printTable, type BenchRow } from './report';
import { sectionsFromEnvironment } from './sections';

async function main(): Promise<void> {
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  console.log(
    `OpenPhone Bridge benchmarks — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}\n`,
  );
  const seconds = Number(process.env.BENCH_SECONDS ?? 30);
  const only = sectionsFromEnvironment();
  const rows: BenchRow[] = only.has('ingest') ? [...(await benchIngest())] : [];
  if (only.has('consent')) rows.push(...benchConsent());
  const dynamo = await startDynamoDbLocal();
  try {
    const { template } = synthBridgeStack();
    if (only.has('rate-limit')) rows.push(...(await benchRateLimit(dynamo.endpoint, template, seconds)));
    if (only.has('import')) rows.push(...(await benchImport(dynamo.endpoint, template)));
    if (only.has('campaign'))
      rows.push(...(await benchCampaign(dynamo.endpoint, template, campaignBenchOptionsFromEnvironment())));
    if (only.has('cost')) {
      const measured = await measureWriteUnits(dynamo.endpoint, template);
      const campaign = await measureCampaignUnits(dynamo.endpoint, template);
      rows.push(
        ...writeUnitRows(measured),
        ...campaignUnitRows(campaign),
        ...benchCost(template, { ...measured, campaign }),
      );
    }
    if (only.has('api-read')) rows.push(...(await benchApiRead(dynamo.endpoint, template)));
    if (only.has('e2e')) rows.push(...(await benchE2e(dynamo.endpoint, template)));
    if (only.has('api-send')) rows.push(...(await benchApiSend(dynamo.endpoint, template)));
    if (only.has('migration')) rows.push(...(await benchMigration(dynamo.endpoint, template)));
  } finally {
    await dynamo.stop();
  }
  printTable(rows);
}

main().catch((error: Error) => {
  console.error(`bench failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
