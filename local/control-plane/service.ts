import { randomUUID } from 'node:crypto';
import { DEFAULT_MAX_KPUS_LOCAL } from '../names';
import type { FlinkEngine, JobLaunch } from './engine';
import {
  concurrentModification,
  invalidArgument,
  invalidConfiguration,
  invalidRequest,
  resourceInUse,
  resourceNotFound,
  unsupportedOperation,
} from './errors';
import {
  defaultCheckpoint,
  defaultParallelism,
  kpus,
  type ApplicationRecord,
  type ApplicationStatus,
  type Json,
  type RestoreType,
  type SnapshotRecord,
} from './model';
import {
  applicationName,
  checkpointFrom,
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
} from './requests';
import type { ApplicationStore } from './store';
import { applicationDetail, snapshotDetails } from './views';

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
      this.store.put({ ...app, status, jobId, snapshots: snapshots.filter((s) => s.status !== 'DELETING') });
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
    const now = Date.now();
    const record: ApplicationRecord = {
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
      codeContent: code?.CodeContent,
      codeContentType: optionalString(code, 'CodeContentType') ?? 'ZIPFILE',
      propertyGroups,
      parallelism,
      checkpoint,
      snapshotsEnabled: optionalBoolean(snapshotConfig, 'SnapshotsEnabled') ?? true,
      restoreType: 'RESTORE_FROM_LATEST_SNAPSHOT',
      allowNonRestoredState: false,
      snapshots: [],
    };
    this.store.put(record);
    return { ApplicationDetail: applicationDetail(record) };
  }

  describeApplication(request: Json): Json {
    return { ApplicationDetail: applicationDetail(this.application(request)) };
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
    const starting = this.save({
      ...app,
      status: 'STARTING',
      restoreType,
      restoreSnapshotName: restoreType === 'RESTORE_FROM_CUSTOM_SNAPSHOT' ? snapshotName : undefined,
      allowNonRestoredState,
    });
    const operationId = newOperationId();
    this.background(app.name, async () => {
      try {
        await this.resizeFor(starting);
        const jobId = await this.engine.startJob(starting, launch);
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
    return { OperationId: operationId };
  }

  stopApplication(request: Json): Json {
    const app = this.application(request);
    const force = optionalBoolean(request, 'Force') ?? false;
    const operationId = newOperationId();
    if (force) {
      if (!['STARTING', 'UPDATING', 'STOPPING', 'AUTOSCALING', 'RUNNING'].includes(app.status)) {
        throw resourceInUse(`Application ${app.name} is in ${app.status} state, it cannot be force-stopped`);
      }
      this.save({ ...app, status: 'FORCE_STOPPING' });
      // force-stop overtakes the operation in flight: it cancels whatever job is there once that settles
      this.background(app.name, async () => {
        const current = this.store.get(app.name);
        if (current?.jobId) await this.engine.cancel(current.jobId).catch(() => undefined);
        this.update(app.name, { status: 'READY', jobId: undefined, currentParallelism: undefined });
        await this.releaseIfIdle();
      }, true);
      return { OperationId: operationId };
    }
    if (app.status !== 'RUNNING') {
      throw resourceInUse(`Application ${app.name} is in ${app.status} state, it must be in RUNNING state to be stopped`);
    }
    const jobId = app.jobId as string;
    const snapshot: SnapshotRecord | undefined = app.snapshotsEnabled
      ? {
          name: automaticSnapshotName(app.name),
          status: 'CREATING',
          applicationVersionId: app.versionId,
          createdAt: Date.now(),
          runtimeEnvironment: app.runtimeEnvironment,
          automatic: true,
        }
      : undefined;
    this.save({ ...app, status: 'STOPPING', snapshots: snapshot ? [...app.snapshots, snapshot] : app.snapshots });
    this.background(app.name, async () => {
      if (snapshot) {
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
      } else {
        await this.engine.cancel(jobId);
      }
      this.settle(app.name, 'STOPPING', { status: 'READY', jobId: undefined, currentParallelism: undefined });
      await this.releaseIfIdle();
    });
    return { OperationId: operationId };
  }

  updateApplication(request: Json): Json {
    const app = this.application(request);
    const version = optionalNumber(request, 'CurrentApplicationVersionId');
    const token = optionalString(request, 'ConditionalToken');
    if (version === undefined && token === undefined) {
      throw invalidArgument('Either CurrentApplicationVersionId or ConditionalToken must be provided');
    }
    if (version !== undefined && version !== app.versionId) {
      throw concurrentModification(
        `Current application version ${version} does not match the latest application version ${app.versionId} of ${app.name}`,
      );
    }
    if (token !== undefined && token !== app.conditionalToken) {
      throw concurrentModification(`The ConditionalToken does not match the current token of application ${app.name}`);
    }
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
    const runUpdate = optionalObject(request, 'RunConfigurationUpdate');
    const restoreUpdate = optionalObject(runUpdate, 'ApplicationRestoreConfiguration');
    const restoreType = restoreTypeFrom(restoreUpdate, app.restoreType);
    const allowNonRestoredState =
      optionalBoolean(optionalObject(runUpdate, 'FlinkRunConfiguration'), 'AllowNonRestoredState') ?? app.allowNonRestoredState;
    const role = optionalString(request, 'ServiceExecutionRoleUpdate') ?? app.serviceExecutionRole;
    const runtime = optionalString(request, 'RuntimeEnvironmentUpdate') ?? app.runtimeEnvironment;
    if (!runtime.startsWith('FLINK-')) throw unsupportedOperation(`RuntimeEnvironment ${runtime} is not supported locally`);
    const changed: ApplicationRecord = {
      ...app,
      parallelism,
      checkpoint,
      propertyGroups,
      snapshotsEnabled,
      codeContent: codeUpdate ? (optionalObject(codeUpdate, 'CodeContentUpdate') ?? app.codeContent) : app.codeContent,
      restoreType,
      restoreSnapshotName: optionalString(restoreUpdate, 'SnapshotName') ?? app.restoreSnapshotName,
      allowNonRestoredState,
      serviceExecutionRole: role,
      runtimeEnvironment: runtime,
    };
    if (JSON.stringify(changed) === JSON.stringify(app)) {
      throw invalidArgument(`Application ${app.name} already has the requested configuration; nothing to update`);
    }
    const operationId = newOperationId();
    const next = this.save({
      ...changed,
      versionId: app.versionId + 1,
      conditionalToken: newToken(),
      status: app.status === 'RUNNING' ? 'UPDATING' : app.status,
    });
    if (app.status === 'RUNNING') {
      const jobId = app.jobId as string;
      this.background(app.name, async () => {
        // MSF: an update of a running application restarts it from a snapshot of its state
        let launch: JobLaunch = { allowNonRestoredState };
        try {
          if (app.snapshotsEnabled) {
            launch = { savepointPath: await this.engine.stopWithSavepoint(jobId), allowNonRestoredState };
          } else {
            await this.engine.cancel(jobId);
          }
        } catch (error) {
          this.settle(app.name, 'UPDATING', { status: 'RUNNING', lastFailure: failure(`UpdateApplication could not snapshot the job: ${message(error)}`) });
          throw error;
        }
        try {
          await this.resizeFor(next);
          const newJob = await this.engine.startJob(this.store.get(app.name) ?? next, launch);
          this.settle(app.name, 'UPDATING', {
            status: 'RUNNING',
            jobId: newJob,
            currentParallelism: next.parallelism.parallelism,
            restoredFrom: launch.savepointPath,
          });
        } catch (error) {
          this.settle(app.name, 'UPDATING', {
            status: 'READY',
            jobId: undefined,
            currentParallelism: undefined,
            lastFailure: failure(`UpdateApplication could not restart the job: ${message(error)}`),
          });
          throw error;
        }
      });
    }
    return { ApplicationDetail: applicationDetail(next), OperationId: operationId };
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
    this.background(app.name, async () => {
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
    const jobId = app.jobId as string;
    const snapshot: SnapshotRecord = {
      name,
      status: 'CREATING',
      applicationVersionId: app.versionId,
      createdAt: Date.now(),
      runtimeEnvironment: app.runtimeEnvironment,
    };
    this.save({ ...app, snapshots: [...app.snapshots, snapshot] });
    this.background(app.name, async () => {
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
    this.updateSnapshot(app.name, snapshot.name, { status: 'DELETING' });
    void (async () => {
      if (snapshot.location) await this.engine.disposeSavepoint(snapshot.location).catch(() => undefined);
      const current = this.store.get(app.name);
      if (current) this.store.put({ ...current, snapshots: current.snapshots.filter((s) => s.name !== snapshot.name) });
    })();
    return {};
  }

  // ---- helpers ----------------------------------------------------------------------------------

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
    const latest = [...app.snapshots].reverse().find((s) => s.status === 'READY' && s.location);
    return { savepointPath: latest?.location, allowNonRestoredState };
  }

  private async resizeFor(app: ApplicationRecord): Promise<void> {
    await this.onCluster(() => this.engine.resize(kpus(app.parallelism), app.parallelism.parallelismPerKPU));
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

  private background(name: string, work: () => Promise<void>, overtake = false): void {
    const previous = this.work.get(name) ?? Promise.resolve();
    const run = (overtake ? previous.catch(() => undefined).then(work) : previous.then(work, work))
      .catch((error: unknown) => this.options.onEvent?.(`${name}: ${message(error)}`))
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
    this.background(app.name, async () => {
      const current = this.store.get(app.name);
      if (current?.status !== 'RUNNING' || current.jobId !== lostJobId) return;
      const checkpoint = (await this.engine.latestCheckpoint(lostJobId).catch(() => undefined)) ?? current.restoredFrom;
      await this.resizeFor(current);
      const jobId = await this.engine.startJob(current, { savepointPath: checkpoint, allowNonRestoredState: current.allowNonRestoredState });
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
   * Ends a transition: applies `change` when the application is still in `from`; when a force-stop
   * overtook the transition, records only the job (so the force-stop cancels it) and keeps the status.
   */
  private settle(name: string, from: ApplicationStatus, change: Partial<ApplicationRecord>): void {
    const current = this.store.get(name);
    if (!current) return;
    if (current.status === from) this.save({ ...current, ...change });
    else if (change.jobId) this.save({ ...current, jobId: change.jobId });
  }

  private updateSnapshot(name: string, snapshotName: string, change: Partial<SnapshotRecord>): void {
    const current = this.store.get(name);
    if (!current) return;
    this.store.put({ ...current, snapshots: current.snapshots.map((s) => (s.name === snapshotName ? { ...s, ...change } : s)) });
  }
}

/** One page of a List call's items, and the token of the next page while there is one. */
function paginate<T>(items: readonly T[], page: { readonly start: number; readonly limit: number }): { items: T[]; nextToken?: string } {
  const end = page.start + page.limit;
  return {
    items: items.slice(page.start, end),
    nextToken: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined,
  };
}

function automaticSnapshotName(app: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  return `${app}-stop-${stamp}`.slice(0, 256);
}

function newToken(): string {
  return randomUUID().replace(/-/g, '').slice(0, 20);
}

function newOperationId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 16);
}

function failure(text: string): { at: number; message: string } {
  return { at: Date.now(), message: text };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
