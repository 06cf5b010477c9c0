// Which `npm run bench` sections run (`BENCH_ONLY`), and the smaller sizes of a quick run (`BENCH_QUICK`).

export const benchSections = [
  'ingest',
  'consent',
  'rate-limit',
  'import',
  'campaign',
  'cost',
  'write-units',
  'api-read',
  'e2e',
  'api-send',
  'migration',
  'response-report',
  'follow-up',
] as const;

export type BenchSection = (typeof benchSections)[number];

/** `BENCH_ONLY=import,campaign` runs those sections only; every section when unset. */
export function sectionsFromEnvironment(env = process.env): Set<BenchSection> {
  if (!env.BENCH_ONLY) return new Set(benchSections);
  const chosen = env.BENCH_ONLY.split(',').map((s) => s.trim());
  const unknown = chosen.filter((s) => !(benchSections as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new Error(
      `BENCH_ONLY: unknown section ${unknown.join(', ')} (sections: ${benchSections.join(', ')})`,
    );
  return new Set(chosen as BenchSection[]);
}

/** What `BENCH_QUICK=1` sets, unless the environment sets it already: every section in a few minutes. */
export const quickSizes: Readonly<Record<string, string>> = {
  BENCH_SECONDS: '10', // rate-limit: 2 runs of 10 s after the 5 s warm-up (default 30)
  BENCH_IMPORT_RECORDS: '5000', // default 50,000
  BENCH_CAMPAIGN_RECIPIENTS: '300', // default 5000
  BENCH_API_READ_SAMPLES: '100', // default 300
  BENCH_E2E_SECONDS: '10', // per step (default 60)
  BENCH_API_SEND_SECONDS: '5', // default 15
  BENCH_REPORT_ACTIVITIES: '10000', // response-report: default 100,000
};

/**
 * With `BENCH_QUICK=1`, fills in the quick sizes the environment leaves unset and returns the
 * sizes in force, `NAME=value` each, for the run to print; nothing (and no change) otherwise.
 */
export function applyQuickSizes(env: NodeJS.ProcessEnv = process.env): string[] {
  const quick = env.BENCH_QUICK;
  if (!quick || quick === '0') return [];
  if (quick !== '1') throw new Error(`BENCH_QUICK: 1 for a quick run, or unset; got ${quick}`);
  return Object.entries(quickSizes).map(([name, size]) => `${name}=${(env[name] ??= size)}`);
}
