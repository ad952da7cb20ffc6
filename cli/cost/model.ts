import { DEFAULT_SWEEP_LOOKBACK_MS, WINDOW_READ_CONCURRENCY } from '../../lambdas/shared/audit';
import { BATCH_GET_MAX_KEYS } from '../../lambdas/shared/dynamodb-reads';
import { WINDOW_MS } from '../../lambdas/shared/windows';
import type { Price, PriceKey, PriceTable, RegionPrices } from './price-table';
import { RESULTS_PER_SECOND, WINDOWS_PER_SECOND } from './workload';

/** AWS bills a month as 730 hours. */
const HOURS_PER_MONTH = 730;
const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
const MINUTES_PER_MONTH = HOURS_PER_MONTH * 60;
/** Kinesis, MSK and CloudWatch count a GB as 2^30 bytes and a KB as 1,024 bytes. */
const GB = 1024 ** 3;
export const MIB = 1024 ** 2;

/** Per-shard limits of Kinesis Data Streams (provisioned). */
const KINESIS_SHARD = { writeBytesPerSecond: MIB, writeRecordsPerSecond: 1000, readBytesPerSecond: 2 * MIB } as const;
/** A PUT payload unit is 25 KB of a record (rounded up per record). */
const PUT_PAYLOAD_UNIT_BYTES = 25 * 1024;
/** An on-demand stream starts with 4 MB/s of write capacity, i.e. 4 shards. */
const ON_DEMAND_INITIAL_SHARDS = 4;

/**
 * Assumptions of the model that are not prices. Each one is a judgement, stated so it can be
 * argued with; `npm run bench` measures some of them on the local stack.
 * @public named in docs/cost.md
 */
export const MODEL = {
  /** Events/s one Flink subtask (one KPU slot) handles for this job when `--parallelism` is not given. */
  eventsPerSecondPerSubtask: 10_000,
  /** Running application storage per KPU (the service allots it; not configurable). */
  flinkStorageGbPerKpu: 50,
  /** Generator: 512 MB arm64, invoked every minute, paced over 4 windows ≈ 60 s. */
  generator: { memoryGb: 0.5, durationSeconds: 60 },
  /** Auditor (256 MB): fixed part of an invocation plus each record's DynamoDB round trips. */
  auditor: { memoryGb: 0.25, baseSeconds: 0.1, perRecordSeconds: 0.04 },
  /**
   * Audit sweep (256 MB, every minute): fixed part plus one DynamoDB round trip per sequential read —
   * each BatchGetItem of ≤ 100 ledger keys, then the window Queries 8 at a time. It reads a fixed
   * look-back, so it no longer grows with what the tables store.
   */
  sweep: { memoryGb: 0.25, baseSeconds: 0.2, roundTripSeconds: 0.01 },
  /** DynamoDB item sizes (attribute names and values) in bytes, estimated from the items the code writes. */
  items: { ledgerBytes: 280, resultBytes: 170, verdictBytes: 220 },
  /** Writes per window: generator claim + markSent; per result: put; verdict puts per window. */
  writes: { generatorPerWindow: 2, perResult: 1, verdictsPerWindow: 2 },
  /** Strongly consistent reads per result: the ledger entry (Get) and the window's items (Query, < 4 KB). */
  readsPerResult: 2,
  /** Custom metrics (EMF: EventsSent, WindowsSent, EndToEndLatency, Duplicates, Conflicts, MalformedRecords, Windows{Exact,Wrong,Missing}, ColdStart). */
  customMetrics: 10,
  /** The monitoring stack's alarms: JobRestarts, JobLag, AuditorLag, WindowsMissing, WindowsWrong. */
  alarms: 5,
  dashboards: 1,
  /** Log bytes per invocation (START/END/REPORT lines, Powertools JSON logs, EMF blobs). */
  logBytes: { generatorInvocation: 4096, auditorInvocation: 1536, sweepInvocation: 1536 },
  /** Managed Flink application log (INFO) and MSK broker logs per month. */
  flinkLogBytesPerMonth: 50 * MIB,
  mskBrokerLogBytesPerMonth: 100 * MIB,
  /**
   * Kafka topics: replication factor 2 on 2 AZs, 20 % headroom on the volumes. How long MSK keeps
   * records is the stacks' (`CostInputs.stacks`); `retentionSeconds` and `minVolumeGb` are the
   * self-managed footprint's: Kafka's default `log.retention.hours=168`, as the original playground
   * runs it, on at least a 10 GB data volume.
   */
  kafka: { retentionSeconds: 7 * 24 * 3600, replicationFactor: 2, partitionsPerTopic: 2, storageHeadroom: 1.2, minVolumeGb: 10 },
  /** MSK Serverless: 5 MiB/s of writes per partition. */
  serverlessPartitionWriteBytesPerSecond: 5 * MIB,
  /**
   * Sustained ingress (including replication) one broker takes, in MiB/s — engineering estimates
   * for a 2-vCPU broker with TLS and IAM auth, not AWS figures (t3.small is burstable: baseline only).
   */
  brokerIngressMibPerSecond: { 'kafka.t3.small': 5, 'kafka.m7g.large': 30, 'kafka.m5.large': 25 },
  /** Self-managed: t3.medium nodes, 2 task slots per TaskManager, 20 GB gp3 root volumes, ≤ 10 MiB/s per Kafka node. */
  selfManaged: { slotsPerTaskManager: 2, rootVolumeGb: 20, kafkaNodeIngressMibPerSecond: 10 },
} as const;

