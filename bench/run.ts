import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import type { KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { createSnapshot, startApplication, stopApplication, updateParallelism, type OperationOptions } from '../cli/msf';
import { FlinkRestClient } from '../local/flink/rest';
import { LOCAL_EVENTS_PER_WINDOW } from '../local/names';
import { repoRoot } from '../local/paths';
import type { StackRecord } from '../local/stack-state';
import type { BenchOptions, BenchPart } from './args';
import { benchControlPlane, timed } from './control-plane';
import { handlerBundleSizes, measureKinesisMock, type BundleSize, type GeneratorRate } from './generator';
import { recovery, steadyLatency } from './pipeline';
import { BenchStepError, startBenchStack } from './stack';
import { catchUpRun } from './throughput';
import type { BenchResult, MachineInfo, OperationDurations, StreamsFigures } from './types';
import { newestResultFile } from './report';
import { pollFor } from './wait';

export interface BenchRuntime {
  readonly log: (line: string) => void;
  /** Told of every stack started, so a Ctrl-C can take it down. */
  readonly register: (stack: { down(): Promise<void> }) => void;
}

const KAFKA_EVENTS_PER_WINDOW = LOCAL_EVENTS_PER_WINDOW.kafka;
const KINESIS_EVENTS_PER_WINDOW = LOCAL_EVENTS_PER_WINDOW.kinesis;
const REPLACEMENT_AFTER_SECONDS = 10;
/** A full run's second catch-up: one slot per core of a 2-core machine, to see what a second slot buys. */
const CATCH_UP_PARALLELISM_ALSO = 2;

export function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/**
 * The newest full (or quick) result committed at HEAD under bench/results, read from git so that
 * the file this run just wrote is not its own baseline; undefined without one (or outside git).
 */
export function committedResult(mode: 'quick' | 'full'): { readonly file: string; readonly result: BenchResult } | undefined {
  try {
    const git = (args: string[]): string => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 16 * 1024 * 1024 });
    const file = newestResultFile(git(['ls-tree', '--name-only', 'HEAD', 'bench/results/']).split('\n'), mode);
    if (!file) return undefined;
    const result = JSON.parse(git(['show', `HEAD:bench/results/${file}`])) as BenchResult;
    return result.schemaVersion === 1 ? { file, result } : undefined;
  } catch {
    return undefined;
  }
}

/** UpdateApplication to parallelism 3 at 1 per KPU, until Flink runs every task at 3 on 3 TaskManagers. */
async function scaleTo3(client: KinesisAnalyticsV2Client, app: string, record: StackRecord, operation: OperationOptions): Promise<void> {
  const rest = new FlinkRestClient(record.endpoints.flinkRestUrl, 10_000);
  const resized = async (): Promise<true | undefined> => {
    const overview = await rest.overview().catch(() => undefined);
    const job = (await rest.jobs().catch(() => [])).find((j) => j.state === 'RUNNING');
    const details = job ? await rest.job(job.jid).catch(() => undefined) : undefined;
    return overview?.taskmanagers === 3 && details?.vertices.every((v) => v.parallelism === 3 && v.status === 'RUNNING') === true ? true : undefined;
  };
  await updateParallelism(client, app, { parallelism: 3, perKpu: 1, autoScaling: false }, { ...operation, timeoutMs: 300_000 });
  // RUNNING at the new version; the figure counts until Flink runs every task at 3 on 3 TaskManagers.
  if (!(await pollFor(resized, { timeoutMs: 300_000, intervalMs: 250 }))) throw new BenchStepError('the job did not run at parallelism 3 on 3 TaskManagers within 300 s');
}

