/**
 * The benchmark's results: what `npm run bench` writes to bench/results (local and AWS runs), apart
 * from the code that measures or formats them, so that both import the types and not each other.
 */
import type { AuditSummary } from '../lambdas/shared/audit-query';
import type { BenchPart } from './args';
import type { BundleSize, GeneratorRate } from './generator';

/** End-to-end latency (window end → result at the auditor) over the windows of a steady period. */
export interface LatencyFigures {
  readonly fromWindow: string;
  readonly toWindow: string;
  readonly eventsPerWindow: number;
  readonly windows: { readonly exact: number; readonly wrong: number; readonly missing: number; readonly pending: number };
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

/** Seconds each control-plane operation took to reach its end state. */
export interface OperationDurations {
  /** CreateApplicationSnapshot → snapshot READY. */
  readonly snapshotSeconds?: number;
  /** StopApplication → READY (stop-with-savepoint). */
  readonly stopSeconds?: number;
  /** StartApplication RESTORE_FROM_LATEST_SNAPSHOT → RUNNING. */
  readonly startFromSnapshotSeconds?: number;
  /** UpdateApplication parallelism 1 → 3 → RUNNING with 3 TaskManagers. */
  readonly scale1to3Seconds?: number;
}

/** The catch-up run over a prepared backlog, beside the broker's raw delivery rate. */
export interface ThroughputFigures {
  readonly backlogEvents: number;
  readonly partitions: number;
  readonly parallelism: number;
  /** The job: events/s from the first window result to the last (results on the output topic). */
  readonly job: {
    readonly eventsPerSecond: number;
    readonly events: number;
    readonly seconds: number;
    /** StartApplication → RUNNING of the catch-up application. */
    readonly startSeconds: number;
    /** RUNNING → the first whole window's last result appended to the output topic. */
    readonly firstResultAfterSeconds?: number;
    /** The source's numRecordsOut summed over subtasks at the end (Flink REST). */
    readonly sourceRecordsOut?: number;
  };
  /** The broker alone, to one consumer on this machine. */
  readonly broker: {
    readonly tool: 'kafka-tools ConsumerPerformance' | 'kafkajs consumer';
    readonly eventsPerSecond: number;
    readonly events: number;
    readonly seconds: number;
    readonly mbPerSecond?: number;
  };
  /** job.eventsPerSecond / broker.eventsPerSecond. */
  readonly ratio: number;
  /** The same backlog again at another parallelism (2 in a full run): its job figures and ratio. */
  readonly parallel?: {
    readonly parallelism: number;
    readonly job: ThroughputFigures['job'];
    readonly ratio: number;
  };
}

/** A TaskManager SIGKILLed, a replacement started `replacementAfterSeconds` later (the `fail --kill-taskmanager` play). */
export interface RecoveryFigures {
  readonly taskManager: string;
  readonly parallelism: number;
  readonly replacementAfterSeconds: number;
  /** Kill → the job RUNNING again with all tasks running and its restart count up. */
  readonly jobRunningAfterSeconds?: number;
  /** Kill → the first new result at the auditor. */
  readonly outputResumedAfterSeconds?: number;
  /** Kill → the last result of the first window whose every result arrived under the threshold. */
  readonly caughtUpAfterSeconds?: number;
  readonly caughtUpThresholdMs: number;
}

export interface StreamsFigures {
  readonly streams: 'kafka' | 'kinesis';
  readonly eventsPerWindow: number;
  /** `playground up --detach` until it returned with the application RUNNING. */
  readonly upSeconds?: number;
  /** The TaskManagers started from a class-data archive (local/flink/cds.ts) seeded from the checkout. */
  readonly classArchive?: boolean;
  readonly latency?: LatencyFigures;
  readonly durations?: OperationDurations;
  readonly throughput?: ThroughputFigures;
  readonly recovery?: RecoveryFigures;
}

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryBytes: number;
  readonly platform: string;
  readonly node: string;
  /** 1-minute load average when the run started and ended (other work on the machine shows here). */
  readonly loadAverage: { readonly start: number; readonly end: number };
}

export interface BenchResult {
  readonly schemaVersion: 1;
  readonly mode: 'quick' | 'full';
  /** The parts of a `--only` run (the others were not measured). */
  readonly only?: readonly BenchPart[];
  readonly date: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationSeconds: number;
  readonly gitCommit?: string;
  readonly machine: MachineInfo;
  readonly kafka: StreamsFigures;
  readonly kinesis: StreamsFigures | { readonly skipped: string };
  readonly generator: { readonly kafka?: GeneratorRate; readonly kinesisMock?: GeneratorRate };
  readonly bundles: readonly BundleSize[];
  /** Steps that failed; their figures are missing, the rest of the run went on. */
  readonly errors: readonly string[];
}

/** One CloudWatch statistic over the whole period; null when CloudWatch has no datapoint. */
export interface MetricFigure {
  readonly namespace: string;
  readonly metric: string;
  readonly stat: string;
  readonly value: number | null;
}

/** The figures of an injected failure (the job's control record; MSF manages the TaskManagers, so none can be killed). */
export interface AwsRecoveryFigures {
  readonly fault: 'control record';
  /** Control record written → the first new result at the auditor. */
  readonly outputResumedAfterSeconds?: number;
  /** Control record written → the last result of the first window whose every result arrived under the threshold. */
  readonly caughtUpAfterSeconds?: number;
  readonly caughtUpThresholdMs: number;
}

export interface AwsOperations extends OperationDurations {
  /**
   * UpdateApplication from the application's own parallelism to 3 (to 1 when it runs at 3) → RUNNING,
   * and back. `scale1to3Seconds` is set when the application ran at parallelism 1.
   */
  readonly scale?: { readonly from: number; readonly to: number; readonly seconds?: number; readonly backSeconds?: number };
  readonly recovery?: AwsRecoveryFigures;
}

export interface AwsBenchResult {
  readonly schemaVersion: 1;
  readonly target: 'aws';
  readonly date: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationSeconds: number;
  readonly gitCommit?: string;
  readonly application: {
    readonly name: string;
    readonly region?: string;
    readonly streams?: string;
    readonly status?: string;
    readonly runtime?: string;
    readonly parallelism?: number;
    readonly parallelismPerKpu?: number;
  };
  /** The range CloudWatch and the audit table were read over (whole minutes). */
  readonly period: { readonly from: string; readonly to: string; readonly minutes: number };
  /** AWS/KinesisAnalytics, dimension Application: the job's rates, lag, restarts, checkpoints, KPUs. */
  readonly job: Readonly<Record<string, MetricFigure>>;
  /** Restarts in the period: numRestarts' maximum − minimum (null without datapoints). */
  readonly restartsInPeriod: number | null;
  /** The auditor's figures, from its table (exact per result) and from its EMF metrics. */
  readonly auditor: {
    readonly table?: Pick<AuditSummary, 'windows' | 'duplicates' | 'latencyMs' | 'malformed' | 'events'>;
    readonly metrics: Readonly<Record<string, MetricFigure>>;
  };
  /** The deployed generator's rate: EventsSent over the period. */
  readonly generator: { readonly eventsSent: number | null; readonly eventsPerSecond: number | null };
  readonly operations?: AwsOperations;
  /** Figures of a local run that have no counterpart here, with the reason. */
  readonly notMeasured: readonly string[];
  readonly bundles: readonly BundleSize[];
  readonly errors: readonly string[];
}
