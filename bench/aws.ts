/**
 * `npm run bench -- --target aws`: the benchmark's figures for a deployed playground, read from
 * CloudWatch (AWS/KinesisAnalytics, the functions' EMF metrics) and from the auditor's table over
 * the last `--minutes`. Nothing on AWS changes unless `--operations` is given: then the plays'
 * own functions time snapshot, an injected failure, stop, start from snapshot and scale 1 → 3 and
 * back on the deployed application.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { queryAudit } from '../lambdas/shared/audit-query';
import { createDocumentClient } from '../lambdas/shared/clients';
import { METRICS_NAMESPACE, SERVICE_NAMES } from '../lambdas/shared/observability';
import { WINDOW_MS } from '../lambdas/shared/windows';
import { writeControlRecord } from '../cli/commands/fail';
import { scale } from '../cli/commands/scale';
import { explainError } from '../cli/errors';
import type { Io } from '../cli/io';
import { createSnapshot, describeApplication, msfClient, parallelismOf, startApplication, stopApplication, type OperationOptions, type WaitOptions } from '../cli/msf';
import type { PlayTarget } from '../cli/target';
import { MSF_NAMESPACE, type MsfMetricName } from '../infra/lib/msf-metrics';
import type { AwsBenchOptions } from './args';
import { handlerBundleSizes, type BundleSize } from './generator';
import { firstArrivalAfter, untilMidWindow, waitCaughtUp, type AuditSource } from './pipeline';
import { BenchStepError } from './stack';
import type { AwsBenchResult, AwsOperations, MetricFigure } from './types';
import { pollFor } from './wait';

/** What a figure is: its name in the result, where CloudWatch keeps it and the statistic read. */
interface FigureSpec {
  readonly key: string;
  readonly namespace: string;
  readonly metric: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly stat: string;
}

/** The job's figures: MSF's FLINK-2_2 CloudWatch metrics at the application level (infra/lib/msf-metrics.ts, as the dashboard's). */
export function jobFigures(application: string, streams: string | undefined): FigureSpec[] {
  const app = (key: string, metric: MsfMetricName, stat: string): FigureSpec => ({ key, namespace: MSF_NAMESPACE, metric, dimensions: { Application: application }, stat });
  return [
    app('recordsInPerSecondAverage', 'numRecordsInPerSecond', 'Average'),
    app('recordsInPerSecondMaximum', 'numRecordsInPerSecond', 'Maximum'),
    app('recordsOutPerSecondAverage', 'numRecordsOutPerSecond', 'Average'),
    app('recordsOutPerSecondMaximum', 'numRecordsOutPerSecond', 'Maximum'),
    streams === 'kafka' ? app('lagMaximum', 'records_lag_max', 'Maximum') : app('lagMaximum', 'millisBehindLatest', 'Maximum'),
    app('lateRecordsDropped', 'numLateRecordsDropped', 'Maximum'),
    app('numRestartsMaximum', 'numRestarts', 'Maximum'),
    app('numRestartsMinimum', 'numRestarts', 'Minimum'),
    app('restartingTimeMaximum', 'restartingTime', 'Maximum'),
    app('lastCheckpointDurationMaximum', 'lastCheckpointDuration', 'Maximum'),
    app('lastCheckpointSizeMaximum', 'lastCheckpointSize', 'Maximum'),
    app('failedCheckpointsMaximum', 'numberOfFailedCheckpoints', 'Maximum'),
    app('kpusMaximum', 'KPUs', 'Maximum'),
    app('cpuUtilizationAverage', 'cpuUtilization', 'Average'),
    app('cpuUtilizationMaximum', 'cpuUtilization', 'Maximum'),
    app('heapMemoryUtilizationMaximum', 'heapMemoryUtilization', 'Maximum'),
  ];
}

/** The auditor's and the generator's EMF metrics (namespace ManagedFlinkPlayground, dimension service). */
function functionFigures(): FigureSpec[] {
  const auditor = (key: string, metric: string, stat: string): FigureSpec => ({ key, namespace: METRICS_NAMESPACE, metric, dimensions: { service: SERVICE_NAMES.auditor }, stat });
  return [
    auditor('latencyP50', 'EndToEndLatency', 'p50'),
    auditor('latencyP99', 'EndToEndLatency', 'p99'),
    auditor('windowsExact', 'WindowsExact', 'Sum'),
    auditor('windowsWrong', 'WindowsWrong', 'Sum'),
    auditor('windowsMissing', 'WindowsMissing', 'Sum'),
    auditor('duplicates', 'Duplicates', 'Sum'),
    auditor('malformedRecords', 'MalformedRecords', 'Sum'),
    { key: 'eventsSent', namespace: METRICS_NAMESPACE, metric: 'EventsSent', dimensions: { service: SERVICE_NAMES.generator }, stat: 'Sum' },
  ];
}

