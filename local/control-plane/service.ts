import { DEFAULT_MAX_KPUS_LOCAL } from '../names';
import { codeChangeFrom, codeFile, codeRecordOf, writeCode, type CodeChange } from './code';
import type { FlinkEngine, JobLaunch } from './engine';
import { invalidArgument, invalidConfiguration, invalidRequest, resourceInUse, resourceNotFound, unsupportedOperation } from './errors';
import { addLoggingOption, deleteLoggingOption } from './logging-options';
import {
  configurationOf,
  defaultCheckpoint,
  defaultParallelism,
  kpus,
  withConfiguration,
  type ApplicationRecord,
  type ApplicationStatus,
  type Json,
  type OperationStatus,
  type RestoreType,
  type SnapshotRecord,
} from './model';
import { cancelled, describeOperation, listOperations, newOperation, withOperation } from './operations';
import {
  applicationName,
  checkpointFrom,
  loggingOptionsFrom,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
  pageRequest,
  parallelismFrom,
  propertyGroupsFrom,
  requiredString,
  requiredTimestamp,
  restoreTypeFrom,
  snapshotName,
  tagsFrom,
} from './requests';
import type { ApplicationStore } from './store';
import { listTagsForResource, tagResource, untagResource } from './tags';
import { checkConditional, describeVersion, listVersions, newToken, nextVersion } from './versions';
import { applicationDetail, paginate, snapshotDetails } from './views';

export interface ControlPlaneServiceOptions {
  readonly store: ApplicationStore;
  readonly engine: FlinkEngine;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /** The most KPUs (TaskManager processes) one application may use on this machine. @default 8 */
  readonly maxKpus?: number;
  /** How often running jobs are checked. @default 2000 */
  readonly monitorIntervalMs?: number;
  /** Told about background failures (job submission, snapshots). */
  readonly onEvent?: (message: string) => void;
  /** Told when a job the cluster lost runs again from its latest checkpoint. */
  readonly onJobRecovered?: (application: string, message: string) => void;
  /** The Flink Web UI, answered by CreateApplicationPresignedUrl (none: that operation is refused). */
  readonly dashboardUrl?: string;
}

/**
 * The kinesisanalyticsv2 operations over the application records: MSF's state machine, over the
 * input that ./requests reads from the request bodies. Calls return at once, as MSF's do; the Flink
 * work runs in the background, one operation at a time per application, and moves the
 * application's status when it completes.
 */
export class ControlPlaneService {
  private readonly store: ApplicationStore;
  private readonly engine: FlinkEngine;
  private readonly region: string;
  private readonly accountId: string;
  private readonly maxKpus: number;
  private readonly work = new Map<string, Promise<void>>();
  /** Cluster-wide Flink work (resize) is serialized across applications. */
  private clusterWork: Promise<unknown> = Promise.resolve();
  private monitor?: NodeJS.Timeout;
  private monitoring = false;

  constructor(private readonly options: ControlPlaneServiceOptions) {
    this.store = options.store;
    this.engine = options.engine;
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    this.maxKpus = options.maxKpus ?? DEFAULT_MAX_KPUS_LOCAL;
  }

  /** Starts watching running jobs (a job that fails for good moves its application to READY). */
  startMonitor(): void {
    this.monitor ??= setInterval(() => void this.checkJobs(), this.options.monitorIntervalMs ?? 2_000);
    this.monitor.unref();
  }

  /** Stops the monitor and waits for the background work in flight. */
  async close(): Promise<void> {
    if (this.monitor) clearInterval(this.monitor);
    this.monitor = undefined;
    await this.idle();
  }

  /** Resolves once no background operation is in flight. */
  async idle(): Promise<void> {
    while (this.work.size > 0) await Promise.allSettled([...this.work.values()]);
  }

  /**
   * After a restart of the control plane: applications left in a transition by the previous process
   * are settled from what Flink says (job running → RUNNING, otherwise READY), CREATING snapshots → FAILED.
   */
  async reconcile(): Promise<void> {
    for (const app of this.store.list()) {
      if (this.work.has(app.name)) continue;
      const snapshots = app.snapshots.map((s) =>
        s.status === 'CREATING' ? { ...s, status: 'FAILED' as const, failure: 'the control plane restarted while the snapshot was taken' } : s,
      );
      if (app.status === 'DELETING') {
        this.store.delete(app.name);
        continue;
      }
      let status = app.status;
      let jobId = app.jobId;
      if (status !== 'READY') {
        const state = jobId ? await this.engine.jobState(jobId).catch(() => undefined) : undefined;
        const running = state !== undefined && !['FAILED', 'CANCELED', 'FINISHED', 'SUSPENDED'].includes(state);
        status = running ? 'RUNNING' : 'READY';
        if (!running) jobId = undefined;
      }
      const operations = app.operations.map((o) =>
        o.status === 'IN_PROGRESS' ? { ...o, status: 'FAILED' as const, endedAt: Date.now(), error: 'the control plane restarted while the operation ran' } : o,
      );
      this.store.put({ ...app, status, jobId, operations, snapshots: snapshots.filter((s) => s.status !== 'DELETING') });
    }
  }