export type BrokerType = keyof typeof MODEL.brokerIngressMibPerSecond;
const BROKER_TYPES = Object.keys(MODEL.brokerIngressMibPerSecond) as BrokerType[];

/** The load and sizing the costs are computed for. */
export interface CostInputs {
  readonly eventsPerSecond: number;
  /** Input record bytes as Kinesis counts them (data + partition key). */
  readonly recordBytes: number;
  /** Output record bytes (data + partition key). */
  readonly outputRecordBytes: number;
  readonly region: string;
  readonly parallelism: number;
  readonly parallelismPerKpu: number;
  /** What the stacks deploy, read from infra/lib by the command (the model restates none of it). */
  readonly stacks: StackSettings;
}

/** Settings of the deployed stacks that the bill depends on. */
export interface StackSettings {
  /** Hours the MSK topics keep records (provisioned: `log.retention.hours`; serverless: `retention.ms`). */
  readonly retentionHours: number;
  /** EBS volume of each provisioned MSK broker, in GB (2^30 bytes, as MSK counts them). */
  readonly brokerVolumeGb: number;
}

export interface LineItem {
  /** Streams, Managed Flink, Lambda, DynamoDB, CloudWatch, Network, EC2. */
  readonly component: string;
  readonly description: string;
  /** Per month, in `unit`. */
  readonly quantity: number;
  readonly unit: string;
  readonly unitPriceUsd: number;
  readonly priceKey: PriceKey;
  readonly monthlyUsd: number;
  readonly hourlyUsd: number;
}

export interface Configuration {
  readonly name: string;
  readonly monthlyUsd: number;
  readonly hourlyUsd: number;
  readonly lineItems: readonly LineItem[];
}

export class CostInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CostInputError';
  }
}

export const CONFIGURATION_NAMES = [
  'Kinesis on-demand + Managed Flink',
  'Kinesis provisioned + Managed Flink',
  'MSK provisioned + Managed Flink',
  'MSK Serverless + Managed Flink',
  'Self-managed Flink + Kafka on EC2',
] as const;

function line(prices: RegionPrices, key: PriceKey, component: string, description: string, quantity: number): LineItem {
  const price: Price = prices[key];
  const monthlyUsd = quantity * price.usd;
  return { component, description, quantity, unit: price.unit, unitPriceUsd: price.usd, priceKey: key, monthlyUsd, hourlyUsd: monthlyUsd / HOURS_PER_MONTH };
}

function configuration(name: string, lineItems: LineItem[]): Configuration {
  const monthlyUsd = lineItems.reduce((sum, item) => sum + item.monthlyUsd, 0);
  return { name, monthlyUsd, hourlyUsd: monthlyUsd / HOURS_PER_MONTH, lineItems };
}

// ---------------------------------------------------------------- sizing

export interface ShardLoad {
  readonly recordsPerSecond: number;
  readonly bytesPerSecond: number;
  /** Shared-throughput consumers reading the whole stream (each reads every byte). */
  readonly consumers: number;
}

