import { rmSync } from 'node:fs';
import path from 'node:path';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import {
  CreateApplicationCommand,
  DescribeApplicationCommand,
  KinesisAnalyticsV2Client,
  StartApplicationCommand,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { DEFAULT_JOB_VARIANT, jobPropertyGroups, propertyGroupList, type JobStreams } from '../infra/lib/job-properties';
import {
  AUDITOR_DEFAULTS,
  auditorEnvironment,
  GENERATOR_DEFAULTS,
  generatorEnvironment,
  type AuditorConfig,
  type GeneratorConfig,
} from '../lambdas/shared/config';
import { AUDIT_TABLE, createTableInput, LEDGER_TABLE } from '../lambdas/shared/tables';
import { startControlPlane } from './control-plane/server';
import { applicationsDir } from './control-plane/store';
import { LocalStackError } from './errors';
import { appendStackEvent, stackEventsFile } from './events';
import { startFlinkCluster, type FlinkCluster } from './flink/cluster';
import { auditorHostEnvironment, generatorHostEnvironment } from './functions/host-env';
import { LOCAL_CREDENTIALS, LOCAL_NAMES, LOCAL_REGION } from './names';
import type { PlaygroundDirs } from './paths';
import { poll } from './poll';
import { startProcess } from './process';
import { startDynamoDbLocal } from './services/dynamodb-local';
import { startKafka } from './services/kafka';
import { startKinesisMock, type LocalKinesis } from './services/kinesis-mock';
import type { StackOptions, StackRecord } from './stack-state';
import { ProcessSupervisor, type RestartPolicy } from './supervisor';
import { startSupervisorApi } from './supervisor-api';
import { startViewServer } from './view/server';

/** A running local stack and how to take it down. */
export interface RunningStack {
  /** What other processes need to find the stack (its pids change when the supervisor replaces a process). */
  record(): StackRecord;
  /** Stops everything, newest first. */
  stop(): Promise<void>;
}

export interface StackStartOptions {
  /** The environment the supervisor was started with; every process of the stack gets it, with the emulators' credentials. */
  readonly env: NodeJS.ProcessEnv;
  readonly progress: (message: string) => void;
  /** Called whenever the record changes (a process was replaced). */
  readonly onRecordChange?: (record: StackRecord) => void;
}

/** Restart delay of the stack's services (a few seconds, as MSF replaces its processes). */
const SERVICE_RESTART_MS = 1_000;

/** The one environment of every process of the stack: AWS SDK clients (the job's, the hosts') talk to the emulators. */
function stackEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_REGION: LOCAL_REGION,
  };
  delete env.AWS_PROFILE;
  delete env.AWS_SESSION_TOKEN;
  return env;
}

/**
 * Starts the whole local playground: DynamoDB Local with the tables, Kafka or kinesis-mock with
 * the streams, the Flink cluster, the control plane, the application (created and started through
 * the control plane with the real SDK client, as a user would), then the auditor and generator
 * function hosts, and the web view (local/view/) unless it is off — every process with the same environment, and each supervised: one that ends by
 * itself is replaced (see README, "What the supervisor replaces"). Every `.playground/data` and
 * `.playground/state` of a previous run is removed first: each `up` starts from empty streams,
 * tables and snapshots.
 */
