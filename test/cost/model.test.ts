import { describe, expect, it } from 'vitest';
import { BROKER_STORAGE, RETENTION_HOURS } from '../../infra/lib/constructs/msk-cluster';
import {
  brokersNeeded,
  computeCosts,
  CostInputError,
  flinkBilledSeconds,
  flinkCharges,
  flinkKpus,
  kafkaVolumeGb,
  kinesisShards,
  MIB,
  sweepReadUnits,
  sweepSeconds,
  SWEEP_WINDOWS,
  type Configuration,
  type CostInputs,
} from '../../cli/cost/model';
import { loadPriceTable } from '../../cli/cost/price-table';
import { measureInputRecordBytes, measureOutputRecordBytes } from '../../cli/cost/workload';

const table = loadPriceTable();

// A load with round figures: 400 events/s of 65 bytes; 24 results a minute (0.4/s) of 100 bytes;
// the stacks as infra/lib deploys them (topics kept 24 h, 20 GB broker volumes).
const inputs: CostInputs = {
  eventsPerSecond: 400,
  recordBytes: 65,
  outputRecordBytes: 100,
  region: 'us-east-1',
  parallelism: 1,
  parallelismPerKpu: 1,
  stacks: { retentionHours: RETENTION_HOURS, brokerVolumeGb: BROKER_STORAGE.volumeGiB },
};

function byName(name: string): Configuration {
  const found = computeCosts(table, inputs).find((c) => c.name === name);
  if (!found) throw new Error(`no configuration ${name}`);
  return found;
}

function item(config: Configuration, description: string): { quantity: number; monthlyUsd: number; hourlyUsd: number } {
  const found = config.lineItems.find((i) => i.description.startsWith(description));
  if (!found) throw new Error(`no line item '${description}' in ${config.name}`);
  return found;
}

