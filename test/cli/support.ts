import type { ApplicationDetail, ApplicationStatus, SnapshotDetails } from '@aws-sdk/client-kinesis-analytics-v2';
import type { Io } from '../../cli/io';
import type { PlayTarget } from '../../cli/target';
import path from 'node:path';
import type { Clock } from '../../local/poll';
import type { StackRecord } from '../../local/stack-state';

/** An Io that keeps what a command printed. */
export function recordingIo(): Io & { readonly lines: string[]; readonly errors: string[]; text(): string } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    interactive: false,
    out: (line) => lines.push(line),
    err: (line) => errors.push(line),
    text: () => [...lines, ...errors].join('\n'),
  };
}

/** A clock whose sleep advances time at once. */
export function fakeClock(start = Date.parse('2026-11-22T21:30:00.000Z')): Clock & { slept: number } {
  let now = start;
  const clock = {
    slept: 0,
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
      clock.slept += ms;
    },
  };
  return clock;
}

export const APP = 'click-count-app';

/** An AWS target as resolveTarget builds it from cdk-outputs.json (Kinesis variant). */
export const awsTarget: PlayTarget = {
  kind: 'aws',
  applicationName: APP,
  msf: { region: 'eu-west-1' },
  dynamodb: { region: 'eu-west-1' },
  cloudwatch: { region: 'eu-west-1' },
  kinesis: { region: 'eu-west-1' },
  region: 'eu-west-1',
  streams: 'kinesis',
  input: { kind: 'kinesis', streamName: 'input-stream' },
  tables: { ledger: 'ledger-table', audit: 'audit-table' },
  dashboardUrl: 'https://console.aws.amazon.com/cloudwatch/home#dashboards:name=Playground',
};

export function detail(status: ApplicationStatus, overrides: { version?: number; parallelism?: number; perKpu?: number; autoScaling?: boolean; custom?: boolean } = {}): ApplicationDetail {
  return {
    ApplicationARN: `arn:aws:kinesisanalytics:eu-west-1:123456789012:application/${APP}`,
    ApplicationName: APP,
    RuntimeEnvironment: 'FLINK-2_2',
    ApplicationStatus: status,
    ApplicationVersionId: overrides.version ?? 3,
    ConditionalToken: `token-${overrides.version ?? 3}`,
    LastUpdateTimestamp: new Date('2026-11-22T21:00:00Z'),
    ApplicationConfigurationDescription: {
      FlinkApplicationConfigurationDescription: {
        ParallelismConfigurationDescription: {
          ConfigurationType: overrides.custom === false ? 'DEFAULT' : 'CUSTOM',
          Parallelism: overrides.parallelism ?? 1,
          ParallelismPerKPU: overrides.perKpu ?? 1,
          CurrentParallelism: overrides.parallelism ?? 1,
          AutoScalingEnabled: overrides.autoScaling ?? false,
        },
      },
      ApplicationSnapshotConfigurationDescription: { SnapshotsEnabled: true },
    },
  };
}

export function snap(name: string, createdAt: string, status: SnapshotDetails['SnapshotStatus'] = 'READY'): SnapshotDetails {
  return { SnapshotName: name, SnapshotStatus: status, ApplicationVersionId: 3, SnapshotCreationTimestamp: new Date(createdAt) };
}

/**
 * A stack record in `home` whose supervisor is this (live) process, so resolveTarget takes it for a
 * running stack; its ports and endpoints lead nowhere unless `overrides` say otherwise.
 */
export function liveStackRecord(home: string, overrides: Partial<StackRecord> = {}): StackRecord {
  return {
    pid: process.pid,
    startedAt: '2026-11-22T21:00:00.000Z',
    status: 'running',
    options: { streams: 'kafka', parallelism: 1, parallelismPerKpu: 1, eventsPerWindow: 1000, checkpointIntervalMs: 10_000, ports: { flink: 1, kafka: 2, kinesis: 3, dynamodb: 4, controlPlane: 5, view: 6 } },
    region: 'us-east-1',
    applicationName: 'local-app',
    endpoints: { flinkRestUrl: 'http://127.0.0.1:1', controlPlane: 'http://127.0.0.1:5', supervisor: 'http://127.0.0.1:6', dynamodb: 'http://127.0.0.1:4', kafka: '127.0.0.1:2' },
    tables: { ledger: 'ledger', audit: 'audit' },
    streamNames: { input: 'input', output: 'output' },
    processes: [],
    logsDir: path.join(home, 'logs'),
    ...overrides,
  };
}
