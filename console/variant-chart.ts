import { chartFigure, chartLegend } from './chart-frame';
import { html, type Html } from './html';

/** A share with its 95% Wilson score interval: honest for small counts and rates near 0 or 1. */
export function wilsonInterval(
  successes: number,
  trials: number,
  z = 1.96,
): { rate: number; low: number; high: number } | undefined {
  if (trials <= 0) return undefined;
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / (1 + z2 / trials);
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface ChartVariant {
  variantId: string;
  sent: number;
  delivered: number;
  replied: number;
  optedOut: number;
}

const metrics = [
  ['delivered', 'Delivered'],
  ['replied', 'Replied'],
  ['optedOut', 'Opted out'],
] as const;

const palette = ['#1f6feb', '#d97706', '#16a34a', '#9333ea', '#dc2626', '#0891b2'];
const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * Grouped bars per outcome (share of messages sent), one bar per variant with its 95% interval as
 * a whisker. Server-rendered SVG: no script, and the table beside it holds the same numbers.
 */
export function variantChart(variants: readonly ChartVariant[]): Html {
  const width = 640;
  const height = 260;
  const left = 48;
  const bottom = 40;
  const top = 16;
  const plotHeight = height - top - bottom;
  const groupWidth = (width - left - 16) / metrics.length;
  const barWidth = Math.min(48, (groupWidth - 24) / Math.max(1, variants.length));
  const y = (share: number) => top + plotHeight * (1 - share);
  const bars = metrics.flatMap(([key, label], m) =>
    variants.map((v, i) => {
      const interval = wilsonInterval(v[key], v.sent);
      const x = left + m * groupWidth + 12 + i * barWidth;
      const colour = palette[i % palette.length]!;
      const title = interval
        ? `Variant ${v.variantId}, ${label.toLowerCase()}: ${percent(interval.rate)} (95% CI ${percent(interval.low)}–${percent(interval.high)}) of ${v.sent} sent`
        : `Variant ${v.variantId}, ${label.toLowerCase()}: nothing sent yet`;
      if (!interval)
        return html`<g class="bar" data-variant="${v.variantId}"
          ><title>${title}</title
          ><rect x="${x + 2}" y="${y(0) - 1}" width="${barWidth - 4}" height="1" fill="${colour}"></rect
        ></g>`;
      const centre = x + barWidth / 2;
      return html`<g class="bar" data-variant="${v.variantId}"
        ><title>${title}</title
        ><rect
          x="${x + 2}"
          y="${y(interval.rate)}"
          width="${barWidth - 4}"
          height="${Math.max(0, y(0) - y(interval.rate))}"
          fill="${colour}"
        ></rect
        ><line
          x1="${centre}"
          x2="${centre}"
          y1="${y(interval.high)}"
          y2="${y(interval.low)}"
          stroke="#111"
          stroke-width="1.5"
        ></line
        ><line
          x1="${centre - 6}"
          x2="${centre + 6}"
          y1="${y(interval.high)}"
          y2="${y(interval.high)}"
          stroke="#111"
        ></line
        ><line
          x1="${centre - 6}"
          x2="${centre + 6}"
          y1="${y(interval.low)}"
          y2="${y(interval.low)}"
          stroke="#111"
        ></line
      ></g>`;
    }),
  );
  const ticks = [0, 0.25, 0.5, 0.75, 1].map(
    (t) =>
      html`<g class="tick"
        ><line x1="${left}" x2="${width - 8}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"></line
        ><text x="${left - 6}" y="${y(t) + 4}" text-anchor="end">${`${t * 100}%`}</text></g
      >`,
  );
  const labels = metrics.map(
    ([, label], m) =>
      html`<text
        x="${left + m * groupWidth + groupWidth / 2}"
        y="${height - bottom + 18}"
        text-anchor="middle"
        >${label}</text
      >`,
  );
  const legend = chartLegend(
    variants.map(
      (v, i) => [palette[i % palette.length]!, `Variant ${v.variantId} (${v.sent} sent)`] as const,
    ),
    left,
    height,
    160,
  );
  return chartFigure({
    id: 'chart-title',
    width,
    height,
    title:
      'Share of messages sent that were delivered, replied to and opted out, per variant, with 95% confidence intervals',
    caption: 'Bars: share of messages sent; whiskers: 95% confidence interval (Wilson).',
    content: [...ticks, ...bars, ...labels, ...legend],
  });
}