describe('line items from the price table (hand-checked)', () => {
  it('prices Kinesis on-demand streams, data in rounded to 1 KB per record, and data out', () => {
    const c = byName('Kinesis on-demand + Managed Flink');
    // 2 streams × 730 h = 1,460 stream-hours × $0.04 = $58.40
    expect(item(c, '2 on-demand streams').monthlyUsd).toBeCloseTo(58.4, 6);
    // (400 + 0.4) records/s × 1 KB × 1,024 B × 2,628,000 s / 2^30 = 1,003.5049 GB × $0.08 = $80.2804
    expect(item(c, 'data in').quantity).toBeCloseTo(1003.5049, 3);
    expect(item(c, 'data in').monthlyUsd).toBeCloseTo(80.2804, 3);
    // (400 × 65 + 0.4 × 100) = 26,040 B/s × 2,628,000 s / 2^30 = 63.7333 GB × $0.04 = $2.5493
    expect(item(c, 'data out').monthlyUsd).toBeCloseTo(2.5493, 3);
  });

  it('prices Kinesis provisioned shards and PUT payload units', () => {
    const c = byName('Kinesis provisioned + Managed Flink');
    // 1 input + 1 output shard × 730 h = 1,460 shard-hours × $0.015 = $21.90
    expect(item(c, '1 input + 1 output shard').monthlyUsd).toBeCloseTo(21.9, 6);
    // 400.4 records/s × 1 unit × 2,628,000 s = 1,052.2512 million units × $0.014 = $14.7315
    expect(item(c, 'PUT payload units').quantity).toBeCloseTo(1052.2512, 4);
    expect(item(c, 'PUT payload units').monthlyUsd).toBeCloseTo(14.7315, 3);
  });

  it('prices Managed Flink with the orchestration KPU and 50 GB running storage per KPU', () => {
    const c = byName('Kinesis on-demand + Managed Flink');
    // (1 + 1) KPU × 730 h × $0.11 = $160.60; 50 GB × $0.10 = $5.00
    expect(item(c, '1 KPU').monthlyUsd).toBeCloseTo(160.6, 6);
    expect(item(c, '1 KPU').hourlyUsd).toBeCloseTo(0.22, 6);
    expect(item(c, 'running storage').monthlyUsd).toBeCloseTo(5, 6);
  });

  it('prices the generator Lambda and the DynamoDB requests', () => {
    const c = byName('Kinesis on-demand + Managed Flink');
    // 43,800 invocations × 60 s × 0.5 GB = 1,314,000 GB-s × $0.0000133334 = $17.5201
    expect(item(c, 'generator: every minute').monthlyUsd).toBeCloseTo(17.5201, 3);
    // 175,200 windows × (2 + 6 + 2) WRU = 1.752 M × $0.625 = $1.095
    expect(item(c, 'ledger claims').monthlyUsd).toBeCloseTo(1.095, 6);
    // 175,200 windows × 6 results × 2 RRU = 2.1024 M × $0.125 = $0.2628
    expect(item(c, 'auditor: ledger Get').monthlyUsd).toBeCloseTo(0.2628, 6);
    // sweep: 15 min look-back / 15 s = 60 windows; BatchGet of 60 ledger keys (280 B < 4 KB, eventually
    // consistent) = 60 × 0.5 = 30 RRU, + 60 window Queries (6 × 170 + 220 = 1,240 B < 4 KB) × 0.5 = 30 RRU
    expect(SWEEP_WINDOWS).toBe(60);
    expect(sweepReadUnits()).toBe(60);
    // generator stopped: the 60 ledger keys are still read (0.5 RRU each, absent or not), no Queries
    expect(sweepReadUnits(false)).toBe(30);
    // 60 RRU × 43,800 sweeps = 2.628 M RRU × $0.125 = $0.3285 (the former Scans: 14,964 RRU, $81.93)
    expect(item(c, 'audit sweep: every minute, BatchGet').quantity).toBeCloseTo(2.628, 9);
    expect(item(c, 'audit sweep: every minute, BatchGet').monthlyUsd).toBeCloseTo(0.3285, 9);
    // DynamoDB in all: $1.095 + $0.2628 + $0.3285 = $1.6863
    const dynamodb = c.lineItems.filter((i) => i.component === 'DynamoDB').reduce((sum, i) => sum + i.monthlyUsd, 0);
    expect(dynamodb).toBeCloseTo(1.6863, 9);
  });

  it('prices the audit sweep Lambda by its round trips, not by the bytes stored', () => {
    const c = byName('Kinesis on-demand + Managed Flink');
    // 0.2 s + 0.01 s × (ceil(60 / 100) = 1 BatchGet + ceil(60 / 8) = 8 rounds of Queries) = 0.29 s
    expect(sweepSeconds()).toBeCloseTo(0.29, 12);
    // 43,800 × 0.29 s × 0.25 GB = 3,175.5 GB-s × $0.0000133334 = $0.042340
    const sweepLambda = item(c, 'audit sweep: every minute, 0.29 s × 256 MB');
    expect(sweepLambda.quantity).toBeCloseTo(3175.5, 6);
    expect(sweepLambda.monthlyUsd).toBeCloseTo(0.04234, 5);
    // the same at 250 times the load: the look-back is fixed, whatever the tables hold
    const busy = computeCosts(table, { ...inputs, eventsPerSecond: 100_000, parallelism: 10 })[0]!;
    expect(item(busy, 'audit sweep: every minute, 0.29 s').monthlyUsd).toBeCloseTo(0.04234, 5);
    expect(item(busy, 'audit sweep: every minute, BatchGet').monthlyUsd).toBeCloseTo(0.3285, 9);
  });

  it('prices CloudWatch dashboard, alarms and metrics', () => {
    const c = byName('Kinesis on-demand + Managed Flink');
    expect(item(c, 'dashboard').monthlyUsd).toBeCloseTo(3, 6); // 1 × $3
    expect(item(c, 'alarms').monthlyUsd).toBeCloseTo(0.5, 6); // 5 × $0.10
    expect(item(c, 'custom metrics').monthlyUsd).toBeCloseTo(3, 6); // 10 × $0.30
  });

  it('prices MSK provisioned brokers, storage for the stacks’ 24 h × replication 2 on the deployed volumes, and the NAT gateway', () => {
    const c = byName('MSK provisioned + Managed Flink');
    // 2 × kafka.t3.small × 730 h × $0.0456 = $66.576
    expect(item(c, '2 × kafka.t3.small').monthlyUsd).toBeCloseTo(66.576, 6);
    // 26,040 B/s × 86,400 s × 2 × 1.2 / 2 brokers / 2^30 = 2.5 → 3 GB each, less than the deployed
    // 20 GB volume; 2 × 20 GB = 40 GB × $0.10 = $4.00 (7 days would have needed 18 GB each)
    expect(RETENTION_HOURS).toBe(24);
    expect(BROKER_STORAGE.volumeGiB).toBe(20);
    expect(item(c, '2 × 20 GB (24 h × replication 2').quantity).toBe(40);
    expect(item(c, '2 × 20 GB (24 h × replication 2').monthlyUsd).toBeCloseTo(4, 6);
    // 730 h × $0.045 = $32.85
    expect(item(c, '1 NAT gateway').monthlyUsd).toBeCloseTo(32.85, 6);
  });

  it('sizes MSK provisioned volumes for the retention the stacks set, not Kafka’s 7-day default', () => {
    const busy = computeCosts(table, { ...inputs, eventsPerSecond: 100_000, parallelism: 10 }).find((x) => x.name.startsWith('MSK provisioned'))!;
    // (100,000 × 65 + 0.4 × 100) = 6,500,040 B/s × 86,400 s × 2 × 1.2 / 4 brokers / 2^30 = 313.8 → 314 GB
    // each (7 days: 2,197); 4 × 314 = 1,256 GB × $0.10 = $125.60
    expect(item(busy, '4 × 314 GB (24 h × replication 2').monthlyUsd).toBeCloseTo(125.6, 6);
    // and it follows the stacks' figure: 48 h doubles the volume
    const twoDays = computeCosts(table, { ...inputs, eventsPerSecond: 100_000, parallelism: 10, stacks: { retentionHours: 48, brokerVolumeGb: 20 } })[2]!;
    expect(item(twoDays, '4 × 628 GB (48 h').quantity).toBe(4 * 628);
  });

  it('prices MSK Serverless cluster, partitions, data in/out and storage', () => {
    const c = byName('MSK Serverless + Managed Flink');
    expect(item(c, '1 serverless cluster').monthlyUsd).toBeCloseTo(547.5, 6); // 730 × $0.75
    expect(item(c, '2 input + 2 output partitions').monthlyUsd).toBeCloseTo(4.38, 6); // 4 × 730 × $0.0015
    expect(item(c, 'data in').monthlyUsd).toBeCloseTo(6.3733, 3); // 63.7333 GB × $0.10
    expect(item(c, 'data out').monthlyUsd).toBeCloseTo(3.1867, 3); // 63.7333 GB × $0.05
    expect(item(c, 'storage: 24 h of writes').monthlyUsd).toBeCloseTo(0.20953, 5); // 26,040 × 86,400 / 2^30 = 2.0953 GB × $0.10
  });

  it('prices the self-managed footprint: 3 × t3.medium and gp3 volumes', () => {
    const c = byName('Self-managed Flink + Kafka on EC2');
    // 3 nodes × 730 h × $0.0416 = $91.104
    expect(item(c, '1 JobManager + 1 TaskManager + 1 Kafka').monthlyUsd).toBeCloseTo(91.104, 6);
    // 3 × 20 GB + 1 × 18 GB (26,040 × 604,800 × 1.2 / 2^30 = 17.6 → 18) = 78 GB × $0.08 = $6.24
    expect(item(c, '3 × 20 GB root').monthlyUsd).toBeCloseTo(6.24, 6);
    expect(c.monthlyUsd).toBeCloseTo(97.344, 6);
    expect(c.hourlyUsd).toBeCloseTo(97.344 / 730, 9);
  });

  it('makes every total the sum of its line items and every hourly figure a 730th of the monthly', () => {
    for (const c of computeCosts(table, inputs)) {
      expect(c.monthlyUsd).toBeCloseTo(c.lineItems.reduce((sum, i) => sum + i.monthlyUsd, 0), 9);
      for (const i of c.lineItems) expect(i.hourlyUsd).toBeCloseTo(i.monthlyUsd / 730, 12);
    }
  });

  it('rejects a region the table has no prices for', () => {
    expect(() => computeCosts(table, { ...inputs, region: 'eu-west-9' })).toThrow(CostInputError);
  });
});

