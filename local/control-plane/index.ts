export { startControlPlane, applicationsDir, type ControlPlane, type ControlPlaneOptions } from './server';
export { ControlPlaneService, defaultCheckpoint, defaultParallelism } from './service';
export { ApplicationStore } from './store';
export { ClusterEngine } from './flink-engine';
export type { FlinkEngine, JobLaunch } from './engine';
export type { ApplicationRecord, ApplicationStatus, SnapshotRecord, SnapshotStatus } from './model';
export { ApiError, type ApiErrorType } from './errors';
