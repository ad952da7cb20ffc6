import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LocalStackError } from '../errors';
import type { FlinkCluster } from '../flink/cluster';
import { REST_GRAPH_CACHE_MS } from '../flink/config';
import { countTasks, FlinkRestError, SAVEPOINT_POLL_MS, terminalJobStates, type FlinkJobState } from '../flink/rest';
import { poll } from '../poll';
import type { FlinkEngine, JobLaunch } from './engine';
import type { ApplicationRecord } from './model';

export interface ClusterEngineOptions {
  readonly cluster: FlinkCluster;
  /** The job jar run for an application whose code is an S3 location (locally that location is only recorded). */
  readonly jarPath: string;
  /** Where each application's property-group file is written. */
  readonly dataDir: string;
  /** How long a job may take to have all its tasks running. @default 300000 */
  readonly startTimeoutMs?: number;
}

/** Flink-side work on the local session cluster, through its REST API. */
export class ClusterEngine implements FlinkEngine {
  private readonly cluster: FlinkCluster;
  /** The jars uploaded to the cluster, by their path. */
  private readonly uploaded = new Map<string, { readonly jarId: string; readonly jarMtimeMs: number }>();

  constructor(private readonly options: ClusterEngineOptions) {
    this.cluster = options.cluster;
  }

  resize(taskManagers: number, slotsPerTaskManager: number, onShrunk?: () => void): Promise<void> {
    return this.cluster.resize(taskManagers, slotsPerTaskManager, onShrunk);
  }

  async startJob(app: ApplicationRecord, launch: JobLaunch, sized: Promise<void> = Promise.resolve()): Promise<string> {
    // a failed resize is handled below, once the job it was for is known
    sized.catch(() => undefined);
    const configFile = this.writeProperties(app);
    const flinkConfiguration: Record<string, string> = {};
    if (app.checkpoint.checkpointingEnabled) {
      flinkConfiguration['execution.checkpointing.interval'] = `${app.checkpoint.checkpointIntervalMs} ms`;
      flinkConfiguration['execution.checkpointing.min-pause'] = `${app.checkpoint.minPauseBetweenCheckpointsMs} ms`;
    }
    const run = async (jarId: string): Promise<string> =>
      this.cluster.rest.runJar(jarId, {
        programArgs: ['--config', configFile],
        parallelism: app.parallelism.parallelism,
        savepointPath: launch.savepointPath,
        allowNonRestoredState: launch.allowNonRestoredState,
        flinkConfiguration,
      });
    const jarPath = launch.jarPath ?? this.options.jarPath;
    let jobId: string;
    try {
      try {
        jobId = await run(await this.jar(jarPath));
      } catch (error) {
        // the JobManager restarted and forgot its uploads: upload again once
        if (!(error instanceof FlinkRestError) || error.status !== 404) throw error;
        this.uploaded.clear();
        jobId = await run(await this.jar(jarPath));
      }
    } catch (error) {
      // Flink refused the job (e.g. a savepoint whose state does not map to the program): say why, not where
      if (error instanceof FlinkRestError && error.status === 400 && error.errors.length > 0) {
        throw new LocalStackError(`Flink refused to run the job: ${failureSummary(error.errors.join('\n'))}`, { cause: error });
      }
      throw error;
    }
    // The JobManager ran the program and waits for slots while the new TaskManagers boot.
    try {
      await sized;
    } catch (error) {
      await this.cancel(jobId).catch(() => undefined);
      throw error;
    }
    await this.awaitTasksRunning(jobId);
    return jobId;
  }

  async savepoint(jobId: string): Promise<string> {
    const trigger = await this.cluster.rest.triggerSavepoint(jobId, this.cluster.savepointsDir);
    const result = await this.cluster.rest.awaitSavepoint(jobId, trigger);
    if (result.status === 'FAILED') throw new LocalStackError(`the savepoint of Flink job ${jobId} failed: ${result.failure}`);
    return result.location;
  }

