// `npm run bench`: every figure beside its baseline, measured in the same run on this machine.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { synthBridgeStack } from '../local/synth';
import { printTable } from './report';
import { runSectionProcess, runSections, sectionNeedsTemplate } from './section-process';
import { applyQuickSizes, sectionsFromEnvironment } from './sections';

async function main(): Promise<void> {
  console.log(
    `OpenPhone Bridge benchmarks — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
  );
  const sections = [...sectionsFromEnvironment()];
  const quick = applyQuickSizes();
  if (quick.length > 0)
    console.log(`BENCH_QUICK: smaller sizes, not the published figures: ${quick.join(', ')}`);
  console.log(`sections, each in its own process and DynamoDB Local: ${sections.join(', ')}\n`);
  const directory = mkdtempSync(path.join(tmpdir(), 'bridge-bench-'));
  const templateFile = path.join(directory, 'template.json');
  try {
    // Synthesized once, read by every section's process.
    if (sections.some(sectionNeedsTemplate))
      writeFileSync(templateFile, JSON.stringify(synthBridgeStack().template));
    const outcomes = await runSections(
      sections,
      (section) => runSectionProcess(section, templateFile),
      ({ section, seconds, rows, failure }) => {
        console.log(
          `\n── ${section}: ${failure ? `FAILED (${failure})` : `${rows.length} figures`} in ${seconds.toFixed(0)} s`,
        );
        if (rows.length > 0) printTable(rows);
        console.log('');
      },
    );
    console.log(
      `All sections (${outcomes.map((o) => `${o.section} ${o.seconds.toFixed(0)} s`).join(', ')}):\n`,
    );
    printTable(outcomes.flatMap((o) => o.rows));
    const failed = outcomes.filter((o) => o.failure);
    if (failed.length > 0) {
      console.error(
        `\nbench: ${failed.length} section(s) failed: ${failed.map((o) => `${o.section} (${o.failure})`).join('; ')}`,
      );
      process.exitCode = 1;
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(`bench failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
