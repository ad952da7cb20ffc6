import type { Configuration, CostInputs } from './model';
import type { PriceTable } from './price-table';

/** The load a report priced: the flags as resolved (defaults filled in, record sizes measured). */
export interface PricedLoad {
  readonly eventsPerSecond: number;
  /** Input record bytes (data + partition key). */
  readonly recordBytes: number;
  /** Output record bytes (data + partition key). */
  readonly outputRecordBytes: number;
  readonly parallelism: number;
  readonly parallelismPerKpu: number;
  readonly region: string;
}

/**
 * The `--json` document: exactly
 * `{"load":{…},"configurations":[{"name","monthlyUsd","hourlyUsd","lineItems":[…]}],"prices":{"source","date"}}`.
 */
export interface CostReport {
  readonly load: PricedLoad;
  readonly configurations: readonly Configuration[];
  readonly prices: { readonly source: string; readonly date: string };
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

export function toReport(configurations: readonly Configuration[], inputs: CostInputs, table: PriceTable): CostReport {
  return {
    load: {
      eventsPerSecond: inputs.eventsPerSecond,
      recordBytes: inputs.recordBytes,
      outputRecordBytes: inputs.outputRecordBytes,
      parallelism: inputs.parallelism,
      parallelismPerKpu: inputs.parallelismPerKpu,
      region: inputs.region,
    },
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
function usd(value: number): string {
  if (value === 0) return '$0';
  if (Math.abs(value) >= 1) return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  return `$${Number(value.toPrecision(3))}`;
}

function quantity(value: number): string {
  if (value >= 1000) return Math.round(value).toLocaleString('en-US');
  return String(Number(value.toPrecision(4)));
}

/** The columns the text output fits in unless told otherwise. */
const TEXT_WIDTH = 120;

/** Breaks text at spaces into lines of at most `width` characters; a longer word is cut. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (let word of text.split(/\s+/).filter((w) => w.length > 0)) {
    if (current && current.length + 1 + word.length <= width) {
      current += ` ${word}`;
      continue;
    }
    if (current) lines.push(current);
    while (word.length > width) {
      lines.push(word.slice(0, width));
      word = word.slice(width);
    }
    current = word;
  }
  if (current || lines.length === 0) lines.push(current);
  return lines;
}

/** `wrap`, with every line after the first indented by `indent` (and still within `width`). */
function wrapHanging(text: string, width: number, indent = '  '): string[] {
  const [first = '', ...rest] = wrap(text, width);
  return [first, ...wrap(rest.join(' '), width - indent.length).filter((l) => l !== '').map((l) => `${indent}${l}`)];
}

interface Column {
  readonly right?: boolean;
  /** Narrowest a wrapping column gets (its longest word, if wider). @default 0 */
  readonly minWidth?: number;
  /**
   * May wrap onto more lines when the table is too wide; columns with a lower number give way first,
   * down to their longest word.
   */
  readonly wrapOrder?: number;
}

const longestWord = (cell: string): number => Math.max(0, ...cell.split(/\s+/).map((w) => w.length));

/**
 * Pads cells into columns two spaces apart, each line indented by `indent`. When the lines would be
 * wider than `width`, the wrapping columns get narrower (in their order, never below their longest
 * word) and their cells continue on the next lines.
 */
function pad(cells: readonly string[][], columns: readonly Column[], width: number, indent = '  '): string[] {
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const total = (): number => indent.length + widths.reduce((sum, w) => sum + w, 0) + 2 * (columns.length - 1);
  const wrapping = columns
    .map((column, i) => ({ i, order: column.wrapOrder }))
    .filter((c): c is { i: number; order: number } => c.order !== undefined)
    .sort((a, b) => a.order - b.order);
  for (const { i } of wrapping) {
    const floor = Math.max(columns[i]!.minWidth ?? 0, ...cells.map((row) => longestWord(row[i]!)));
    widths[i] = Math.max(floor, widths[i]! - Math.max(0, total() - width));
  }
  const lines: string[] = [];
  for (const row of cells) {
    const parts = row.map((cell, i) => (columns[i]!.wrapOrder === undefined ? [cell] : wrap(cell, widths[i]!)));
    const height = Math.max(...parts.map((p) => p.length));
    for (let l = 0; l < height; l++) {
      const text = parts.map((p, i) => {
        const cell = p[l] ?? '';
        return columns[i]!.right ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
      });
      lines.push(`${indent}${text.join('  ')}`.trimEnd());
    }
  }
  return lines;
}

function describeLoad(inputs: CostInputs): string {
  return (
    `${inputs.eventsPerSecond.toLocaleString('en-US')} events/s of ${inputs.recordBytes} bytes (data + partition key), ` +
    `parallelism ${inputs.parallelism} (${inputs.parallelismPerKpu} per KPU), ${inputs.region}`
  );
}

const LINE_ITEM_COLUMNS: readonly Column[] = [
  {},
  { wrapOrder: 2 },
  { right: true },
  { wrapOrder: 1, minWidth: 16 },
  { right: true },
  { right: true },
  { right: true },
];

/**
 * The readable table: per configuration its line items, then the totals; every line at most
 * `width` characters (descriptions and units wrap), as long as no single word is wider.
 */
export function formatTable(configurations: readonly Configuration[], inputs: CostInputs, table: PriceTable, width: number = TEXT_WIDTH): string[] {
  const lines = [...wrapHanging(`Cost at ${describeLoad(inputs)}`, width), ...wrapHanging(`Prices of ${table.date}: ${table.source}`, width), ''];
  for (const c of configurations) {
    lines.push(...wrapHanging(`${c.name}: ${usd(c.monthlyUsd)}/month, ${usd(c.hourlyUsd)}/hour`, width));
    const rows = [
      ['component', 'item', 'per month', 'unit', 'unit price', 'monthly', 'hourly'],
      ...c.lineItems.map((item) => [item.component, item.description, quantity(item.quantity), item.unit, usd(item.unitPriceUsd), usd(item.monthlyUsd), usd(item.hourlyUsd)]),
    ];
    lines.push(...pad(rows, LINE_ITEM_COLUMNS, width), '');
  }
  const totals = [['configuration', 'monthly', 'hourly'], ...configurations.map((c) => [c.name, usd(c.monthlyUsd), usd(c.hourlyUsd)])];
  lines.push('Totals', ...pad(totals, [{ wrapOrder: 1 }, { right: true }, { right: true }], width));
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