/** Runs every measurement; a failing step is recorded in `errors` and the run goes on. */
export async function runBench(options: BenchOptions, runtime: BenchRuntime): Promise<BenchResult> {
  const { log } = runtime;
  const started = new Date();
  const loadStart = loadavg()[0];
  const errors: string[] = [];
  const step = async <T>(name: string, action: () => Promise<T>): Promise<T | undefined> => {
    log(`— ${name}`);
    try {
      return await action();
    } catch (error) {
      const message = `${name}: ${(error as Error).message}`;
      errors.push(message);
      log(`  FAILED ${message}`);
      return undefined;
    }
  };
  const recoveryTimeoutMs = options.quick ? 150_000 : 300_000;
  const wants = (part: BenchPart): boolean => options.only === undefined || options.only.includes(part);

  let kafka: StreamsFigures = { streams: 'kafka', eventsPerWindow: KAFKA_EVENTS_PER_WINDOW };
  const generator: { kafka?: GeneratorRate; kinesisMock?: GeneratorRate } = {};
  const kafkaParts = options.only === undefined || options.only.some((part) => part !== 'kinesis');
  const stack = !kafkaParts ? undefined : await step('playground up (kafka)', () => startBenchStack('kafka', KAFKA_EVENTS_PER_WINDOW, log, runtime.register));
  if (stack) {
    const { record, dirs } = stack;
    const app = record.applicationName;
    const { client, operation } = benchControlPlane(dirs, log);
    try {
      log(`  up in ${stack.upSeconds.toFixed(1)} s (Flink ${record.endpoints.flinkRestUrl}, Kafka ${record.endpoints.kafka})`);
      const latency = wants('latency')
        ? await step(`latency at ${KAFKA_EVENTS_PER_WINDOW} events/page/window`, () => steadyLatency(record, options.latencySeconds, log))
        : undefined;
      if (latency) log(`  p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms; windows ${JSON.stringify(latency.windows)}`);
      // The steady job is the baseline: kill a TaskManager now, and snapshot once it has caught up.
      const thresholdMs = latency?.p99Ms != null ? latency.p99Ms + 2_000 : 5_000;
      const recovered = wants('recovery')
        ? await step('recovery from a killed TaskManager', () =>
            recovery(record, dirs, { downForSeconds: REPLACEMENT_AFTER_SECONDS, thresholdMs, timeoutMs: recoveryTimeoutMs, log }),
          )
        : undefined;
      const durations: { -readonly [K in keyof OperationDurations]: OperationDurations[K] } = {};
      let stopped = false;
      if (wants('operations')) {
        durations.snapshotSeconds = await step('snapshot', () => timed(() => createSnapshot(client, app, `bench-${Date.now()}`, { ...operation, timeoutMs: 180_000 })));
        durations.stopSeconds = await step('stop', () => timed(() => stopApplication(client, app, { ...operation, timeoutMs: 300_000 })));
        stopped = durations.stopSeconds !== undefined;
      } else if (wants('throughput')) {
        // not timed: the catch-up application needs the cluster's slots
        stopped = (await step('stop (without a snapshot, not timed)', () => stopApplication(client, app, { ...operation, force: true, timeoutMs: 300_000 }))) !== undefined;
      }
      const catchUp =
        !wants('throughput') || !stopped
          ? undefined
          : await step(`catch-up run over ${options.backlogEvents.toLocaleString('en-US')} events`, () =>
              catchUpRun(record, dirs, client, {
                operation,
                backlogEvents: options.backlogEvents,
                parallelism: record.options.parallelism,
                // one slot per core on this machine's 2 cores; a quick run has no time for it
                parallelismAlso: options.quick ? undefined : CATCH_UP_PARALLELISM_ALSO,
                log,
              }),
            );
      generator.kafka = catchUp?.generator;
      if (wants('operations')) {
        durations.startFromSnapshotSeconds = await step('start from snapshot', () =>
          timed(() => startApplication(client, app, { ...operation, restore: 'latest', timeoutMs: 300_000 })),
        );
        durations.scale1to3Seconds = await step('scale 1 → 3', () => timed(() => scaleTo3(client, app, record, operation)));
      }
      for (const [name, value] of Object.entries(durations)) if (value !== undefined) log(`  ${name}: ${value.toFixed(1)} s`);
      kafka = { ...kafka, upSeconds: stack.upSeconds, classArchive: stack.classArchive, latency, durations, throughput: catchUp?.throughput, recovery: recovered };
    } finally {
      client.destroy();
    }
  }

  const work = mkdtempSync(path.join(tmpdir(), 'bench-work-'));
  let bundles: BundleSize[] = [];
  try {
    // Bundle sizes do not depend on the machine's load: build them while the stack goes down.
    if (stack) log('— playground down (kafka), meanwhile:');
    const [, built] = await Promise.all([
      stack?.down(errors.length > 0),
      options.only === undefined ? step('handler bundle sizes', () => handlerBundleSizes(work)) : undefined,
    ]);
    bundles = built ?? [];
    if (options.kinesis && options.only === undefined) generator.kinesisMock = await step('generator against a fresh kinesis-mock', () => measureKinesisMock(path.join(work, 'logs')));
  } finally {
    await stack?.down(errors.length > 0);
    rmSync(work, { recursive: true, force: true });
  }

  let kinesis: BenchResult['kinesis'] = { skipped: options.quick ? 'not in a --quick run (it would not fit in 5 minutes)' : '--no-kinesis' };
  if (options.kinesis) {
    const kinesisStack = await step('playground up (kinesis)', () => startBenchStack('kinesis', KINESIS_EVENTS_PER_WINDOW, log, runtime.register));
    if (kinesisStack) {
      try {
        const latency = await step(`latency at ${KINESIS_EVENTS_PER_WINDOW} events/page/window (kinesis-mock)`, () =>
          steadyLatency(kinesisStack.record, options.latencySeconds, log),
        );
        if (latency) log(`  p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms; windows ${JSON.stringify(latency.windows)}`);
        kinesis = { streams: 'kinesis', eventsPerWindow: KINESIS_EVENTS_PER_WINDOW, upSeconds: kinesisStack.upSeconds, classArchive: kinesisStack.classArchive, latency };
      } finally {
        log('— playground down (kinesis)');
        await kinesisStack.down(errors.length > 0);
      }
    } else {
      kinesis = { skipped: 'playground up --streams kinesis failed (see errors)' };
    }
  }

  const finished = new Date();
  const machine: MachineInfo = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
    platform: `${platform()} ${release()}`,
    node: process.versions.node,
    loadAverage: { start: loadStart, end: loadavg()[0] },
  };
  return {
    schemaVersion: 1,
    mode: options.quick ? 'quick' : 'full',
    ...(options.only ? { only: options.only } : {}),
    date: started.toISOString().slice(0, 10),
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationSeconds: (finished.getTime() - started.getTime()) / 1000,
    gitCommit: gitCommit(),
    machine,
    kafka,
    kinesis,
    generator,
    bundles,
    errors,
  };
}
