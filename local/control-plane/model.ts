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

export type OperationStatus = 'IN_PROGRESS' | 'SUCCESSFUL' | 'FAILED' | 'CANCELLED';

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

/** A jar given as ZipFileContent, kept by the control plane (see ./code). */
export interface CodeRecord {
  /** The file's name in the application's code folder. */
  readonly file: string;
  readonly sha256: string;
  /** MSF's CodeMD5 of a ZIPFILE application. */
  readonly md5: string;
  /** bytes */
  readonly size: number;
}

/** A tag on an application, in the API's shape. */
export interface Tag {
  readonly Key: string;
  readonly Value?: string;
}

export interface CloudWatchLoggingOptionRecord {
  /** e.g. `2.1`: the version that added it and its place in that version. */
  readonly id: string;
  readonly logStreamArn: string;
  readonly roleArn?: string;
}

/** One version of an application: the configuration it had, and how it came to be. */
export interface ApplicationVersionRecord {
  readonly versionId: number;
  /** epoch milliseconds */
  readonly createdAt: number;
  readonly configuration: ApplicationConfiguration;
  /** The application's status when the next version replaced this one (the current version: its status now). */
  readonly status?: ApplicationStatus;
  readonly updatedFrom?: number;
  readonly rolledBackFrom?: number;
  readonly rolledBackTo?: number;
}

/** A start, stop, update, rollback or snapshot, as ListApplicationOperations shows it. */
export interface OperationRecord {
  readonly id: string;
  /** The API operation, e.g. `UpdateApplication`. */
  readonly operation: string;
  readonly status: OperationStatus;
  /** epoch milliseconds */
  readonly startedAt: number;
  readonly endedAt?: number;
  /** Versions before and after, for the operations that make a new version. */
  readonly versionChange?: { readonly from: number; readonly to: number };
  /** Why a FAILED or CANCELLED operation did not succeed. */
  readonly error?: string;
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
  /** The S3 code location as given (recorded; locally the stack's job jar runs for it). */
  readonly codeContent?: unknown;
  /** The jar given as ZipFileContent: locally the job runs this one instead of the stack's job jar. */
  readonly code?: CodeRecord;
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
  readonly tags: readonly Tag[];
  readonly cloudWatchLoggingOptions: readonly CloudWatchLoggingOptionRecord[];
  /** Every version of the application, oldest first; the last one is the current one. */
  readonly versions: readonly ApplicationVersionRecord[];
  /** The operations run on the application, oldest first (the newest `MAX_OPERATIONS`). */
  readonly operations: readonly OperationRecord[];
}

/** What a version fixes: the configuration that UpdateApplication, RollbackApplication and the logging options change. */
export type ApplicationConfiguration = Pick<
  ApplicationRecord,
  | 'description'
  | 'runtimeEnvironment'
  | 'serviceExecutionRole'
  | 'codeContent'
  | 'code'
  | 'codeContentType'
  | 'propertyGroups'
  | 'parallelism'
  | 'checkpoint'
  | 'snapshotsEnabled'
  | 'restoreType'
  | 'restoreSnapshotName'
  | 'allowNonRestoredState'
  | 'cloudWatchLoggingOptions'
>;

/** How many operations an application record keeps. */
export const MAX_OPERATIONS = 200;

export function configurationOf(app: ApplicationConfiguration): ApplicationConfiguration {
  return {
    description: app.description,
    runtimeEnvironment: app.runtimeEnvironment,
    serviceExecutionRole: app.serviceExecutionRole,
    codeContent: app.codeContent,
    code: app.code,
    codeContentType: app.codeContentType,
    propertyGroups: app.propertyGroups,
    parallelism: app.parallelism,
    checkpoint: app.checkpoint,
    snapshotsEnabled: app.snapshotsEnabled,
    restoreType: app.restoreType,
    restoreSnapshotName: app.restoreSnapshotName,
    allowNonRestoredState: app.allowNonRestoredState,
    cloudWatchLoggingOptions: app.cloudWatchLoggingOptions,
  };
}

/**
 * The application with a version's configuration: every field of it, also those the version does
 * not have (JSON drops undefined fields, so a plain spread would keep the application's own).
 */
export function withConfiguration(app: ApplicationRecord, configuration: ApplicationConfiguration): ApplicationRecord {
  return { ...app, ...configurationOf(configuration) };
}

/**
 * A record as an older control plane saved it (without tags, logging options, versions or
 * operations) → a whole record: no tags, no operations, and its current version as its only version.
 */
export function withHistory(
  stored: Omit<ApplicationRecord, 'tags' | 'cloudWatchLoggingOptions' | 'versions' | 'operations'> & Partial<ApplicationRecord>,
): ApplicationRecord {
  const base = { ...stored, tags: stored.tags ?? [], cloudWatchLoggingOptions: stored.cloudWatchLoggingOptions ?? [], operations: stored.operations ?? [] };
  const versions = stored.versions ?? [{ versionId: stored.versionId, createdAt: stored.updatedAt, configuration: configurationOf(base) }];
  return { ...base, versions };
}

/** KPUs MSF bills for a parallelism: ceil(parallelism / parallelismPerKPU). */
export function kpus(parallelism: ParallelismSettings): number {
  return Math.ceil(parallelism.parallelism / parallelism.parallelismPerKPU);
}
