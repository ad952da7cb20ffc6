import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { CreateApplicationCommand, DeleteApplicationCommand, ListApplicationsCommand, type KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { describeApplication, startApplication, stopApplication, type OperationOptions } from '../cli/msf';
import { Kafka, logLevel } from 'kafkajs';
import { GENERATOR_DEFAULTS } from '../lambdas/shared/config';
import { KafkaStreamWriter } from '../lambdas/shared/kafka-writer';
import { WINDOW_MS, windowOf } from '../lambdas/shared/windows';
import { FlinkRestClient } from '../local/flink/rest';
import { operatorMetricId, SOURCE_OPERATOR_METRIC } from '../local/health';
import { resolveClasspath } from '../local/maven';
import type { PlaygroundDirs } from '../local/paths';
import { createTopics } from '../local/services/kafka';
import type { StackRecord } from '../local/stack-state';
import { poll } from '../local/poll';
import { measureGenerator, type GeneratorRate } from './generator';
import { BenchStepError } from './stack';
import type { ThroughputFigures } from './types';
import { pollFor } from './wait';

const run = promisify(execFile);

const BENCH_APPLICATION = 'click-count-bench';
const BENCH_TOPICS = { input: 'bench-input', output: 'bench-output', partitions: 2 } as const;
const EVENTS_PER_WINDOW = GENERATOR_DEFAULTS.eventsPerWindow;
const PAGES = 6;

/** Windows of 6 pages × 1000 events that hold at least `events` events. */
export function backlogWindows(events: number): number {
  return Math.max(3, Math.ceil(events / (PAGES * EVENTS_PER_WINDOW)));
}

/**
 * The job's rate from its results: a window's results come out once the source has read past its
 * end, so window k (0-based) out means (k + 1) windows of events consumed. The rate runs from the
 * first window complete to the last complete one (the last window of the backlog never closes:
 * nothing comes after it).
 */
export function rateFromWindows(
  completions: ReadonlyMap<number, number>,
  eventsPerWindowAllPages: number,
): { events: number; seconds: number; eventsPerSecond: number } | undefined {
  const indexes = [...completions.keys()].sort((a, b) => a - b);
  if (indexes.length < 2) return undefined;
  const first = indexes[0];
  const last = indexes[indexes.length - 1];
  const seconds = ((completions.get(last) as number) - (completions.get(first) as number)) / 1000;
  const events = (last - first) * eventsPerWindowAllPages;
  return seconds > 0 ? { events, seconds, eventsPerSecond: events / seconds } : undefined;
}

/** Parses the CSV line ConsumerPerformance prints (header first), keyed by header name. */
export function parseConsumerPerformance(output: string): Record<string, number> {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const headerIndex = lines.findIndex((l) => l.startsWith('start.time'));
  if (headerIndex < 0 || !lines[headerIndex + 1]) throw new BenchStepError(`no ConsumerPerformance figures in its output:\n${output.slice(-800)}`);
  const header = lines[headerIndex].split(',').map((h) => h.trim());
  const values = lines[headerIndex + 1].split(',').map((v) => v.trim());
  const figures: Record<string, number> = {};
  header.forEach((name, i) => {
    const value = Number(values[i]);
    if (Number.isFinite(value)) figures[name] = value;
  });
  return figures;
}

/** The broker alone: Kafka's own ConsumerPerformance (kafka-tools) over the backlog topic. */
async function brokerRate(dirs: PlaygroundDirs, bootstrap: string, events: number): Promise<ThroughputFigures['broker']> {
  const classpath = (await resolveClasspath('kafka', { cacheDir: dirs.cache })).join(path.delimiter);
  const { stdout } = await run(
    'java',
    [
      '-Xmx512m', '-cp', classpath, 'org.apache.kafka.tools.ConsumerPerformance',
      '--bootstrap-server', bootstrap, '--topic', BENCH_TOPICS.input, '--messages', String(events),
      '--group', `bench-raw-${Date.now()}`, '--timeout', '60000',
    ],
    { timeout: 300_000, maxBuffer: 4 * 1024 * 1024 },
  );
  const figures = parseConsumerPerformance(stdout);
  // fetch.* leaves out the group join (rebalance) time: the rate of delivering records.
  const seconds = (figures['fetch.time.ms'] ?? NaN) / 1000;
  const consumed = figures['data.consumed.in.nMsg'] ?? NaN;
  if (!(seconds > 0) || !(consumed > 0)) throw new BenchStepError(`ConsumerPerformance reported no records: ${JSON.stringify(figures)}`);
  return { tool: 'kafka-tools ConsumerPerformance', events: consumed, seconds, eventsPerSecond: consumed / seconds, mbPerSecond: figures['fetch.MB.sec'] };
}

/** Fallback when the JVM tool cannot run: a kafkajs consumer reading the backlog topic. */
async function brokerRateKafkajs(bootstrap: string, events: number): Promise<ThroughputFigures['broker']> {
  const consumer = new Kafka({ clientId: 'bench-raw', brokers: [bootstrap], logLevel: logLevel.NOTHING }).consumer({ groupId: `bench-raw-js-${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: BENCH_TOPICS.input, fromBeginning: true });
    let count = 0;
    let first = 0;
    let last = 0;
    await consumer.run({
      eachBatch: async ({ batch }) => {
        if (count === 0) first = performance.now();
        count += batch.messages.length;
        last = performance.now();
      },
    });
    await pollFor(async () => (count >= events ? true : undefined), { timeoutMs: 300_000, intervalMs: 200 });
    const seconds = (last - first) / 1000;
    return { tool: 'kafkajs consumer', events: count, seconds, eventsPerSecond: count / seconds };
  } finally {
    await consumer.disconnect();
  }
}

function benchPropertyGroups(bootstrap: string, outputTopic: string): { PropertyGroupId: string; PropertyMap: Record<string, string> }[] {
  return [
    { PropertyGroupId: 'ClickCountJob', PropertyMap: { streams: 'kafka' } },
    {
      PropertyGroupId: 'Kafka',
      PropertyMap: {
        'bootstrap.servers': bootstrap,
        'input.topic': BENCH_TOPICS.input,
        'output.topic': outputTopic,
        'group.id': `${BENCH_APPLICATION}-${outputTopic}`,
        'starting.offsets': 'earliest',
        'transactional.id.prefix': `${BENCH_APPLICATION}-${outputTopic}`,
      },
    },
  ];
}

export interface CatchUpOptions {
  readonly backlogEvents: number;
  /** The parallelism of the first catch-up run (the stack's). */
  readonly parallelism: number;
  /** Run the same backlog again at this parallelism (e.g. 2 on a 2-core machine). */
  readonly parallelismAlso?: number;
  readonly log: (line: string) => void;
  /** How cli/msf.ts's operations wait on the stack's control plane. */
  readonly operation: OperationOptions;
}

/**
 * The catch-up run: a backlog of past windows written by the generator (burst mode) to its own
 * topic, the broker's raw rate over it, then a second application reading it from the earliest
 * offset — once at the stack's parallelism and, with `parallelismAlso`, once more at that one (its
 * own group and output topic). The main application must be stopped first (the cluster's slots
 * are the job's).
 */
export async function catchUpRun(
  record: StackRecord,
  dirs: PlaygroundDirs,
  client: KinesisAnalyticsV2Client,
  options: CatchUpOptions,
): Promise<{ throughput: ThroughputFigures; generator: GeneratorRate }> {
  const bootstrap = record.endpoints.kafka;
  if (!bootstrap) throw new BenchStepError('the stack has no Kafka broker');
  const { log } = options;
  const runs = [options.parallelism, ...(options.parallelismAlso && options.parallelismAlso !== options.parallelism ? [options.parallelismAlso] : [])];
  const outputTopic = (parallelism: number) => `${BENCH_TOPICS.output}-p${parallelism}`;
  await createTopics(bootstrap, [
    { name: BENCH_TOPICS.input, partitions: BENCH_TOPICS.partitions },
    // The broker stamps each result as it appends it: a window's completion time does not depend
    // on when the bench's own consumer got round to reading it (its group join takes seconds).
    ...runs.map((parallelism) => ({ name: outputTopic(parallelism), partitions: BENCH_TOPICS.partitions, config: { 'message.timestamp.type': 'LogAppendTime' } })),
  ]);

  const windows = backlogWindows(options.backlogEvents);
  const firstWindowStart = windowOf(Date.now()).start - (windows + 1) * WINDOW_MS;
  const writer = new KafkaStreamWriter({ kind: 'kafka', bootstrapServers: [bootstrap], topic: BENCH_TOPICS.input, auth: 'none' });
  let generator: GeneratorRate;
  try {
    log(`writing a backlog of ${(windows * PAGES * EVENTS_PER_WINDOW).toLocaleString('en-US')} events (${windows} past windows) to ${BENCH_TOPICS.input}`);
    generator = await measureGenerator('kafka (backlog)', writer, { eventsPerWindow: EVENTS_PER_WINDOW, windows, anchorMs: firstWindowStart - 1 });
  } finally {
    await writer.close();
  }
  const events = generator.events;
  log(`  ${Math.round(generator.eventsPerSecond).toLocaleString('en-US')} events/s from the generator`);

  let broker: ThroughputFigures['broker'];
  try {
    broker = await brokerRate(dirs, bootstrap, events);
  } catch (error) {
    log(`  ConsumerPerformance failed (${(error as Error).message.split('\n')[0]}); measuring with a kafkajs consumer instead`);
    broker = await brokerRateKafkajs(bootstrap, events);
  }
  log(`  broker alone: ${Math.round(broker.eventsPerSecond).toLocaleString('en-US')} events/s (${broker.tool})`);

  const backlog: Backlog = { bootstrap, events, windows, firstWindowStart };
  const job = await catchUpJob(record, client, backlog, options.parallelism, outputTopic(options.parallelism), options);
  let parallel: ThroughputFigures['parallel'];
  if (runs.length > 1) {
    const again = await catchUpJob(record, client, backlog, runs[1], outputTopic(runs[1]), options);
    parallel = { parallelism: runs[1], job: again, ratio: again.eventsPerSecond / broker.eventsPerSecond };
  }
  return {
    generator,
    throughput: {
      backlogEvents: events,
      partitions: BENCH_TOPICS.partitions,
      parallelism: options.parallelism,
      job,
      broker,
      ratio: job.eventsPerSecond / broker.eventsPerSecond,
      ...(parallel ? { parallel } : {}),
    },
  };
}

interface Backlog {
  readonly bootstrap: string;
  readonly events: number;
  readonly windows: number;
  readonly firstWindowStart: number;
}

/** One catch-up application over the backlog at `parallelism`, writing to `outputTopic`; removed at the end. */
async function catchUpJob(
  record: StackRecord,
  client: KinesisAnalyticsV2Client,
  backlog: Backlog,
  parallelism: number,
  outputTopic: string,
  options: CatchUpOptions,
): Promise<ThroughputFigures['job']> {
  const { log } = options;
  const { bootstrap, events, windows, firstWindowStart } = backlog;
  // Window completions on the output topic: the broker's append time of the last of a window's 6 results.
  const completions = new Map<number, number>();
  const perWindow = new Map<number, number>();
  const consumer = new Kafka({ clientId: 'bench-output', brokers: [bootstrap], logLevel: logLevel.NOTHING }).consumer({ groupId: `bench-output-${Date.now()}` });
  await consumer.connect();
  const rest = new FlinkRestClient(record.endpoints.flinkRestUrl, 10_000);
  try {
    await consumer.subscribe({ topic: outputTopic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const appendedAt = Number(message.timestamp);
        const result = JSON.parse(message.value?.toString() ?? '{}') as { windowStart?: string };
        const index = Math.round((Date.parse(result.windowStart ?? '') - firstWindowStart) / WINDOW_MS);
        if (!Number.isInteger(index) || index < 0) return;
        const seen = (perWindow.get(index) ?? 0) + 1;
        perWindow.set(index, seen);
        if (seen === PAGES && !completions.has(index)) completions.set(index, appendedAt);
      },
    });

    const existing = await describeApplication(client, BENCH_APPLICATION).catch(() => undefined);
    if (!existing) {
      await client.send(
        new CreateApplicationCommand({
          ApplicationName: BENCH_APPLICATION,
          RuntimeEnvironment: 'FLINK-2_2',
          ServiceExecutionRole: `arn:aws:iam::000000000000:role/${BENCH_APPLICATION}`,
          ApplicationConfiguration: {
            ApplicationCodeConfiguration: {
              CodeContentType: 'ZIPFILE',
              CodeContent: { S3ContentLocation: { BucketARN: 'arn:aws:s3:::local', FileKey: 'job/target/click-count-job.jar' } },
            },
            FlinkApplicationConfiguration: {
              CheckpointConfiguration: { ConfigurationType: 'CUSTOM', CheckpointingEnabled: true, CheckpointInterval: 10_000, MinPauseBetweenCheckpoints: 1_000 },
              ParallelismConfiguration: { ConfigurationType: 'CUSTOM', Parallelism: parallelism, ParallelismPerKPU: 1, AutoScalingEnabled: false },
            },
            EnvironmentProperties: { PropertyGroups: benchPropertyGroups(bootstrap, outputTopic) },
            ApplicationSnapshotConfiguration: { SnapshotsEnabled: false },
          },
        }),
      );
    }
    log(`starting application ${BENCH_APPLICATION} (${BENCH_TOPICS.input} → ${outputTopic}, earliest offsets, parallelism ${parallelism})`);
    const startedAt = performance.now();
    await startApplication(client, BENCH_APPLICATION, { ...options.operation, restore: 'none', timeoutMs: 300_000 });
    const startSeconds = (performance.now() - startedAt) / 1000;
    const runningAtMs = Date.now();
    log(`  RUNNING after ${startSeconds.toFixed(1)} s; waiting for the last window of the backlog`);

    // Windows 0 … windows-2 close; the last one has nothing after it to move the watermark.
    const lastIndex = windows - 2;
    let lastProgress = Date.now();
    let lastCount = 0;
    await poll<true>(
      async () => {
        if (completions.has(lastIndex)) return { done: true, value: true };
        if (completions.size !== lastCount) {
          lastCount = completions.size;
          lastProgress = Date.now();
        } else if (Date.now() - lastProgress > 90_000) {
          throw new BenchStepError(`the catch-up run at parallelism ${parallelism} stalled at ${completions.size} of ${lastIndex + 1} windows`);
        }
        return { done: false, state: `${completions.size} windows out` };
      },
      {
        timeoutMs: Math.max(120_000, (events / 2_000) * 1000),
        intervalMs: 200,
        timeout: () => new BenchStepError(`the catch-up run at parallelism ${parallelism} did not finish in time (${completions.size} of ${lastIndex + 1} windows out)`),
      },
    );
    const rate = rateFromWindows(completions, PAGES * EVENTS_PER_WINDOW);
    if (!rate) throw new BenchStepError('too few windows came out to compute a rate');
    const appended = [...completions.values()];
    const firstResultAfterSeconds = (Math.min(...appended) - runningAtMs) / 1000;
    log(`  first whole window ${firstResultAfterSeconds.toFixed(1)} s after RUNNING, the last ${((Math.max(...appended) - runningAtMs) / 1000).toFixed(1)} s after`);

    let sourceRecordsOut: number | undefined;
    const job = (await rest.jobs()).find((j) => j.state === 'RUNNING');
    if (job) {
      const details = await rest.job(job.jid);
      const source = details.vertices[0];
      // Flink REST refreshes metrics every 10 s: wait for the counter to show the whole backlog.
      await pollFor(
        async () => {
          const id = (await operatorMetricId(rest, job.jid, source.id, SOURCE_OPERATOR_METRIC('numRecordsOut')).catch(() => undefined)) ?? 'numRecordsOut';
          sourceRecordsOut = (await rest.vertexMetricSums(job.jid, source.id, [id]).catch(() => ({}) as Record<string, number>))[id];
          return sourceRecordsOut !== undefined && sourceRecordsOut >= events ? true : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 1_000 },
      );
    }
    log(`  job at parallelism ${parallelism}: ${Math.round(rate.eventsPerSecond).toLocaleString('en-US')} events/s over ${rate.seconds.toFixed(1)} s`);
    return { ...rate, startSeconds, firstResultAfterSeconds, sourceRecordsOut };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await removeBenchApplication(client, options.operation).catch((error: unknown) => log(`  could not remove ${BENCH_APPLICATION}: ${(error as Error).message}`));
  }
}

/** Force-stops (cancels) and deletes the catch-up application. */
async function removeBenchApplication(client: KinesisAnalyticsV2Client, operation: OperationOptions): Promise<void> {
  const detail = await describeApplication(client, BENCH_APPLICATION).catch(() => undefined);
  if (!detail) return;
  await stopApplication(client, BENCH_APPLICATION, { ...operation, force: true, timeoutMs: 120_000 });
  const ready = await describeApplication(client, BENCH_APPLICATION);
  await client.send(new DeleteApplicationCommand({ ApplicationName: BENCH_APPLICATION, CreateTimestamp: ready.CreateTimestamp }));
  // DELETING until its snapshots are gone, as on MSF: the next catch-up run creates it again
  await pollFor(
    async () => {
      const listed = (await client.send(new ListApplicationsCommand({}))).ApplicationSummaries ?? [];
      return listed.some((app) => app.ApplicationName === BENCH_APPLICATION) ? undefined : true;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}