  /**
   * Stops the job with a savepoint. A savepoint needs every task running: when they are not (no
   * TaskManager, tasks CREATED) this fails at once, and when they stop running while it is taken it
   * fails after 12 s without progress, instead of waiting out the 300 s timeout.
   */
  async stopWithSavepoint(jobId: string): Promise<string> {
    const STALL_MS = 12_000;
    const TIMEOUT_MS = 300_000;
    const blocked = await this.snapshotBlocker(jobId, false);
    if (blocked) throw new LocalStackError(`the job cannot take a snapshot: ${blocked}; stop without one with: playground stop --force`);
    const trigger = await this.cluster.rest.stopWithSavepoint(jobId, this.cluster.savepointsDir);
    let stalledSince: number | undefined;
    const { value: location } = await poll<string>(
      async (elapsedMs) => {
        const result = await this.cluster.rest.savepointStatus(jobId, trigger);
        if (result?.status === 'FAILED') throw new LocalStackError(`stop-with-savepoint of Flink job ${jobId} failed: ${result.failure}`);
        if (result) return { done: true, value: result.location };
        const stuck = await this.snapshotBlocker(jobId, true).catch(() => undefined);
        stalledSince = stuck ? (stalledSince ?? elapsedMs) : undefined;
        const stalledMs = stalledSince === undefined ? 0 : elapsedMs - stalledSince;
        if (stuck && stalledMs >= STALL_MS) {
          throw new LocalStackError(`the snapshot cannot complete: ${stuck} (for ${Math.round(stalledMs / 1000)} s); stop without one with: playground stop --force`);
        }
        return { done: false, state: stuck ?? 'in progress' };
      },
      {
        timeoutMs: TIMEOUT_MS,
        intervalMs: SAVEPOINT_POLL_MS,
        timeout: () =>
          new LocalStackError(`stop-with-savepoint of Flink job ${jobId} did not complete within ${TIMEOUT_MS / 1000} s; stop without a snapshot with: playground stop --force`),
      },
    );
    await this.awaitTerminal(jobId);
    return location;
  }

  /**
   * Why the job cannot take (or finish) a savepoint now, or undefined when it can: the job is not
   * RUNNING, or some of its tasks are not. `stopping`: a stop-with-savepoint is under way, so
   * FINISHED tasks and a FINISHED job are its progress, not a blocker.
   */
  private async snapshotBlocker(jobId: string, stopping: boolean): Promise<string | undefined> {
    const job = await this.cluster.rest.job(jobId);
    if (stopping && terminalJobStates.has(job.state)) return undefined;
    if (job.state !== 'RUNNING') return `the job is ${job.state}`;
    let total = 0;
    const blocking = new Map<string, number>();
    for (const vertex of job.vertices) {
      total += vertex.parallelism;
      for (const [state, n] of Object.entries(vertex.tasks ?? { [vertex.status]: vertex.parallelism })) {
        if (n > 0 && state !== 'RUNNING' && !(stopping && state === 'FINISHED')) blocking.set(state, (blocking.get(state) ?? 0) + n);
      }
    }
    const count = [...blocking.values()].reduce((sum, n) => sum + n, 0);
    if (count === 0) return undefined;
    const taskManagers = await this.cluster.rest.taskManagers().catch(() => undefined);
    return `${count} of ${total} tasks are not running (${[...blocking.keys()].join(', ')})${taskManagers?.length === 0 ? ' and no TaskManager is registered' : ''}`;
  }

  async cancel(jobId: string): Promise<void> {
    const state = await this.jobState(jobId);
    if (state === undefined || terminalJobStates.has(state as FlinkJobState)) return;
    await this.cluster.rest.cancelJob(jobId);
    await this.awaitTerminal(jobId);
  }

