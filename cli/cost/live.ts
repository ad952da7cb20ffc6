import { GetProductsCommand, type Filter, type PricingClient } from '@aws-sdk/client-pricing';
import { PRICE_KEYS, type Price, type PriceKey, type PriceTable } from './price-table';

/** How one figure is found in the Price List API: a service, server-side filters, and a match on the product's attributes. */
interface PriceQuery {
  readonly serviceCode: string;
  readonly filters?: Readonly<Record<string, string>>;
  /** True for the product that carries the figure (usage types vary by region prefix, so match their ends). */
  readonly match: (attributes: Readonly<Record<string, string>>) => boolean;
  /** Multiplier from the API's unit to the table's (e.g. per request → per million requests). */
  readonly scale?: number;
}

const usage = (...parts: string[]) => (a: Readonly<Record<string, string>>): boolean => {
  const usagetype = (a.usagetype ?? '').toLowerCase();
  return parts.every((part) => usagetype.includes(part.toLowerCase()));
};
const usageEnds = (suffix: string) => (a: Readonly<Record<string, string>>): boolean => (a.usagetype ?? '').toLowerCase().endsWith(suffix.toLowerCase());
const ec2 = (instanceType: string): PriceQuery => ({
  serviceCode: 'AmazonEC2',
  filters: { instanceType, operatingSystem: 'Linux', tenancy: 'Shared', preInstalledSw: 'NA', capacitystatus: 'Used' },
  match: usageEnds(`BoxUsage:${instanceType}`),
});
const mskBroker = (instanceType: string): PriceQuery => ({
  serviceCode: 'AmazonMSK',
  match: (a) => (a.instanceType ?? '').toLowerCase() === instanceType || usage(instanceType)(a),
});

/** Best-effort queries: a figure the API does not yield keeps its table value, and the command says which. */
const PRICE_QUERIES: Readonly<Record<PriceKey, PriceQuery>> = {
  'kinesis.onDemand.streamHour': { serviceCode: 'AmazonKinesis', match: usage('OnDemand', 'StreamHour') },
  'kinesis.onDemand.ingestGb': { serviceCode: 'AmazonKinesis', match: usage('OnDemand', 'BilledIncomingBytes') },
  'kinesis.onDemand.retrievalGb': { serviceCode: 'AmazonKinesis', match: usage('OnDemand', 'BilledOutgoingBytes') },
  'kinesis.provisioned.shardHour': { serviceCode: 'AmazonKinesis', match: usageEnds('Storage-ShardHour') },
  'kinesis.provisioned.putUnitsMillion': { serviceCode: 'AmazonKinesis', match: usageEnds('PutRequestPayloadUnits'), scale: 1e6 },
  'msk.broker.kafka.t3.small': mskBroker('kafka.t3.small'),
  'msk.broker.kafka.m7g.large': mskBroker('kafka.m7g.large'),
  'msk.broker.kafka.m5.large': mskBroker('kafka.m5.large'),
  'msk.storageGbMonth': { serviceCode: 'AmazonMSK', match: usage('Kafka.Storage') },
  'mskServerless.clusterHour': { serviceCode: 'AmazonMSK', match: usage('Serverless', 'Cluster') },
  'mskServerless.partitionHour': { serviceCode: 'AmazonMSK', match: usage('Serverless', 'Partition') },
  'mskServerless.ingestGb': { serviceCode: 'AmazonMSK', match: usage('Serverless', 'In') },
  'mskServerless.egressGb': { serviceCode: 'AmazonMSK', match: usage('Serverless', 'Out') },
  'mskServerless.storageGbMonth': { serviceCode: 'AmazonMSK', match: usage('Serverless', 'Storage') },
  'flink.kpuHour': { serviceCode: 'AmazonKinesisAnalytics', match: usage('KPU-Hour-Java') },
  'flink.runningStorageGbMonth': { serviceCode: 'AmazonKinesisAnalytics', match: usage('RunningApplicationStorage') },
  'flink.durableBackupGbMonth': { serviceCode: 'AmazonKinesisAnalytics', match: usage('Backup') },
  'lambda.arm64GbSecond': { serviceCode: 'AWSLambda', match: usageEnds('Lambda-GB-Second-ARM') },
  'lambda.requestsMillion': { serviceCode: 'AWSLambda', match: usageEnds('Request'), scale: 1e6 },
  'dynamodb.writeMillion': { serviceCode: 'AmazonDynamoDB', match: usageEnds('WriteRequestUnits'), scale: 1e6 },
  'dynamodb.readMillion': { serviceCode: 'AmazonDynamoDB', match: usageEnds('ReadRequestUnits'), scale: 1e6 },
  'cloudwatch.metricMonth': { serviceCode: 'AmazonCloudWatch', match: usageEnds('CW:MetricMonitorUsage') },
  'cloudwatch.dashboardMonth': { serviceCode: 'AmazonCloudWatch', match: usageEnds('DashboardsUsageHour-Basic') },
  'cloudwatch.alarmMonth': { serviceCode: 'AmazonCloudWatch', match: usageEnds('CW:AlarmMonitorUsage') },
  'cloudwatch.logsIngestGb': { serviceCode: 'AmazonCloudWatch', match: usageEnds('DataProcessing-Bytes') },
  'vpc.natGatewayHour': { serviceCode: 'AmazonEC2', filters: { productFamily: 'NAT Gateway' }, match: usageEnds('NatGateway-Hours') },
  'vpc.natGatewayGb': { serviceCode: 'AmazonEC2', filters: { productFamily: 'NAT Gateway' }, match: usageEnds('NatGateway-Bytes') },
  'ec2.t3.medium': ec2('t3.medium'),
  'ec2.m5.large': ec2('m5.large'),
  'ebs.gp3GbMonth': { serviceCode: 'AmazonEC2', filters: { productFamily: 'Storage', volumeApiName: 'gp3' }, match: usageEnds('EBS:VolumeUsage.gp3') },
};

