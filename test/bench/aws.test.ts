import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import {
  CreateApplicationSnapshotCommand,
  DescribeApplicationCommand,
  DescribeApplicationSnapshotCommand,
  KinesisAnalyticsV2Client,
  ListApplicationSnapshotsCommand,
  ResourceNotFoundException,
  StartApplicationCommand,
  StopApplicationCommand,
  UpdateApplicationCommand,
  type ApplicationStatus,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { benchPeriod, runAwsBench } from '../../bench/aws';
import type { AwsBenchResult } from '../../bench/types';
import type { AwsBenchOptions } from '../../bench/args';
import { formatAwsSummary } from '../../bench/report';
import { PAGES } from '../../lambdas/shared/pages';
import { AUDIT_TABLE, LEDGER_TABLE } from '../../lambdas/shared/tables';
import { toIso, WINDOW_MS, windowOf } from '../../lambdas/shared/windows';
import { APP, awsTarget, detail, fakeClock, snap } from '../cli/support';
import { FakeDynamoDb } from '../lambdas/support/fake-dynamodb';

const msf = mockClient(KinesisAnalyticsV2Client);
const cloudwatch = mockClient(CloudWatchClient);
const kinesis = mockClient(KinesisClient);
let dynamodb: FakeDynamoDb;

const OPTIONS: AwsBenchOptions = { target: 'aws', minutes: 30, operations: false, outDir: '/unused' };
const MUTATING = ['StopApplicationCommand', 'StartApplicationCommand', 'UpdateApplicationCommand', 'CreateApplicationSnapshotCommand', 'DeleteApplicationSnapshotCommand'];

/** CloudWatch datapoints by metric name and statistic; one value per metric unless a test sets two. */
const DATAPOINTS: Record<string, number[]> = {
  'numRecordsInPerSecond/Average': [400.4],
  'numRecordsInPerSecond/Maximum': [512],
  'numRecordsOutPerSecond/Average': [0.4],
  'numRecordsOutPerSecond/Maximum': [0.8],
  'millisBehindLatest/Maximum': [1_200],
  'records_lag_max/Maximum': [35],
  'numRestarts/Maximum': [4],
  'numRestarts/Minimum': [3],
  'restartingTime/Maximum': [9_000],
  'lastCheckpointDuration/Maximum': [640],
  'lastCheckpointSize/Maximum': [23_456],
  'KPUs/Maximum': [2],
  'cpuUtilization/Average': [21],
  'cpuUtilization/Maximum': [48],
  'heapMemoryUtilization/Maximum': [37],
  'EndToEndLatency/p50': [1_450],
  'EndToEndLatency/p99': [2_900],
  'WindowsExact/Sum': [118],
  'WindowsWrong/Sum': [1],
  'EventsSent/Sum': [720_000],
};

let metricRequests: GetMetricDataCommandInput[];

beforeEach(() => {
  dynamodb = new FakeDynamoDb({ 'ledger-table': LEDGER_TABLE, 'audit-table': AUDIT_TABLE });
  metricRequests = [];
  // Two pages: the second repeats every query with a second, smaller datapoint.
  cloudwatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
    metricRequests.push(input);
    const page = input.NextToken === undefined ? 0 : 1;
    const results: MetricDataResult[] = (input.MetricDataQueries ?? []).map((q) => {
      const key = `${q.MetricStat?.Metric?.MetricName}/${q.MetricStat?.Stat}`;
      const values = DATAPOINTS[key] ?? [];
      return { Id: q.Id, Values: page === 0 ? values : values.map((v) => v / 2), StatusCode: 'Complete' };
    });
    return { MetricDataResults: results, NextToken: page === 0 ? 'page-2' : undefined };
  });
});

afterEach(() => {
  msf.reset();
  cloudwatch.reset();
  kinesis.reset();
  dynamodb.restore();
});

