import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand, type Metric, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { MSF_METRICS, MSF_NAMESPACE, REMOVED_IN_FLINK_2_2, deprecatedMsfMetrics, isMsfMetric, replacementsOf, type MsfMetricName } from '../../infra/lib/msf-metrics';
import type { FlinkRestClient } from '../../local/flink/rest';
import { JOB_EXPECTED, operatorMetricId, readHealth, readLocalApplication, SOURCE_OPERATOR_METRIC, type JobHealth } from '../../local/health';
import { UsageError, type Io } from '../io';
import { intIn } from '../options';
import { realClock, type Clock } from '../../local/poll';
import { PlayError, runPlay } from '../errors';
import { currentJob, localFlink } from '../flink';
import { playTarget } from '../announce';
import { targetFlags, withTargetOptions, type PlayTarget } from '../target';
import type { RegisterCommand } from './register';

/** The metrics `metrics` shows without names: MSF's FLINK-2_2 CloudWatch names (infra/lib/msf-metrics.ts). */
export const DEFAULT_METRICS = [
  'runningTime',
  'restartingTime',
  'numRestarts',
  'lastCheckpointSize',
  'lastCheckpointDuration',
  'numberOfFailedCheckpoints',
  'numRecordsInPerSecond',
  'numRecordsOutPerSecond',
  'numLateRecordsDropped',
  'KPUs',
  'cpuUtilization',
  'heapMemoryUtilization',
] as const satisfies readonly MsfMetricName[];

/**
 * Deprecated in FLINK-2_2 but still published by MSF (and by Flink locally): read on request, shown
 * with the names that replace them.
 */
const DEPRECATED_METRICS: readonly MsfMetricName[] = deprecatedMsfMetrics();

/**
 * The per-task backpressure metrics (`--backpressure`): MSF publishes them per task, not for the
 * whole application, so they are shown one line per task rather than as names.
 */
const BACKPRESSURE_METRICS = ['backPressuredTimeMsPerSecond', 'outPoolUsage'] as const satisfies readonly MsfMetricName[];

/** Their Flink task metric ids (local: Flink REST). */
const FLINK_TASK_METRIC: Readonly<Record<(typeof BACKPRESSURE_METRICS)[number], string>> = {
  backPressuredTimeMsPerSecond: 'backPressuredTimeMsPerSecond',
  outPoolUsage: 'Shuffle.Netty.Output.Buffers.outPoolUsage',
};

/** One task's backpressure: the largest value over its subtasks (locally) or its newest datapoint (CloudWatch). */
export interface TaskBackpressure {
  /** The task (Flink job vertex: the chained operators' names); on AWS, its CloudWatch dimensions. */
  readonly task: string;
  readonly backPressuredTimeMsPerSecond: number | null;
  /** Percent of the output buffers in use. */
  readonly outPoolUsage: number | null;
}

/** Other spellings accepted for the same metric. */
const ALIASES: Readonly<Record<string, MsfMetricName>> = { restarts: 'numRestarts' };

/** How a value of each CloudWatch unit is shown. */
const UNIT_SUFFIX: Readonly<Record<string, string>> = { Milliseconds: 'ms', Bytes: 'bytes', 'Count/Second': 'records/s', Percentage: '%' };

function unitOf(name: string): string | undefined {
  // Flink's counters (and MSF's metric of the same name) start again at 0 with every attempt of the job.
  if (name === 'numLateRecordsDropped') return 'since the job last (re)started';
  return isMsfMetric(name) ? UNIT_SUFFIX[MSF_METRICS[name].unit] : undefined;
}

/** CloudWatch statistic per metric (gauges of the latest minute: Maximum; rates and utilisation: Average). */
const STATISTIC: Readonly<Record<string, string>> = {
  numRecordsInPerSecond: 'Average',
  numRecordsOutPerSecond: 'Average',
  cpuUtilization: 'Average',
  heapMemoryUtilization: 'Average',
};

export interface MetricsOptions {
  readonly target: PlayTarget;
  /** MSF metric names; empty for the defaults. */
  readonly names: readonly string[];
  readonly json: boolean;
  /** AWS: how far back to look for datapoints. @default 15 */
  readonly minutes?: number;
  /** Also each task's backPressuredTimeMsPerSecond and outPoolUsage. @default false */
  readonly backpressure?: boolean;
  readonly clock?: Clock;
}