/** The period read: the last `minutes` whole minutes, so one CloudWatch period covers it exactly. */
export function benchPeriod(nowMs: number, minutes: number): { fromMs: number; toMs: number } {
  const toMs = Math.floor(nowMs / 60_000) * 60_000;
  return { fromMs: toMs - minutes * 60_000, toMs };
}

/** Several datapoints of one statistic (a period CloudWatch split) combined; percentiles and averages keep the newest. */
function combine(stat: string, values: readonly number[]): number | null {
  if (values.length === 0) return null;
  if (stat === 'Maximum') return Math.max(...values);
  if (stat === 'Minimum') return Math.min(...values);
  if (stat === 'Sum' || stat === 'SampleCount') return values.reduce((a, b) => a + b, 0);
  return values[0];
}

/** Reads every figure with GetMetricData, one period over the whole range (pages followed). */
async function readFigures(
  client: CloudWatchClient,
  specs: readonly FigureSpec[],
  period: { fromMs: number; toMs: number },
): Promise<Record<string, MetricFigure>> {
  const seconds = Math.max(60, Math.round((period.toMs - period.fromMs) / 60_000) * 60);
  const byId = new Map<string, number[]>();
  // GetMetricData takes at most 500 queries; the figures are a few dozen.
  const queries: MetricDataQuery[] = specs.map((spec, i) => ({
    Id: `f${i}`,
    MetricStat: {
      Metric: { Namespace: spec.namespace, MetricName: spec.metric, Dimensions: Object.entries(spec.dimensions).map(([Name, Value]) => ({ Name, Value })) },
      Period: seconds,
      Stat: spec.stat,
    },
    ReturnData: true,
  }));
  let token: string | undefined;
  do {
    const out = await client.send(
      new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: new Date(period.fromMs), EndTime: new Date(period.toMs), ScanBy: 'TimestampDescending', NextToken: token }),
    );
    for (const result of out.MetricDataResults ?? []) {
      if (result.Id) byId.set(result.Id, [...(byId.get(result.Id) ?? []), ...(result.Values ?? [])]);
    }
    token = out.NextToken;
  } while (token);
  return Object.fromEntries(
    specs.map((spec, i) => [spec.key, { namespace: spec.namespace, metric: spec.metric, stat: spec.stat, value: combine(spec.stat, byId.get(`f${i}`) ?? []) }]),
  );
}

/** Figures of the local benchmark that cannot be taken on AWS, and why. */
const NOT_MEASURED_ON_AWS = [
  'catch-up throughput beside the broker alone: needs a prepared backlog and a consumer next to the broker; the job\'s sustained rates at the generator\'s load are reported instead',
  'TaskManager kill: Managed Flink runs the TaskManagers; --operations injects a failure with the job\'s control record instead',
  '`playground up` duration: on AWS that is `cdk deploy` (about 20–30 minutes, mostly the application and, with MSK, the cluster)',
  'generator burst rate: the deployed generator runs at its scheduled rate; its EventsSent rate is reported instead',
];

export interface AwsBenchRuntime {
  readonly log: (line: string) => void;
  /** Waits. Tests shorten them. */
  readonly wait?: WaitOptions;
  /** Sleeps until the middle of a window before the failure is injected (tests skip it). */
  readonly untilMidWindow?: () => Promise<void>;
  readonly now?: () => number;
  /** Build the handler bundles to report their sizes. @default true (tests skip it) */
  readonly bundles?: boolean;
  readonly gitCommit?: () => string | undefined;
}

/** An Io that forwards a play's progress lines to the log and keeps its errors for the step's message. */
function playIo(log: (line: string) => void): Io & { errors: string[] } {
  const errors: string[] = [];
  return { out: (line) => log(`  ${line}`), err: (line) => errors.push(line.replace(/^error: /, '')), interactive: false, errors };
}

/** Runs a play function that reports failure by its exit code; a failure becomes a thrown error. */
async function play(name: string, log: (line: string) => void, run: (io: Io) => Promise<number>): Promise<void> {
  const io = playIo(log);
  const code = await run(io);
  if (code !== 0) throw new BenchStepError(`${name} failed: ${io.errors.join('; ') || `exit ${code}`}`);
}

async function timedMs(action: () => Promise<unknown>, now: () => number): Promise<number> {
  const started = now();
  await action();
  return (now() - started) / 1000;
}

