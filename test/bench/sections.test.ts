import { applyQuickSizes, benchSections, quickSizes, sectionsFromEnvironment } from '../../bench/sections';

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
      'BENCH_ONLY: unknown section imports (sections: ingest, consent, rate-limit, import, campaign, cost, write-units, api-read, e2e, api-send, migration, response-report)',
    );
  });
});

describe('BENCH_QUICK', () => {
  it('sets the smaller sizes and names them, leaving any size already set as it is', () => {
    const env: NodeJS.ProcessEnv = { BENCH_QUICK: '1', BENCH_CAMPAIGN_RECIPIENTS: '50' };
    const stated = applyQuickSizes(env);
    expect(env.BENCH_CAMPAIGN_RECIPIENTS).toBe('50');
    expect(env.BENCH_IMPORT_RECORDS).toBe('5000');
    expect(stated).toContain('BENCH_CAMPAIGN_RECIPIENTS=50');
    expect(stated).toContain('BENCH_IMPORT_RECORDS=5000');
    expect(stated).toHaveLength(Object.keys(quickSizes).length);
  });

  it('changes nothing when unset or 0', () => {
    for (const env of [{}, { BENCH_QUICK: '0' }] as NodeJS.ProcessEnv[]) {
      expect(applyQuickSizes(env)).toEqual([]);
      expect(env.BENCH_IMPORT_RECORDS).toBeUndefined();
    }
  });

  it('refuses any other value, naming the variable', () => {
    expect(() => applyQuickSizes({ BENCH_QUICK: 'yes' })).toThrow(
      'BENCH_QUICK: 1 for a quick run, or unset; got yes',
    );
  });
});