/** Seeds a window the generator sent and the auditor saw whole: six results and a verdict. */
function seedWindow(startMs: number, latencyMs: number, arrivedAtMs = startMs + WINDOW_MS + latencyMs): void {
  const windowStart = toIso(startMs);
  dynamodb.seed('ledger-table', {
    windowStart,
    windowEnd: toIso(startMs + WINDOW_MS),
    status: 'sent',
    eventsPerWindow: 1000,
    pages: 6,
    claimedAt: windowStart,
    claimedBy: 'test',
    stream: 'kinesis',
  });
  for (const page of PAGES) {
    dynamodb.seed('audit-table', { windowStart, page, windowEnd: toIso(startMs + WINDOW_MS), count: 1000, arrivedAt: toIso(arrivedAtMs), latencyMs, duplicates: 0 });
  }
}

/** A deployed application the fake MSF moves through its states at once. */
function fakeApplication(initial: { status: ApplicationStatus; parallelism: number }): { calls: () => string[] } {
  let status = initial.status;
  let parallelism = initial.parallelism;
  let version = 3;
  const snapshots = [snap('older', '2026-11-22T20:00:00Z')];
  msf.on(DescribeApplicationCommand).callsFake(() => ({ ApplicationDetail: detail(status, { parallelism, version }) }));
  msf.on(ListApplicationSnapshotsCommand).callsFake(() => ({ SnapshotSummaries: [...snapshots] }));
  msf.on(CreateApplicationSnapshotCommand).callsFake((input: { SnapshotName: string }) => {
    snapshots.push(snap(input.SnapshotName, new Date().toISOString()));
    return {};
  });
  msf.on(DescribeApplicationSnapshotCommand).callsFake((input: { SnapshotName: string }) => ({
    SnapshotDetails: snapshots.find((s) => s.SnapshotName === input.SnapshotName),
  }));
  msf.on(StopApplicationCommand).callsFake(() => {
    snapshots.push(snap(`stop-${version}`, new Date().toISOString()));
    status = 'READY';
    return {};
  });
  msf.on(StartApplicationCommand).callsFake(() => {
    status = 'RUNNING';
    return {};
  });
  msf.on(UpdateApplicationCommand).callsFake((input: { ApplicationConfigurationUpdate: { FlinkApplicationConfigurationUpdate: { ParallelismConfigurationUpdate: { ParallelismUpdate: number } } } }) => {
    parallelism = input.ApplicationConfigurationUpdate.FlinkApplicationConfigurationUpdate.ParallelismConfigurationUpdate.ParallelismUpdate;
    version += 1;
    return {};
  });
  return { calls: () => msf.calls().map((c) => c.args[0].constructor.name) };
}

function run(options: Partial<AwsBenchOptions> = {}, target = awsTarget): Promise<AwsBenchResult> {
  const lines: string[] = [];
  return runAwsBench({ ...OPTIONS, ...options }, target, {
    log: (line) => lines.push(line),
    bundles: false,
    wait: { clock: fakeClock(), intervalMs: 1_000 },
    untilMidWindow: async () => undefined,
  });
}

