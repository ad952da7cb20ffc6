import type { ApplicationRecord, Json, SnapshotRecord } from './model';

/** JSON 1.1 timestamps are epoch seconds. */
const seconds = (ms: number): number => ms / 1000;

/** The ApplicationDetail shape of DescribeApplication, CreateApplication and UpdateApplication. */
export function applicationDetail(app: ApplicationRecord): Json {
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
    ApplicationConfigurationDescription: {
      ApplicationCodeConfigurationDescription: {
        CodeContentType: app.codeContentType,
        ...(app.codeContent !== undefined ? { CodeContentDescription: codeDescription(app.codeContent) } : {}),
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
        ...(app.jobId ? { JobPlanDescription: `local Flink job ${app.jobId}` } : {}),
      },
      EnvironmentPropertyDescriptions: { PropertyGroupDescriptions: app.propertyGroups },
      ApplicationSnapshotConfigurationDescription: { SnapshotsEnabled: app.snapshotsEnabled },
    },
  };
}

/** CodeContent (as given to CreateApplication) → CodeContentDescription. */
function codeDescription(content: unknown): Json {
  const code = content as { S3ContentLocation?: Json; TextContent?: string; ZipFileContent?: string };
  if (code.S3ContentLocation) return { S3ApplicationCodeLocationDescription: code.S3ContentLocation };
  if (code.TextContent !== undefined) return { TextContent: code.TextContent };
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
