/** `[############------------------]  40%`; an unknown fraction is a bar of `?`. Clamped to 0–100 %. */
export function fractionBar(fraction: number | undefined, width = 30): string {
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`bar width must be ≥ 1, got ${width}`);
  if (fraction === undefined || !Number.isFinite(fraction)) return `[${'?'.repeat(width)}]    ?`;
  const clamped = Math.min(1, Math.max(0, fraction));
  const filled = Math.floor(clamped * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${`${Math.floor(clamped * 100)}%`.padStart(4)}`;
}

/**
 * `[############------------]  50%  5/10`: a text progress bar for a terminal line. The bar is
 * full only when everything is done (rounded down), so 999 of 1000 never looks finished.
 */
export function progressBar(done: number, total: number, width = 30): string {
  if (!Number.isInteger(done) || !Number.isInteger(total) || done < 0 || total < 0)
    throw new RangeError(`progress needs whole, non-negative counts, got ${done}/${total}`);
  const shown = Math.min(done, total);
  return `${fractionBar(total === 0 ? 1 : shown / total, width)}  ${shown}/${total}`;
}