export async function startStack(dirs: PlaygroundDirs, options: StackOptions, start: StackStartOptions): Promise<RunningStack> {
  const { progress } = start;
  rmSync(dirs.data, { recursive: true, force: true });
  rmSync(applicationsDir(dirs), { recursive: true, force: true });
  rmSync(stackEventsFile(dirs), { force: true });
  const env = stackEnvironment(start.env);
  const stoppers: (() => Promise<void>)[] = [];
  let current: StackRecord | undefined;
  const supervisor = new ProcessSupervisor(dirs, () => {
    if (!current) return;
    current = { ...current, processes: supervisedProcesses() };
    start.onRecordChange?.(current);
  });
  const supervisedProcesses = (): StackRecord['processes'] =>
    supervisor.processes().map((p) => ({ name: p.name, pid: p.pid, logFile: p.logFile }));
  const stopAll = async (): Promise<void> => {
    supervisor.freeze();
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    stoppers.length = 0;
  };
  const restart: RestartPolicy = { kind: 'restart', delayMs: SERVICE_RESTART_MS };

  try {
    const { ports } = options;
    const kpus = Math.ceil(options.parallelism / options.parallelismPerKpu);
    progress(`starting DynamoDB Local, ${options.streams === 'kafka' ? 'Kafka' : 'kinesis-mock'} and Flink (${kpus} TaskManager(s))`);
    const startStreams = async (): Promise<StreamEndpoints> => {
      if (options.streams === 'kafka') {
        let bootstrapServers = '';
        await supervisor.start({
          name: 'kafka',
          // The broker's log and KRaft metadata are on disk: a new broker serves every record the old one had.
          policy: restart,
          start: async () => {
            const kafka = await startKafka({
              port: ports.kafka,
              dataDir: path.join(dirs.data, 'kafka'),
              logDir: dirs.logs,
              cacheDir: dirs.cache,
              env,
              onProgress: progress,
              topics: [
                { name: LOCAL_NAMES.input, partitions: 2 },
                { name: LOCAL_NAMES.output, partitions: 2 },
              ],
            });
            bootstrapServers = kafka.bootstrapServers;
            return kafka.process;
          },
        });
        stoppers.push(() => supervisor.stop('kafka'));
        progress(`Kafka ready on ${bootstrapServers}`);
        return { kafka: bootstrapServers };
      }
      let kinesis: LocalKinesis | undefined;
      await supervisor.start({
        name: 'kinesis-mock',
        policy: {
          kind: 'lost',
          reason:
            'kinesis-mock keeps its streams in memory, so a new one would start without the records and shards the job and the auditor read; take the stack down and up again (playground down, playground up --streams kinesis)',
        },
        start: async () => {
          kinesis = await startKinesisMock({
            port: ports.kinesis,
            logDir: dirs.logs,
            region: LOCAL_REGION,
            env,
            streams: [
              { name: LOCAL_NAMES.input, shards: 2 },
              { name: LOCAL_NAMES.output, shards: 1 },
            ],
          });
          return kinesis.process;
        },
      });
      stoppers.push(() => supervisor.stop('kinesis-mock'));
      const started = kinesis as LocalKinesis;
      progress(`kinesis-mock ready on ${started.endpoint}`);
      return {
        kinesis: started.endpoint,
        inputArn: started.streamArn(LOCAL_NAMES.input),
        outputArn: started.streamArn(LOCAL_NAMES.output),
      };
    };
    const startTables = async (): Promise<string> => {
      let endpoint = '';
      await supervisor.start({
        name: 'dynamodb-local',
        // The tables are in a SQLite file (-dbPath): a new DynamoDB Local has every item the old one had.
        policy: restart,
        start: async () => {
          const ddb = await startDynamoDbLocal({
            port: ports.dynamodb,
            dataDir: path.join(dirs.data, 'dynamodb'),
            logDir: dirs.logs,
            cacheDir: dirs.cache,
            env,
            onProgress: progress,
          });
          endpoint = ddb.endpoint;
          return ddb.process;
        },
      });
      stoppers.push(() => supervisor.stop('dynamodb-local'));
      const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
      try {
        for (const [schema, name] of [
          [LEDGER_TABLE, LOCAL_NAMES.ledgerTable],
          [AUDIT_TABLE, LOCAL_NAMES.auditTable],
        ] as const) {
          await client.send(new CreateTableCommand(createTableInput(schema, name))).catch((error: unknown) => {
            if (!(error instanceof ResourceInUseException)) throw error;
          });
        }
      } finally {
        client.destroy();
      }
      progress(`DynamoDB Local ready on ${endpoint} with tables ${LOCAL_NAMES.ledgerTable}, ${LOCAL_NAMES.auditTable}`);
      return endpoint;
    };
    const startCluster = async (): Promise<FlinkCluster> => {
      const cluster = await startFlinkCluster({
        dirs,
        restPort: ports.flink,
        taskManagers: kpus,
        slotsPerTaskManager: options.parallelismPerKpu,
        env,
        onProgress: progress,
      });
      stoppers.push(() => cluster.stop());
      progress(`Flink ready: Web UI at ${cluster.restUrl}`);
      return cluster;
    };
    const [streams, dynamodb, cluster] = await Promise.all([startStreams(), startTables(), startCluster()]);

    const controlPlane = await startControlPlane({
      port: ports.controlPlane,
      dirs,
      cluster,
      onJobRecovered: (application, message) => appendStackEvent(dirs, { kind: 'job-restored', process: application, message }),
      onPlay: (application, message) => appendStackEvent(dirs, { kind: 'play', process: application, message }),
    });
    stoppers.push(() => controlPlane.close());
    progress(`control plane (kinesisanalyticsv2) on ${controlPlane.endpoint}`);
    const api = await startSupervisorApi(supervisor, cluster);
    stoppers.push(() => api.close());

    await createAndStartApplication(controlPlane.endpoint, options, streams, dirs.logs, progress);

    const functionEnvironments = localFunctionEnvironments(options, streams);
    // The SDK clients of both hosts reach the emulators through AWS_ENDPOINT_URL_*.
    const hostEnv = {
      ...env,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb,
      ...(streams.kinesis ? { AWS_ENDPOINT_URL_KINESIS: streams.kinesis } : {}),
    };
    const host = (name: 'auditor' | 'generator', hostEnvironment: NodeJS.ProcessEnv) =>
      supervisor.start({
        name,
        // A new auditor resumes where the old one committed (Kafka offsets, or its saved Kinesis
        // positions); a new generator skips the windows the ledger has claimed.
        policy: restart,
        start: () =>
          startProcess({
            name,
            command: process.execPath,
            args: ['--import', 'tsx', path.join(import.meta.dirname, 'functions', `${name}-host.ts`)],
            env: hostEnvironment,
            logFile: path.join(dirs.logs, `${name}.log`),
          }),
      });
    await host('auditor', {
      ...hostEnv,
      ...functionEnvironments.auditor,
      ...auditorHostEnvironment({
        source: streams.kinesis
          ? { kind: 'kinesis', endpoint: streams.kinesis, streamArn: streams.outputArn ?? '' }
          : { kind: 'kafka', bootstrapServers: streams.kafka ?? '', topic: LOCAL_NAMES.output },
        sweepMs: LOCAL_SWEEP_MS,
        positionsFile: path.join(dirs.state, 'auditor-positions.json'),
      }),
    });
    stoppers.push(() => supervisor.stop('auditor'));
    await host('generator', {
      ...hostEnv,
      ...functionEnvironments.generator,
      // The rule exists from now: the first window is the one after this instant, however long
      // the host takes to start (the plays and benchmarks wait for exactly that window). A
      // replacement host keeps the same rule.
      ...generatorHostEnvironment({ scheduleMs: LOCAL_SCHEDULE_MS, scheduleStartMs: Date.now() }),
    });
    stoppers.push(() => supervisor.stop('generator'));
    progress('generator and auditor running');
    const view = options.view
      ? await startViewServer({ dirs, port: ports.view, record: () => current, actions: options.view.actions })
      : undefined;
    if (view) {
      stoppers.push(() => view.close());
      progress(`web view on ${view.url}${options.view?.actions ? ' (with play buttons)' : ''}`);
    }

    current = {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      runningAt: new Date().toISOString(),
      status: 'running',
      options,
      region: LOCAL_REGION,
      applicationName: LOCAL_NAMES.application,
      endpoints: {
        flinkRestUrl: cluster.restUrl,
        controlPlane: controlPlane.endpoint,
        supervisor: api.endpoint,
        dynamodb,
        ...(streams.kafka ? { kafka: streams.kafka } : {}),
        ...(streams.kinesis ? { kinesis: streams.kinesis } : {}),
        ...(view ? { view: view.url } : {}),
      },
      tables: { ledger: LOCAL_NAMES.ledgerTable, audit: LOCAL_NAMES.auditTable },
      streamNames: { input: LOCAL_NAMES.input, output: LOCAL_NAMES.output },
      processes: supervisedProcesses(),
      logsDir: dirs.logs,
    };
    return { record: () => current as StackRecord, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

export interface StreamEndpoints {
  readonly kafka?: string;
  readonly kinesis?: string;
  readonly inputArn?: string;
  readonly outputArn?: string;
}

/**
 * Locally the schedule fires every window with one window per invocation, instead of every minute
 * with four: the same handler, and a stop waits for at most one window. The one setting in which
 * the local generator's environment differs from the deployed one (test/infra/function-env.test.ts).
 */
export const LOCAL_WINDOWS_PER_INVOCATION = 1;
const LOCAL_SCHEDULE_MS = 15_000;
/** The audit sweep's period locally (every minute on AWS). */
const LOCAL_SWEEP_MS = 30_000;

/** What the local generator and auditor (with the sweep: one host) are configured with. */
function localFunctionConfigs(
  options: Pick<StackOptions, 'streams' | 'eventsPerWindow'>,
  streams: Pick<StreamEndpoints, 'kafka'>,
): { readonly generator: GeneratorConfig; readonly auditor: AuditorConfig } {
  return {
    generator: {
      target:
        options.streams === 'kafka'
          ? { kind: 'kafka', bootstrapServers: [streams.kafka ?? ''], topic: LOCAL_NAMES.input, auth: 'none' }
          : { kind: 'kinesis', streamName: LOCAL_NAMES.input },
      ledgerTableName: LOCAL_NAMES.ledgerTable,
      eventsPerWindow: options.eventsPerWindow,
      windowsPerInvocation: LOCAL_WINDOWS_PER_INVOCATION,
      rateMode: GENERATOR_DEFAULTS.rateMode,
    },
    auditor: {
      auditTableName: LOCAL_NAMES.auditTable,
      ledgerTableName: LOCAL_NAMES.ledgerTable,
      gracePeriodSeconds: AUDITOR_DEFAULTS.gracePeriodSeconds,
    },
  };
}

/**
 * The functions' own environment in the local stack, from the same builders as the CDK app's
 * (the hosts add their own variables and the emulators' endpoints).
 */
export function localFunctionEnvironments(
  options: Pick<StackOptions, 'streams' | 'eventsPerWindow'>,
  streams: Pick<StreamEndpoints, 'kafka'>,
): { readonly generator: Record<string, string>; readonly auditor: Record<string, string> } {
  const configs = localFunctionConfigs(options, streams);
  return { generator: generatorEnvironment(configs.generator), auditor: auditorEnvironment(configs.auditor) };
}

/** The local streams as the job sees them: the broker without auth, or kinesis-mock as an emulator. */
function localJobStreams(options: Pick<StackOptions, 'streams'>, streams: StreamEndpoints): JobStreams {
  return options.streams === 'kafka'
    ? { kind: 'kafka', bootstrapServers: streams.kafka ?? '', auth: 'none', topics: { input: LOCAL_NAMES.input, output: LOCAL_NAMES.output } }
    : {
        kind: 'kinesis',
        region: LOCAL_REGION,
        inputStreamArn: streams.inputArn ?? '',
        outputStreamArn: streams.outputArn ?? '',
        emulator: { endpoint: streams.kinesis ?? '' },
      };
}

/** The application's property groups: what the job reads (job/README.md documents every key). */
export function localPropertyGroups(
  options: Pick<StackOptions, 'streams' | 'eventTime' | 'backpressure'>,
  streams: StreamEndpoints,
): { PropertyGroupId: string; PropertyMap: Record<string, string> }[] {
  const variant = {
    eventTime: options.eventTime ?? DEFAULT_JOB_VARIANT.eventTime,
    backpressure: options.backpressure ?? DEFAULT_JOB_VARIANT.backpressure,
  };
  return propertyGroupList(jobPropertyGroups(localJobStreams(options, streams), variant));
}

async function createAndStartApplication(
  endpoint: string,
  options: StackOptions,
  streams: StreamEndpoints,
  logsDir: string,
  progress: (message: string) => void,
): Promise<void> {
  const client = new KinesisAnalyticsV2Client({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    await client.send(
      new CreateApplicationCommand({
        ApplicationName: LOCAL_NAMES.application,
        RuntimeEnvironment: 'FLINK-2_2',
        ServiceExecutionRole: `arn:aws:iam::000000000000:role/${LOCAL_NAMES.application}`,
        ApplicationConfiguration: {
          ApplicationCodeConfiguration: {
            CodeContentType: 'ZIPFILE',
            CodeContent: { S3ContentLocation: { BucketARN: 'arn:aws:s3:::local', FileKey: 'job/target/click-count-job.jar' } },
          },
          FlinkApplicationConfiguration: {
            CheckpointConfiguration: {
              ConfigurationType: 'CUSTOM',
              CheckpointingEnabled: options.checkpointing ?? true,
              CheckpointInterval: options.checkpointIntervalMs,
              MinPauseBetweenCheckpoints: 1_000,
            },
            ParallelismConfiguration: {
              ConfigurationType: 'CUSTOM',
              Parallelism: options.parallelism,
              ParallelismPerKPU: options.parallelismPerKpu,
              AutoScalingEnabled: false,
            },
          },
          EnvironmentProperties: { PropertyGroups: localPropertyGroups(options, streams) },
          ApplicationSnapshotConfiguration: { SnapshotsEnabled: true },
        },
      }),
    );
    progress(`application ${LOCAL_NAMES.application} created; starting it`);
    await client.send(
      new StartApplicationCommand({
        ApplicationName: LOCAL_NAMES.application,
        RunConfiguration: { ApplicationRestoreConfiguration: { ApplicationRestoreType: 'SKIP_RESTORE_FROM_SNAPSHOT' } },
      }),
    );
    await poll(
      async (elapsedMs) => {
        const detail = await client.send(new DescribeApplicationCommand({ ApplicationName: LOCAL_NAMES.application }));
        const status = detail.ApplicationDetail?.ApplicationStatus ?? 'UNKNOWN';
        if (status === 'RUNNING') return { done: true, value: status };
        if (status === 'READY' && elapsedMs > 5_000) {
          throw new LocalStackError(
            `the application went back to READY instead of RUNNING: the job could not start (see ${path.join(logsDir, 'jobmanager.log')})`,
          );
        }
        return { done: false, state: status };
      },
      {
        timeoutMs: 300_000,
        intervalMs: 1_000,
        timeout: (status) => new LocalStackError(`the application did not reach RUNNING within 300 s (it is ${status})`),
      },
    );
    progress(`application ${LOCAL_NAMES.application} RUNNING`);
  } finally {
    client.destroy();
  }
}