/** The operations of `--operations`, in the order a user would rehearse them; a failed step ends the sequence where it would leave the application in an unknown state. */
async function operations(
  target: PlayTarget,
  client: KinesisAnalyticsV2Client,
  audit: AuditSource | undefined,
  latencyP99Ms: number | null,
  runtime: AwsBenchRuntime,
  step: <T>(name: string, action: () => Promise<T>, hint?: string) => Promise<T | undefined>,
): Promise<AwsOperations> {
  const { log } = runtime;
  const now = runtime.now ?? Date.now;
  const app = target.applicationName;
  const wait: WaitOptions = { timeoutMs: 900_000, ...runtime.wait };
  const operation: OperationOptions = { ...wait, progress: (line) => log(`  ${line}`) };
  const detail = await describeApplication(client, app);
  if (detail.ApplicationStatus !== 'RUNNING') {
    throw new BenchStepError(`${app} is ${detail.ApplicationStatus ?? 'UNKNOWN'}; --operations needs it RUNNING (playground start)`);
  }
  const from = parallelismOf(detail)?.Parallelism ?? 1;
  const result: { -readonly [K in keyof AwsOperations]: AwsOperations[K] } = {};

  result.snapshotSeconds = await step('snapshot', async () => {
    const name = `bench-${new Date(now()).toISOString().slice(0, 19).replace(/[-:T]/g, '')}`;
    return timedMs(() => createSnapshot(client, app, name, operation), now);
  });

  if (audit) {
    const thresholdMs = latencyP99Ms !== null ? latencyP99Ms + 2_000 : 5_000;
    result.recovery = await step('recovery from an injected failure (control record)', async () => {
      await (runtime.untilMidWindow ?? untilMidWindow)();
      const { record, where } = await writeControlRecord(target);
      const failedMs = Date.parse(record.issuedAt);
      log(`  wrote control record ${record.id} to ${where}; the job fails once and restarts from its last checkpoint`);
      const deadline = failedMs + (wait.timeoutMs ?? 900_000);
      const outputMs = await pollFor(() => firstArrivalAfter(audit, failedMs), { timeoutMs: Math.max(0, deadline - now()), intervalMs: 1_000 });
      if (outputMs !== undefined) log(`  output resumed ${((outputMs - failedMs) / 1000).toFixed(1)} s after the failure`);
      const caughtUpMs = await waitCaughtUp(audit, failedMs, thresholdMs, Math.max(0, deadline - now()));
      if (caughtUpMs !== undefined) log(`  caught up ${((caughtUpMs - failedMs) / 1000).toFixed(1)} s after the failure`);
      const after = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : (ms - failedMs) / 1000);
      return { fault: 'control record', outputResumedAfterSeconds: after(outputMs), caughtUpAfterSeconds: after(caughtUpMs), caughtUpThresholdMs: thresholdMs };
    });
  }

  result.stopSeconds = await step('stop', async () => (await stopApplication(client, app, operation)).elapsedMs / 1000);
  if (result.stopSeconds === undefined) return result;
  result.startFromSnapshotSeconds = await step(
    'start from snapshot',
    async () => (await startApplication(client, app, { ...operation, restore: 'latest' })).elapsedMs / 1000,
    `the benchmark left ${app} stopped; start it with: playground start`,
  );
  if (result.startFromSnapshotSeconds === undefined) return result;

  const to = from === 3 ? 1 : 3;
  const scaleTo = (parallelism: number) => () => timedMs(() => play('scale', log, (io) => scale({ target, parallelism, wait }, io)), now);
  const seconds = await step(`scale ${from} → ${to}`, scaleTo(to));
  const backSeconds =
    seconds === undefined ? undefined : await step(`scale ${to} → ${from}`, scaleTo(from), `${app} may still run at parallelism ${to}; scale it back with: playground scale ${from}`);
  result.scale = { from, to, seconds, backSeconds };
  if (from === 1) result.scale1to3Seconds = seconds;
  return result;
}

