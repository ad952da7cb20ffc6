import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PlaygroundDirs } from './paths';
import { isAlive } from './process';

export type StreamsKind = 'kafka' | 'kinesis';

/** The ports of the local stack; each can be moved with the `up` option named in `PORT_OPTIONS`. */
export interface StackPorts {
  readonly flink: number;
  readonly kafka: number;
  readonly kinesis: number;
  readonly dynamodb: number;
  readonly controlPlane: number;
  /** The web view (local/view/); bound only when the view is on. */
  readonly view: number;
}

export const DEFAULT_PORTS: StackPorts = { flink: 8081, kafka: 9092, kinesis: 4568, dynamodb: 8000, controlPlane: 8085, view: 8090 };

/** What each port serves and the `up` option that moves it (for clear port-in-use errors). */
export const PORT_OPTIONS: Readonly<Record<keyof StackPorts, { readonly purpose: string; readonly option: string }>> = {
  flink: { purpose: 'Flink REST API and Web UI', option: '--flink-port' },
  kafka: { purpose: 'Kafka broker (the next port is its controller)', option: '--kafka-port' },
  kinesis: { purpose: 'kinesis-mock (the port before it is its TLS port)', option: '--kinesis-port' },
  dynamodb: { purpose: 'DynamoDB Local', option: '--dynamodb-port' },
  controlPlane: { purpose: 'local kinesisanalyticsv2 control plane', option: '--control-plane-port' },
  view: { purpose: 'the web view of windows, faults and plays', option: '--view-port' },
};

/** How `playground up` was asked to run the stack. */
export interface StackOptions {
  readonly streams: StreamsKind;
  readonly parallelism: number;
  readonly parallelismPerKpu: number;
  readonly eventsPerWindow: number;
  readonly checkpointIntervalMs: number;
  /** The application's CheckpointingEnabled (`up --no-checkpointing`: false). @default true */
  readonly checkpointing?: boolean;
  /** `ClickCountJob.event-time` (`up --processing-time`: false). @default true */
  readonly eventTime?: boolean;
  /** `ClickCountJob.backpressure` (`up --backpressure`: true). @default false */
  readonly backpressure?: boolean;
  readonly ports: StackPorts;
  /** The web view on `ports.view`; absent: no view (`up --no-view`). `actions`: the play buttons (`--view-actions`). */
  readonly view?: { readonly actions: boolean };
}

/** What other `playground` processes need to find the running stack (`.playground/state/stack.json`). */
export interface StackRecord {
  /** The stack's supervisor process (local/daemon.ts). */
  readonly pid: number;
  readonly startedAt: string;
  /** When the pipeline was running end to end (the job RUNNING, generator and auditor started). */
  readonly runningAt?: string;
  readonly status: 'starting' | 'running' | 'stopping';
  readonly options: StackOptions;
  readonly region: string;
  readonly applicationName: string;
  readonly endpoints: {
    readonly flinkRestUrl: string;
    readonly controlPlane: string;
    /** The supervisor's API (local/supervisor-api.ts): how other processes ask it to act on the stack's processes. */
    readonly supervisor: string;
    readonly dynamodb: string;
    readonly kafka?: string;
    readonly kinesis?: string;
    /** The web view (absent with `up --no-view`). */
    readonly view?: string;
  };
  readonly tables: { readonly ledger: string; readonly audit: string };
  readonly streamNames: { readonly input: string; readonly output: string };
  /** Every process the supervisor started that is not part of the Flink cluster record (current pids). */
  readonly processes: readonly { readonly name: string; readonly pid: number; readonly logFile: string }[];
  readonly logsDir: string;
}

function stackRecordFile(dirs: PlaygroundDirs): string {
  return path.join(dirs.state, 'stack.json');
}

/** The record of the running stack, or undefined when none runs (a stale record is ignored). */
export function readStackRecord(dirs: PlaygroundDirs): StackRecord | undefined {
  const file = stackRecordFile(dirs);
  if (!existsSync(file)) return undefined;
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as StackRecord;
    return isAlive(record.pid) ? record : undefined;
  } catch {
    return undefined;
  }
}

export function writeStackRecord(dirs: PlaygroundDirs, record: StackRecord): void {
  mkdirSync(dirs.state, { recursive: true });
  const file = stackRecordFile(dirs);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

export function removeStackRecord(dirs: PlaygroundDirs): void {
  rmSync(stackRecordFile(dirs), { force: true });
}

/** The record a stack that died without cleaning up left behind (its pids may still need stopping). */
export function readStaleStackRecord(dirs: PlaygroundDirs): StackRecord | undefined {
  const file = stackRecordFile(dirs);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StackRecord;
  } catch {
    return undefined;
  }
}