/** Shards a provisioned stream needs: 1 MiB/s and 1,000 records/s in, 2 MiB/s out (shared by the consumers) per shard. */
export function kinesisShards(load: ShardLoad): number {
  return Math.max(
    1,
    Math.ceil(load.bytesPerSecond / KINESIS_SHARD.writeBytesPerSecond),
    Math.ceil(load.recordsPerSecond / KINESIS_SHARD.writeRecordsPerSecond),
    Math.ceil((load.bytesPerSecond * load.consumers) / KINESIS_SHARD.readBytesPerSecond),
  );
}

/** KPUs of the application: ceil(parallelism / parallelismPerKpu) for the job plus 1 for orchestration. */
export function flinkKpus(parallelism: number, parallelismPerKpu: number): { compute: number; total: number } {
  const compute = Math.ceil(parallelism / parallelismPerKpu);
  return { compute, total: compute + 1 };
}

/** Brokers for a write rate: an even count (2 AZs), at least 2, each taking its share of writes × replication. */
export function brokersNeeded(type: BrokerType, writeBytesPerSecond: number): number {
  const ingress = (writeBytesPerSecond * MODEL.kafka.replicationFactor) / MIB;
  const count = Math.ceil(ingress / MODEL.brokerIngressMibPerSecond[type]);
  return Math.max(2, count + (count % 2));
}

/** The cheapest broker type and count that carry the write rate. */
function sizeMskBrokers(prices: RegionPrices, writeBytesPerSecond: number): { type: BrokerType; count: number } {
  let best: { type: BrokerType; count: number; hourly: number } | undefined;
  for (const type of BROKER_TYPES) {
    const count = brokersNeeded(type, writeBytesPerSecond);
    const hourly = count * prices[`msk.broker.${type}`].usd;
    if (!best || hourly < best.hourly) best = { type, count, hourly };
  }
  return { type: best!.type, count: best!.count };
}

/**
 * GB of disk per Kafka node to keep `retentionSeconds` of writes × replication, with headroom, and
 * at least `minGb`; by default the self-managed footprint's 7 days on at least 10 GB.
 */
export function kafkaVolumeGb(
  writeBytesPerSecond: number,
  nodes: number,
  replicationFactor: number,
  retentionSeconds: number = MODEL.kafka.retentionSeconds,
  minGb: number = MODEL.kafka.minVolumeGb,
): number {
  const bytes = (writeBytesPerSecond * retentionSeconds * replicationFactor * MODEL.kafka.storageHeadroom) / nodes;
  return Math.max(minGb, Math.ceil(bytes / GB));
}

/** Default parallelism for a load: one subtask per 10,000 events/s, at least 1. */
export function defaultParallelism(eventsPerSecond: number): number {
  return Math.max(1, Math.ceil(eventsPerSecond / MODEL.eventsPerSecondPerSubtask));
}

// ---------------------------------------------------------------- shared parts

/** Managed Flink bills by the second, with a 10-minute minimum each time an application starts. */
const FLINK_MINIMUM_RUN_SECONDS = 600;

/** Seconds billed for runs that lasted `runSeconds` each (start to stop): whole seconds, at least the minimum per run. */
export function flinkBilledSeconds(runSeconds: readonly number[]): number {
  return runSeconds.reduce((sum, seconds) => sum + Math.max(FLINK_MINIMUM_RUN_SECONDS, Math.ceil(seconds)), 0);
}

/** What one Managed Flink application does in a month, as far as its bill goes. */
export interface FlinkUsage {
  /** KPUs that run the job, ⌈parallelism ÷ parallelism per KPU⌉; the orchestration KPU comes on top. */
  readonly kpus: number;
  /** How long each run lasted, start to stop, in seconds. */
  readonly runSeconds: readonly number[];
  /** Durable application backups (snapshots) kept, in GB-months. */
  readonly backupGbMonths: number;
  /** Hours of the month that running storage is counted over: AWS's 730, or 720 in a 30-day month. */
  readonly hoursInMonth: number;
}

/** One application's Managed Flink charges, unrounded. */
export interface FlinkCharges {
  readonly billedHours: number;
  readonly jobKpuHours: number;
  readonly orchestrationKpuHours: number;
  /** Job and orchestration KPU-hours × the KPU-hour price. */
  readonly kpuUsd: number;
  /** 50 GB per job KPU (not the orchestration KPU) for the billed hours. */
  readonly runningStorageGbMonths: number;
  readonly runningStorageUsd: number;
  readonly backupGbMonths: number;
  readonly backupUsd: number;
  readonly totalUsd: number;
}