export type MetricValues = Readonly<Record<string, number | null>>;

/** The names `metrics` knows how to read, on AWS and locally, with their other spellings. */
export const KNOWN_METRICS: readonly string[] = [...DEFAULT_METRICS, ...DEPRECATED_METRICS, ...Object.keys(ALIASES)];

/**
 * Checks metric names before any call; an unknown name, or one MSF no longer publishes on FLINK-2_2,
 * is a usage error naming what to ask for instead. @throws UsageError
 */
function parseMetricNames(names: readonly string[]): string[] {
  for (const name of names) {
    if (KNOWN_METRICS.includes(name)) continue;
    if ((BACKPRESSURE_METRICS as readonly string[]).includes(name)) {
      throw new UsageError(`metric '${name}' is published per task: show it for every task with: playground metrics --backpressure`);
    }
    if (Object.hasOwn(REMOVED_IN_FLINK_2_2, name)) {
      const { use } = REMOVED_IN_FLINK_2_2[name];
      throw new UsageError(`metric '${name}' was removed in FLINK-2_2 (the application's runtime): use ${use}`);
    }
    const sameLetters = KNOWN_METRICS.find((known) => known.toLowerCase() === name.toLowerCase());
    const aliases = Object.entries(ALIASES).map(([alias, metric]) => `${alias} for ${metric}`);
    throw new UsageError(
      `unknown metric '${name}'${sameLetters ? ` (did you mean ${sameLetters}?)` : ''}; the known metrics are ${DEFAULT_METRICS.join(', ')}` +
        ` (also ${aliases.join(', ')}; deprecated: ${DEPRECATED_METRICS.join(', ')}); run 'playground metrics' without names to show them all`,
    );
  }
  return [...new Set(names.map((n) => ALIASES[n] ?? n))];
}

