import { benchConsent } from '../../bench/consent';
import type { BenchRow } from '../../bench/report';
import { runSectionProcess, runSections } from '../../bench/section-process';
import type { BenchSection } from '../../bench/sections';

const row = (section: string): BenchRow => ({
  section,
  measure: 'm',
  value: 1,
  baseline: 1,
  unit: '',
  baselineLabel: 'b',
});

describe('bench sections, each in a process of its own', () => {
  it('runs a section in a fresh process and brings back its figures whole, as it prints them alone', async () => {
    const rows = await runSectionProcess('consent', '');
    expect(rows).toEqual(benchConsent());
  }, 120_000);

  it('reports a section whose process fails, with why', async () => {
    await expect(runSectionProcess('no-such-section' as BenchSection, '')).rejects.toThrow(
      'section no-such-section exited with code 1 before sending its figures',
    );
  }, 120_000);

  it('names a failed section and still runs the ones after it', async () => {
    const outcomes = await runSections(['ingest', 'rate-limit', 'consent'], async (section) => {
      if (section === 'rate-limit') throw new Error('the simulator exited (1)');
      return [row(section)];
    });
    expect(outcomes.map(({ section, rows, failure }) => ({ section, rows: rows.length, failure }))).toEqual([
      { section: 'ingest', rows: 1, failure: undefined },
      { section: 'rate-limit', rows: 0, failure: 'the simulator exited (1)' },
      { section: 'consent', rows: 1, failure: undefined },
    ]);
  });
});
