import { html, type Html } from './html';

/** An SVG chart in its figure: a titled, scalable image with a caption, as every console chart is drawn. */
export function chartFigure(chart: {
  id: string;
  width: number;
  height: number;
  title: string;
  caption: Html | string;
  content: Html[];
}): Html {
  return html`<figure class="chart">
    <svg
      role="img"
      aria-labelledby="${chart.id}"
      viewBox="0 0 ${chart.width} ${chart.height}"
      width="100%"
      preserveAspectRatio="xMinYMin meet"
    >
      <title id="${chart.id}">${chart.title}</title>
      ${chart.content}
    </svg>
    <figcaption>${chart.caption}</figcaption>
  </figure>`;
}

/** A row of colour swatches and their names along the chart's bottom edge. */
export function chartLegend(
  entries: readonly (readonly [colour: string, name: string])[],
  left: number,
  bottom: number,
  spacing: number,
): Html[] {
  return entries.map(
    ([colour, name], i) =>
      html`<g
        ><rect x="${left + i * spacing}" y="${bottom - 14}" width="12" height="12" fill="${colour}"></rect
        ><text x="${left + i * spacing + 16}" y="${bottom - 4}">${name}</text></g
      >`,
  );
}
