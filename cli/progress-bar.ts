/**
 * `[############------------]  50%  5/10`: a text progress bar for a terminal line. The bar is
 * full only when everything is done (rounded down), so 999 of 1000 never looks finished.
 */
export function progressBar(done: number, total: number, width = 30): string {
  if (!Number.isInteger(done) || !Number.isInteger(total) || done < 0 || total < 0)
    throw new RangeError(`progress needs whole, non-negative counts, got ${done}/${total}`);
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`bar width must be ≥ 1, got ${width}`);
  const shown = Math.min(done, total);
  const share = total === 0 ? 1 : shown / total;
  const filled = Math.floor(share * width);
  const percent = Math.floor(share * 100);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(percent).padStart(3)}%  ${shown}/${total}`;
}