describe('sizing at the limits', () => {
  it('gives one shard up to exactly 1,000 records/s and two from 1,001', () => {
    expect(kinesisShards({ recordsPerSecond: 1000, bytesPerSecond: 1000, consumers: 1 })).toBe(1);
    expect(kinesisShards({ recordsPerSecond: 1001, bytesPerSecond: 1001, consumers: 1 })).toBe(2);
  });

  it('gives one shard up to exactly 1 MiB/s in and two above', () => {
    expect(kinesisShards({ recordsPerSecond: 1, bytesPerSecond: MIB, consumers: 1 })).toBe(1);
    expect(kinesisShards({ recordsPerSecond: 1, bytesPerSecond: MIB + 1, consumers: 1 })).toBe(2);
  });

  it('adds shards when the consumers together read more than 2 MiB/s per shard', () => {
    // 0.75 MiB/s × 2 consumers = 1.5 MiB/s ≤ 2 → 1; × 3 consumers = 2.25 MiB/s → 2
    expect(kinesisShards({ recordsPerSecond: 1, bytesPerSecond: 0.75 * MIB, consumers: 2 })).toBe(1);
    expect(kinesisShards({ recordsPerSecond: 1, bytesPerSecond: 0.75 * MIB, consumers: 3 })).toBe(2);
  });

  it('keeps at least one shard with no load', () => {
    expect(kinesisShards({ recordsPerSecond: 0, bytesPerSecond: 0, consumers: 1 })).toBe(1);
  });

  it('sizes kafka.t3.small brokers in even counts at 5 MiB/s of ingress each (writes × replication 2)', () => {
    // 2.5 MiB/s × 2 = 5 MiB/s → 1 broker's worth → 2 (minimum, 2 AZs)
    expect(brokersNeeded('kafka.t3.small', 2.5 * MIB)).toBe(2);
    // 5 MiB/s × 2 = 10 MiB/s → exactly 2
    expect(brokersNeeded('kafka.t3.small', 5 * MIB)).toBe(2);
    // one byte more → 3 → rounded up to 4
    expect(brokersNeeded('kafka.t3.small', 5 * MIB + 1)).toBe(4);
  });

  it('moves to larger brokers when they are cheaper than many small ones', () => {
    const c = computeCosts(table, { ...inputs, eventsPerSecond: 100_000, parallelism: 10 }).find((x) => x.name.startsWith('MSK provisioned'))!;
    // 100,000 × 65 B = 6.2 MiB/s × 2 = 12.4 MiB/s: 4 × t3.small ($0.1824/h) is still cheaper than 2 × m7g.large ($0.408/h)
    expect(c.lineItems[0]!.description).toBe('4 × kafka.t3.small brokers');
  });

  it('counts KPUs as ceil(parallelism / per KPU) plus the orchestration KPU', () => {
    expect(flinkKpus(1, 1)).toEqual({ compute: 1, total: 2 });
    expect(flinkKpus(4, 2)).toEqual({ compute: 2, total: 3 });
    expect(flinkKpus(5, 2)).toEqual({ compute: 3, total: 4 });
  });

  it('keeps at least the deployed 10 GB per broker', () => {
    expect(kafkaVolumeGb(1, 2, 2)).toBe(10);
  });
});