  // ---- operations -------------------------------------------------------------------------------

  createApplication(request: Json): Json {
    const name = applicationName(request);
    const runtime = requiredString(request, 'RuntimeEnvironment');
    if (!runtime.startsWith('FLINK-')) {
      throw unsupportedOperation(`The local control plane runs Apache Flink applications only; RuntimeEnvironment ${runtime} is not supported`);
    }
    const role = requiredString(request, 'ServiceExecutionRole');
    if (request.ApplicationMode !== undefined && request.ApplicationMode !== 'STREAMING') {
      throw unsupportedOperation(`ApplicationMode ${String(request.ApplicationMode)} is not supported locally (STREAMING only)`);
    }
    if (this.store.get(name)) throw resourceInUse(`Application ${name} already exists`);
    const configuration = optionalObject(request, 'ApplicationConfiguration');
    const flink = optionalObject(configuration, 'FlinkApplicationConfiguration');
    const code = optionalObject(configuration, 'ApplicationCodeConfiguration');
    const parallelism = parallelismFrom(optionalObject(flink, 'ParallelismConfiguration'), defaultParallelism, false, this.maxKpus);
    const checkpoint = checkpointFrom(optionalObject(flink, 'CheckpointConfiguration'), defaultCheckpoint, false);
    const propertyGroups = propertyGroupsFrom(optionalObject(configuration, 'EnvironmentProperties'), 'PropertyGroups');
    const snapshotConfig = optionalObject(configuration, 'ApplicationSnapshotConfiguration');
    const codeChange = codeChangeFrom(optionalObject(code, 'CodeContent'), undefined, false);
    const tags = tagsFrom(request, 'Tags', [], false);
    const cloudWatchLoggingOptions = loggingOptionsFrom(request, 'CloudWatchLoggingOptions').map((option, i) => ({ id: `1.${i + 1}`, ...option }));
    const now = Date.now();
    const created: Omit<ApplicationRecord, 'versions'> = {
      name,
      arn: `arn:aws:kinesisanalytics:${this.region}:${this.accountId}:application/${name}`,
      description: optionalString(request, 'ApplicationDescription'),
      runtimeEnvironment: runtime,
      serviceExecutionRole: role,
      status: 'READY',
      versionId: 1,
      conditionalToken: newToken(),
      createdAt: now,
      updatedAt: now,
      ...codeFields(codeChange, {}),
      codeContentType: optionalString(code, 'CodeContentType') ?? 'ZIPFILE',
      propertyGroups,
      parallelism,
      checkpoint,
      snapshotsEnabled: optionalBoolean(snapshotConfig, 'SnapshotsEnabled') ?? true,
      restoreType: 'RESTORE_FROM_LATEST_SNAPSHOT',
      allowNonRestoredState: false,
      snapshots: [],
      tags,
      cloudWatchLoggingOptions,
      operations: [],
    };
    const record: ApplicationRecord = { ...created, versions: [{ versionId: 1, createdAt: now, configuration: configurationOf(created) }] };
    this.keepCode(name, codeChange, record);
    this.store.put(record);
    return { ApplicationDetail: applicationDetail(record) };
  }

  describeApplication(request: Json): Json {
    const additionalDetails = optionalBoolean(request, 'IncludeAdditionalDetails') ?? false;
    return { ApplicationDetail: applicationDetail(this.application(request), additionalDetails) };
  }

