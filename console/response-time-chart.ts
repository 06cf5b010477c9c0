import type { ResponseTimeRow } from './crm-api-client';
import { chartFigure, chartLegend } from './chart-frame';
import { html, type Html } from './html';

export type ChartDay = Pick<
  ResponseTimeRow,
  'day' | 'answered' | 'p50Minutes' | 'p90Minutes' | 'withinTarget'
>;

const colours = { p50: '#1f6feb', p90: '#d97706', within: '#bbf7d0' };

/** A round ceiling for the minutes axis: 5, 10, 15, 30, 60, 120, … */
function niceCeiling(minutes: number): number {
  for (const step of [5, 10, 15, 30, 60, 120, 240, 480, 960, 1440]) if (minutes <= step) return step;
  return Math.ceil(minutes / 1440) * 1440;
}

/** `days: false` for business time, whose days are not 24 hours. */
export function minutesLabel(minutes: number | null, options: { days?: boolean } = {}): string {
  if (minutes === null) return '–';
  const whole = Math.round(minutes);
  if (whole < 60) return `${whole} min`;
  if (whole < 1440 || options.days === false)
    return `${Math.floor(whole / 60)} h ${String(whole % 60).padStart(2, '0')} min`;
  return `${Math.floor(whole / 1440)} d ${Math.floor((whole % 1440) / 60)} h`;
}

/** An axis tick: minutes below an hour, else hours (1.5 h). */
const tickLabel = (minutes: number) =>
  minutes < 60 ? `${Math.round(minutes)} min` : `${Number((minutes / 60).toFixed(1))} h`;

/**
 * One line's days: p50 and p90 business minutes to the first response as lines (left axis), the
 * share answered within the target as bars behind them (right axis). Server-rendered SVG like the
 * campaign chart; a day with nothing answered has no point and no bar. `id` keeps titles unique.
 */
export function responseTimeChart(
  id: string,
  label: string,
  days: readonly ChartDay[],
  targetMinutes: number,
): Html {
  const width = 640;
  const height = 260;
  const left = 56;
  const right = 48;
  const top = 16;
  const bottom = 44;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const slot = plotWidth / Math.max(1, days.length);
  const highest = Math.max(targetMinutes, ...days.map((d) => d.p90Minutes ?? 0));
  const ceiling = niceCeiling(highest);
  const x = (i: number) => left + slot * i + slot / 2;
  const yMinutes = (m: number) => top + plotHeight * (1 - Math.min(m, ceiling) / ceiling);
  const yShare = (s: number) => top + plotHeight * (1 - s);

  const bars = days.map((d, i) => {
    if (d.answered === 0) return html``;
    const share = d.withinTarget / d.answered;
    return html`<rect
      class="within"
      data-day="${d.day}"
      x="${x(i) - slot * 0.35}"
      y="${yShare(share)}"
      width="${slot * 0.7}"
      height="${Math.max(0, yShare(0) - yShare(share))}"
      fill="${colours.within}"
      ><title>
        ${d.day}: ${`${Math.round(share * 100)}%`} of ${d.answered} answered within ${targetMinutes} min
      </title></rect
    >`;
  });
  const line = (key: 'p50Minutes' | 'p90Minutes', colour: string, name: string) => {
    const points = days.flatMap((d, i) => (d[key] === null ? [] : [{ d, i, m: d[key] }]));
    // Break the line over days with nothing answered.
    const path = points
      .map(
        (p, n) =>
          `${n > 0 && points[n - 1]!.i === p.i - 1 ? 'L' : 'M'}${x(p.i).toFixed(1)},${yMinutes(p.m).toFixed(1)}`,
      )
      .join(' ');
    return html`<g class="${key === 'p50Minutes' ? 'p50' : 'p90'}"
      ><path d="${path}" fill="none" stroke="${colour}" stroke-width="2"></path>${points.map(
        (p) =>
          html`<circle cx="${x(p.i)}" cy="${yMinutes(p.m)}" r="3.5" fill="${colour}" data-day="${p.d.day}"
            ><title>${p.d.day}: ${name} ${minutesLabel(p.m)} (${p.d.answered} answered)</title></circle
          >`,
      )}</g
    >`;
  };
  const ticks = [0, 0.25, 0.5, 0.75, 1].map(
    (t) =>
      html`<g class="tick"
        ><line x1="${left}" x2="${width - right}" y1="${yShare(t)}" y2="${yShare(t)}" stroke="#ddd"></line
        ><text x="${left - 6}" y="${yShare(t) + 4}" text-anchor="end">${tickLabel(ceiling * t)}</text
        ><text x="${width - right + 6}" y="${yShare(t) + 4}">${`${t * 100}%`}</text></g
      >`,
  );
  const target = html`<line
    class="target"
    x1="${left}"
    x2="${width - right}"
    y1="${yMinutes(targetMinutes)}"
    y2="${yMinutes(targetMinutes)}"
    stroke="#dc2626"
    stroke-dasharray="4 3"
    ><title>Reply target: ${targetMinutes} business minutes</title></line
  >`;
  const every = Math.max(1, Math.ceil(days.length / 8));
  const dayLabels = days.map((d, i) =>
    i % every === 0
      ? html`<text x="${x(i)}" y="${height - bottom + 16}" text-anchor="middle">${d.day.slice(5)}</text>`
      : html``,
  );
  const legend = chartLegend(
    [
      [colours.p50, 'p50'],
      [colours.p90, 'p90'],
      [colours.within, 'answered within target (right axis)'],
    ],
    left,
    height,
    120,
  );
  return chartFigure({
    id: `${id}-title`,
    width,
    height,
    title: `${label}: daily median (p50) and 90th percentile (p90) business minutes to the first response, and the share answered within ${targetMinutes} minutes`,
    caption: `${label}. Lines: business minutes to the first response (left axis; dashed: the ${targetMinutes}-minute target). Bars: share answered within the target (right axis).`,
    content: [
      ...ticks,
      ...bars,
      target,
      line('p50Minutes', colours.p50, 'p50'),
      line('p90Minutes', colours.p90, 'p90'),
      ...dayLabels,
      ...legend,
    ],
  });
}