/**
 * Managed Flink's bill for one application: each run billed by the second with the 10-minute
 * minimum, on the job's KPUs plus 1 orchestration KPU; 50 GB of running storage per job KPU for the
 * same billed time; and the durable backups kept.
 */
export function flinkCharges(prices: RegionPrices, usage: FlinkUsage): FlinkCharges {
  const billedHours = flinkBilledSeconds(usage.runSeconds) / 3600;
  const jobKpuHours = usage.kpus * billedHours;
  const orchestrationKpuHours = billedHours;
  const runningStorageGbMonths = (usage.kpus * MODEL.flinkStorageGbPerKpu * billedHours) / usage.hoursInMonth;
  const kpuUsd = (jobKpuHours + orchestrationKpuHours) * prices['flink.kpuHour'].usd;
  const runningStorageUsd = runningStorageGbMonths * prices['flink.runningStorageGbMonth'].usd;
  const backupUsd = usage.backupGbMonths * prices['flink.durableBackupGbMonth'].usd;
  return {
    billedHours,
    jobKpuHours,
    orchestrationKpuHours,
    kpuUsd,
    runningStorageGbMonths,
    runningStorageUsd,
    backupGbMonths: usage.backupGbMonths,
    backupUsd,
    totalUsd: kpuUsd + runningStorageUsd + backupUsd,
  };
}

/** The application runs the whole month; its snapshots (a few KB of window state) are left out. */
function flinkItems(prices: RegionPrices, inputs: CostInputs): LineItem[] {
  const kpus = flinkKpus(inputs.parallelism, inputs.parallelismPerKpu);
  const usage = flinkCharges(prices, { kpus: kpus.compute, runSeconds: [SECONDS_PER_MONTH], backupGbMonths: 0, hoursInMonth: HOURS_PER_MONTH });
  return [
    line(
      prices,
      'flink.kpuHour',
      'Managed Flink',
      `${kpus.compute} KPU (parallelism ${inputs.parallelism}/${inputs.parallelismPerKpu} per KPU) + 1 orchestration KPU`,
      usage.jobKpuHours + usage.orchestrationKpuHours,
    ),
    line(prices, 'flink.runningStorageGbMonth', 'Managed Flink', `running storage ${MODEL.flinkStorageGbPerKpu} GB × ${kpus.compute} KPU`, usage.runningStorageGbMonths),
  ];
}

/** Windows one sweep looks at: its look-back (`DEFAULT_SWEEP_LOOKBACK_MS`, 15 min) in 15 s windows. */
export const SWEEP_WINDOWS = DEFAULT_SWEEP_LOOKBACK_MS / WINDOW_MS;

/** Read request units of an eventually consistent read of `bytes`: 0.5 per 4 KB started, 0.5 at least (a key with no item too). */
function eventuallyConsistentReadUnits(bytes: number): number {
  return 0.5 * Math.max(1, Math.ceil(bytes / 4096));
}

/**
 * Read request units of one sweep (no Scan): a BatchGetItem of the look-back's ledger keys
 * (eventually consistent, each key billed on its own, absent or not) and one eventually consistent
 * Query of the audit partition (6 results + the verdict) per window the ledger has — every window
 * while the generator runs, none when it is stopped.
 */
export function sweepReadUnits(generatorRunning = true): number {
  const resultsPerWindow = RESULTS_PER_SECOND / WINDOWS_PER_SECOND;
  const ledger = SWEEP_WINDOWS * eventuallyConsistentReadUnits(MODEL.items.ledgerBytes);
  const windowBytes = resultsPerWindow * MODEL.items.resultBytes + MODEL.items.verdictBytes;
  const queries = generatorRunning ? SWEEP_WINDOWS * eventuallyConsistentReadUnits(windowBytes) : 0;
  return ledger + queries;
}

