import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { CfnTemplate } from '../local/cfn-tables';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import type { BenchRow } from './report';
import { benchSections, type BenchSection } from './sections';

/**
 * Each bench section in a process of its own with a DynamoDB Local of its own, so that what one
 * section leaves behind (51k imported records, a warm JVM heap, Node's garbage) weighs on no other:
 * a whole run prints what each section prints alone. Its rows come back over the IPC channel.
 */

/** The sections that need no DynamoDB Local and no template. */
const standalone: ReadonlySet<BenchSection> = new Set(['ingest', 'consent']);

export const sectionNeedsTemplate = (section: BenchSection) => !standalone.has(section);

// Each section's modules are loaded in its own process only, so none pays to load the others'.
async function runSection(section: BenchSection, template: () => CfnTemplate): Promise<BenchRow[]> {
  if (section === 'ingest') return (await import('./ingest')).benchIngest();
  if (section === 'consent') return (await import('./consent')).benchConsent();
  const dynamo = await startDynamoDbLocal();
  try {
    const endpoint = dynamo.endpoint;
    switch (section) {
      case 'rate-limit':
        return await (
          await import('./rate-limit')
        ).benchRateLimit(endpoint, template(), Number(process.env.BENCH_SECONDS ?? 30));
      case 'import':
        return await (await import('./import')).benchImport(endpoint, template());
      case 'campaign': {
        const { benchCampaign, campaignBenchOptionsFromEnvironment } = await import('./campaign');
        return await benchCampaign(endpoint, template(), campaignBenchOptionsFromEnvironment());
      }
      case 'cost': {
        const { measureWriteUnits, writeUnitRows } = await import('./write-units');
        const { measureCampaignUnits, campaignUnitRows } = await import('./campaign-write-units');
        const { benchCost } = await import('./cost');
        const measured = await measureWriteUnits(endpoint, template());
        const campaign = await measureCampaignUnits(endpoint, template());
        return [
          ...writeUnitRows(measured),
          ...campaignUnitRows(campaign),
          ...benchCost(template(), { ...measured, campaign }),
        ];
      }
      case 'write-units': {
        // The conversation state's extra write units: the same mix without it and with it.
        const { conversationUnitRows, measureWriteUnits, writeUnitRows } = await import('./write-units');
        const without = await measureWriteUnits(endpoint, template(), undefined, false);
        const withState = await measureWriteUnits(endpoint, template());
        writeUnitRows(without); // prints the per-type breakdown of each
        writeUnitRows(withState);
        return conversationUnitRows(without, withState);
      }
      case 'api-read':
        return await (await import('./api-read')).benchApiRead(endpoint, template());
      case 'e2e':
        return await (await import('./e2e-load')).benchE2e(endpoint, template());
      case 'api-send':
        return await (await import('./api-send')).benchApiSend(endpoint, template());
      case 'migration':
        return await (await import('./migration')).benchMigration(endpoint, template());
      case 'response-report':
        return await (await import('./response-report')).benchResponseReport(endpoint, template());
      case 'follow-up':
        return await (await import('./follow-up-latency')).benchFollowUpLatency(endpoint, template());
    }
  } finally {
    await dynamo.stop();
  }
}

/** Runs one section in a fresh process (this file's `childMain`) and returns its rows. */
export function runSectionProcess(section: BenchSection, templateFile: string): Promise<BenchRow[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Structured clone, not JSON: a row's NaN stays NaN.
    serialization: 'advanced',
    env: { ...process.env, BENCH_SECTION: section, BENCH_TEMPLATE_FILE: templateFile },
  });
  return new Promise((resolve, reject) => {
    let rows: BenchRow[] | undefined;
    child.on('message', (message) => (rows = (message as { rows: BenchRow[] }).rows));
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      rows && code === 0
        ? resolve(rows)
        : reject(
            new Error(
              `section ${section} ${signal ? `was killed (${signal})` : `exited with code ${code}`}${rows ? '' : ' before sending its figures'}`,
            ),
          ),
    );
  });
}

export interface SectionOutcome {
  section: BenchSection;
  seconds: number;
  rows: BenchRow[];
  /** Why the section gave no figures; the others still run. */
  failure?: string;
}

/** Runs the sections one after another, each by `run`; a failed one is named and the rest still run. */
export async function runSections(
  sections: Iterable<BenchSection>,
  run: (section: BenchSection) => Promise<BenchRow[]>,
  onDone: (outcome: SectionOutcome) => void = () => undefined,
): Promise<SectionOutcome[]> {
  const outcomes: SectionOutcome[] = [];
  for (const section of sections) {
    const started = Date.now();
    let outcome: SectionOutcome;
    try {
      outcome = { section, seconds: 0, rows: await run(section) };
    } catch (error) {
      outcome = { section, seconds: 0, rows: [], failure: (error as Error).message };
    }
    outcome.seconds = (Date.now() - started) / 1000;
    outcomes.push(outcome);
    onDone(outcome);
  }
  return outcomes;
}

async function childMain(section: string, templateFile: string): Promise<void> {
  if (!(benchSections as readonly string[]).includes(section)) throw new Error(`no bench section ${section}`);
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  let template: CfnTemplate | undefined;
  const rows = await runSection(section as BenchSection, () => {
    template ??= JSON.parse(readFileSync(templateFile, 'utf8')) as CfnTemplate;
    return template;
  });
  await new Promise<void>((resolve, reject) =>
    process.send!({ rows }, (error: Error | null) => (error ? reject(error) : resolve())),
  );
}

if (require.main === module && process.env.BENCH_SECTION) {
  childMain(process.env.BENCH_SECTION, process.env.BENCH_TEMPLATE_FILE ?? '').then(
    // Exit rather than wait for what a section leaves open (keep-alive sockets, timers).
    () => process.exit(0),
    (error: Error) => {
      console.error(`bench section ${process.env.BENCH_SECTION} failed: ${error.stack ?? error.message}`);
      process.exit(1);
    },
  );
}