  async jobState(jobId: string): Promise<string | undefined> {
    try {
      return (await this.cluster.rest.job(jobId)).state;
    } catch (error) {
      if (error instanceof FlinkRestError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** The latest failure's exception and its root cause (e.g. why a savepoint did not fit the new program). */
  async jobFailure(jobId: string): Promise<string | undefined> {
    const latest = (await this.cluster.rest.exceptionHistory(jobId, 1)).entries[0];
    if (!latest) return undefined;
    return failureSummary(latest.stacktrace || latest.exceptionName);
  }

  async disposeSavepoint(location: string): Promise<void> {
    const dir = location.startsWith('file:') ? fileURLToPath(location) : location;
    const root = path.resolve(this.cluster.savepointsDir);
    if (!path.resolve(dir).startsWith(`${root}${path.sep}`)) {
      throw new LocalStackError(`refusing to delete ${dir}: not under the savepoints folder ${root}`);
    }
    rmSync(dir, { recursive: true, force: true });
  }

  async latestCheckpoint(jobId: string): Promise<string | undefined> {
    const dir = path.join(this.cluster.checkpointsDir, jobId);
    const numbers = readdirSync(dir, { withFileTypes: true })
      .map((entry) => (entry.isDirectory() ? /^chk-(\d+)$/.exec(entry.name) : null))
      .filter((match): match is RegExpExecArray => match !== null && existsSync(path.join(dir, match[0], '_metadata')))
      .map((match) => Number(match[1]))
      .sort((a, b) => b - a);
    return numbers.length > 0 ? pathToFileURL(path.join(dir, `chk-${numbers[0]}`)).href : undefined;
  }

  /** The application's property groups as the MSF JSON the job reads with `--config`. */
  private writeProperties(app: ApplicationRecord): string {
    const dir = path.join(this.options.dataDir, app.name);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'application-properties.json');
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, `${JSON.stringify(app.propertyGroups, null, 2)}\n`);
    renameSync(partial, file);
    return file;
  }

  /** The cluster's id of the jar, uploaded again when the file changed since its last upload. */
  private async jar(jarPath: string): Promise<string> {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(jarPath).mtimeMs;
    } catch (error) {
      throw new LocalStackError(
        jarPath === this.options.jarPath
          ? `the job jar ${jarPath} is missing; build it with: mvn -f job/pom.xml -B -q package -DskipTests`
          : `the application version's jar ${jarPath} is missing`,
        { cause: error },
      );
    }
    const uploaded = this.uploaded.get(jarPath);
    if (uploaded?.jarMtimeMs === mtimeMs) return uploaded.jarId;
    const jarId = await this.cluster.rest.uploadJar(jarPath);
    this.uploaded.set(jarPath, { jarId, jarMtimeMs: mtimeMs });
    if (uploaded) await this.cluster.rest.deleteJar(uploaded.jarId).catch(() => undefined);
    return jarId;
  }

  private async awaitTasksRunning(jobId: string): Promise<void> {
    await poll(
      async () => {
        const job = await this.cluster.rest.job(jobId);
        if (terminalJobStates.has(job.state)) {
          const cause = await this.jobFailure(jobId).catch(() => undefined);
          throw new LocalStackError(`Flink job ${jobId} ended in state ${job.state} while starting${cause ? `: ${cause}` : ''}`);
        }
        // Every subtask, not every vertex: a vertex reads RUNNING while some of its subtasks still deploy,
        // and a snapshot asked for then (the next play) would be refused.
        const tasks = countTasks(job.vertices);
        if (job.state === 'RUNNING' && tasks.total > 0 && tasks.running === tasks.total) return { done: true, value: undefined };
        return { done: false, state: job.state };
      },
      {
        timeoutMs: this.options.startTimeoutMs ?? 300_000,
        intervalMs: REST_GRAPH_CACHE_MS,
        timeout: (state) => new LocalStackError(`Flink job ${jobId} did not get all its tasks running (job ${state}); is a TaskManager missing?`),
      },
    );
  }

  private async awaitTerminal(jobId: string, timeoutMs = 120_000): Promise<void> {
    await poll(
      async () => {
        const state = await this.jobState(jobId);
        return state === undefined || terminalJobStates.has(state as FlinkJobState) ? { done: true, value: undefined } : { done: false, state };
      },
      {
        timeoutMs,
        intervalMs: SAVEPOINT_POLL_MS,
        timeout: (state) => new LocalStackError(`Flink job ${jobId} did not end within ${timeoutMs / 1000} s (${state})`),
      },
    );
  }
}

/** A Java stack trace as one line: its first line and, when it has one, its root cause (the last `Caused by:`). */
function failureSummary(trace: string): string {
  const lines = trace.split('\n').map((line) => line.trim());
  const first = lines[0] ?? trace;
  const root = lines.filter((line) => line.startsWith('Caused by: ')).at(-1)?.slice('Caused by: '.length);
  return root && root !== first ? `${first} | caused by: ${root}` : first;
}