/** Seconds one sweep runs: the fixed part plus its sequential round trips (BatchGets, then Queries 8 at a time). */
export function sweepSeconds(): number {
  const roundTrips = Math.ceil(SWEEP_WINDOWS / BATCH_GET_MAX_KEYS) + Math.ceil(SWEEP_WINDOWS / WINDOW_READ_CONCURRENCY);
  return MODEL.sweep.baseSeconds + MODEL.sweep.roundTripSeconds * roundTrips;
}

/**
 * Auditor invocations per window: the 6 results of a window arrive together; the event source
 * mapping delivers one batch per shard or partition that holds some of them (pages are the keys).
 */
function auditorBatchesPerWindow(outputShards: number): number {
  const resultsPerWindow = RESULTS_PER_SECOND / WINDOWS_PER_SECOND;
  return Math.min(resultsPerWindow, outputShards);
}

function serverlessItems(prices: RegionPrices, outputShards: number): { items: LineItem[]; logBytes: number; generatorLogBytes: number } {
  const windowsPerMonth = WINDOWS_PER_SECOND * SECONDS_PER_MONTH;
  const resultsPerWindow = RESULTS_PER_SECOND / WINDOWS_PER_SECOND;
  const generatorInvocations = MINUTES_PER_MONTH;
  const batches = auditorBatchesPerWindow(outputShards);
  const auditorInvocations = windowsPerMonth * batches;
  const auditorSeconds = MODEL.auditor.baseSeconds + MODEL.auditor.perRecordSeconds * (resultsPerWindow / batches);
  const sweepInvocations = MINUTES_PER_MONTH;
  const sweepDuration = sweepSeconds();
  const writes = windowsPerMonth * (MODEL.writes.generatorPerWindow + resultsPerWindow * MODEL.writes.perResult + MODEL.writes.verdictsPerWindow);
  const reads = windowsPerMonth * resultsPerWindow * MODEL.readsPerResult;
  const generatorLogBytes = generatorInvocations * MODEL.logBytes.generatorInvocation;
  const logBytes =
    generatorLogBytes + auditorInvocations * MODEL.logBytes.auditorInvocation + sweepInvocations * MODEL.logBytes.sweepInvocation + MODEL.flinkLogBytesPerMonth;
  const items = [
    line(prices, 'lambda.requestsMillion', 'Lambda', 'generator, auditor and sweep invocations', (generatorInvocations + auditorInvocations + sweepInvocations) / 1e6),
    line(prices, 'lambda.arm64GbSecond', 'Lambda', `generator: every minute, ${MODEL.generator.durationSeconds} s × ${MODEL.generator.memoryGb * 1024} MB`, generatorInvocations * MODEL.generator.durationSeconds * MODEL.generator.memoryGb),
    line(prices, 'lambda.arm64GbSecond', 'Lambda', `auditor: ${batches} batch(es) per window × ${auditorSeconds.toFixed(2)} s × ${MODEL.auditor.memoryGb * 1024} MB`, auditorInvocations * auditorSeconds * MODEL.auditor.memoryGb),
    line(prices, 'lambda.arm64GbSecond', 'Lambda', `audit sweep: every minute, ${sweepDuration.toFixed(2)} s × ${MODEL.sweep.memoryGb * 1024} MB`, sweepInvocations * sweepDuration * MODEL.sweep.memoryGb),
    line(prices, 'dynamodb.writeMillion', 'DynamoDB', 'ledger claims and marks, results, verdicts', writes / 1e6),
    line(prices, 'dynamodb.readMillion', 'DynamoDB', 'auditor: ledger Get + window Query per result', reads / 1e6),
    line(
      prices,
      'dynamodb.readMillion',
      'DynamoDB',
      `audit sweep: every minute, BatchGet of ${SWEEP_WINDOWS} ledger keys + a Query per window, eventually consistent (${sweepReadUnits()} RRU)`,
      (sweepInvocations * sweepReadUnits()) / 1e6,
    ),
    line(prices, 'cloudwatch.dashboardMonth', 'CloudWatch', 'dashboard', MODEL.dashboards),
    line(prices, 'cloudwatch.alarmMonth', 'CloudWatch', 'alarms', MODEL.alarms),
    line(prices, 'cloudwatch.metricMonth', 'CloudWatch', 'custom metrics (EMF)', MODEL.customMetrics),
  ];
  return { items, logBytes, generatorLogBytes };
}

