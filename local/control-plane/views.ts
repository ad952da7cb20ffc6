import { withConfiguration, type ApplicationRecord, type ApplicationVersionRecord, type Json, type OperationRecord, type SnapshotRecord } from './model';

/** JSON 1.1 timestamps are epoch seconds. */
const seconds = (ms: number): number => ms / 1000;

/**
 * The ApplicationDetail shape of DescribeApplication, CreateApplication, UpdateApplication and
 * RollbackApplication. `additionalDetails` (DescribeApplication's IncludeAdditionalDetails) adds the
 * job plan: locally, which Flink job runs the application.
 */
export function applicationDetail(app: ApplicationRecord, additionalDetails = false): Json {
  const version = app.versions.find((v) => v.versionId === app.versionId);
  return {
    ApplicationARN: app.arn,
    ApplicationName: app.name,
    ...(app.description !== undefined ? { ApplicationDescription: app.description } : {}),
    RuntimeEnvironment: app.runtimeEnvironment,
    ServiceExecutionRole: app.serviceExecutionRole,
    ApplicationStatus: app.status,
    ApplicationVersionId: app.versionId,
    ConditionalToken: app.conditionalToken,
    ApplicationMode: 'STREAMING',
    CreateTimestamp: seconds(app.createdAt),
    LastUpdateTimestamp: seconds(app.updatedAt),
    ...(version ? versionOrigin(version) : {}),
    ...(app.cloudWatchLoggingOptions.length > 0 ? { CloudWatchLoggingOptionDescriptions: loggingOptionDescriptions(app) } : {}),
    ApplicationConfigurationDescription: {
      ApplicationCodeConfigurationDescription: {
        CodeContentType: app.codeContentType,
        ...(app.code || app.codeContent !== undefined ? { CodeContentDescription: codeDescription(app) } : {}),
      },
      RunConfigurationDescription: {
        ApplicationRestoreConfigurationDescription: {
          ApplicationRestoreType: app.restoreType,
          ...(app.restoreSnapshotName ? { SnapshotName: app.restoreSnapshotName } : {}),
        },
        FlinkRunConfigurationDescription: { AllowNonRestoredState: app.allowNonRestoredState },
      },
      FlinkApplicationConfigurationDescription: {
        CheckpointConfigurationDescription: {
          ConfigurationType: app.checkpoint.configurationType,
          CheckpointingEnabled: app.checkpoint.checkpointingEnabled,
          CheckpointInterval: app.checkpoint.checkpointIntervalMs,
          MinPauseBetweenCheckpoints: app.checkpoint.minPauseBetweenCheckpointsMs,
        },
        ParallelismConfigurationDescription: {
          ConfigurationType: app.parallelism.configurationType,
          Parallelism: app.parallelism.parallelism,
          ParallelismPerKPU: app.parallelism.parallelismPerKPU,
          CurrentParallelism: app.currentParallelism ?? app.parallelism.parallelism,
          AutoScalingEnabled: app.parallelism.autoScalingEnabled,
        },
        MonitoringConfigurationDescription: { ConfigurationType: 'DEFAULT', MetricsLevel: 'APPLICATION', LogLevel: 'INFO' },
        ...(additionalDetails && app.jobId ? { JobPlanDescription: `local Flink job ${app.jobId}` } : {}),
      },
      EnvironmentPropertyDescriptions: { PropertyGroupDescriptions: app.propertyGroups },
      ApplicationSnapshotConfigurationDescription: { SnapshotsEnabled: app.snapshotsEnabled },
    },
  };
}

/** The code (a stored jar, or the S3 location as given) → CodeContentDescription. */
function codeDescription(app: Pick<ApplicationRecord, 'code' | 'codeContent'>): Json {
  if (app.code) return { CodeMD5: app.code.md5, CodeSize: app.code.size };
  const code = app.codeContent as { S3ContentLocation?: Json };
  if (code.S3ContentLocation) return { S3ApplicationCodeLocationDescription: code.S3ContentLocation };
  return {};
}

export function snapshotDetails(snapshot: SnapshotRecord): Json {
  return {
    SnapshotName: snapshot.name,
    SnapshotStatus: snapshot.status,
    ApplicationVersionId: snapshot.applicationVersionId,
    SnapshotCreationTimestamp: seconds(snapshot.createdAt),
    RuntimeEnvironment: snapshot.runtimeEnvironment,
  };
}

function versionOrigin(version: ApplicationVersionRecord): Json {
  return {
    ApplicationVersionCreateTimestamp: seconds(version.createdAt),
    ...(version.updatedFrom !== undefined ? { ApplicationVersionUpdatedFrom: version.updatedFrom } : {}),
    ...(version.rolledBackFrom !== undefined ? { ApplicationVersionRolledBackFrom: version.rolledBackFrom } : {}),
    ...(version.rolledBackTo !== undefined ? { ApplicationVersionRolledBackTo: version.rolledBackTo } : {}),
  };
}

export function loggingOptionDescriptions(app: Pick<ApplicationRecord, 'cloudWatchLoggingOptions'>): Json[] {
  return app.cloudWatchLoggingOptions.map((option) => ({
    CloudWatchLoggingOptionId: option.id,
    LogStreamARN: option.logStreamArn,
    ...(option.roleArn !== undefined ? { RoleARN: option.roleArn } : {}),
  }));
}

/** A version's status: the application's for the current version, else the one it had when it was replaced. */
export function versionSummary(app: ApplicationRecord, version: ApplicationVersionRecord): Json {
  return {
    ApplicationVersionId: version.versionId,
    ApplicationStatus: version.versionId === app.versionId ? app.status : (version.status ?? 'READY'),
  };
}

/**
 * DescribeApplicationVersion's ApplicationVersionDetail: the current version as DescribeApplication
 * shows it; an older one with its own configuration and status, without a job or a ConditionalToken.
 */
export function versionDetail(app: ApplicationRecord, version: ApplicationVersionRecord): Json {
  if (version.versionId === app.versionId) return applicationDetail(app);
  const detail = applicationDetail({
    ...withConfiguration(app, version.configuration),
    versionId: version.versionId,
    status: version.status ?? 'READY',
    updatedAt: version.createdAt,
    jobId: undefined,
    currentParallelism: undefined,
  });
  delete detail.ConditionalToken;
  return detail;
}

export function operationInfo(operation: OperationRecord): Json {
  return {
    Operation: operation.operation,
    OperationId: operation.id,
    StartTime: seconds(operation.startedAt),
    ...(operation.endedAt !== undefined ? { EndTime: seconds(operation.endedAt) } : {}),
    OperationStatus: operation.status,
  };
}

export function operationDetails(operation: OperationRecord): Json {
  return {
    Operation: operation.operation,
    StartTime: seconds(operation.startedAt),
    ...(operation.endedAt !== undefined ? { EndTime: seconds(operation.endedAt) } : {}),
    OperationStatus: operation.status,
    ...(operation.versionChange
      ? { ApplicationVersionChangeDetails: { ApplicationVersionUpdatedFrom: operation.versionChange.from, ApplicationVersionUpdatedTo: operation.versionChange.to } }
      : {}),
    ...(operation.error !== undefined ? { OperationFailureDetails: { ErrorInfo: { ErrorString: operation.error } } } : {}),
  };
}

/** One page of a List call's items, and the token of the next page while there is one. */
export function paginate<T>(items: readonly T[], page: { readonly start: number; readonly limit: number }): { items: T[]; nextToken?: string } {
  const end = page.start + page.limit;
  return {
    items: items.slice(page.start, end),
    nextToken: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined,
  };
}
