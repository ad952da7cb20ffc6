import { writeFileSync } from 'node:fs';
import { PricingClient } from '@aws-sdk/client-pricing';
import { chartLoads, renderChart, type ChartSeries } from '../cost/chart';
import { formatMarkdown, formatTable, toReport } from '../cost/format';
import { LivePricesError, refreshPrices } from '../cost/live';
import { computeCosts, defaultParallelism, type CostInputs, type StackSettings } from '../cost/model';
import { DEFAULT_PRICE_FILE, loadPriceTable, PriceTableError, savePriceTable, tableRegions, type PriceTable } from '../cost/price-table';
import { measureInputRecordBytes, measureOutputRecordBytes } from '../cost/workload';
import { UsageError, type Io } from '../io';
import type { RegisterCommand } from './register';

/** Kinesis' largest record (data blob + partition key): 1 MiB. */
const MAX_RECORD_BYTES = 1024 * 1024;
const MAX_EVENTS_PER_SECOND = 10_000_000;

export interface CostOptions {
  /** As typed on the command line; validated before anything is computed. @default '400' */
  readonly eventsPerSecond?: string;
  /** @default measured from the generator's serialized events and partition keys */
  readonly recordBytes?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default one subtask per 10,000 events/s */
  readonly parallelism?: string;
  /** @default '1' */
  readonly parallelismPerKpu?: string;
  readonly json?: boolean;
  readonly markdown?: boolean;
  /**
   * Write the SVG chart of monthly cost across loads, the chosen load marked, to this file (a name
   * ending in `.svg`) instead of printing the table; `--json` or `--markdown` still print.
   */
  readonly chart?: string;
  /** Refresh the price table from the AWS Price List API first (and save it). */
  readonly live?: boolean;
  /** @default cli/cost/prices.json */
  readonly priceFile?: string;
  /** For `--live`; @default a client for us-east-1 (the Price List API endpoint) */
  readonly pricingClient?: PricingClient;
  /** For `--live`; @default today (UTC) */
  readonly today?: string;
}

class CostUsageError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = 'CostUsageError';
  }
}

function positiveNumber(flag: string, value: string, max: number): number {
  const parsed = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0 || parsed > max) {
    throw new CostUsageError(`${flag} must be a number greater than 0 and at most ${max.toLocaleString('en-US')}, got '${value}'`);
  }
  return parsed;
}

function wholeNumber(flag: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
    throw new CostUsageError(`${flag} must be a whole number from ${min} to ${max.toLocaleString('en-US')}, got '${value}'`);
  }
  return Number(value);
}

function svgFile(value: string): string {
  if (!/\.svg$/i.test(value.trim())) throw new CostUsageError(`--chart writes an SVG file: give a name ending in .svg, got '${value}'`);
  return value;
}

/** The checks of the flags that need no price table, by flag; each throws CostUsageError. */
const FLAG_CHECKS = {
  eventsPerSecond: (value: string): number => positiveNumber('--events-per-second', value, MAX_EVENTS_PER_SECOND),
  recordBytes: (value: string): number => wholeNumber('--record-bytes', value, 1, MAX_RECORD_BYTES),
  parallelism: (value: string): number => wholeNumber('--parallelism', value, 1, 10_000),
  parallelismPerKpu: (value: string): number => wholeNumber('--parallelism-per-kpu', value, 1, 8),
  chart: svgFile,
} as const;

/**
 * The settings of the deployed stacks that the bill depends on, from the construct that deploys
 * them. Loaded when a cost is computed rather than when the CLI starts: the module brings in
 * aws-cdk-lib (about a second).
 */
async function deployedStackSettings(): Promise<StackSettings> {
  const { BROKER_STORAGE, RETENTION_HOURS } = await import('../../infra/lib/constructs/msk-cluster');
  return { retentionHours: RETENTION_HOURS, brokerVolumeGb: BROKER_STORAGE.volumeGiB };
}

/** Validates the flags against the table (region) and fills in the defaults. @throws CostUsageError */
function resolveInputs(options: CostOptions, table: PriceTable, stacks: StackSettings): CostInputs {
  const eventsPerSecond = FLAG_CHECKS.eventsPerSecond(options.eventsPerSecond ?? '400');
  const recordBytes = options.recordBytes === undefined ? measureInputRecordBytes(eventsPerSecond) : FLAG_CHECKS.recordBytes(options.recordBytes);
  const region = options.region ?? 'us-east-1';
  if (!table.regions[region]) {
    throw new CostUsageError(`--region ${region} is not in the price table (regions: ${tableRegions(table).join(', ')})`);
  }
  const parallelism = options.parallelism === undefined ? defaultParallelism(eventsPerSecond) : FLAG_CHECKS.parallelism(options.parallelism);
  const parallelismPerKpu = FLAG_CHECKS.parallelismPerKpu(options.parallelismPerKpu ?? '1');
  if (options.chart !== undefined) FLAG_CHECKS.chart(options.chart);
  return { eventsPerSecond, recordBytes, outputRecordBytes: measureOutputRecordBytes(eventsPerSecond), region, parallelism, parallelismPerKpu, stacks };
}

/**
 * Total monthly cost per configuration at each chart load: the decades around the chosen load, and
 * the chosen load itself priced exactly as the table prices it. At the other loads the record sizes
 * are measured at that load (unless `--record-bytes` was given) and the parallelism follows the
 * default rule (unless `--parallelism` was given).
 */
