import { benchSections, sectionsFromEnvironment } from '../../bench/sections';

describe('BENCH_ONLY', () => {
  it('runs every section when unset, and only the named ones when set', () => {
    expect([...sectionsFromEnvironment({})]).toEqual([...benchSections]);
    expect([...sectionsFromEnvironment({ BENCH_ONLY: 'import, campaign' })]).toEqual(['import', 'campaign']);
    expect([...sectionsFromEnvironment({ BENCH_ONLY: 'consent' })]).toEqual(['consent']);
    expect([...sectionsFromEnvironment({ BENCH_ONLY: 'e2e' })]).toEqual(['e2e']);
    expect([...sectionsFromEnvironment({ BENCH_ONLY: 'api-send' })]).toEqual(['api-send']);
  });

  it('refuses an unknown section with the list of known ones, before anything runs', () => {
    expect(() => sectionsFromEnvironment({ BENCH_ONLY: 'import,imports' })).toThrow(
      'BENCH_ONLY: unknown section imports (sections: ingest, consent, rate-limit, import, campaign, cost, api-read, e2e, api-send, migration)',
    );
  });
});