  listApplications(request: Json): Json {
    const summaries = this.store.list().map((app) => ({
      ApplicationName: app.name,
      ApplicationARN: app.arn,
      ApplicationStatus: app.status,
      ApplicationVersionId: app.versionId,
      RuntimeEnvironment: app.runtimeEnvironment,
      ApplicationMode: 'STREAMING',
    }));
    const page = paginate(summaries, pageRequest(request, summaries.length));
    return { ApplicationSummaries: page.items, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
  }

  startApplication(request: Json): Json {
    const app = this.application(request);
    if (app.status !== 'READY') {
      throw resourceInUse(`Application ${app.name} is in ${app.status} state, it must be in READY state to be started`);
    }
    const run = optionalObject(request, 'RunConfiguration');
    const restore = optionalObject(run, 'ApplicationRestoreConfiguration');
    const restoreType = restoreTypeFrom(restore, 'RESTORE_FROM_LATEST_SNAPSHOT');
    const snapshotName = optionalString(restore, 'SnapshotName');
    const allowNonRestoredState =
      optionalBoolean(optionalObject(run, 'FlinkRunConfiguration'), 'AllowNonRestoredState') ?? app.allowNonRestoredState;
    const launch = this.launchFor(app, restoreType, snapshotName, allowNonRestoredState);
    const operation = newOperation('StartApplication');
    const starting = this.save({
      ...app,
      status: 'STARTING',
      restoreType,
      restoreSnapshotName: restoreType === 'RESTORE_FROM_CUSTOM_SNAPSHOT' ? snapshotName : undefined,
      allowNonRestoredState,
      operations: withOperation(app.operations, operation),
    });
    this.background(app.name, operation.id, async () => {
      try {
        const jobId = await this.launch(starting, launch);
        this.settle(app.name, 'STARTING', {
          status: 'RUNNING',
          jobId,
          currentParallelism: starting.parallelism.parallelism,
          restoredFrom: launch.savepointPath,
        });
      } catch (error) {
        this.settle(app.name, 'STARTING', { status: 'READY', jobId: undefined, lastFailure: failure(`StartApplication failed: ${message(error)}`) });
        await this.releaseIfIdle().catch(() => undefined);
        throw error;
      }
    });
    return { OperationId: operation.id };
  }

  stopApplication(request: Json): Json {
    const app = this.application(request);
    const force = optionalBoolean(request, 'Force') ?? false;
    const operation = newOperation('StopApplication');
    if (force) {
      if (!['STARTING', 'UPDATING', 'STOPPING', 'AUTOSCALING', 'RUNNING'].includes(app.status)) {
        throw resourceInUse(`Application ${app.name} is in ${app.status} state, it cannot be force-stopped`);
      }
      const operations = withOperation(cancelled(app.operations, 'a forced StopApplication overtook it'), operation);
      this.save({ ...app, status: 'FORCE_STOPPING', operations });
      // force-stop overtakes the operation in flight: it cancels whatever job is there once that settles
      this.background(app.name, operation.id, async () => {
        const current = this.store.get(app.name);
        if (current?.jobId) await this.engine.cancel(current.jobId).catch(() => undefined);
        this.update(app.name, { status: 'READY', jobId: undefined, currentParallelism: undefined });
        await this.releaseIfIdle();
      }, true);
      return { OperationId: operation.id };
    }
    if (app.status !== 'RUNNING') {
      throw resourceInUse(`Application ${app.name} is in ${app.status} state, it must be in RUNNING state to be stopped`);
    }
    const jobId = app.jobId;
    // RUNNING without a job: an update whose job did not start; there is no state to snapshot
    const snapshot = automaticSnapshot(app, 'stop');
    this.save({
      ...app,
      status: 'STOPPING',
      snapshots: snapshot ? [...app.snapshots, snapshot] : app.snapshots,
      operations: withOperation(app.operations, operation),
    });
    this.background(app.name, operation.id, async () => {
      if (snapshot && jobId) {
        let location: string;
        try {
          location = await this.engine.stopWithSavepoint(jobId);
        } catch (error) {
          // as MSF: a stop whose snapshot fails leaves the application running
          this.updateSnapshot(app.name, snapshot.name, { status: 'FAILED', failure: message(error) });
          this.settle(app.name, 'STOPPING', { status: 'RUNNING', lastFailure: failure(`StopApplication's snapshot failed: ${message(error)}`) });
          throw error;
        }
        this.updateSnapshot(app.name, snapshot.name, { status: 'READY', location });
      } else if (jobId) {
        await this.engine.cancel(jobId);
      }
      this.settle(app.name, 'STOPPING', { status: 'READY', jobId: undefined, currentParallelism: undefined });
      await this.releaseIfIdle();
    });
    return { OperationId: operation.id };
  }

  updateApplication(request: Json): Json {
    const app = this.application(request);
    checkConditional(app, request);
    if (app.status !== 'READY' && app.status !== 'RUNNING') {
      throw resourceInUse(`Application ${app.name} is in ${app.status} state, it must be in READY or RUNNING state to be updated`);
    }
    const update = optionalObject(request, 'ApplicationConfigurationUpdate');
    const flink = optionalObject(update, 'FlinkApplicationConfigurationUpdate');
    const parallelism = parallelismFrom(optionalObject(flink, 'ParallelismConfigurationUpdate'), app.parallelism, true, this.maxKpus);
    const checkpoint = checkpointFrom(optionalObject(flink, 'CheckpointConfigurationUpdate'), app.checkpoint, true);
    const envUpdate = optionalObject(update, 'EnvironmentPropertyUpdates');
    const propertyGroups = envUpdate ? propertyGroupsFrom(envUpdate, 'PropertyGroups') : app.propertyGroups;
    const snapshotsEnabled =
      optionalBoolean(optionalObject(update, 'ApplicationSnapshotConfigurationUpdate'), 'SnapshotsEnabledUpdate') ?? app.snapshotsEnabled;
    const codeUpdate = optionalObject(update, 'ApplicationCodeConfigurationUpdate');
    const currentS3 = (app.codeContent as { S3ContentLocation?: Json } | undefined)?.S3ContentLocation;
    const codeChange = codeChangeFrom(optionalObject(codeUpdate, 'CodeContentUpdate'), currentS3, true);
    const runUpdate = optionalObject(request, 'RunConfigurationUpdate');
    const restoreUpdate = optionalObject(runUpdate, 'ApplicationRestoreConfiguration');
    const restoreType = restoreTypeFrom(restoreUpdate, app.restoreType);
    const restoreSnapshotName = restoreType === 'RESTORE_FROM_CUSTOM_SNAPSHOT' ? (optionalString(restoreUpdate, 'SnapshotName') ?? app.restoreSnapshotName) : undefined;
    // MSF: an update that does not give AllowNonRestoredState sets it to false
    const allowNonRestoredState = optionalBoolean(optionalObject(runUpdate, 'FlinkRunConfiguration'), 'AllowNonRestoredState') ?? false;
    const role = optionalString(request, 'ServiceExecutionRoleUpdate') ?? app.serviceExecutionRole;
    const runtime = optionalString(request, 'RuntimeEnvironmentUpdate') ?? app.runtimeEnvironment;
    if (!runtime.startsWith('FLINK-')) throw unsupportedOperation(`RuntimeEnvironment ${runtime} is not supported locally`);
    const running = app.status === 'RUNNING';
    // a custom snapshot must exist before anything changes
    if (running && restoreType === 'RESTORE_FROM_CUSTOM_SNAPSHOT') this.launchFor(app, restoreType, restoreSnapshotName, allowNonRestoredState);
    const changed: ApplicationRecord = {
      ...app,
      parallelism,
      checkpoint,
      propertyGroups,
      snapshotsEnabled,
      ...codeFields(codeChange, app),
      restoreType,
      restoreSnapshotName,
      allowNonRestoredState,
      serviceExecutionRole: role,
      runtimeEnvironment: runtime,
    };
    if (JSON.stringify(changed) === JSON.stringify(app)) {
      throw invalidArgument(`Application ${app.name} already has the requested configuration; nothing to update`);
    }
    this.keepCode(app.name, codeChange, changed);
    const operation = newOperation('UpdateApplication', { from: app.versionId, to: app.versionId + 1 }, !running);
    const next = this.save({
      ...changed,
      ...nextVersion(app, changed, {}),
      status: running ? 'UPDATING' : app.status,
      operations: withOperation(app.operations, operation),
    });
    // the restart restores what this request names; without a restore configuration in it, the
    // snapshot the update takes (the latest), whatever the application was last started with
    if (running) this.restartForUpdate(app, next, operation.id, restoreUpdate ? { type: restoreType, snapshotName: restoreSnapshotName } : { type: 'RESTORE_FROM_LATEST_SNAPSHOT' });
    return { ApplicationDetail: applicationDetail(next), OperationId: operation.id };
  }

  /**
   * MSF's update of a running application: a snapshot of the job's state (when snapshots are
   * enabled; recorded as an automatic snapshot, as a stop's is), then the new version's job from
   * the snapshot the request's restore configuration names (without one: the update's own snapshot). A job that does not start (e.g. Flink cannot map
   * the snapshot's state to the new program) leaves the application RUNNING at the new version
   * without a job, as MSF leaves it RUNNING with a failing job; the operation FAILED with Flink's
   * message, and RollbackApplication brings back the version before from the latest snapshot.
   */
  private restartForUpdate(
    app: ApplicationRecord,
    next: ApplicationRecord,
    operationId: string,
    restore: { readonly type: RestoreType; readonly snapshotName?: string },
  ): void {
    const jobId = app.jobId;
    const snapshot = automaticSnapshot(app, 'update');
    if (snapshot) this.store.put({ ...next, snapshots: [...next.snapshots, snapshot] });
    this.background(app.name, operationId, async () => {
      try {
        if (snapshot && jobId) {
          const location = await this.engine.stopWithSavepoint(jobId).catch((error: unknown) => {
            this.updateSnapshot(app.name, snapshot.name, { status: 'FAILED', failure: message(error) });
            throw error;
          });
          this.updateSnapshot(app.name, snapshot.name, { status: 'READY', location });
        } else if (jobId) {
          await this.engine.cancel(jobId);
        }
      } catch (error) {
        this.settle(app.name, 'UPDATING', { status: 'RUNNING', lastFailure: failure(`UpdateApplication could not snapshot the job: ${message(error)}`) }, next.versionId);
        throw error;
      }
      const current = this.store.get(app.name) ?? next;
      let launch: JobLaunch;
      try {
        launch = this.launchFor(current, restore.type, restore.snapshotName, current.allowNonRestoredState);
        const newJob = await this.launch(current, launch);
        this.settle(
          app.name,
          'UPDATING',
          { status: 'RUNNING', jobId: newJob, currentParallelism: current.parallelism.parallelism, restoredFrom: launch.savepointPath },
          next.versionId,
        );
      } catch (error) {
        const from = snapshot ? ` from snapshot ${snapshot.name}` : '';
        const why = `UpdateApplication could not start version ${next.versionId}${from}: ${message(error)}`;
        this.settle(
          app.name,
          'UPDATING',
          { status: 'RUNNING', jobId: undefined, currentParallelism: undefined, restoredFrom: undefined, lastFailure: failure(why) },
          next.versionId,
        );
        throw new Error(why, { cause: error });
      }
    });
  }

  deleteApplication(request: Json): Json {
    const app = this.application(request);
    const created = requiredTimestamp(request, 'CreateTimestamp');
    if (Math.abs(created - app.createdAt) >= 1_000) {
      throw invalidArgument(`CreateTimestamp does not match the creation time of application ${app.name}`);
    }
    if (app.status !== 'READY') {
      throw resourceInUse(`Application ${app.name} is in ${app.status} state, it must be in READY state to be deleted`);
    }
    this.save({ ...app, status: 'DELETING' });
    this.background(app.name, undefined, async () => {
      for (const snapshot of app.snapshots) {
        if (snapshot.location) await this.engine.disposeSavepoint(snapshot.location).catch(() => undefined);
      }
      this.store.delete(app.name);
    });
    return {};
  }

  createApplicationSnapshot(request: Json): Json {
    const app = this.application(request);
    const name = snapshotName(request);
    if (app.snapshots.some((s) => s.name === name)) {
      throw resourceInUse(`Snapshot ${name} already exists for application ${app.name}`);
    }
    if (!app.snapshotsEnabled) {
      throw invalidConfiguration(`Snapshots are disabled for application ${app.name}; enable them with UpdateApplication first`);
    }
    if (app.status !== 'RUNNING') {
      throw resourceInUse(`Application ${app.name} is in ${app.status} state, it must be in RUNNING state to create a snapshot`);
    }
    if (app.snapshots.some((s) => s.status === 'CREATING')) {
      throw resourceInUse(`A snapshot of application ${app.name} is already being created`);
    }
    const jobId = app.jobId;
    if (!jobId) {
      throw resourceInUse(`Application ${app.name} has no running job (version ${app.versionId} did not start); roll it back or update it first`);
    }
    const snapshot: SnapshotRecord = {
      name,
      status: 'CREATING',
      applicationVersionId: app.versionId,
      createdAt: Date.now(),
      runtimeEnvironment: app.runtimeEnvironment,
    };
    const operation = newOperation('CreateApplicationSnapshot');
    this.save({ ...app, snapshots: [...app.snapshots, snapshot], operations: withOperation(app.operations, operation) });
    this.background(app.name, operation.id, async () => {
      try {
        const location = await this.engine.savepoint(jobId);
        this.updateSnapshot(app.name, name, { status: 'READY', location });
      } catch (error) {
        this.updateSnapshot(app.name, name, { status: 'FAILED', failure: message(error) });
        throw error;
      }
    });
    return {};
  }

  listApplicationSnapshots(request: Json): Json {
    const app = this.application(request);
    const page = paginate(app.snapshots.map(snapshotDetails), pageRequest(request, app.snapshots.length));
    return { SnapshotSummaries: page.items, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
  }

  describeApplicationSnapshot(request: Json): Json {
    const app = this.application(request);
    return { SnapshotDetails: snapshotDetails(this.snapshot(app, snapshotName(request))) };
  }

  deleteApplicationSnapshot(request: Json): Json {
    const app = this.application(request);
    const snapshot = this.snapshot(app, snapshotName(request));
    const created = requiredTimestamp(request, 'SnapshotCreationTimestamp');
    if (Math.abs(created - snapshot.createdAt) >= 1_000) {
      throw invalidArgument(`SnapshotCreationTimestamp does not match the creation time of snapshot ${snapshot.name}`);
    }
    if (snapshot.status === 'CREATING' || snapshot.status === 'DELETING') {
      throw resourceInUse(`Snapshot ${snapshot.name} of application ${app.name} is in ${snapshot.status} state`);
    }
    const operation = newOperation('DeleteApplicationSnapshot');
    this.store.put({
      ...app,
      snapshots: app.snapshots.map((s) => (s.name === snapshot.name ? { ...s, status: 'DELETING' as const } : s)),
      operations: withOperation(app.operations, operation),
    });
    void (async () => {
      if (snapshot.location) await this.engine.disposeSavepoint(snapshot.location).catch(() => undefined);
      const current = this.store.get(app.name);
      if (current) this.store.put({ ...current, snapshots: current.snapshots.filter((s) => s.name !== snapshot.name) });
      this.endOperation(app.name, operation.id, 'SUCCESSFUL');
    })();
    return {};
  }

  listApplicationVersions(request: Json): Json {
    return listVersions(this.application(request), request);
  }

  describeApplicationVersion(request: Json): Json {
    return describeVersion(this.application(request), request);
  }

  /**
   * MSF's rollback: from RUNNING, UPDATING or AUTOSCALING, back to the configuration of the version
   * before the current one, as a new version, with the state of the newest READY snapshot (MSF
   * refuses a rollback without one). The job in flight is cancelled once the work before it settles;
   * the engine runs the old configuration as UpdateApplication's restart does (resize, resubmit).
   */
  rollbackApplication(request: Json): Json {
    const app = this.application(request);
    const version = optionalNumber(request, 'CurrentApplicationVersionId');
    if (version === undefined) throw invalidArgument('CurrentApplicationVersionId is required');
    checkConditional(app, request);
    if (!['RUNNING', 'UPDATING', 'AUTOSCALING'].includes(app.status)) {
      throw resourceInUse(`Application ${app.name} is in ${app.status} state, it must be in RUNNING, UPDATING or AUTOSCALING state to be rolled back`);
    }
    const previous = app.versions.find((v) => v.versionId === app.versionId - 1);
    if (!previous) throw invalidRequest(`Application ${app.name} has no version before version ${app.versionId} to roll back to`);
    const snapshot = latestReadySnapshot(app);
    if (!snapshot?.location) throw invalidRequest(`Application ${app.name} has no snapshot to restore its state from; a rollback needs one`);
    const changed = withConfiguration(app, previous.configuration);
    const operation = newOperation('RollbackApplication', { from: app.versionId, to: app.versionId + 1 });
    const operations = withOperation(cancelled(app.operations, 'RollbackApplication overtook it', ['UpdateApplication', 'RollbackApplication']), operation);
    const next = this.save({
      ...changed,
      ...nextVersion(app, changed, { rolledBackFrom: app.versionId, rolledBackTo: previous.versionId }),
      status: 'UPDATING',
      operations,
    });
    const launch: JobLaunch = { savepointPath: snapshot.location, allowNonRestoredState: next.allowNonRestoredState };
    this.background(app.name, operation.id, async () => {
      const current = this.store.get(app.name);
      if (current?.status !== 'UPDATING' || current.versionId !== next.versionId) {
        throw new Error('a forced StopApplication or another operation overtook the rollback');
      }
      try {
        if (current.jobId) await this.engine.cancel(current.jobId).catch(() => undefined);
        const jobId = await this.launch(current, launch);
        this.settle(
          app.name,
          'UPDATING',
          { status: 'RUNNING', jobId, currentParallelism: current.parallelism.parallelism, restoredFrom: launch.savepointPath },
          next.versionId,
        );
      } catch (error) {
        this.settle(
          app.name,
          'UPDATING',
          { status: 'READY', jobId: undefined, currentParallelism: undefined, lastFailure: failure(`RollbackApplication could not restart the job: ${message(error)}`) },
          next.versionId,
        );
        await this.releaseIfIdle().catch(() => undefined);
        throw error;
      }
    });
    return { ApplicationDetail: applicationDetail(next), OperationId: operation.id };
  }

  listApplicationOperations(request: Json): Json {
    return listOperations(this.application(request), request);
  }

  describeApplicationOperation(request: Json): Json {
    return describeOperation(this.application(request), request);
  }

  /** FLINK_DASHBOARD_URL: the local Flink Web UI, which needs no sign-in (so no session either). */
  createApplicationPresignedUrl(request: Json): Json {
    const app = this.application(request);
    const urlType = requiredString(request, 'UrlType');
    if (urlType !== 'FLINK_DASHBOARD_URL') throw invalidArgument(`UrlType must be FLINK_DASHBOARD_URL, got ${urlType}`);
    const session = optionalNumber(request, 'SessionExpirationDurationInSeconds');
    if (session !== undefined && (!Number.isInteger(session) || session < 1_800 || session > 43_200)) {
      throw invalidArgument(`SessionExpirationDurationInSeconds must be between 1800 and 43200, got ${session}`);
    }
    if (app.status !== 'RUNNING') {
      throw resourceInUse(`Application ${app.name} is in ${app.status} state, it must be in RUNNING state for a Flink dashboard URL`);
    }
    const dashboard = this.options.dashboardUrl;
    if (!dashboard) throw unsupportedOperation('This control plane does not know the URL of the Flink Web UI');
    return { AuthorizedUrl: `${dashboard.replace(/\/+$/, '')}/#/overview` };
  }

  tagResource(request: Json): Json {
    return tagResource(this.store, request);
  }

  untagResource(request: Json): Json {
    return untagResource(this.store, request);
  }

  listTagsForResource(request: Json): Json {
    return listTagsForResource(this.store, request);
  }

  addApplicationCloudWatchLoggingOption(request: Json): Json {
    return addLoggingOption(this.application(request), request, (record) => this.save(record));
  }

  deleteApplicationCloudWatchLoggingOption(request: Json): Json {
    return deleteLoggingOption(this.application(request), request, (record) => this.save(record));
  }

  /**
   * An operation of the 33 that has no local meaning (SQL applications' inputs, outputs and
   * reference data; VPCs; maintenance windows): the application must exist, then
   * UnsupportedOperationException says why.
   */
  unsupported(request: Json | undefined, why: string): never {
    if (request) this.application(request);
    throw unsupportedOperation(why);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** Ends an operation still IN_PROGRESS (one that was CANCELLED meanwhile stays so). */
  private endOperation(name: string, id: string, status: OperationStatus, error?: string): void {
    const current = this.store.get(name);
    if (!current?.operations.some((o) => o.id === id && o.status === 'IN_PROGRESS')) return;
    this.store.put({
      ...current,
      operations: current.operations.map((o) =>
        o.id === id ? { ...o, status, endedAt: Date.now(), ...(error !== undefined ? { error } : {}) } : o,
      ),
    });
  }

  private application(request: Json): ApplicationRecord {
    const name = applicationName(request);
    const app = this.store.get(name);
    if (!app || app.status === 'DELETING') throw resourceNotFound(`Application ${name} is not found`);
    return app;
  }

  private snapshot(app: ApplicationRecord, name: string): SnapshotRecord {
    const snapshot = app.snapshots.find((s) => s.name === name);
    if (!snapshot) throw resourceNotFound(`Snapshot ${name} is not found for application ${app.name}`);
    return snapshot;
  }

  private launchFor(app: ApplicationRecord, type: RestoreType, name: string | undefined, allowNonRestoredState: boolean): JobLaunch {
    if (type === 'SKIP_RESTORE_FROM_SNAPSHOT') return { allowNonRestoredState };
    if (type === 'RESTORE_FROM_CUSTOM_SNAPSHOT') {
      if (!name) throw invalidArgument('SnapshotName is required with ApplicationRestoreType RESTORE_FROM_CUSTOM_SNAPSHOT');
      const snapshot = this.snapshot(app, name);
      if (snapshot.status !== 'READY' || !snapshot.location) {
        throw invalidRequest(`Snapshot ${name} of application ${app.name} is in ${snapshot.status} state and cannot be restored`);
      }
      return { savepointPath: snapshot.location, allowNonRestoredState };
    }
    if (name) throw invalidArgument(`SnapshotName is only allowed with ApplicationRestoreType RESTORE_FROM_CUSTOM_SNAPSHOT`);
    return { savepointPath: latestReadySnapshot(app)?.location, allowNonRestoredState };
  }

  /** Writes the jar a CodeContent gave into the application's code folder. */
  private keepCode(name: string, change: CodeChange | undefined, record: ApplicationRecord): void {
    if (change?.zip && record.code) writeCode(this.store.dir, name, record.code, change.zip);
  }

  /**
   * Sizes the cluster for the application and runs its job with its version's jar (none stored: the
   * stack's job jar). The job is submitted once the TaskManagers that go have ended, while the new
   * ones boot: the JobManager runs the program and waits for their slots meanwhile (a local wait
   * of the control plane's; MSF's own ordering of the two is not visible from outside).
   */
  private async launch(app: ApplicationRecord, launch: JobLaunch): Promise<string> {
    let shrunk = (): void => undefined;
    const readyToSubmit = new Promise<void>((resolve) => {
      shrunk = resolve;
    });
    const sized = this.onCluster(() => this.engine.resize(kpus(app.parallelism), app.parallelism.parallelismPerKPU, shrunk));
    await Promise.race([readyToSubmit, sized]);
    return this.engine.startJob(app, app.code ? { ...launch, jarPath: codeFile(this.store.dir, app.name, app.code) } : launch, sized);
  }

  /** With no application running or starting, the cluster gives its TaskManagers back (MSF stops billing KPUs). */
  private async releaseIfIdle(): Promise<void> {
    const busy = this.store.list().some((app) => !['READY', 'DELETING'].includes(app.status));
    if (!busy) await this.onCluster(() => this.engine.resize(0, 1));
  }

  private onCluster<T>(work: () => Promise<T>): Promise<T> {
    const next = this.clusterWork.then(work, work);
    this.clusterWork = next.catch(() => undefined);
    return next;
  }

  /** Runs `work` after the application's work in flight; `operationId` ends SUCCESSFUL or FAILED with it. */
  private background(name: string, operationId: string | undefined, work: () => Promise<void>, overtake = false): void {
    const previous = this.work.get(name) ?? Promise.resolve();
    const run = (overtake ? previous.catch(() => undefined).then(work) : previous.then(work, work))
      .then(
        () => {
          if (operationId) this.endOperation(name, operationId, 'SUCCESSFUL');
        },
        (error: unknown) => {
          if (operationId) this.endOperation(name, operationId, 'FAILED', message(error));
          this.options.onEvent?.(`${name}: ${message(error)}`);
        },
      )
      .finally(() => {
        if (this.work.get(name) === run) this.work.delete(name);
      });
    this.work.set(name, run);
  }

  /** Checks the running jobs now (the cluster calls this when its JobManager was started again). */
  checkNow(): void {
    void this.checkJobs();
  }

  private async checkJobs(): Promise<void> {
    if (this.monitoring) return;
    this.monitoring = true;
    try {
      for (const app of this.store.list()) {
        if (app.status !== 'RUNNING' || !app.jobId || this.work.has(app.name)) continue;
        const state = await this.engine.jobState(app.jobId).catch(() => 'UNREACHABLE');
        if (state === 'UNREACHABLE' || (state !== undefined && !['FAILED', 'CANCELED', 'FINISHED', 'SUSPENDED'].includes(state))) continue;
        const current = this.store.get(app.name);
        if (current?.status !== 'RUNNING' || current.jobId !== app.jobId || this.work.has(app.name)) continue;
        if (state === undefined) {
          this.recoverJob(current, app.jobId);
          continue;
        }
        const cause = `the Flink job ended in state ${state}`;
        const detail = await this.engine.jobFailure(app.jobId).catch(() => undefined);
        this.update(app.name, {
          status: 'READY',
          jobId: undefined,
          currentParallelism: undefined,
          lastFailure: failure(detail ? `${cause}: ${detail}` : cause),
        });
        this.options.onEvent?.(`${app.name}: ${cause}; the application is READY again`);
      }
    } finally {
      this.monitoring = false;
    }
  }

  /**
   * The cluster no longer knows the application's job: its JobManager ended and was started again
   * (a session cluster without high availability forgets its jobs). As MSF does after losing its
   * JobManager, the job runs again from its latest completed checkpoint — or, when it completed
   * none, from what it was started from — and the application stays RUNNING. A start that fails is
   * tried again by the next check.
   */
  private recoverJob(app: ApplicationRecord, lostJobId: string): void {
    this.background(app.name, undefined, async () => {
      const current = this.store.get(app.name);
      if (current?.status !== 'RUNNING' || current.jobId !== lostJobId) return;
      const checkpoint = (await this.engine.latestCheckpoint(lostJobId).catch(() => undefined)) ?? current.restoredFrom;
      const jobId = await this.launch(current, { savepointPath: checkpoint, allowNonRestoredState: current.allowNonRestoredState });
      const from = checkpoint ? `from ${checkpoint}` : 'without state (it had no checkpoint)';
      const latest = this.store.get(app.name);
      if (latest?.status === 'RUNNING' && latest.jobId === lostJobId) {
        this.update(app.name, { jobId, restoredFrom: checkpoint, lastFailure: failure(`the Flink cluster lost job ${lostJobId}; it runs again as ${jobId} ${from}`) });
      } else {
        // a stop or an update overtook the recovery: leave the new job to it
        this.update(app.name, { jobId });
      }
      this.options.onJobRecovered?.(app.name, `job ${lostJobId} was lost with the JobManager; it runs again as ${jobId} ${from}`);
    });
  }

  private save(record: ApplicationRecord): ApplicationRecord {
    const saved = { ...record, updatedAt: Date.now() };
    this.store.put(saved);
    return saved;
  }

  private update(name: string, change: Partial<ApplicationRecord>): void {
    const current = this.store.get(name);
    if (current) this.save({ ...current, ...change });
  }

  /**
   * Ends a transition: applies `change` when the application is still in `from` (and, given
   * `versionId`, still at that version); when a force-stop or a rollback overtook the transition,
   * records only the job (so the one that overtook it cancels it) and keeps the status.
   */
  private settle(name: string, from: ApplicationStatus, change: Partial<ApplicationRecord>, versionId?: number): void {
    const current = this.store.get(name);
    if (!current) return;
    if (current.status === from && (versionId === undefined || current.versionId === versionId)) this.save({ ...current, ...change });
    else if (change.jobId) this.save({ ...current, jobId: change.jobId });
  }

  private updateSnapshot(name: string, snapshotName: string, change: Partial<SnapshotRecord>): void {
    const current = this.store.get(name);
    if (!current) return;
    this.store.put({ ...current, snapshots: current.snapshots.map((s) => (s.name === snapshotName ? { ...s, ...change } : s)) });
  }
}

/** The name of a snapshot MSF takes by itself: on a stop, or on an update of a running application. */
function automaticSnapshotName(app: string, on: 'stop' | 'update'): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  return `${app}-${on}-${stamp}`.slice(0, 256);
}

/** The code fields after `change`: an S3 location is recorded as given, a jar by its record. */
function codeFields(change: CodeChange | undefined, current: Pick<ApplicationRecord, 'codeContent' | 'code'>): Pick<ApplicationRecord, 'codeContent' | 'code'> {
  if (change?.zip) return { codeContent: undefined, code: codeRecordOf(change.zip) };
  if (change?.s3) return { codeContent: { S3ContentLocation: change.s3 }, code: undefined };
  return { codeContent: current.codeContent, code: current.code };
}

function latestReadySnapshot(app: ApplicationRecord): SnapshotRecord | undefined {
  return [...app.snapshots].reverse().find((s) => s.status === 'READY' && s.location);
}

function failure(text: string): { at: number; message: string } {
  return { at: Date.now(), message: text };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The snapshot a stop or an update takes of the running job (none: snapshots off, or no job — an update whose job did not start). */
function automaticSnapshot(app: ApplicationRecord, why: 'stop' | 'update'): SnapshotRecord | undefined {
  if (!app.snapshotsEnabled || !app.jobId) return undefined;
  return {
    name: automaticSnapshotName(app.name, why),
    status: 'CREATING',
    applicationVersionId: app.versionId,
    createdAt: Date.now(),
    runtimeEnvironment: app.runtimeEnvironment,
    automatic: true,
  };
}