describe('bench --target aws, read only', () => {
  it('reads the job, auditor and generator figures from CloudWatch over whole minutes, and changes nothing', async () => {
    const app = fakeApplication({ status: 'RUNNING', parallelism: 2 });
    const before = Date.now();

    const result = await run();

    expect(app.calls().filter((name) => MUTATING.includes(name))).toEqual([]);
    expect(result.errors).toEqual([]);
    // One period over the whole range, aligned to minutes, both pages read.
    expect(metricRequests.length).toBe(4);
    const first = metricRequests[0];
    expect(first.StartTime!.getTime() % 60_000).toBe(0);
    expect(first.EndTime!.getTime() - first.StartTime!.getTime()).toBe(30 * 60_000);
    expect(first.EndTime!.getTime()).toBeLessThanOrEqual(before);
    expect(first.MetricDataQueries!.every((q) => q.MetricStat?.Period === 1_800)).toBe(true);
    const inPerSecond = first.MetricDataQueries!.find((q) => q.MetricStat?.Metric?.MetricName === 'numRecordsInPerSecond');
    expect(inPerSecond?.MetricStat?.Metric).toEqual({ Namespace: 'AWS/KinesisAnalytics', MetricName: 'numRecordsInPerSecond', Dimensions: [{ Name: 'Application', Value: APP }] });
    const latency = metricRequests.flatMap((r) => r.MetricDataQueries ?? []).find((q) => q.MetricStat?.Metric?.MetricName === 'EndToEndLatency');
    expect(latency?.MetricStat?.Metric).toEqual({ Namespace: 'ManagedFlinkPlayground', MetricName: 'EndToEndLatency', Dimensions: [{ Name: 'service', Value: 'auditor' }] });

    // Maximum over both pages is the larger, Sum adds, averages and percentiles keep the newest datapoint.
    expect(result.job.recordsInPerSecondMaximum.value).toBe(512);
    expect(result.job.recordsInPerSecondAverage.value).toBe(400.4);
    expect(result.job.lagMaximum).toMatchObject({ metric: 'millisBehindLatest', value: 1_200 });
    expect(result.restartsInPeriod).toBe(4 - 1.5);
    expect(result.job.restartingTimeMaximum).toMatchObject({ metric: 'restartingTime', value: 9_000 });
    expect(result.auditor.metrics.latencyP99.value).toBe(2_900);
    expect(result.auditor.metrics.windowsExact.value).toBe(118 + 59);
    expect(result.auditor.metrics.windowsMissing.value).toBeNull();
    expect(result.generator).toEqual({ eventsSent: 1_080_000, eventsPerSecond: 600 });
    expect(result.application).toMatchObject({ name: APP, region: 'eu-west-1', streams: 'kinesis', status: 'RUNNING', runtime: 'FLINK-2_2', parallelism: 2 });
    expect(result.operations).toBeUndefined();
    expect(result.notMeasured.length).toBeGreaterThan(0);
  });

  it('reads the MSK lag metric for a Kafka deployment', async () => {
    fakeApplication({ status: 'RUNNING', parallelism: 1 });
    const result = await run({}, { ...awsTarget, streams: 'kafka' });
    expect(result.job.lagMaximum).toMatchObject({ metric: 'records_lag_max', value: 35 });
  });

  it('takes the latency and verdicts of every window in the period from the audit table, without a Scan', async () => {
    fakeApplication({ status: 'RUNNING', parallelism: 1 });
    const { fromMs, toMs } = benchPeriod(Date.now(), 30);
    // Old windows, long judged: three with latencies 1, 2 and 3 s; a wrong one.
    for (const [i, latency] of [1_000, 2_000, 3_000].entries()) seedWindow(fromMs + i * WINDOW_MS, latency);
    for (const page of PAGES) dynamodb.seed('audit-table', { windowStart: toIso(fromMs + 3 * WINDOW_MS), page, count: 999, arrivedAt: toIso(fromMs), latencyMs: 500 });
    dynamodb.seed('ledger-table', { windowStart: toIso(fromMs + 3 * WINDOW_MS), status: 'sent', eventsPerWindow: 1000, pages: 6 });
    seedWindow(toMs, 1_000); // after the period: not read

    const result = await run();

    expect(result.auditor.table).toMatchObject({ windows: { exact: 3, wrong: 1, missing: 0 }, latencyMs: { p50: 1_000, p99: 3_000 }, events: { generated: 4 * 6 * 1000 } });
    expect(dynamodb.mock.commandCalls((await import('@aws-sdk/lib-dynamodb')).ScanCommand)).toHaveLength(0);
  });

  it('stops with the explained error when the application cannot be read', async () => {
    msf.on(DescribeApplicationCommand).rejects(new ResourceNotFoundException({ message: `Application ${APP} not found`, $metadata: {} }));
    await expect(run()).rejects.toThrow(/cannot read the application click-count-app: ResourceNotFoundException: .*check --app/);
    expect(metricRequests).toHaveLength(0);
  });

  it('records a missing audit table in the errors and goes on', async () => {
    fakeApplication({ status: 'RUNNING', parallelism: 1 });
    const { tables: _unused, ...withoutTables } = awsTarget;
    const result = await run({}, withoutTables);
    expect(result.errors).toEqual([expect.stringMatching(/no LedgerTableName\/AuditTableName/)]);
    expect(result.job.kpusMaximum.value).toBe(2);
  });
});