function chartSeries(table: PriceTable, inputs: CostInputs, options: Pick<CostOptions, 'parallelism' | 'recordBytes'>): ChartSeries[] {
  const byName = new Map<string, { eventsPerSecond: number; monthlyUsd: number }[]>();
  for (const eventsPerSecond of chartLoads(inputs.eventsPerSecond)) {
    const at: CostInputs =
      eventsPerSecond === inputs.eventsPerSecond
        ? inputs
        : {
            ...inputs,
            eventsPerSecond,
            recordBytes: options.recordBytes === undefined ? measureInputRecordBytes(eventsPerSecond) : inputs.recordBytes,
            outputRecordBytes: measureOutputRecordBytes(eventsPerSecond),
            parallelism: options.parallelism === undefined ? defaultParallelism(eventsPerSecond) : inputs.parallelism,
          };
    for (const c of computeCosts(table, at)) {
      byName.set(c.name, [...(byName.get(c.name) ?? []), { eventsPerSecond, monthlyUsd: c.monthlyUsd }]);
    }
  }
  return [...byName].map(([name, points]) => ({ name, points }));
}

/**
 * `playground cost`: the monthly and hourly cost of every configuration at a load, line by line,
 * from the price table (optionally refreshed from the AWS Price List API). Returns the exit code.
 */
export async function cost(options: CostOptions, io: Io): Promise<number> {
  const priceFile = options.priceFile ?? DEFAULT_PRICE_FILE;
  let table: PriceTable;
  let inputs: CostInputs;
  try {
    table = loadPriceTable(priceFile);
    inputs = resolveInputs(options, table, await deployedStackSettings());
  } catch (error) {
    if (error instanceof CostUsageError || error instanceof PriceTableError) {
      io.err(`error: ${error.message}`);
      return 2;
    }
    throw error;
  }

  if (options.live) {
    const client = options.pricingClient ?? new PricingClient({ region: 'us-east-1' });
    const today = options.today ?? new Date().toISOString().slice(0, 10);
    try {
      const refresh = await refreshPrices(table, inputs.region, client, today);
      table = refresh.table;
      savePriceTable(table, priceFile);
      io.err(`prices: ${refresh.refreshed.length} figure(s) refreshed from the AWS Price List API and saved to ${priceFile}`);
      if (refresh.unchanged.length > 0) io.err(`prices: not found by the API, kept from the table: ${refresh.unchanged.join(', ')}`);
    } catch (error) {
      if (!(error instanceof LivePricesError)) throw error;
      io.err(`warning: --live: ${error.message}; using the price table of ${table.date} (${priceFile})`);
    }
  }

  const configurations = computeCosts(table, inputs);
  if (options.chart) {
    const series = chartSeries(table, inputs, options);
    const records = options.recordBytes === undefined ? "the generator's records" : `${inputs.recordBytes}-byte records`;
    const title = `Playground monthly cost by load (${inputs.region}, ${records}, prices of ${table.date})`;
    writeFileSync(options.chart, renderChart(series, title, { eventsPerSecond: inputs.eventsPerSecond }));
    io.err(`chart written to ${options.chart}`);
  }
  // The chart is an output of its own: with --chart alone nothing else is printed.
  if (options.json) io.out(JSON.stringify(toReport(configurations, inputs, table), null, 2));
  else if (options.markdown) for (const row of formatMarkdown(configurations, inputs, table)) io.out(row);
  else if (!options.chart) for (const row of formatTable(configurations, inputs, table)) io.out(row);
  return 0;
}

interface CostFlags {
  eventsPerSecond?: string;
  recordBytes?: string;
  region?: string;
  parallelism?: string;
  parallelismPerKpu?: string;
  json?: boolean;
  markdown?: boolean;
  chart?: string;
  live?: boolean;
}

/** A commander argument parser that rejects a bad value as the command line is read, and keeps it as typed. */
const checked =
  (check: (value: string) => unknown) =>
  (value: string): string => {
    check(value);
    return value;
  };

export const registerCost: RegisterCommand = (program, io, setExit) => {
  program
    .command('cost')
    .description('Monthly and hourly cost of each configuration (Kinesis, MSK, MSK Serverless, self-managed) at a load, line by line')
    .option('--events-per-second <n>', 'input events per second (default 400)', checked(FLAG_CHECKS.eventsPerSecond))
    .option('--record-bytes <n>', "bytes per input record incl. partition key (default: measured from the generator's events)", checked(FLAG_CHECKS.recordBytes))
    .option('--region <region>', 'region of the price table (default us-east-1)')
    .option('--parallelism <n>', 'Flink parallelism (default: 1 per 10,000 events/s)', checked(FLAG_CHECKS.parallelism))
    .option('--parallelism-per-kpu <n>', 'Flink parallelism per KPU (default 1)', checked(FLAG_CHECKS.parallelismPerKpu))
    .option('--json', 'print {"load":{…},"configurations":[…],"prices":{…}}')
    .option('--markdown', 'print a markdown comparison table')
    .option('--chart <file.svg>', 'write only an SVG chart of monthly cost by configuration from 100 to 100,000 events/s, the chosen load marked', checked(FLAG_CHECKS.chart))
    .option('--live', 'refresh the price table from the AWS Price List API first (needs credentials)')
    .action(async (flags: CostFlags) => setExit(await cost(flags, io)));
};