function logsItem(prices: RegionPrices, bytes: number, what: string): LineItem {
  return line(prices, 'cloudwatch.logsIngestGb', 'CloudWatch', `logs ingested: ${what}`, bytes / GB);
}

// ---------------------------------------------------------------- configurations

interface Rates {
  readonly inRecords: number;
  readonly inBytes: number;
  readonly outRecords: number;
  readonly outBytes: number;
}

function rates(inputs: CostInputs): Rates {
  return {
    inRecords: inputs.eventsPerSecond,
    inBytes: inputs.eventsPerSecond * inputs.recordBytes,
    outRecords: RESULTS_PER_SECOND,
    outBytes: RESULTS_PER_SECOND * inputs.outputRecordBytes,
  };
}

function kinesisOnDemand(prices: RegionPrices, inputs: CostInputs): Configuration {
  const r = rates(inputs);
  const billedInKb = r.inRecords * Math.ceil(inputs.recordBytes / 1024) + r.outRecords * Math.ceil(inputs.outputRecordBytes / 1024);
  const shared = serverlessItems(prices, ON_DEMAND_INITIAL_SHARDS);
  return configuration(CONFIGURATION_NAMES[0], [
    line(prices, 'kinesis.onDemand.streamHour', 'Streams', '2 on-demand streams (input, output)', 2 * HOURS_PER_MONTH),
    line(prices, 'kinesis.onDemand.ingestGb', 'Streams', 'data in, each record rounded up to 1 KB', (billedInKb * 1024 * SECONDS_PER_MONTH) / GB),
    line(prices, 'kinesis.onDemand.retrievalGb', 'Streams', 'data out: Flink reads input, auditor reads output', ((r.inBytes + r.outBytes) * SECONDS_PER_MONTH) / GB),
    ...flinkItems(prices, inputs),
    ...shared.items,
    logsItem(prices, shared.logBytes, 'functions and application'),
  ]);
}

function kinesisProvisioned(prices: RegionPrices, inputs: CostInputs): Configuration {
  const r = rates(inputs);
  const inShards = kinesisShards({ recordsPerSecond: r.inRecords, bytesPerSecond: r.inBytes, consumers: 1 });
  const outShards = kinesisShards({ recordsPerSecond: r.outRecords, bytesPerSecond: r.outBytes, consumers: 1 });
  const units = r.inRecords * Math.ceil(inputs.recordBytes / PUT_PAYLOAD_UNIT_BYTES) + r.outRecords * Math.ceil(inputs.outputRecordBytes / PUT_PAYLOAD_UNIT_BYTES);
  const shared = serverlessItems(prices, outShards);
  return configuration(CONFIGURATION_NAMES[1], [
    line(prices, 'kinesis.provisioned.shardHour', 'Streams', `${inShards} input + ${outShards} output shard(s)`, (inShards + outShards) * HOURS_PER_MONTH),
    line(prices, 'kinesis.provisioned.putUnitsMillion', 'Streams', 'PUT payload units (25 KB each, per record)', (units * SECONDS_PER_MONTH) / 1e6),
    ...flinkItems(prices, inputs),
    ...shared.items,
    logsItem(prices, shared.logBytes, 'functions and application'),
  ]);
}

/** The VPC's NAT gateway: its hours, and the in-VPC generator's logs and metrics that leave through it. */
function natItems(prices: RegionPrices, generatorLogBytes: number): LineItem[] {
  return [
    line(prices, 'vpc.natGatewayHour', 'Network', '1 NAT gateway (MSK VPC)', HOURS_PER_MONTH),
    line(prices, 'vpc.natGatewayGb', 'Network', 'NAT data processed: the in-VPC generator’s logs and metrics', generatorLogBytes / GB),
  ];
}

