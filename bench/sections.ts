// Which `npm run bench` sections run: `BENCH_ONLY`.

export const benchSections = [
  'ingest',
  'consent',
  'rate-limit',
  'import',
  'campaign',
  'cost',
  'api-read',
  'e2e',
  'api-send',
  'migration',
] as const;

/** `BENCH_ONLY=import,campaign` runs those sections only; every section when unset. */
export function sectionsFromEnvironment(env = process.env): Set<string> {
  if (!env.BENCH_ONLY) return new Set(benchSections);
  const chosen = env.BENCH_ONLY.split(',').map((s) => s.trim());
  const unknown = chosen.filter((s) => !(benchSections as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new Error(
      `BENCH_ONLY: unknown section ${unknown.join(', ')} (sections: ${benchSections.join(', ')})`,
    );
  return new Set(chosen);
}
