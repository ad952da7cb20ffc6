import path from 'node:path';
import { isMsfMetric, MSF_METRICS } from '../infra/lib/msf-metrics';
import type { AwsBenchResult, BenchResult, LatencyFigures } from './types';

/**
 * `bench/results/2026-11-22.json` and `.md` for a full run on that (UTC) date; a quick run writes
 * `2026-11-22-quick.json` and `.md`, so a CI smoke run never overwrites a full run's figures, and a
 * run against AWS `2026-11-22-aws.json` and `.md`. A `--only` run adds its parts
 * (`2026-11-22-only-throughput.json`): it is never taken for a full run. A second run of the same
 * kind on the same date carries its start time (`2026-11-22T1725.json`), so it does not overwrite
 * the first; file names still sort by time.
 */
export function resultPaths(
  outDir: string,
  date: string,
  mode: 'quick' | 'full' | 'aws',
  only?: readonly string[],
  time?: string,
): { readonly json: string; readonly markdown: string } {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) throw new RangeError(`not a YYYY-MM-DD date: '${date}'`);
  if (time !== undefined && !/^([01]\d|2[0-3])[0-5]\d$/.test(time)) throw new RangeError(`not an HHMM time: '${time}'`);
  const suffix = `${mode === 'full' ? '' : `-${mode}`}${only && only.length > 0 ? `-only-${only.join('-')}` : ''}`;
  const base = path.join(outDir, `${date}${time === undefined ? '' : `T${time}`}${suffix}`);
  return { json: `${base}.json`, markdown: `${base}.md` };
}

