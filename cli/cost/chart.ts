/** One line of the chart: a configuration's total monthly cost at each load. */
export interface ChartSeries {
  readonly name: string;
  readonly points: readonly { readonly eventsPerSecond: number; readonly monthlyUsd: number }[];
}

/** Loads the chart covers: 100 to 100,000 events/s, 1-2-5 steps (log scale). */
export const CHART_LOADS: readonly number[] = [100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];
const WIDTH = 820;
const HEIGHT = 500;
const MARGIN = { left: 80, right: 250, top: 50, bottom: 60 };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function label(value: number, prefix = ''): string {
  if (value >= 1000) return `${prefix}${(value / 1000).toLocaleString('en-US')}k`;
  return `${prefix}${value}`;
}

/**
 * A hand-written SVG line chart: x = events per second, y = total monthly USD, both on log scales
 * (decades), one polyline with markers per configuration, and a legend.
 */
export function renderChart(series: readonly ChartSeries[], title: string): string {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) throw new RangeError('the chart needs at least one point');
  const xMin = Math.floor(Math.log10(Math.min(...all.map((p) => p.eventsPerSecond))));
  const xMax = Math.ceil(Math.log10(Math.max(...all.map((p) => p.eventsPerSecond))));
  const yMin = Math.floor(Math.log10(Math.min(...all.map((p) => Math.max(p.monthlyUsd, 0.01)))));
  const yMax = Math.max(yMin + 1, Math.ceil(Math.log10(Math.max(...all.map((p) => p.monthlyUsd)))));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (v: number): number => MARGIN.left + ((Math.log10(v) - xMin) / Math.max(1, xMax - xMin)) * plotW;
  const y = (v: number): number => MARGIN.top + plotH - ((Math.log10(Math.max(v, 0.01)) - yMin) / (yMax - yMin)) * plotH;
  const f = (n: number): string => n.toFixed(1);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`,
  ];
  for (let d = xMin; d <= xMax; d++) {
    const px = f(x(10 ** d));
    parts.push(
      `<line x1="${px}" y1="${MARGIN.top}" x2="${px}" y2="${MARGIN.top + plotH}" stroke="#ddd"/>`,
      `<text x="${px}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${label(10 ** d)}</text>`,
    );
  }
  for (let d = yMin; d <= yMax; d++) {
    const py = f(y(10 ** d));
    parts.push(
      `<line x1="${MARGIN.left}" y1="${py}" x2="${MARGIN.left + plotW}" y2="${py}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 8}" y="${py}" text-anchor="end" dominant-baseline="middle">${escapeXml(label(10 ** d, '$'))}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 18}" text-anchor="middle">events per second (log scale)</text>`,
    `<text x="20" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 20 ${MARGIN.top + plotH / 2})">USD per month (log scale)</text>`,
  );
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const points = s.points.map((p) => `${f(x(p.eventsPerSecond))},${f(y(p.monthlyUsd))}`).join(' ');
    parts.push(`<g><title>${escapeXml(s.name)}</title><polyline fill="none" stroke="${color}" stroke-width="2" points="${points}"/>`);
    for (const p of s.points) {
      parts.push(`<circle cx="${f(x(p.eventsPerSecond))}" cy="${f(y(p.monthlyUsd))}" r="3" fill="${color}"><title>${escapeXml(`${s.name}: ${p.eventsPerSecond} events/s → $${p.monthlyUsd.toFixed(2)}/month`)}</title></circle>`);
    }
    parts.push('</g>');
    const ly = MARGIN.top + 10 + i * 22;
    const lx = MARGIN.left + plotW + 16;
    parts.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 20}" y2="${ly}" stroke="${color}" stroke-width="3"/>`,
      `<text x="${lx + 26}" y="${ly}" dominant-baseline="middle">${escapeXml(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
