/**
 * The control plane's types: the JSON it speaks, and what it stores per application
 * (`.playground/state/control-plane/applications/<name>.json`). Imports nothing, so every module of
 * the control plane can import it.
 */

/** A JSON object of the AWS JSON 1.1 protocol: a request body as the SDK sends it, or an answer. */
export type Json = Record<string, unknown>;

export type ApplicationStatus =
  | 'READY'
  | 'STARTING'
  | 'RUNNING'
  | 'UPDATING'
  | 'STOPPING'
  | 'FORCE_STOPPING'
  | 'AUTOSCALING'
  | 'DELETING';

export type SnapshotStatus = 'CREATING' | 'READY' | 'DELETING' | 'FAILED';

export type RestoreType = 'SKIP_RESTORE_FROM_SNAPSHOT' | 'RESTORE_FROM_LATEST_SNAPSHOT' | 'RESTORE_FROM_CUSTOM_SNAPSHOT';

export interface PropertyGroup {
  readonly PropertyGroupId: string;
  readonly PropertyMap: Readonly<Record<string, string>>;
}

export interface ParallelismSettings {
  readonly configurationType: 'DEFAULT' | 'CUSTOM';
  readonly parallelism: number;
  readonly parallelismPerKPU: number;
  readonly autoScalingEnabled: boolean;
}

export interface CheckpointSettings {
  readonly configurationType: 'DEFAULT' | 'CUSTOM';
  readonly checkpointingEnabled: boolean;
  readonly checkpointIntervalMs: number;
  readonly minPauseBetweenCheckpointsMs: number;
}

/** MSF's defaults for CheckpointConfiguration DEFAULT. */
export const defaultCheckpoint: CheckpointSettings = {
  configurationType: 'DEFAULT',
  checkpointingEnabled: true,
  checkpointIntervalMs: 60_000,
  minPauseBetweenCheckpointsMs: 5_000,
};

/** MSF's defaults for ParallelismConfiguration DEFAULT. */
export const defaultParallelism: ParallelismSettings = {
  configurationType: 'DEFAULT',
  parallelism: 1,
  parallelismPerKPU: 1,
  autoScalingEnabled: true,
};

export interface SnapshotRecord {
  readonly name: string;
  readonly status: SnapshotStatus;
  readonly applicationVersionId: number;
  /** epoch milliseconds */
  readonly createdAt: number;
  readonly runtimeEnvironment: string;
  /** The Flink savepoint (file:// URI) once READY. */
  readonly location?: string;
  /** Why a FAILED snapshot failed. */
  readonly failure?: string;
  /** Taken by StopApplication (MSF's automatic snapshot on stop) rather than CreateApplicationSnapshot. */
  readonly automatic?: boolean;
}

export interface ApplicationRecord {
  readonly name: string;
  readonly arn: string;
  readonly description?: string;
  readonly runtimeEnvironment: string;
  readonly serviceExecutionRole: string;
  readonly status: ApplicationStatus;
  readonly versionId: number;
  readonly conditionalToken: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** The code location given to CreateApplication (recorded; locally the job jar is always run). */
  readonly codeContent?: unknown;
  readonly codeContentType: string;
  readonly propertyGroups: readonly PropertyGroup[];
  readonly parallelism: ParallelismSettings;
  readonly checkpoint: CheckpointSettings;
  readonly snapshotsEnabled: boolean;
  readonly restoreType: RestoreType;
  readonly restoreSnapshotName?: string;
  readonly allowNonRestoredState: boolean;
  /** The current Flink job, while the application runs. */
  readonly jobId?: string;
  /** The savepoint or checkpoint the running job was started from (none: without state). */
  readonly restoredFrom?: string;
  /** Parallelism the running job was submitted with. */
  readonly currentParallelism?: number;
  /** The last failure the local runtime saw (job submission, a failed job, a failed snapshot). */
  readonly lastFailure?: { readonly at: number; readonly message: string };
  readonly snapshots: readonly SnapshotRecord[];
}

/** KPUs MSF bills for a parallelism: ceil(parallelism / parallelismPerKPU). */
export function kpus(parallelism: ParallelismSettings): number {
  return Math.ceil(parallelism.parallelism / parallelism.parallelismPerKPU);
}
