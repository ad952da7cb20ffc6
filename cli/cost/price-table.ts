import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The price table shipped in the repository: `cli/cost/prices.json`. */
export const DEFAULT_PRICE_FILE = fileURLToPath(new URL('./prices.json', import.meta.url));

/** Every figure the cost model uses; a region in the table must have all of them. */
export const PRICE_KEYS = [
  'kinesis.onDemand.streamHour',
  'kinesis.onDemand.ingestGb',
  'kinesis.onDemand.retrievalGb',
  'kinesis.provisioned.shardHour',
  'kinesis.provisioned.putUnitsMillion',
  'msk.broker.kafka.t3.small',
  'msk.broker.kafka.m7g.large',
  'msk.broker.kafka.m5.large',
  'msk.storageGbMonth',
  'mskServerless.clusterHour',
  'mskServerless.partitionHour',
  'mskServerless.ingestGb',
  'mskServerless.egressGb',
  'mskServerless.storageGbMonth',
  'flink.kpuHour',
  'flink.runningStorageGbMonth',
  'flink.durableBackupGbMonth',
  'lambda.arm64GbSecond',
  'lambda.requestsMillion',
  'dynamodb.writeMillion',
  'dynamodb.readMillion',
  'cloudwatch.metricMonth',
  'cloudwatch.dashboardMonth',
  'cloudwatch.alarmMonth',
  'cloudwatch.logsIngestGb',
  'vpc.natGatewayHour',
  'vpc.natGatewayGb',
  'ec2.t3.medium',
  'ec2.m5.large',
  'ebs.gp3GbMonth',
] as const;

export type PriceKey = (typeof PRICE_KEYS)[number];

/** One figure with where and when it was taken. */
export interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly description: string;
  /** A pricing page URL, or `AWS Price List API …` after `--live`. */
  readonly source: string;
  /** ISO date (YYYY-MM-DD) the figure was taken. */
  readonly date: string;
}

export type RegionPrices = Readonly<Record<PriceKey, Price>>;

export interface PriceTable {
  readonly currency: 'USD';
  readonly source: string;
  readonly date: string;
  readonly regions: Readonly<Record<string, RegionPrices>>;
}

export class PriceTableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PriceTableError';
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the shape of a parsed table: every region has every key, each with a price, source and date. */
function validatePriceTable(value: unknown, where: string): PriceTable {
  if (!isRecord(value) || value.currency !== 'USD' || typeof value.source !== 'string' || typeof value.date !== 'string' || !isRecord(value.regions)) {
    throw new PriceTableError(`${where}: expected {"currency":"USD","source","date","regions":{…}}`);
  }
  for (const [region, prices] of Object.entries(value.regions)) {
    if (!isRecord(prices)) throw new PriceTableError(`${where}: region ${region} is not an object`);
    for (const key of PRICE_KEYS) {
      const price = prices[key];
      if (
        !isRecord(price) ||
        typeof price.usd !== 'number' ||
        !Number.isFinite(price.usd) ||
        price.usd < 0 ||
        typeof price.unit !== 'string' ||
        typeof price.source !== 'string' ||
        price.source.length === 0 ||
        typeof price.date !== 'string' ||
        !ISO_DATE.test(price.date)
      ) {
        throw new PriceTableError(`${where}: ${region} ${key} needs usd ≥ 0, unit, source and date (YYYY-MM-DD)`);
      }
    }
  }
  return value as unknown as PriceTable;
}

/** Reads and validates a price table file. @throws PriceTableError */
export function loadPriceTable(file: string = DEFAULT_PRICE_FILE): PriceTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PriceTableError(`cannot read the price table ${file}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PriceTableError(`${file} is not JSON`, { cause: error });
  }
  return validatePriceTable(parsed, file);
}

export function savePriceTable(table: PriceTable, file: string = DEFAULT_PRICE_FILE): void {
  writeFileSync(file, `${JSON.stringify(table, null, 2)}\n`);
}

/** The regions the table has prices for. */
export function tableRegions(table: PriceTable): string[] {
  return Object.keys(table.regions).sort();
}