function num(value: string | undefined): number | null {
  if (value === undefined) return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

/** The per-second rates: shown only while they describe the present (the rate rule in local/health.ts). */
const RATE_METRICS: ReadonlySet<string> = new Set(['numRecordsInPerSecond', 'numRecordsOutPerSecond']);

/**
 * Reads MSF-named metrics from the local Flink REST API. `ratesGate` is the health's reason why
 * per-second rates would not describe the present (e.g. no TaskManager): then they are null,
 * since Flink's metric store still holds the last meters of tasks that no longer run.
 */
async function localMetrics(rest: FlinkRestClient, names: readonly string[], options: { readonly ratesGate?: string } = {}): Promise<MetricValues> {
  const job = await currentJob(rest);
  const values: Record<string, number | null> = Object.fromEntries(names.map((n) => [n, null]));
  const overview = await rest.overview().catch(() => undefined);
  if (names.includes('KPUs')) values.KPUs = overview?.taskmanagers ?? null;
  if (names.includes('cpuUtilization') || names.includes('heapMemoryUtilization')) {
    const tms = await rest.taskManagers().catch(() => []);
    const per = await Promise.all(
      tms.map((tm) => rest.taskManagerMetrics(tm.id, ['Status.JVM.CPU.Load', 'Status.JVM.Memory.Heap.Used', 'Status.JVM.Memory.Heap.Max']).catch(() => [])),
    );
    const get = (metrics: readonly { id: string; value?: string }[], id: string): number | null => num(metrics.find((m) => m.id === id)?.value);
    const cpu = per.map((m) => get(m, 'Status.JVM.CPU.Load')).filter((v): v is number => v !== null);
    const heap = per
      .map((m) => {
        const used = get(m, 'Status.JVM.Memory.Heap.Used');
        const max = get(m, 'Status.JVM.Memory.Heap.Max');
        return used !== null && max ? used / max : null;
      })
      .filter((v): v is number => v !== null);
    if (names.includes('cpuUtilization')) values.cpuUtilization = cpu.length ? round((cpu.reduce((a, b) => a + b, 0) / cpu.length) * 100) : null;
    if (names.includes('heapMemoryUtilization')) values.heapMemoryUtilization = heap.length ? round(Math.max(...heap) * 100) : null;
  }
  if (!job) return values;
  // runningTime, restartingTime, numRestarts, the checkpoint metrics (and the deprecated uptime and
  // downtime) are Flink job metrics of the same name.
  const jobNames = names.filter((n) => !(n in LOCAL_SPECIAL));
  const jobMetrics = jobNames.length ? await rest.jobMetrics(job.jid, jobNames).catch(() => []) : [];
  for (const name of jobNames) values[name] = num(jobMetrics.find((m) => m.id === name)?.value);
  const vertexNames = ['numRecordsInPerSecond', 'numRecordsOutPerSecond', 'numLateRecordsDropped'].filter(
    (n) => names.includes(n) && !(options.ratesGate !== undefined && RATE_METRICS.has(n)),
  );
  if (vertexNames.length) {
    const details = await rest.job(job.jid).catch(() => undefined);
    const source = details?.vertices[0];
    const last = details?.vertices[details.vertices.length - 1];
    if (source && last) {
      const ids = (await rest.vertexMetrics(job.jid, last.id).catch(() => [])).map((m) => m.id.replace(/^\d+\./, ''));
      const writerIn = ids.find((id) => /Sink__Writer\.numRecordsInPerSecond$/.test(id)) ?? 'numRecordsOutPerSecond';
      const late = ids.find((id) => /\.numLateRecordsDropped$/.test(id)) ?? 'numLateRecordsDropped';
      // the source operator's own rate: the source vertex's task-level rate counts what its chain sends on (partial counts)
      const sourceOut = (await operatorMetricId(rest, job.jid, source.id, SOURCE_OPERATOR_METRIC('numRecordsOutPerSecond')).catch(() => undefined)) ?? 'numRecordsOutPerSecond';
      const [src, sink] = await Promise.all([
        rest.vertexMetricSums(job.jid, source.id, [sourceOut]).catch(() => ({}) as Record<string, number>),
        rest.vertexMetricSums(job.jid, last.id, [writerIn, late]).catch(() => ({}) as Record<string, number>),
      ]);
      if (vertexNames.includes('numRecordsInPerSecond')) values.numRecordsInPerSecond = maybeRound(src[sourceOut]);
      if (vertexNames.includes('numRecordsOutPerSecond')) values.numRecordsOutPerSecond = maybeRound(sink[writerIn]);
      if (names.includes('numLateRecordsDropped')) values.numLateRecordsDropped = sink[late] ?? null;
    }
  }
  return values;
}

/** Each task's backpressure from Flink REST (the largest over its subtasks); null values while `ratesGate` says they are stale. */
async function localBackpressure(rest: FlinkRestClient, ratesGate?: string): Promise<TaskBackpressure[]> {
  const job = await currentJob(rest);
  const details = job ? await rest.job(job.jid).catch(() => undefined) : undefined;
  if (!job || !details) return [];
  return Promise.all(
    details.vertices.map(async (vertex): Promise<TaskBackpressure> => {
      const values =
        ratesGate === undefined
          ? await rest.vertexMetricMaxima(job.jid, vertex.id, Object.values(FLINK_TASK_METRIC)).catch(() => ({}) as Record<string, number>)
          : ({} as Record<string, number>);
      const outPool = values[FLINK_TASK_METRIC.outPoolUsage];
      return {
        task: vertex.name,
        backPressuredTimeMsPerSecond: maybeRound(values[FLINK_TASK_METRIC.backPressuredTimeMsPerSecond]),
        outPoolUsage: outPool === undefined ? null : round(outPool * 100),
      };
    }),
  );
}

/**
 * Each task's backpressure from CloudWatch: every metric of the two names with the dimension
 * `Application` (ListMetrics gives their other dimensions, which name the task), newest datapoint.
 */
async function cloudWatchBackpressure(client: CloudWatchClient, application: string, minutes: number, clock: Pick<Clock, 'now'>): Promise<TaskBackpressure[]> {
  const found: { name: (typeof BACKPRESSURE_METRICS)[number]; metric: Metric; task: string }[] = [];
  for (const name of BACKPRESSURE_METRICS) {
    let token: string | undefined;
    do {
      const out = await client.send(
        new ListMetricsCommand({ Namespace: MSF_NAMESPACE, MetricName: name, Dimensions: [{ Name: 'Application', Value: application }], NextToken: token }),
      );
      for (const metric of out.Metrics ?? []) {
        const others = (metric.Dimensions ?? []).filter((d) => d.Name !== 'Application');
        if (others.length > 0) found.push({ name, metric, task: others.map((d) => `${d.Name}=${d.Value}`).join(', ') });
      }
      token = out.NextToken;
    } while (token);
  }
  const tasks = new Map<string, { backPressuredTimeMsPerSecond: number | null; outPoolUsage: number | null }>();
  for (const { task } of found) tasks.set(task, { backPressuredTimeMsPerSecond: null, outPoolUsage: null });
  for (let start = 0; start < found.length; start += 500) {
    const batch = found.slice(start, start + 500);
    const out = await client.send(
      new GetMetricDataCommand({
        MetricDataQueries: batch.map(({ metric }, i) => ({ Id: `b${i}`, MetricStat: { Metric: metric, Period: 60, Stat: 'Maximum' } })),
        StartTime: new Date(clock.now() - minutes * 60_000),
        EndTime: new Date(clock.now()),
        ScanBy: 'TimestampDescending',
      }),
    );
    for (const result of out.MetricDataResults ?? []) {
      const entry = batch[Number(result.Id?.slice(1))];
      const row = entry && tasks.get(entry.task);
      if (row && result.Values?.length) row[entry.name] = round(result.Values[0] as number);
    }
  }
  return [...tasks].map(([task, values]) => ({ task, ...values }));
}

/** The `--backpressure` lines: one per task. */
function renderBackpressure(tasks: readonly TaskBackpressure[], ratesGate?: string): string[] {
  if (tasks.length === 0) return ['  no task reports backpressure metrics (is the job running?)'];
  const width = Math.min(48, Math.max(...tasks.map((t) => t.task.length)));
  const name = (task: string): string => (task.length > width ? `${task.slice(0, width - 1)}…` : task.padEnd(width));
  const value = (v: number | null, unit: string): string => (v === null ? (ratesGate !== undefined ? `– (not shown: ${ratesGate})` : '–') : `${v} ${unit}`);
  return tasks.map(
    (t) => `  ${name(t.task)}  backPressuredTimeMsPerSecond ${value(t.backPressuredTimeMsPerSecond, 'ms').padEnd(10)}  outPoolUsage ${value(t.outPoolUsage, '%')}`,
  );
}

/** Metrics computed from more than one job metric locally. */
const LOCAL_SPECIAL: Readonly<Record<string, true>> = {
  KPUs: true,
  cpuUtilization: true,
  heapMemoryUtilization: true,
  numRecordsInPerSecond: true,
  numRecordsOutPerSecond: true,
  numLateRecordsDropped: true,
};

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function maybeRound(value: number | undefined): number | null {
  return value === undefined ? null : round(value);
}

/** Reads the metrics from CloudWatch (AWS/KinesisAnalytics, dimension Application): the newest datapoint of each. */
async function cloudWatchMetrics(
  client: CloudWatchClient,
  application: string,
  names: readonly string[],
  minutes: number,
  clock: Pick<Clock, 'now'>,
): Promise<MetricValues> {
  const queries: MetricDataQuery[] = names.map((name, i) => ({
    Id: `m${i}`,
    Label: name,
    MetricStat: {
      Metric: { Namespace: MSF_NAMESPACE, MetricName: name, Dimensions: [{ Name: 'Application', Value: application }] },
      Period: 60,
      Stat: STATISTIC[name] ?? 'Maximum',
    },
  }));
  const values: Record<string, number | null> = Object.fromEntries(names.map((n) => [n, null]));
  let token: string | undefined;
  do {
    const out = await client.send(
      new GetMetricDataCommand({
        MetricDataQueries: queries,
        StartTime: new Date(clock.now() - minutes * 60_000),
        EndTime: new Date(clock.now()),
        ScanBy: 'TimestampDescending',
        NextToken: token,
      }),
    );
    for (const result of out.MetricDataResults ?? []) {
      const index = Number(result.Id?.slice(1));
      const name = names[index];
      if (name !== undefined && values[name] === null && result.Values?.length) values[name] = round(result.Values[0] as number);
    }
    token = out.NextToken;
  } while (token);
  return values;
}

function format(name: string, value: number | null, ratesGate?: string): string {
  if (value === null) return ratesGate !== undefined && RATE_METRICS.has(name) ? `– (not shown: ${ratesGate})` : '–';
  const unit = unitOf(name);
  return unit ? `${value} ${unit}` : String(value);
}

/** `(deprecated in FLINK-2_2: use …)` after a deprecated metric's value. */
function deprecation(name: string): string {
  const use = isMsfMetric(name) ? replacementsOf(name) : undefined;
  return use ? `  (deprecated in FLINK-2_2: use ${use.join(', ')})` : '';
}

/** `playground metrics [NAME…]`: MSF's metrics, from CloudWatch on AWS or from the Flink REST API locally. */
export async function metrics(options: MetricsOptions, io: Io): Promise<number> {
  const { target } = options;
  const names = options.names.length ? [...options.names] : [...DEFAULT_METRICS];
  return runPlay(io, target, async () => {
    let values: MetricValues;
    let health: JobHealth | undefined;
    let backpressure: TaskBackpressure[] | undefined;
    if (target.local) {
      const rest = localFlink(target);
      const { dirs, record } = target.local;
      const app = readLocalApplication(dirs, record.applicationName);
      health = await readHealth(rest, {
        dirs,
        expectJob: app ? JOB_EXPECTED.has(app.status) : false,
        jobId: app?.jobId,
        sinceMs: Date.parse(record.startedAt),
      });
      values = await localMetrics(rest, names, { ratesGate: health.rates.reason });
      if (options.backpressure) backpressure = await localBackpressure(rest, health.rates.reason);
    } else {
      const client = new CloudWatchClient({ ...target.cloudwatch });
      try {
        values = await cloudWatchMetrics(client, target.applicationName, names, options.minutes ?? 15, options.clock ?? realClock);
        if (options.backpressure) backpressure = await cloudWatchBackpressure(client, target.applicationName, options.minutes ?? 15, options.clock ?? realClock);
      } finally {
        client.destroy();
      }
    }
    if (options.json) {
      io.out(
        JSON.stringify(
          { target: target.kind, application: target.applicationName, metrics: values, ...(backpressure ? { backpressure } : {}), ...(health ? { health } : {}) },
          null,
          2,
        ),
      );
      return 0;
    }
    const source = target.local ? `Flink REST ${target.local.record.endpoints.flinkRestUrl}` : `CloudWatch ${MSF_NAMESPACE}, Application=${target.applicationName}, last ${options.minutes ?? 15} min`;
    io.out(`metrics of ${target.applicationName} (${source})`);
    if (health && !health.healthy) {
      io.out(`  health DEGRADED`);
      for (const problem of health.problems) io.out(`    - ${problem.message}`);
    }
    for (const name of names) io.out(`  ${name.padEnd(28)} ${format(name, values[name] ?? null, health?.rates.reason)}${deprecation(name)}`);
    if (backpressure) {
      io.out(`backpressure by task (${target.local ? 'the most back-pressured subtask' : 'newest datapoint, Maximum'}; with --backpressure high during even minutes, UTC)`);
      for (const line of renderBackpressure(backpressure, health?.rates.reason)) io.out(line);
    }
    if (Object.values(values).every((v) => v === null)) {
      throw new PlayError(target.local ? 'no metric has a value: is the job running? (playground status)' : 'no datapoints: is the application running, and are the names right (see --help)?');
    }
    return 0;
  });
}

export const registerMetrics: RegisterCommand = (program, io, setExit) => {
  withTargetOptions(program.command('metrics'))
    .description(`Show the application's metrics by MSF's CloudWatch names (default: ${DEFAULT_METRICS.join(', ')})`)
    .argument('[names...]', `metric names among ${KNOWN_METRICS.join(', ')}`)
    .option('--json', 'print the metrics as JSON', false)
    .option('--minutes <n>', 'AWS: how many minutes back to look for datapoints', intIn(1, 1_440), 15)
    .option('--backpressure', `also each task's ${BACKPRESSURE_METRICS.join(' and ')} (the up --backpressure variant: high during even minutes)`, false)
    .action(async (names: string[], flags: Record<string, unknown>) => {
      const parsed = parseMetricNames(names);
      const target = await playTarget(targetFlags(flags), 'read', io, { json: Boolean(flags.json) });
      setExit(
        await metrics({ target, names: parsed, json: Boolean(flags.json), minutes: flags.minutes as number, backpressure: Boolean(flags.backpressure) }, io),
      );
    });
};
