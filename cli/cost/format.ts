import type { Configuration, CostInputs } from './model';
import type { PriceTable } from './price-table';

/** The `--json` document: exactly `{"configurations":[{"name","monthlyUsd","hourlyUsd","lineItems":[…]}],"prices":{"source","date"}}`. */
export interface CostReport {
  readonly configurations: readonly Configuration[];
  readonly prices: { readonly source: string; readonly date: string };
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

export function toReport(configurations: readonly Configuration[], table: PriceTable): CostReport {
  return {
    configurations: configurations.map((c) => ({
      name: c.name,
      monthlyUsd: round(c.monthlyUsd, 2),
      hourlyUsd: round(c.hourlyUsd, 4),
      lineItems: c.lineItems.map((item) => ({
        ...item,
        quantity: round(item.quantity, 6),
        monthlyUsd: round(item.monthlyUsd, 4),
        hourlyUsd: round(item.hourlyUsd, 6),
      })),
    })),
    prices: { source: table.source, date: table.date },
  };
}

/** $1,234.56 for amounts of a dollar or more, 3 significant digits below. */
export function usd(value: number): string {
  if (value === 0) return '$0';
  if (Math.abs(value) >= 1) return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  return `$${Number(value.toPrecision(3))}`;
}

function quantity(value: number): string {
  if (value >= 1000) return Math.round(value).toLocaleString('en-US');
  return String(Number(value.toPrecision(4)));
}

function pad(cells: readonly string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) =>
    row
      .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

export function describeLoad(inputs: CostInputs): string {
  return (
    `${inputs.eventsPerSecond.toLocaleString('en-US')} events/s of ${inputs.recordBytes} bytes (data + partition key), ` +
    `parallelism ${inputs.parallelism} (${inputs.parallelismPerKpu} per KPU), ${inputs.region}`
  );
}

/** The readable table: per configuration its line items, then the totals. */
export function formatTable(configurations: readonly Configuration[], inputs: CostInputs, table: PriceTable): string[] {
  const lines = [`Cost at ${describeLoad(inputs)} — prices of ${table.date} (${table.source})`, ''];
  for (const c of configurations) {
    lines.push(`${c.name}: ${usd(c.monthlyUsd)}/month, ${usd(c.hourlyUsd)}/hour`);
    const rows = [
      ['component', 'item', 'quantity/month', 'unit', 'unit price', 'monthly', 'hourly'],
      ...c.lineItems.map((item) => [item.component, item.description, quantity(item.quantity), item.unit, usd(item.unitPriceUsd), usd(item.monthlyUsd), usd(item.hourlyUsd)]),
    ];
    lines.push(...pad(rows, new Set([2, 4, 5, 6])).map((row) => `  ${row}`), '');
  }
  const totals = [['configuration', 'monthly', 'hourly'], ...configurations.map((c) => [c.name, usd(c.monthlyUsd), usd(c.hourlyUsd)])];
  lines.push('Totals', ...pad(totals, new Set([1, 2])).map((row) => `  ${row}`));
  return lines;
}

const COMPONENTS = ['Streams', 'Network', 'Managed Flink', 'Lambda', 'DynamoDB', 'CloudWatch', 'EC2'] as const;

/** A markdown comparison: one row per configuration, monthly cost per component, totals. */
export function formatMarkdown(configurations: readonly Configuration[], inputs: CostInputs, table: PriceTable): string[] {
  const used = COMPONENTS.filter((component) => configurations.some((c) => c.lineItems.some((item) => item.component === component)));
  const header = ['configuration', ...used.map((c) => `${c} /month`), 'total /month', 'total /hour'];
  const lines = [
    `Monthly cost (730 h) at ${describeLoad(inputs)}; prices of ${table.date}.`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
  ];
  for (const c of configurations) {
    const cells = used.map((component) => {
      const items = c.lineItems.filter((item) => item.component === component);
      return items.length === 0 ? '—' : usd(items.reduce((sum, item) => sum + item.monthlyUsd, 0));
    });
    lines.push(`| ${c.name} | ${cells.join(' | ')} | **${usd(c.monthlyUsd)}** | ${usd(c.hourlyUsd)} |`);
  }
  return lines;
}