/** Reads (and with `--operations` takes) the AWS figures; a failing step is recorded in `errors` and the run goes on. */
export async function runAwsBench(options: AwsBenchOptions, target: PlayTarget, runtime: AwsBenchRuntime): Promise<AwsBenchResult> {
  const { log } = runtime;
  const now = runtime.now ?? Date.now;
  const startedMs = now();
  const errors: string[] = [];
  const step = async <T>(name: string, action: () => Promise<T>, hint?: string): Promise<T | undefined> => {
    log(`— ${name}`);
    try {
      return await action();
    } catch (error) {
      const message = `${name}: ${explainError(error, target)}${hint ? ` (${hint})` : ''}`;
      errors.push(message);
      log(`  FAILED ${message}`);
      return undefined;
    }
  };
  const app = target.applicationName;
  const client = msfClient(target);
  const cloudwatch = new CloudWatchClient({ ...target.cloudwatch, maxAttempts: 3 });
  try {
    // Nothing else can work when the application cannot be read (credentials, region, name): stop here.
    const detail = await describeApplication(client, app).catch((error: unknown) => {
      throw new BenchStepError(`cannot read the application ${app}: ${explainError(error, target)}`, { cause: error });
    });
    const parallelism = detail.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription?.ParallelismConfigurationDescription;
    const period = benchPeriod(now(), options.minutes);
    log(`  ${app}: ${detail.ApplicationStatus ?? '?'}, ${detail.RuntimeEnvironment ?? '?'}, parallelism ${parallelism?.CurrentParallelism ?? parallelism?.Parallelism ?? '?'}; reading ${new Date(period.fromMs).toISOString()} – ${new Date(period.toMs).toISOString()}`);

    const job = (await step('CloudWatch: the job (AWS/KinesisAnalytics)', () => readFigures(cloudwatch, jobFigures(app, target.streams), period))) ?? {};
    const functions = (await step(`CloudWatch: the auditor and the generator (${METRICS_NAMESPACE})`, () => readFigures(cloudwatch, functionFigures(), period))) ?? {};
    const { eventsSent, ...auditorMetrics } = functions;

    let table: AwsBenchResult['auditor']['table'];
    let audit: AuditSource | undefined;
    if (target.tables) {
      audit = { client: target.dynamodb, auditTable: target.tables.audit };
      const tables = target.tables;
      table = await step(`audit table: ${Math.round((period.toMs - period.fromMs) / WINDOW_MS)} windows`, async () => {
        const doc = createDocumentClient(target.dynamodb);
        try {
          const summary = await queryAudit(doc, { ledgerTableName: tables.ledger, auditTableName: tables.audit, fromMs: period.fromMs, toMs: period.toMs, nowMs: now() });
          const { windows, duplicates, latencyMs, malformed, events } = summary;
          log(`  ${windows.exact} exact, ${windows.wrong} wrong, ${windows.missing} missing, ${windows.pending} pending; latency p50 ${latencyMs.p50 ?? '–'} ms, p99 ${latencyMs.p99 ?? '–'} ms`);
          return { windows, duplicates, latencyMs, malformed, events };
        } finally {
          doc.destroy();
        }
      });
    } else {
      errors.push('audit table: no LedgerTableName/AuditTableName in the outputs file (deploy with --outputs-file cdk-outputs.json)');
    }

    const operationsResult = options.operations
      ? ((await step('operations on the deployed application', () => operations(target, client, audit, table?.latencyMs.p99 ?? null, runtime, step))) ?? {})
      : undefined;

    let bundles: BundleSize[] = [];
    if (runtime.bundles !== false) {
      const work = mkdtempSync(path.join(tmpdir(), 'bench-work-'));
      try {
        bundles = (await step('handler bundle sizes', () => handlerBundleSizes(work))) ?? [];
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    }

    const max = job.numRestartsMaximum?.value;
    const min = job.numRestartsMinimum?.value;
    const sent = eventsSent?.value ?? null;
    const finishedMs = now();
    return {
      schemaVersion: 1,
      target: 'aws',
      date: new Date(startedMs).toISOString().slice(0, 10),
      startedAt: new Date(startedMs).toISOString(),
      finishedAt: new Date(finishedMs).toISOString(),
      durationSeconds: (finishedMs - startedMs) / 1000,
      gitCommit: runtime.gitCommit?.(),
      application: {
        name: app,
        region: target.region,
        streams: target.streams,
        status: detail.ApplicationStatus,
        runtime: detail.RuntimeEnvironment,
        parallelism: parallelism?.CurrentParallelism ?? parallelism?.Parallelism,
        parallelismPerKpu: parallelism?.ParallelismPerKPU,
      },
      period: { from: new Date(period.fromMs).toISOString(), to: new Date(period.toMs).toISOString(), minutes: options.minutes },
      job,
      restartsInPeriod: max != null && min != null ? max - min : null,
      auditor: { ...(table ? { table } : {}), metrics: auditorMetrics },
      generator: { eventsSent: sent, eventsPerSecond: sent === null ? null : Math.round((sent / ((period.toMs - period.fromMs) / 1000)) * 10) / 10 },
      ...(operationsResult ? { operations: operationsResult } : {}),
      notMeasured: NOT_MEASURED_ON_AWS,
      bundles,
      errors,
    };
  } finally {
    client.destroy();
    cloudwatch.destroy();
  }
}