describe('record sizes measured from the generator', () => {
  it('counts the serialized event and its partition key: 65 bytes on average at 400 events/s', () => {
    // {"timestamp":"2026-11-22T21:30:00.001Z","page":"/help"} is 55 bytes; keys like "/help-0" … "/about-999"
    expect(measureInputRecordBytes(400)).toBe(65);
  });

  it('grows the output record with the count’s digits', () => {
    expect(measureOutputRecordBytes(400_000)).toBeGreaterThan(measureOutputRecordBytes(400));
  });
});

describe('Managed Flink billing: the worked examples of the MSF developer guide ("Per second billing", us-east-1)', () => {
  const prices = table.regions['us-east-1']!;
  /** The page's usage reports round each charge up to the cent (0.023 → $0.03, 0.104 → $0.11). */
  const billed = (usd: number): number => Math.ceil(Number((usd * 100).toFixed(6))) / 100;
  const cents = (usd: number): number => Number(usd.toFixed(2));
  /** … and their quantities up to the thousandth (0.2315 GB-months → 0.232). */
  const reported = (quantity: number): number => Math.ceil(Number((quantity * 1000).toFixed(6))) / 1000;
  /** The examples count GB-months over a 30-day month: 100 GB for 7.5 h is 1.042 GB-months. */
  const thirtyDays = 30 * 24;
  const minutes = (n: number): number => n * 60;

  it('bills each run by the second, at least 10 minutes', () => {
    expect(flinkBilledSeconds([minutes(20) + 10])).toBe(minutes(20) + 10); // 20 min 10 s is billed as such
    expect(flinkBilledSeconds([minutes(5)])).toBe(minutes(10)); // 5 min is billed as the 10-minute minimum
    expect(flinkBilledSeconds([minutes(10) + 0.2])).toBe(minutes(10) + 1); // whole seconds
    expect(flinkBilledSeconds([])).toBe(0);
  });

  it('prices the price list figures the examples use: $0.11 per KPU-hour, $0.10 per GB-month of running storage, $0.023 of backups', () => {
    expect(prices['flink.kpuHour'].usd).toBe(0.11);
    expect(prices['flink.runningStorageGbMonth'].usd).toBe(0.1);
    expect(prices['flink.durableBackupGbMonth'].usd).toBe(0.023);
  });

  it('streaming, 20 KPUs for a 30-day month, 1 GB of backups: every figure of the page, and the one it gets wrong', () => {
    const bill = flinkCharges(prices, { kpus: 20, runSeconds: [thirtyDays * 3600], backupGbMonths: 1, hoursInMonth: thirtyDays });
    // usage report: 15,120 KPU-hours (21 KPUs × 720 h), 1,000 GB-months of running storage, 1 GB-month of backups
    expect(bill.jobKpuHours + bill.orchestrationKpuHours).toBe(15_120);
    expect(bill.runningStorageGbMonths).toBe(1000);
    expect(bill.backupGbMonths).toBe(1);
    expect(billed(bill.runningStorageUsd)).toBe(100);
    expect(billed(bill.backupUsd)).toBe(0.03);
    // The page's "$1,584.00" is the job's 14,400 KPU-hours alone (20 × 720 × $0.11), and so its total
    // "$1,684.03" = $1,584.00 + $100 + $0.03 …
    expect(billed(bill.jobKpuHours * prices['flink.kpuHour'].usd)).toBe(1584);
    expect(cents(billed(bill.jobKpuHours * prices['flink.kpuHour'].usd) + billed(bill.runningStorageUsd) + billed(bill.backupUsd))).toBe(1684.03);
    // … while its own formula, (20 + 1) KPUs × 720 h × $0.11, and its usage report's 15,120 KPU-hours
    // come to $1,663.20: the orchestration KPU's 720 h ($79.20) more, $1,763.23 in all.
    expect(billed(bill.kpuUsd)).toBe(1663.2);
    expect(cents(billed(bill.kpuUsd) + billed(bill.runningStorageUsd) + billed(bill.backupUsd))).toBe(1763.23);
    expect(cents(bill.totalUsd)).toBe(1763.22); // unrounded: $1,663.20 + $100 + $0.023
  });

  it('batch, 2 KPUs for 15 minutes a day in a 30-day month, no backups: $2.48 + $0.11 = $2.59', () => {
    const bill = flinkCharges(prices, { kpus: 2, runSeconds: Array.from({ length: 30 }, () => minutes(15)), backupGbMonths: 0, hoursInMonth: thirtyDays });
    expect(bill.billedHours).toBe(7.5); // 450 minutes
    expect(bill.jobKpuHours + bill.orchestrationKpuHours).toBe(22.5); // usage report: 22.5 KPU-hours
    expect(reported(bill.runningStorageGbMonths)).toBe(1.042); // usage report: 1.042 GB-months
    expect(billed(bill.kpuUsd)).toBe(2.48);
    expect(billed(bill.runningStorageUsd)).toBe(0.11);
    expect(billed(bill.backupUsd)).toBe(0);
    expect(cents(billed(bill.kpuUsd) + billed(bill.runningStorageUsd))).toBe(2.59);
  });

  it('development, 4 KPUs started three times (30, 5 and 2 minutes), each run at least 10 minutes: $0.46 + $0.03 = $0.49', () => {
    const bill = flinkCharges(prices, { kpus: 4, runSeconds: [minutes(30), minutes(5), minutes(2)], backupGbMonths: 0, hoursInMonth: thirtyDays });
    expect(bill.billedHours * 60).toBeCloseTo(50, 9); // 30 + 10 + 10 minutes
    expect(reported(bill.jobKpuHours + bill.orchestrationKpuHours)).toBe(4.167); // usage report: 4.167 KPU-hours
    expect(reported(bill.runningStorageGbMonths)).toBe(0.232); // usage report: 0.232 GB-months
    expect(billed(bill.kpuUsd)).toBe(0.46);
    expect(billed(bill.runningStorageUsd)).toBe(0.03);
    expect(cents(billed(bill.kpuUsd) + billed(bill.runningStorageUsd))).toBe(0.49);
    // without the 10-minute minimum it would be 37 minutes: $0.34 + $0.02
    const unminimised = (5 * 37 * prices['flink.kpuHour'].usd) / 60;
    expect(billed(unminimised)).toBe(0.34);
  });
});
