/** One line of the chart: a configuration's total monthly cost at each load. */
export interface ChartSeries {
  readonly name: string;
  readonly points: readonly { readonly eventsPerSecond: number; readonly monthlyUsd: number }[];
}

/** Loads the chart covers by default: 100 to 100,000 events/s, 1-2-5 steps (log scale). */
export const CHART_LOADS: readonly number[] = [100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

/**
 * The loads to chart around a chosen one: 1-2-5 steps over the decades from 100 (or below the
 * chosen load) to 100,000 (or above it), and the chosen load itself.
 */
export function chartLoads(eventsPerSecond: number): number[] {
  if (!Number.isFinite(eventsPerSecond) || eventsPerSecond <= 0) throw new RangeError(`a load must be a positive number, got ${eventsPerSecond}`);
  const from = Math.min(2, Math.floor(Math.log10(eventsPerSecond)));
  const to = Math.max(5, Math.ceil(Math.log10(eventsPerSecond)));
  const loads = new Set<number>();
  for (let d = from; d <= to; d++) {
    for (const m of d === to ? [1] : [1, 2, 5]) loads.add(Number((m * 10 ** d).toPrecision(12)));
  }
  loads.add(eventsPerSecond);
  return [...loads].sort((a, b) => a - b);
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];
const FONT_SIZE = 12;
const TITLE_FONT_SIZE = 15;
/**
 * Width of a character as a share of the font size: an upper estimate for sans-serif text
 * (digits and most letters are narrower), so that boxes sized with it hold their text.
 */
const CHAR_WIDTH_EM = 0.6;
const PLOT = { left: 80, top: 60, width: 490, height: 390 };
const LEGEND = { gap: 20, padding: 10, swatch: 20, swatchGap: 6, row: 22 };
const EDGE = 20;

/** Estimated width in pixels of `text` at `fontSize`. */
function textWidth(text: string, fontSize: number = FONT_SIZE): number {
  return text.length * fontSize * CHAR_WIDTH_EM;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function label(value: number, prefix = ''): string {
  if (value >= 1e6) return `${prefix}${(value / 1e6).toLocaleString('en-US')}M`;
  if (value >= 1000) return `${prefix}${(value / 1000).toLocaleString('en-US')}k`;
  return `${prefix}${Number(value.toPrecision(6))}`;
}

/**
 * A hand-written SVG line chart: x = events per second, y = total monthly USD, both on log scales
 * (decades), one polyline with markers per configuration, a legend in a box beside the plot, and —
 * with `chosen` — a dashed line and a ring on every configuration at the load that was priced.
 * The picture is as wide as its title and legend need.
 */
export function renderChart(series: readonly ChartSeries[], title: string, chosen?: { readonly eventsPerSecond: number }): string {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) throw new RangeError('the chart needs at least one point');
  const xMin = Math.floor(Math.log10(Math.min(...all.map((p) => p.eventsPerSecond))));
  const xMax = Math.ceil(Math.log10(Math.max(...all.map((p) => p.eventsPerSecond))));
  const yMin = Math.floor(Math.log10(Math.min(...all.map((p) => Math.max(p.monthlyUsd, 0.01)))));
  const yMax = Math.max(yMin + 1, Math.ceil(Math.log10(Math.max(...all.map((p) => p.monthlyUsd)))));
  const right = PLOT.left + PLOT.width;
  const bottom = PLOT.top + PLOT.height;
  const x = (v: number): number => PLOT.left + ((Math.log10(v) - xMin) / Math.max(1, xMax - xMin)) * PLOT.width;
  const y = (v: number): number => bottom - ((Math.log10(Math.max(v, 0.01)) - yMin) / (yMax - yMin)) * PLOT.height;
  const f = (n: number): string => n.toFixed(1);

  const chosenLabel = chosen ? `priced load: ${chosen.eventsPerSecond.toLocaleString('en-US')} events/s` : undefined;
  const entries = [...series.map((s) => s.name), ...(chosenLabel ? [chosenLabel] : [])];
  const legendX = right + LEGEND.gap;
  const legendY = PLOT.top;
  const legendWidth = 2 * LEGEND.padding + LEGEND.swatch + LEGEND.swatchGap + Math.max(...entries.map((e) => textWidth(e)));
  const legendHeight = 2 * LEGEND.padding + entries.length * LEGEND.row - (LEGEND.row - FONT_SIZE);
  const width = Math.ceil(Math.max(legendX + legendWidth + EDGE, textWidth(title, TITLE_FONT_SIZE) + 2 * EDGE));
  const height = Math.ceil(Math.max(bottom + 60, legendY + legendHeight + EDGE));

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="${FONT_SIZE}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="${TITLE_FONT_SIZE}">${escapeXml(title)}</text>`,
  ];
  for (let d = xMin; d <= xMax; d++) {
    const px = f(x(10 ** d));
    parts.push(
      `<line class="x-grid" data-value="${10 ** d}" x1="${px}" y1="${PLOT.top}" x2="${px}" y2="${bottom}" stroke="#ddd"/>`,
      `<text x="${px}" y="${bottom + 18}" text-anchor="middle">${label(10 ** d)}</text>`,
    );
  }
  for (let d = yMin; d <= yMax; d++) {
    const py = f(y(10 ** d));
    parts.push(
      `<line class="y-grid" data-value="${10 ** d}" x1="${PLOT.left}" y1="${py}" x2="${right}" y2="${py}" stroke="#ddd"/>`,
      `<text x="${PLOT.left - 8}" y="${py}" text-anchor="end" dominant-baseline="middle">${escapeXml(label(10 ** d, '$'))}</text>`,
    );
  }
  parts.push(
    `<rect class="plot" x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.width}" height="${PLOT.height}" fill="none" stroke="#333"/>`,
    `<text x="${PLOT.left + PLOT.width / 2}" y="${bottom + 42}" text-anchor="middle">events per second (log scale)</text>`,
    `<text x="20" y="${PLOT.top + PLOT.height / 2}" text-anchor="middle" transform="rotate(-90 20 ${PLOT.top + PLOT.height / 2})">USD per month (log scale)</text>`,
  );
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const points = s.points.map((p) => `${f(x(p.eventsPerSecond))},${f(y(p.monthlyUsd))}`).join(' ');
    parts.push(`<g><title>${escapeXml(s.name)}</title><polyline fill="none" stroke="${color}" stroke-width="2" points="${points}"/>`);
    for (const p of s.points) {
      parts.push(`<circle cx="${f(x(p.eventsPerSecond))}" cy="${f(y(p.monthlyUsd))}" r="3" fill="${color}"><title>${escapeXml(`${s.name}: ${p.eventsPerSecond} events/s → $${p.monthlyUsd.toFixed(2)}/month`)}</title></circle>`);
    }
    parts.push('</g>');
  });

  if (chosen) {
    const px = f(x(chosen.eventsPerSecond));
    parts.push(
      `<g class="load-marker" data-events-per-second="${chosen.eventsPerSecond}">`,
      `<line x1="${px}" y1="${PLOT.top}" x2="${px}" y2="${bottom}" stroke="#333" stroke-width="1.5" stroke-dasharray="5 3"/>`,
    );
    series.forEach((s, i) => {
      const point = s.points.find((p) => p.eventsPerSecond === chosen.eventsPerSecond);
      if (!point) throw new RangeError(`${s.name} has no point at the chosen load of ${chosen.eventsPerSecond} events/s`);
      parts.push(
        `<circle data-series="${escapeXml(s.name)}" data-monthly-usd="${point.monthlyUsd.toFixed(2)}" cx="${px}" cy="${f(y(point.monthlyUsd))}" r="6" fill="white" stroke="${COLORS[i % COLORS.length]!}" stroke-width="2.5">` +
          `<title>${escapeXml(`${s.name} at ${chosen.eventsPerSecond.toLocaleString('en-US')} events/s: $${point.monthlyUsd.toFixed(2)}/month`)}</title></circle>`,
      );
    });
    parts.push('</g>');
  }

  parts.push(
    '<g class="legend">',
    `<rect class="legend-box" x="${f(legendX)}" y="${f(legendY)}" width="${f(legendWidth)}" height="${f(legendHeight)}" fill="white" stroke="#999"/>`,
  );
  entries.forEach((entry, i) => {
    const ly = legendY + LEGEND.padding + FONT_SIZE / 2 + i * LEGEND.row;
    const lx = legendX + LEGEND.padding;
    const swatch =
      i < series.length
        ? `<line x1="${f(lx)}" y1="${f(ly)}" x2="${f(lx + LEGEND.swatch)}" y2="${f(ly)}" stroke="${COLORS[i % COLORS.length]!}" stroke-width="3"/>`
        : `<line x1="${f(lx + LEGEND.swatch / 2)}" y1="${f(ly - FONT_SIZE / 2)}" x2="${f(lx + LEGEND.swatch / 2)}" y2="${f(ly + FONT_SIZE / 2)}" stroke="#333" stroke-width="1.5" stroke-dasharray="5 3"/>`;
    parts.push(swatch, `<text class="legend-entry" x="${f(lx + LEGEND.swatch + LEGEND.swatchGap)}" y="${f(ly)}" dominant-baseline="middle">${escapeXml(entry)}</text>`);
  });
  parts.push('</g>', '</svg>');
  return `${parts.join('\n')}\n`;
}
