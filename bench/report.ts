/** One row of the benchmark table: a figure beside its baseline, measured in the same run. */
export interface BenchRow {
  section: string;
  measure: string;
  value: number;
  baseline: number;
  unit: string;
  /** What the ratio value/baseline should stay under (or over, with higherIsBetter). */
  aim?: number;
  higherIsBetter?: boolean;
  baselineLabel: string;
}

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

export function printTable(rows: BenchRow[]): void {
  const lines = rows.map((r) => {
    const ratio = r.baseline === 0 ? NaN : r.value / r.baseline;
    const met =
      r.aim === undefined ? '' : (r.higherIsBetter ? ratio >= r.aim : ratio <= r.aim) ? 'yes' : 'NO';
    return [
      r.section,
      r.measure,
      `${fmt(r.value)} ${r.unit}`,
      `${fmt(r.baseline)} ${r.unit} (${r.baselineLabel})`,
      Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '—',
      r.aim === undefined ? '' : `${r.higherIsBetter ? '≥' : '≤'} ${r.aim}× ${met}`,
    ];
  });
  const header = ['section', 'measure', 'value', 'baseline', 'ratio', 'aim met'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(row(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(row(l));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The p-th percentile (0–100) of some values, nearest rank; NaN when there are none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