export function formatJson(result: BenchResult | AwsBenchResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

function num(value: number | null | undefined, digits = 0): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function secs(value: number | undefined): string {
  return value === undefined ? '–' : `${num(value, 1)} s`;
}

function ms(value: number | null | undefined): string {
  return value === undefined || value === null ? '–' : `${num(value)} ms`;
}

function kib(bytes: number): string {
  return `${num(bytes / 1024, 1)} KiB`;
}

function latencyRow(label: string, latency: LatencyFigures | undefined): string {
  if (!latency) return `| ${label} | – | – | – |`;
  const w = latency.windows;
  return `| ${label} | ${ms(latency.p50Ms)} | ${ms(latency.p99Ms)} | ${w.exact} exact, ${w.wrong} wrong, ${w.missing} missing, ${w.pending} pending (${latency.fromWindow} – ${latency.toWindow}) |`;
}

/** The markdown summary written beside the JSON and printed at the end of a run. */
export function formatSummary(result: BenchResult): string {
  const { machine, kafka } = result;
  const kinesis = 'skipped' in result.kinesis ? undefined : result.kinesis;
  const t = kafka.throughput;
  const d = kafka.durations ?? {};
  const r = kafka.recovery;
  const lines = [
    `# Benchmark ${result.date} (${result.mode}${result.only ? `, only ${result.only.join(', ')}` : ''})`,
    '',
    `${machine.cpus} cores (${machine.cpuModel}), ${num(machine.memoryBytes / 2 ** 30, 1)} GiB, ${machine.platform}, Node.js ${machine.node}; ` +
      `load average ${num(machine.loadAverage.start, 2)} at the start, ${num(machine.loadAverage.end, 2)} at the end. ` +
      `Run took ${num(result.durationSeconds / 60, 1)} min (${result.startedAt} – ${result.finishedAt})${result.gitCommit ? `, commit ${result.gitCommit.slice(0, 12)}` : ''}.`,
    '',
    '## Throughput (catch-up run, Kafka)',
    '',
  ];
  if (t) {
    lines.push(
      '| | events/s | events | seconds |',
      '|---|---:|---:|---:|',
      `| job (source → 15 s window → sink), parallelism ${t.parallelism}, ${t.partitions} partitions | ${num(t.job.eventsPerSecond)} | ${num(t.job.events)} | ${num(t.job.seconds, 1)} |`,
      ...(t.parallel
        ? [`| the same job, parallelism ${t.parallel.parallelism} | ${num(t.parallel.job.eventsPerSecond)} | ${num(t.parallel.job.events)} | ${num(t.parallel.job.seconds, 1)} |`]
        : []),
      `| broker alone to one consumer (${t.broker.tool}) | ${num(t.broker.eventsPerSecond)} | ${num(t.broker.events)} | ${num(t.broker.seconds, 1)} |`,
      '',
      `Job / broker ratio: **${num(t.ratio, 2)}** over a backlog of ${num(t.backlogEvents)} events` +
        `${t.job.sourceRecordsOut === undefined ? '' : ` (the source read ${num(t.job.sourceRecordsOut)})`}; the catch-up application took ${secs(t.job.startSeconds)} to reach RUNNING.` +
        `${t.parallel ? ` At parallelism ${t.parallel.parallelism}: ratio **${num(t.parallel.ratio, 2)}**, RUNNING after ${secs(t.parallel.job.startSeconds)}.` : ''}`,
    );
  } else {
    lines.push('not measured (see errors)');
  }
  lines.push(
    '',
    '## End-to-end latency (window end → result at the auditor)',
    '',
    '| streams, rate | p50 | p99 | windows |',
    '|---|---:|---:|---|',
    latencyRow(`Kafka, ${kafka.eventsPerWindow} events/page/window`, kafka.latency),
  );
  if (kinesis) lines.push(latencyRow(`kinesis-mock, ${kinesis.eventsPerWindow} events/page/window`, kinesis.latency));
  else lines.push('', `Kinesis variant: skipped (${(result.kinesis as { skipped: string }).skipped}).`);
  lines.push(
    '',
    '## Operations (local control plane, Kafka)',
    '',
    '| operation | seconds |',
    '|---|---:|',
    `| \`playground up\` to application RUNNING | ${secs(kafka.upSeconds)} |`,
    `| snapshot (CreateApplicationSnapshot → READY) | ${secs(d.snapshotSeconds)} |`,
    `| stop (StopApplication → READY, with snapshot) | ${secs(d.stopSeconds)} |`,
    `| start from snapshot (StartApplication → RUNNING) | ${secs(d.startFromSnapshotSeconds)} |`,
    `| scale 1 → 3 (UpdateApplication → RUNNING, 3 TaskManagers) | ${secs(d.scale1to3Seconds)} |`,
    ...(kafka.classArchive === undefined
      ? []
      : ['', `TaskManager JVMs ${kafka.classArchive ? 'mapped a class-data archive (seeded from the checkout)' : 'had no class-data archive yet (the first one writes it at its exit)'}.`]),
    '',
    '## Recovery (TaskManager SIGKILLed)',
    '',
  );
  if (r) {
    lines.push(
      `Killed ${r.taskManager} at parallelism ${r.parallelism}; replacement started after ${num(r.replacementAfterSeconds)} s.`,
      '',
      '| after the kill | seconds |',
      '|---|---:|',
      `| job RUNNING again | ${secs(r.jobRunningAfterSeconds)} |`,
      `| output resumed (first new result at the auditor) | ${secs(r.outputResumedAfterSeconds)} |`,
      `| caught up (a whole window under ${num(r.caughtUpThresholdMs)} ms latency) | ${secs(r.caughtUpAfterSeconds)} |`,
    );
  } else {
    lines.push('not measured (see errors)');
  }
  lines.push('', '## Generator (burst mode) and handler bundles', '', '| stream | events/s | events |', '|---|---:|---:|');
  for (const rate of [result.generator.kafka, result.generator.kinesisMock]) {
    if (rate) lines.push(`| ${rate.stream} | ${num(rate.eventsPerSecond)} | ${num(rate.events)} |`);
  }
  lines.push(...bundleAndErrorLines(result));
  return `${lines.join('\n')}\n`;
}

function bundleAndErrorLines(result: Pick<BenchResult, 'bundles' | 'errors'>): string[] {
  const lines = ['', '| handler | bundle, @aws-sdk external | everything bundled |', '|---|---:|---:|'];
  for (const b of result.bundles) lines.push(`| ${b.handler} | ${kib(b.sdkExternalBytes)} | ${kib(b.allBundledBytes)} |`);
  if (result.errors.length > 0) {
    lines.push('', '## Errors', '');
    for (const error of result.errors) lines.push(`- ${error}`);
  }
  return lines;
}

/** The markdown summary of a `--target aws` run. */
export function formatAwsSummary(result: AwsBenchResult): string {
  const { application: a, job, auditor } = result;
  const value = (figure: { value: number | null } | undefined, digits = 0): string => num(figure?.value, digits);
  const table = auditor.table;
  const ops = result.operations;
  const lagMetric = job.lagMaximum?.metric;
  const lagUnit = lagMetric !== undefined && isMsfMetric(lagMetric) && MSF_METRICS[lagMetric].unit === 'Count' ? 'records' : 'ms';
  const lines = [
    `# Benchmark ${result.date} (aws)`,
    '',
    `Application ${a.name} in ${a.region ?? 'the default region'} (${a.runtime ?? '?'}, ${a.streams ?? '?'} streams, ${a.status ?? '?'}, parallelism ${a.parallelism ?? '?'}` +
      `${a.parallelismPerKpu ? `, ${a.parallelismPerKpu} per KPU` : ''}); figures over ${result.period.minutes} min, ${result.period.from} – ${result.period.to}. ` +
      `Run took ${num(result.durationSeconds / 60, 1)} min${result.gitCommit ? `, commit ${result.gitCommit.slice(0, 12)}` : ''}.`,
    '',
    '## The job (CloudWatch, AWS/KinesisAnalytics)',
    '',
    '| figure | value |',
    '|---|---:|',
    `| records in per second, average / maximum | ${value(job.recordsInPerSecondAverage, 1)} / ${value(job.recordsInPerSecondMaximum, 1)} |`,
    `| records out per second, average / maximum | ${value(job.recordsOutPerSecondAverage, 1)} / ${value(job.recordsOutPerSecondMaximum, 1)} |`,
    `| lag, maximum (${job.lagMaximum?.metric ?? '–'}) | ${value(job.lagMaximum)} ${lagUnit} |`,
    `| restarts in the period (numRestarts) | ${num(result.restartsInPeriod)} |`,
    `| restarting time, maximum (restartingTime) | ${value(job.restartingTimeMaximum)} ms |`,
    `| last checkpoint duration, maximum | ${value(job.lastCheckpointDurationMaximum)} ms |`,
    `| last checkpoint size, maximum | ${value(job.lastCheckpointSizeMaximum)} bytes |`,
    `| failed checkpoints, maximum / late records dropped, maximum | ${value(job.failedCheckpointsMaximum)} / ${value(job.lateRecordsDropped)} |`,
    `| KPUs, maximum | ${value(job.kpusMaximum)} |`,
    `| CPU utilisation, average / maximum | ${value(job.cpuUtilizationAverage)} / ${value(job.cpuUtilizationMaximum)} % |`,
    `| heap utilisation, maximum | ${value(job.heapMemoryUtilizationMaximum)} % |`,
    '',
    '## End-to-end latency and windows (the auditor)',
    '',
    '| source | p50 | p99 | windows |',
    '|---|---:|---:|---|',
    table
      ? `| audit table (every result) | ${ms(table.latencyMs.p50)} | ${ms(table.latencyMs.p99)} | ${table.windows.exact} exact, ${table.windows.wrong} wrong, ${table.windows.missing} missing, ${table.windows.pending} pending; ${table.duplicates} duplicates |`
      : '| audit table | – | – | not read (see errors) |',
    `| CloudWatch (EndToEndLatency, WindowsExact/Wrong/Missing) | ${ms(auditor.metrics.latencyP50?.value)} | ${ms(auditor.metrics.latencyP99?.value)} | ${value(auditor.metrics.windowsExact)} exact, ${value(auditor.metrics.windowsWrong)} wrong, ${value(auditor.metrics.windowsMissing)} missing |`,
    '',
    `Generator: ${num(result.generator.eventsSent)} events sent in the period (${num(result.generator.eventsPerSecond, 1)} events/s).`,
    '',
    '## Operations (kinesisanalyticsv2, the plays\' own functions)',
    '',
  ];
  if (ops) {
    const r = ops.recovery;
    lines.push(
      '| operation | seconds |',
      '|---|---:|',
      `| snapshot (CreateApplicationSnapshot → READY) | ${secs(ops.snapshotSeconds)} |`,
      `| stop (StopApplication → READY, with snapshot) | ${secs(ops.stopSeconds)} |`,
      `| start from snapshot (StartApplication → RUNNING) | ${secs(ops.startFromSnapshotSeconds)} |`,
      `| scale ${ops.scale ? `${ops.scale.from} → ${ops.scale.to}` : '–'} (UpdateApplication → RUNNING) | ${secs(ops.scale?.seconds)} |`,
      `| scale back ${ops.scale ? `${ops.scale.to} → ${ops.scale.from}` : '–'} | ${secs(ops.scale?.backSeconds)} |`,
      `| injected failure → output resumed | ${secs(r?.outputResumedAfterSeconds)} |`,
      `| injected failure → caught up (a whole window under ${num(r?.caughtUpThresholdMs)} ms) | ${secs(r?.caughtUpAfterSeconds)} |`,
    );
  } else {
    lines.push('not taken (run with --operations to time them on the deployed application)');
  }
  lines.push('', '## Not measured on AWS', '');
  for (const reason of result.notMeasured) lines.push(`- ${reason}`);
  lines.push('', '## Handler bundles');
  lines.push(...bundleAndErrorLines(result));
  return `${lines.join('\n')}\n`;
}

/** A figure of a local run, and whether a higher or a lower value is the better one. */
interface Figure {
  readonly figure: string;
  readonly unit: 'events/s' | 'ratio' | 'ms' | 's';
  readonly better: 'higher' | 'lower';
  readonly value: (result: BenchResult) => number | null | undefined;
}

const FIGURES: readonly Figure[] = [
  { figure: 'catch-up throughput of the job', unit: 'events/s', better: 'higher', value: (r) => r.kafka.throughput?.job.eventsPerSecond },
  { figure: 'broker alone to one consumer', unit: 'events/s', better: 'higher', value: (r) => r.kafka.throughput?.broker.eventsPerSecond },
  { figure: 'job / broker ratio', unit: 'ratio', better: 'higher', value: (r) => r.kafka.throughput?.ratio },
  { figure: 'catch-up throughput, parallelism 2', unit: 'events/s', better: 'higher', value: (r) => r.kafka.throughput?.parallel?.job.eventsPerSecond },
  { figure: 'job / broker ratio, parallelism 2', unit: 'ratio', better: 'higher', value: (r) => r.kafka.throughput?.parallel?.ratio },
  { figure: 'latency p50, Kafka', unit: 'ms', better: 'lower', value: (r) => r.kafka.latency?.p50Ms },
  { figure: 'latency p99, Kafka', unit: 'ms', better: 'lower', value: (r) => r.kafka.latency?.p99Ms },
  { figure: 'latency p50, kinesis-mock', unit: 'ms', better: 'lower', value: (r) => ('skipped' in r.kinesis ? undefined : r.kinesis.latency?.p50Ms) },
  { figure: 'latency p99, kinesis-mock', unit: 'ms', better: 'lower', value: (r) => ('skipped' in r.kinesis ? undefined : r.kinesis.latency?.p99Ms) },
  { figure: 'playground up to RUNNING', unit: 's', better: 'lower', value: (r) => r.kafka.upSeconds },
  { figure: 'snapshot', unit: 's', better: 'lower', value: (r) => r.kafka.durations?.snapshotSeconds },
  { figure: 'stop with snapshot', unit: 's', better: 'lower', value: (r) => r.kafka.durations?.stopSeconds },
  { figure: 'start from snapshot', unit: 's', better: 'lower', value: (r) => r.kafka.durations?.startFromSnapshotSeconds },
  { figure: 'scale 1 → 3', unit: 's', better: 'lower', value: (r) => r.kafka.durations?.scale1to3Seconds },
  { figure: 'TaskManager killed → job RUNNING', unit: 's', better: 'lower', value: (r) => r.kafka.recovery?.jobRunningAfterSeconds },
  { figure: 'TaskManager killed → output resumed', unit: 's', better: 'lower', value: (r) => r.kafka.recovery?.outputResumedAfterSeconds },
  { figure: 'TaskManager killed → caught up', unit: 's', better: 'lower', value: (r) => r.kafka.recovery?.caughtUpAfterSeconds },
  { figure: 'generator burst into Kafka', unit: 'events/s', better: 'higher', value: (r) => r.generator.kafka?.eventsPerSecond },
];

/** One figure of this run beside the same figure of an earlier one. */
export interface FigureComparison {
  readonly figure: string;
  readonly unit: Figure['unit'];
  readonly better: Figure['better'];
  readonly before?: number;
  readonly now?: number;
  /** now / before, when both were measured. */
  readonly ratio?: number;
}

function measured(value: number | null | undefined): number | undefined {
  return value === null || value === undefined || !Number.isFinite(value) ? undefined : value;
}

/** Every figure this run measured, beside the earlier run's (a figure neither measured is left out). */
export function compareResults(before: BenchResult, now: BenchResult): FigureComparison[] {
  const rows: FigureComparison[] = [];
  for (const f of FIGURES) {
    const b = measured(f.value(before));
    const n = measured(f.value(now));
    if (n === undefined) continue;
    rows.push({ figure: f.figure, unit: f.unit, better: f.better, before: b, now: n, ...(b !== undefined && b !== 0 ? { ratio: n / b } : {}) });
  }
  return rows;
}

function figureValue(value: number | undefined, unit: Figure['unit']): string {
  if (value === undefined) return '–';
  if (unit === 'ratio') return num(value, 2);
  if (unit === 's') return `${num(value, 1)} s`;
  return unit === 'ms' ? `${num(value)} ms` : num(value);
}

/**
 * The comparison printed after a run: each figure, the earlier run's, and now / before, marked
 * where it got better or worse by more than 10 %.
 */
export function formatComparison(beforeLabel: string, rows: readonly FigureComparison[]): string {
  const lines = [`## Against ${beforeLabel}`, '', '| figure | before | now | now / before |', '|---|---:|---:|---:|'];
  for (const row of rows) {
    let mark = '';
    if (row.ratio !== undefined && Math.abs(row.ratio - 1) > 0.1) {
      mark = (row.ratio > 1) === (row.better === 'higher') ? ' better' : ' worse';
    }
    lines.push(`| ${row.figure} | ${figureValue(row.before, row.unit)} | ${figureValue(row.now, row.unit)} | ${row.ratio === undefined ? '–' : `${num(row.ratio, 2)}${mark}`} |`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The newest result file of a run of this mode among `names` (file names in bench/results): full
 * runs compare with full runs, quick with quick; `--only` and AWS runs are never the baseline.
 */
export function newestResultFile(names: readonly string[], mode: 'quick' | 'full'): string | undefined {
  const pattern = mode === 'full' ? /^\d{4}-\d{2}-\d{2}(T\d{4})?\.json$/ : /^\d{4}-\d{2}-\d{2}(T\d{4})?-quick\.json$/;
  return names.map((name) => path.basename(name)).filter((name) => pattern.test(name)).sort().at(-1);
}
