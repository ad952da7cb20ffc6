import { rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import {
  CreateApplicationCommand,
  DescribeApplicationCommand,
  KinesisAnalyticsV2Client,
  StartApplicationCommand,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { SERVICE_NAMES } from '../lambdas/shared/observability';
import { AUDIT_TABLE, createTableInput, LEDGER_TABLE } from '../lambdas/shared/tables';
import { applicationsDir, startControlPlane } from './control-plane/server';
import { LocalStackError } from './errors';
import { startFlinkCluster, type FlinkCluster } from './flink/cluster';
import type { PlaygroundDirs } from './paths';
import { startProcess, type RunningProcess } from './process';
import { startDynamoDbLocal } from './services/dynamodb-local';
import { startKafka } from './services/kafka';
import { startKinesisMock } from './services/kinesis-mock';
import type { StackOptions, StackRecord } from './stack-state';

/** Names of the local stack's resources (the CDK app generates its own on AWS). */
export const LOCAL_NAMES = {
  application: 'click-count',
  ledgerTable: 'playground-ledger',
  auditTable: 'playground-audit',
  input: 'input',
  output: 'output',
} as const;

export const LOCAL_REGION = 'us-east-1';

/** Credentials for the emulators, which accept any. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** A running local stack and how to take it down. */
export interface RunningStack {
  readonly record: StackRecord;
  /** Stops everything, newest first. */
  stop(): Promise<void>;
}

/**
 * Starts the whole local playground: DynamoDB Local with the tables, Kafka or kinesis-mock with
 * the streams, the Flink cluster, the control plane, the application (created and started through
 * the control plane with the real SDK client, as a user would), then the auditor and generator
 * function hosts. Every `.playground/data` and `.playground/state` of a previous run is removed
 * first: each `up` starts from empty streams, tables and snapshots.
 */
export async function startStack(
  dirs: PlaygroundDirs,
  options: StackOptions,
  progress: (message: string) => void,
): Promise<RunningStack> {
  rmSync(dirs.data, { recursive: true, force: true });
  rmSync(applicationsDir(dirs), { recursive: true, force: true });
  const stoppers: (() => Promise<void>)[] = [];
  const processes: RunningProcess[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    stoppers.length = 0;
  };
  // AWS SDK clients in the Flink job and the function hosts talk to the emulators.
  process.env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
  process.env.AWS_REGION = LOCAL_REGION;
  delete process.env.AWS_PROFILE;

  try {
    const { ports } = options;
    const kpus = Math.ceil(options.parallelism / options.parallelismPerKpu);
    progress(`starting DynamoDB Local, ${options.streams === 'kafka' ? 'Kafka' : 'kinesis-mock'} and Flink (${kpus} TaskManager(s))`);
    const startStreams = async (): Promise<{ kafka?: string; kinesis?: string; inputArn?: string; outputArn?: string }> => {
      if (options.streams === 'kafka') {
        const kafka = await startKafka({
          port: ports.kafka,
          dataDir: path.join(dirs.data, 'kafka'),
          logDir: dirs.logs,
          cacheDir: dirs.cache,
          onProgress: progress,
          topics: [
            { name: LOCAL_NAMES.input, partitions: 2 },
            { name: LOCAL_NAMES.output, partitions: 2 },
          ],
        });
        stoppers.push(() => kafka.stop());
        processes.push(kafka.process);
        progress(`Kafka ready on ${kafka.bootstrapServers}`);
        return { kafka: kafka.bootstrapServers };
      }
      const kinesis = await startKinesisMock({
        port: ports.kinesis,
        logDir: dirs.logs,
        region: LOCAL_REGION,
        streams: [
          { name: LOCAL_NAMES.input, shards: 2 },
          { name: LOCAL_NAMES.output, shards: 1 },
        ],
      });
      stoppers.push(() => kinesis.stop());
      processes.push(kinesis.process);
      progress(`kinesis-mock ready on ${kinesis.endpoint}`);
      return {
        kinesis: kinesis.endpoint,
        inputArn: kinesis.streamArn(LOCAL_NAMES.input),
        outputArn: kinesis.streamArn(LOCAL_NAMES.output),
      };
    };
    const startTables = async (): Promise<string> => {
      const ddb = await startDynamoDbLocal({ port: ports.dynamodb, logDir: dirs.logs, cacheDir: dirs.cache, onProgress: progress });
      stoppers.push(() => ddb.stop());
      processes.push(ddb.process);
      const client = new DynamoDBClient({ endpoint: ddb.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
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
      progress(`DynamoDB Local ready on ${ddb.endpoint} with tables ${LOCAL_NAMES.ledgerTable}, ${LOCAL_NAMES.auditTable}`);
      return ddb.endpoint;
    };
    const startCluster = async (): Promise<FlinkCluster> => {
      const cluster = await startFlinkCluster({
        dirs,
        restPort: ports.flink,
        taskManagers: kpus,
        slotsPerTaskManager: options.parallelismPerKpu,
        onProgress: progress,
      });
      stoppers.push(() => cluster.stop());
      progress(`Flink ready: Web UI at ${cluster.restUrl}`);
      return cluster;
    };
    const [streams, dynamodb, cluster] = await Promise.all([startStreams(), startTables(), startCluster()]);

    const controlPlane = await startControlPlane({ port: ports.controlPlane, dirs, cluster });
    stoppers.push(() => controlPlane.close());
    progress(`control plane (kinesisanalyticsv2) on ${controlPlane.endpoint}`);

    await createAndStartApplication(controlPlane.endpoint, options, streams, progress);

    const baseEnv = {
      ...process.env,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb,
      LEDGER_TABLE_NAME: LOCAL_NAMES.ledgerTable,
      AUDIT_TABLE_NAME: LOCAL_NAMES.auditTable,
      STREAMS: options.streams,
      POWERTOOLS_METRICS_NAMESPACE: 'ManagedFlinkPlayground',
      ...(streams.kafka ? { KAFKA_BOOTSTRAP_SERVERS: streams.kafka } : {}),
      ...(streams.kinesis ? { AWS_ENDPOINT_URL_KINESIS: streams.kinesis } : {}),
    };
    const tsxImport = ['--import', 'tsx'];
    const auditor = await startProcess({
      name: 'auditor',
      command: process.execPath,
      args: [...tsxImport, path.join(import.meta.dirname, 'functions', 'auditor-host.ts')],
      env: {
        ...baseEnv,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAMES.auditor,
        PLAYGROUND_OUTPUT_TOPIC: LOCAL_NAMES.output,
        PLAYGROUND_SWEEP_MS: '30000',
        ...(streams.outputArn ? { PLAYGROUND_OUTPUT_STREAM_ARN: streams.outputArn } : {}),
      },
      logFile: path.join(dirs.logs, 'auditor.log'),
    });
    stoppers.push(() => auditor.stop());
    processes.push(auditor);
    const generator = await startProcess({
      name: 'generator',
      command: process.execPath,
      args: [...tsxImport, path.join(import.meta.dirname, 'functions', 'generator-host.ts')],
      env: {
        ...baseEnv,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAMES.generator,
        INPUT_TOPIC: LOCAL_NAMES.input,
        INPUT_STREAM_NAME: LOCAL_NAMES.input,
        EVENTS_PER_WINDOW: String(options.eventsPerWindow),
        // Locally the schedule fires every window (one window per invocation) instead of every
        // minute with four: the same handler, and a stop waits for at most one window.
        WINDOWS_PER_INVOCATION: '1',
        PLAYGROUND_SCHEDULE_MS: '15000',
        // The rule exists from now: the first window is the one after this instant, however long
        // the host takes to start (the plays and benchmarks wait for exactly that window).
        PLAYGROUND_SCHEDULE_START_MS: String(Date.now()),
      },
      logFile: path.join(dirs.logs, 'generator.log'),
    });
    stoppers.push(() => generator.stop());
    processes.push(generator);
    progress('generator and auditor running');

    const record: StackRecord = {
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
        dynamodb,
        ...(streams.kafka ? { kafka: streams.kafka } : {}),
        ...(streams.kinesis ? { kinesis: streams.kinesis } : {}),
      },
      tables: { ledger: LOCAL_NAMES.ledgerTable, audit: LOCAL_NAMES.auditTable },
      streamNames: { input: LOCAL_NAMES.input, output: LOCAL_NAMES.output },
      processes: processes.map((p) => ({ name: p.name, pid: p.pid, logFile: p.logFile })),
      logsDir: dirs.logs,
    };
    return { record, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The application's property groups: what the job reads (job/README.md documents every key). */
export function localPropertyGroups(
  options: StackOptions,
  streams: { kafka?: string; kinesis?: string; inputArn?: string; outputArn?: string },
): { PropertyGroupId: string; PropertyMap: Record<string, string> }[] {
  if (options.streams === 'kafka') {
    return [
      { PropertyGroupId: 'ClickCountJob', PropertyMap: { streams: 'kafka' } },
      {
        PropertyGroupId: 'Kafka',
        PropertyMap: { 'bootstrap.servers': streams.kafka ?? '', 'input.topic': LOCAL_NAMES.input, 'output.topic': LOCAL_NAMES.output },
      },
    ];
  }
  return [
    { PropertyGroupId: 'ClickCountJob', PropertyMap: { streams: 'kinesis' } },
    {
      PropertyGroupId: 'Kinesis',
      PropertyMap: {
        'aws.region': LOCAL_REGION,
        'input.stream.arn': streams.inputArn ?? '',
        'output.stream.arn': streams.outputArn ?? '',
        'aws.endpoint': streams.kinesis ?? '',
        'aws.trust.all.certificates': 'true',
        'aws.http.protocol.version': 'HTTP1_1',
        'aws.cbor.enabled': 'false',
      },
    },
  ];
}

async function createAndStartApplication(
  endpoint: string,
  options: StackOptions,
  streams: { kafka?: string; kinesis?: string; inputArn?: string; outputArn?: string },
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
              CheckpointingEnabled: true,
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
    const started = Date.now();
    for (;;) {
      const detail = await client.send(new DescribeApplicationCommand({ ApplicationName: LOCAL_NAMES.application }));
      const status = detail.ApplicationDetail?.ApplicationStatus;
      if (status === 'RUNNING') break;
      if (status === 'READY' && Date.now() - started > 5_000) {
        throw new LocalStackError('the application went back to READY instead of RUNNING: the job could not start (see .playground/logs/jobmanager.log)');
      }
      if (Date.now() - started > 300_000) throw new LocalStackError(`the application did not reach RUNNING within 300 s (it is ${status})`);
      await sleep(1_000);
    }
    progress(`application ${LOCAL_NAMES.application} RUNNING`);
  } finally {
    client.destroy();
  }
}