/** `--live` could not reach the Price List API (no credentials, no access, no network). */
export class LivePricesError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LivePricesError';
  }
}

export interface LiveRefresh {
  readonly table: PriceTable;
  readonly refreshed: readonly PriceKey[];
  readonly unchanged: readonly PriceKey[];
}

interface PriceListItem {
  product?: { attributes?: Record<string, string> };
  terms?: { OnDemand?: Record<string, { priceDimensions?: Record<string, { beginRange?: string; pricePerUnit?: { USD?: string } }> }> };
}

/** The first-tier on-demand USD price of a Price List product, or undefined. */
function onDemandUsd(item: PriceListItem): number | undefined {
  for (const term of Object.values(item.terms?.OnDemand ?? {})) {
    const dimensions = Object.values(term.priceDimensions ?? {});
    const first = dimensions.find((d) => (d.beginRange ?? '0') === '0') ?? dimensions[0];
    const usd = Number(first?.pricePerUnit?.USD);
    if (first && Number.isFinite(usd)) return usd;
  }
  return undefined;
}

async function products(client: PricingClient, serviceCode: string, region: string, filters: Readonly<Record<string, string>>): Promise<PriceListItem[]> {
  const all: Filter[] = Object.entries({ regionCode: region, ...filters }).map(([Field, Value]) => ({ Type: 'TERM_MATCH', Field, Value }));
  const items: PriceListItem[] = [];
  let NextToken: string | undefined;
  do {
    const out = await client.send(new GetProductsCommand({ ServiceCode: serviceCode, Filters: all, FormatVersion: 'aws_v1', MaxResults: 100, NextToken }));
    for (const entry of out.PriceList ?? []) items.push(JSON.parse(typeof entry === 'string' ? entry : String(entry)) as PriceListItem);
    NextToken = out.NextToken;
  } while (NextToken);
  return items;
}

function describeFailure(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'CredentialsProviderError' || /credential/i.test(message)) {
    return 'no AWS credentials (set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)';
  }
  if (name === 'AccessDeniedException') return 'access denied: the caller needs pricing:GetProducts';
  return `${name || 'error'}: ${message}`;
}

/**
 * Refreshes one region of the table from the AWS Price List API (`GetProducts`, endpoint in
 * us-east-1). Figures the API yields get `source: AWS Price List API …` and today's date; the others
 * keep their table values and are listed in `unchanged`.
 * @throws LivePricesError when the API cannot be called at all
 */
export async function refreshPrices(table: PriceTable, region: string, client: PricingClient, today: string): Promise<LiveRefresh> {
  const current = table.regions[region];
  if (!current) throw new LivePricesError(`no prices for region '${region}' in the table to refresh`);
  const cache = new Map<string, PriceListItem[]>();
  const next: Record<string, Price> = { ...current };
  const refreshed: PriceKey[] = [];
  const unchanged: PriceKey[] = [];
  for (const key of PRICE_KEYS) {
    const query = PRICE_QUERIES[key];
    const cacheKey = `${query.serviceCode} ${JSON.stringify(query.filters ?? {})}`;
    let items = cache.get(cacheKey);
    if (!items) {
      try {
        items = await products(client, query.serviceCode, region, query.filters ?? {});
      } catch (error) {
        throw new LivePricesError(`the AWS Price List API could not be called: ${describeFailure(error)}`, { cause: error });
      }
      cache.set(cacheKey, items);
    }
    const item = items.find((i) => query.match(i.product?.attributes ?? {}));
    const usd = item ? onDemandUsd(item) : undefined;
    if (usd === undefined) {
      unchanged.push(key);
      continue;
    }
    next[key] = {
      ...current[key],
      usd: Number((usd * (query.scale ?? 1)).toPrecision(10)),
      source: `AWS Price List API GetProducts ${query.serviceCode} (${item!.product?.attributes?.usagetype ?? 'product'})`,
      date: today,
    };
    refreshed.push(key);
  }
  return {
    table: {
      ...table,
      source: refreshed.length > 0 ? `AWS Price List API (${refreshed.length} of ${PRICE_KEYS.length} figures), pricing pages for the rest` : table.source,
      date: refreshed.length > 0 ? today : table.date,
      regions: { ...table.regions, [region]: next as unknown as Record<PriceKey, Price> },
    },
    refreshed,
    unchanged,
  };
}