function mskProvisioned(prices: RegionPrices, inputs: CostInputs): Configuration {
  const r = rates(inputs);
  const write = r.inBytes + r.outBytes;
  const brokers = sizeMskBrokers(prices, write);
  const { retentionHours, brokerVolumeGb } = inputs.stacks;
  const volumeGb = kafkaVolumeGb(write, brokers.count, MODEL.kafka.replicationFactor, retentionHours * 3600, brokerVolumeGb);
  const shared = serverlessItems(prices, MODEL.kafka.partitionsPerTopic);
  return configuration(CONFIGURATION_NAMES[2], [
    line(prices, `msk.broker.${brokers.type}`, 'Streams', `${brokers.count} × ${brokers.type} brokers`, brokers.count * HOURS_PER_MONTH),
    line(
      prices,
      'msk.storageGbMonth',
      'Streams',
      `${brokers.count} × ${volumeGb} GB (${retentionHours} h × replication 2, +20%, at least the deployed ${brokerVolumeGb} GB)`,
      brokers.count * volumeGb,
    ),
    ...natItems(prices, shared.generatorLogBytes),
    ...flinkItems(prices, inputs),
    ...shared.items,
    logsItem(prices, shared.logBytes + MODEL.mskBrokerLogBytesPerMonth, 'functions, application and brokers'),
  ]);
}

function mskServerless(prices: RegionPrices, inputs: CostInputs): Configuration {
  const r = rates(inputs);
  const inPartitions = Math.max(MODEL.kafka.partitionsPerTopic, Math.ceil(r.inBytes / MODEL.serverlessPartitionWriteBytesPerSecond));
  const outPartitions = MODEL.kafka.partitionsPerTopic;
  const write = r.inBytes + r.outBytes;
  const shared = serverlessItems(prices, outPartitions);
  return configuration(CONFIGURATION_NAMES[3], [
    line(prices, 'mskServerless.clusterHour', 'Streams', '1 serverless cluster', HOURS_PER_MONTH),
    line(prices, 'mskServerless.partitionHour', 'Streams', `${inPartitions} input + ${outPartitions} output partitions`, (inPartitions + outPartitions) * HOURS_PER_MONTH),
    line(prices, 'mskServerless.ingestGb', 'Streams', 'data in (input and output topics)', (write * SECONDS_PER_MONTH) / GB),
    line(prices, 'mskServerless.egressGb', 'Streams', 'data out: Flink reads input, auditor reads output', (write * SECONDS_PER_MONTH) / GB),
    line(prices, 'mskServerless.storageGbMonth', 'Streams', `storage: ${inputs.stacks.retentionHours} h of writes`, (write * inputs.stacks.retentionHours * 3600) / GB),
    ...natItems(prices, shared.generatorLogBytes),
    ...flinkItems(prices, inputs),
    ...shared.items,
    logsItem(prices, shared.logBytes, 'functions and application'),
  ]);
}

/**
 * The original playground's footprint on EC2: a JobManager node, TaskManager nodes (2 slots each)
 * and Kafka nodes (KRaft, controller in the broker; the generator runs beside it), t3.medium, one
 * AZ, replication factor 1 — no auditor, DynamoDB or CloudWatch, as the original has none.
 */
function selfManaged(prices: RegionPrices, inputs: CostInputs): Configuration {
  const r = rates(inputs);
  const write = r.inBytes + r.outBytes;
  const taskManagers = Math.ceil(inputs.parallelism / MODEL.selfManaged.slotsPerTaskManager);
  const kafkaNodes = Math.max(1, Math.ceil(write / MIB / MODEL.selfManaged.kafkaNodeIngressMibPerSecond));
  const nodes = 1 + taskManagers + kafkaNodes;
  const dataGb = kafkaVolumeGb(write, kafkaNodes, 1);
  return configuration(CONFIGURATION_NAMES[4], [
    line(prices, 'ec2.t3.medium', 'EC2', `1 JobManager + ${taskManagers} TaskManager + ${kafkaNodes} Kafka (KRaft) node(s), t3.medium`, nodes * HOURS_PER_MONTH),
    line(prices, 'ebs.gp3GbMonth', 'EC2', `${nodes} × ${MODEL.selfManaged.rootVolumeGb} GB root + ${kafkaNodes} × ${dataGb} GB Kafka data (7 days)`, nodes * MODEL.selfManaged.rootVolumeGb + kafkaNodes * dataGb),
  ]);
}

/** Every configuration at one load, priced from the table's region. @throws CostInputError */
export function computeCosts(table: PriceTable, inputs: CostInputs): Configuration[] {
  const prices = table.regions[inputs.region];
  if (!prices) throw new CostInputError(`no prices for region '${inputs.region}' in the price table (has: ${Object.keys(table.regions).join(', ')})`);
  return [kinesisOnDemand, kinesisProvisioned, mskProvisioned, mskServerless, selfManaged].map((build) => build(prices, inputs));
}