describe('bench --target aws --operations', () => {
  it('times snapshot, an injected failure, stop, start from snapshot and scale 1 → 3 and back with the plays', async () => {
    const app = fakeApplication({ status: 'RUNNING', parallelism: 1 });
    seedWindow(benchPeriod(Date.now(), OPTIONS.minutes).fromMs, 1_500); // the steady p99 the threshold builds on
    const written: unknown[] = [];
    // The job reads the control record, restarts, and its next window arrives whole.
    kinesis.on(PutRecordsCommand).callsFake((input: { Records: { Data: Uint8Array }[] }) => {
      written.push(...input.Records.map((r) => JSON.parse(Buffer.from(r.Data).toString('utf8')) as unknown));
      const arrivedAt = Date.now() + 5;
      for (const page of PAGES) {
        dynamodb.seed('audit-table', { windowStart: toIso(windowOf(Date.now()).start), page, count: 1000, arrivedAt: toIso(arrivedAt), latencyMs: 2_000 });
      }
      return { FailedRecordCount: 0, Records: input.Records.map((_, i) => ({ SequenceNumber: String(i), ShardId: 'shardId-0' })) };
    });

    const result = await run({ operations: true });

    expect(result.errors).toEqual([]);
    expect(written).toEqual([expect.objectContaining({ control: 'fail' })]);
    const ops = result.operations!;
    for (const value of [ops.snapshotSeconds, ops.stopSeconds, ops.startFromSnapshotSeconds, ops.scale1to3Seconds]) expect(value).toBeGreaterThanOrEqual(0);
    expect(ops.scale).toMatchObject({ from: 1, to: 3 });
    expect(ops.scale?.backSeconds).toBeGreaterThanOrEqual(0);
    expect(ops.recovery).toMatchObject({ fault: 'control record', caughtUpThresholdMs: 1_500 + 2_000 });
    expect(ops.recovery?.outputResumedAfterSeconds).toBeGreaterThan(0);
    expect(ops.recovery?.caughtUpAfterSeconds).toBeGreaterThan(0);
    expect(app.calls().filter((name) => MUTATING.includes(name))).toEqual([
      'CreateApplicationSnapshotCommand',
      'StopApplicationCommand',
      'StartApplicationCommand',
      'UpdateApplicationCommand',
      'UpdateApplicationCommand',
    ]);
    const updates = msf.commandCalls(UpdateApplicationCommand).map(
      (c) => c.args[0].input.ApplicationConfigurationUpdate?.FlinkApplicationConfigurationUpdate?.ParallelismConfigurationUpdate?.ParallelismUpdate,
    );
    expect(updates).toEqual([3, 1]);
    const start = msf.commandCalls(StartApplicationCommand)[0].args[0].input;
    expect(start.RunConfiguration?.ApplicationRestoreConfiguration?.ApplicationRestoreType).toBe('RESTORE_FROM_LATEST_SNAPSHOT');

    const summary = formatAwsSummary(result);
    expect(summary).toContain('| scale 1 → 3 (UpdateApplication → RUNNING) |');
    expect(summary).toContain('| records in per second, average / maximum | 400.4 / 512.0 |');
  });

  it('refuses to operate on an application that is not RUNNING, and changes nothing', async () => {
    const app = fakeApplication({ status: 'READY', parallelism: 1 });
    const result = await run({ operations: true });
    expect(result.errors).toEqual([expect.stringMatching(/click-count-app is READY; --operations needs it RUNNING \(playground start\)/)]);
    expect(app.calls().filter((name) => MUTATING.includes(name))).toEqual([]);
    expect(formatAwsSummary(result)).toContain('| snapshot (CreateApplicationSnapshot → READY) | – |');
  });

  it('stops the sequence after a failed stop, leaving start and scale untried', async () => {
    const app = fakeApplication({ status: 'RUNNING', parallelism: 3 });
    msf.on(StopApplicationCommand).rejects(Object.assign(new Error('Application is busy'), { name: 'ResourceInUseException' }));
    const { tables: _unused, ...withoutTables } = awsTarget; // no audit table: no injected failure either
    const result = await run({ operations: true }, withoutTables);
    expect(result.errors).toEqual([
      expect.stringMatching(/^audit table: no LedgerTableName/),
      expect.stringMatching(/^stop: ResourceInUseException: Application is busy — the application is busy/),
    ]);
    expect(app.calls()).not.toContain('StartApplicationCommand');
    expect(app.calls()).not.toContain('UpdateApplicationCommand');
  });
});
