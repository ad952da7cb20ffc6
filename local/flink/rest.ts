import { openAsBlob } from 'node:fs';
import path from 'node:path';
import { LocalStackError } from '../errors';
import { poll } from '../poll';

/** A Flink REST call failed; `status` is the HTTP status (0 when the server could not be reached). */
export class FlinkRestError extends LocalStackError {
  constructor(
    message: string,
    readonly status: number,
    readonly errors: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'FlinkRestError';
  }
}

/** Flink's job states (`JobStatus`). */
export type FlinkJobState =
  | 'INITIALIZING'
  | 'CREATED'
  | 'RUNNING'
  | 'FAILING'
  | 'FAILED'
  | 'CANCELLING'
  | 'CANCELED'
  | 'FINISHED'
  | 'RESTARTING'
  | 'SUSPENDED'
  | 'RECONCILING';

/**
 * How often a wait polls a savepoint's status and a job's end: a savepoint of this job's small state
 * takes tenths of a second, and the status (an operation's result, not the cached execution graph)
 * is a local call.
 */
export const SAVEPOINT_POLL_MS = 100;

export const terminalJobStates: ReadonlySet<FlinkJobState> = new Set(['FAILED', 'CANCELED', 'FINISHED', 'SUSPENDED']);

export interface JobOverview {
  readonly jid: string;
  readonly name: string;
  readonly state: FlinkJobState;
  readonly 'start-time': number;
  readonly 'end-time': number;
  readonly duration: number;
}

export interface JobVertex {
  readonly id: string;
  readonly name: string;
  readonly parallelism: number;
  readonly status: string;
  /** How many of the vertex's tasks (subtasks) are in each execution state (`CREATED`, `RUNNING`, …). */
  readonly tasks?: Readonly<Record<string, number>>;
}

export interface JobDetails {
  readonly jid: string;
  readonly name: string;
  readonly state: FlinkJobState;
  readonly 'start-time': number;
  readonly 'end-time': number;
  readonly vertices: readonly JobVertex[];
  /** The JobManager's clock when it answered (epoch ms). */
  readonly now?: number;
  /** When the job last entered each state (epoch ms; 0 for never), e.g. `timestamps.RUNNING`. */
  readonly timestamps?: Readonly<Partial<Record<FlinkJobState, number>>>;
}

export interface ClusterOverview {
  readonly taskmanagers: number;
  readonly 'slots-total': number;
  readonly 'slots-available': number;
  readonly 'jobs-running': number;
  readonly 'flink-version': string;
}

export interface TaskManagerInfo {
  readonly id: string;
  readonly path: string;
  readonly dataPort: number;
  /** Despite its name, the instant (epoch ms) of the TaskManager's last heartbeat. */
  readonly timeSinceLastHeartbeat: number;
  readonly slotsNumber: number;
  readonly freeSlots: number;
}

export interface CheckpointSummary {
  readonly id: number;
  readonly status: string;
  readonly is_savepoint: boolean;
  readonly trigger_timestamp: number;
  readonly latest_ack_timestamp: number;
  readonly end_to_end_duration: number;
  readonly state_size?: number;
  readonly checkpointed_size?: number;
  readonly external_path?: string;
}

export interface CheckpointStats {
  readonly counts: {
    readonly restored: number;
    readonly total: number;
    readonly in_progress: number;
    readonly completed: number;
    readonly failed: number;
  };
  readonly latest: {
    readonly completed: CheckpointSummary | null;
    readonly savepoint: CheckpointSummary | null;
    readonly failed: (CheckpointSummary & { failure_message?: string }) | null;
    readonly restored: { readonly id: number; readonly restore_timestamp: number; readonly external_path?: string; readonly is_savepoint: boolean } | null;
  };
  readonly history: readonly CheckpointSummary[];
}

export interface Metric {
  readonly id: string;
  readonly value?: string;
}

export interface RunJarOptions {
  readonly programArgs?: readonly string[];
  readonly parallelism?: number;
  readonly entryClass?: string;
  readonly savepointPath?: string;
  readonly allowNonRestoredState?: boolean;
  /** Per-job configuration, e.g. `{'execution.checkpointing.interval': '60 s'}`. */
  readonly flinkConfiguration?: Readonly<Record<string, string>>;
}

/** One failure in a job's exception history (`/jobs/:id/exceptions`, Flink 2.x). */
export interface ExceptionHistoryEntry {
  readonly exceptionName: string;
  readonly stacktrace: string;
  /** When the failure happened (epoch ms). */
  readonly timestamp: number;
  readonly taskName?: string | null;
  readonly endpoint?: string | null;
  readonly taskManagerId?: string | null;
  readonly failureLabels?: Readonly<Record<string, string>>;
  readonly concurrentExceptions?: readonly Omit<ExceptionHistoryEntry, 'concurrentExceptions'>[];
}

/** A job's exception history, newest first; `truncated` when Flink kept more than it returned. */
export interface ExceptionHistory {
  readonly entries: readonly ExceptionHistoryEntry[];
  readonly truncated: boolean;
}

/** The outcome of an asynchronous savepoint or stop-with-savepoint operation. */
export type SavepointResult =
  | { readonly status: 'COMPLETED'; readonly location: string }
  | { readonly status: 'FAILED'; readonly failure: string };

/** The tasks (subtasks) of a job by execution state. */
export interface TaskCounts {
  readonly total: number;
  readonly running: number;
  /** Tasks in a state other than RUNNING, by state (`{ CREATED: 2 }`). */
  readonly notRunning: Readonly<Record<string, number>>;
}

/** Counts a job's tasks by state from its vertices (`/jobs/:id`). */
export function countTasks(vertices: readonly JobVertex[]): TaskCounts {
  let total = 0;
  let running = 0;
  const notRunning: Record<string, number> = {};
  for (const vertex of vertices) {
    total += vertex.parallelism;
    const states = vertex.tasks ?? { [vertex.status]: vertex.parallelism };
    for (const [state, count] of Object.entries(states)) {
      if (!count) continue;
      if (state === 'RUNNING') running += count;
      else notRunning[state] = (notRunning[state] ?? 0) + count;
    }
  }
  return { total, running, notRunning };
}

/** A typed client of the parts of Flink's REST API (v1) that the playground uses. */
export class FlinkRestClient {
  readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly timeoutMs = 30_000,
  ) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
  }

  overview(): Promise<ClusterOverview> {
    return this.request('GET', '/overview');
  }

  async taskManagers(): Promise<TaskManagerInfo[]> {
    const body = await this.request<{ taskmanagers: TaskManagerInfo[] }>('GET', '/taskmanagers');
    return body.taskmanagers;
  }

  /** Uploads a jar; returns its id on this cluster (the stored file name). */
  async uploadJar(jarPath: string): Promise<string> {
    const form = new FormData();
    form.append('jarfile', await openAsBlob(jarPath, { type: 'application/x-java-archive' }), path.basename(jarPath));
    const body = await this.request<{ filename: string; status: string }>('POST', '/jars/upload', form, 300_000);
    return path.basename(body.filename);
  }

  async listJars(): Promise<{ id: string; name: string; uploaded: number }[]> {
    const body = await this.request<{ files: { id: string; name: string; uploaded: number }[] }>('GET', '/jars');
    return body.files;
  }

  async deleteJar(jarId: string): Promise<void> {
    await this.request('DELETE', `/jars/${encodeURIComponent(jarId)}`);
  }

  /** Runs an uploaded jar's main(); resolves with the job id once the job is submitted. */
  async runJar(jarId: string, options: RunJarOptions = {}): Promise<string> {
    const body = await this.request<{ jobid: string }>(
      'POST',
      `/jars/${encodeURIComponent(jarId)}/run`,
      {
        programArgsList: options.programArgs ?? [],
        parallelism: options.parallelism,
        entryClass: options.entryClass,
        savepointPath: options.savepointPath,
        allowNonRestoredState: options.allowNonRestoredState,
        flinkConfiguration: options.flinkConfiguration,
      },
      300_000,
    );
    return body.jobid;
  }

  async jobs(): Promise<JobOverview[]> {
    const body = await this.request<{ jobs: JobOverview[] }>('GET', '/jobs/overview');
    return body.jobs;
  }

  job(jobId: string): Promise<JobDetails> {
    return this.request('GET', `/jobs/${jobId}`);
  }

  /**
   * The job's exception history, newest first: one entry per failure (each failure of a job with a
   * restart strategy is followed by a restart). Flink keeps `web.exception-history-size` (16) entries.
   * Flink 2.x answers only `exceptionHistory` (1.x also had `root-exception`).
   */
  async exceptionHistory(jobId: string, maxExceptions = 32): Promise<ExceptionHistory> {
    const body = await this.request<{ exceptionHistory?: { entries?: ExceptionHistoryEntry[]; truncated?: boolean } }>(
      'GET',
      `/jobs/${jobId}/exceptions?maxExceptions=${maxExceptions}`,
    );
    const entries = [...(body.exceptionHistory?.entries ?? [])].sort((a, b) => b.timestamp - a.timestamp);
    return { entries, truncated: body.exceptionHistory?.truncated ?? false };
  }

  async cancelJob(jobId: string): Promise<void> {
    await this.request('PATCH', `/jobs/${jobId}?mode=cancel`);
  }

  /** Starts a savepoint; returns the trigger id to poll with `savepointStatus`. */
  async triggerSavepoint(jobId: string, targetDirectory?: string): Promise<string> {
    const body = await this.request<{ 'request-id': string }>('POST', `/jobs/${jobId}/savepoints`, {
      'target-directory': targetDirectory,
      'cancel-job': false,
    });
    return body['request-id'];
  }

  /** Starts stop-with-savepoint; returns the trigger id to poll with `savepointStatus`. */
  async stopWithSavepoint(jobId: string, targetDirectory?: string, drain = false): Promise<string> {
    const body = await this.request<{ 'request-id': string }>('POST', `/jobs/${jobId}/stop`, {
      targetDirectory,
      drain,
    });
    return body['request-id'];
  }

  /** The state of a savepoint or stop-with-savepoint operation; undefined while in progress. */
  async savepointStatus(jobId: string, triggerId: string): Promise<SavepointResult | undefined> {
    const body = await this.request<{
      status: { id: 'IN_PROGRESS' | 'COMPLETED' };
      operation?: { location?: string; 'failure-cause'?: { 'stack-trace'?: string; class?: string } };
    }>('GET', `/jobs/${jobId}/savepoints/${triggerId}`);
    if (body.status.id !== 'COMPLETED') return undefined;
    const location = body.operation?.location;
    if (location) return { status: 'COMPLETED', location };
    const cause = body.operation?.['failure-cause'];
    const trace = cause?.['stack-trace'] ?? cause?.class ?? 'unknown failure';
    return { status: 'FAILED', failure: firstLines(trace, 4) };
  }

  /** Polls a savepoint operation until it completes or fails; one that takes longer than `timeoutMs` counts as FAILED. */
  async awaitSavepoint(jobId: string, triggerId: string, timeoutMs = 300_000): Promise<SavepointResult> {
    const timedOut = new LocalStackError(`savepoint did not complete within ${timeoutMs / 1000} s`);
    try {
      const { value } = await poll<SavepointResult>(
        async () => {
          const result = await this.savepointStatus(jobId, triggerId);
          return result ? { done: true, value: result } : { done: false, state: 'IN_PROGRESS' };
        },
        // a savepoint's status is not cached (REST_GRAPH_CACHE_MS is the job's): a local look is cheap
        { timeoutMs, intervalMs: SAVEPOINT_POLL_MS, timeout: () => timedOut },
      );
      return value;
    } catch (error) {
      if (error === timedOut) return { status: 'FAILED', failure: timedOut.message };
      throw error;
    }
  }

  checkpoints(jobId: string): Promise<CheckpointStats> {
    return this.request('GET', `/jobs/${jobId}/checkpoints`);
  }

  /** The job's checkpointing configuration (interval, mode, …) as Flink applies it. */
  checkpointConfig(jobId: string): Promise<{ readonly mode: string; readonly interval: number; readonly min_pause: number }> {
    return this.request('GET', `/jobs/${jobId}/checkpoints/config`);
  }

  /**
   * The job's checkpoint interval in ms, or null when periodic checkpointing is off (Flink reports
   * Long.MAX_VALUE for a streaming job without checkpointing, and 404 when there is no configuration).
   */
  async checkpointIntervalMs(jobId: string): Promise<number | null> {
    try {
      const { interval } = await this.checkpointConfig(jobId);
      return interval > 0 && interval < CHECKPOINTING_DISABLED_FROM_MS ? interval : null;
    } catch (error) {
      if (error instanceof FlinkRestError && error.status === 404) return null;
      throw error;
    }
  }

  /** Job metrics (`/jobs/:id/metrics?get=…`); without names, the available metric ids. */
  jobMetrics(jobId: string, names: readonly string[] = []): Promise<Metric[]> {
    return this.request('GET', `/jobs/${jobId}/metrics${metricQuery(names)}`);
  }

  /** Metrics of one job vertex (operator chain), aggregated per subtask id. */
  vertexMetrics(jobId: string, vertexId: string, names: readonly string[] = []): Promise<Metric[]> {
    return this.request('GET', `/jobs/${jobId}/vertices/${vertexId}/metrics${metricQuery(names)}`);
  }

  /** Metrics of a vertex summed over its subtasks (e.g. numRecordsInPerSecond of the whole operator). */
  vertexMetricSums(jobId: string, vertexId: string, names: readonly string[]): Promise<Record<string, number>> {
    return this.vertexMetricAggregates(jobId, vertexId, names, 'sum');
  }

  /** Metrics of a vertex, the largest over its subtasks (e.g. its most back-pressured subtask). */
  vertexMetricMaxima(jobId: string, vertexId: string, names: readonly string[]): Promise<Record<string, number>> {
    return this.vertexMetricAggregates(jobId, vertexId, names, 'max');
  }

  private async vertexMetricAggregates(jobId: string, vertexId: string, names: readonly string[], agg: 'sum' | 'max'): Promise<Record<string, number>> {
    const query = `?get=${names.map(encodeURIComponent).join(',')}&agg=${agg}`;
    const metrics = await this.request<({ id: string } & Partial<Record<typeof agg, number>>)[]>('GET', `/jobs/${jobId}/vertices/${vertexId}/subtasks/metrics${query}`);
    return Object.fromEntries(metrics.filter((m) => typeof m[agg] === 'number').map((m) => [m.id, m[agg] as number]));
  }

  taskManagerMetrics(taskManagerId: string, names: readonly string[] = []): Promise<Metric[]> {
    return this.request('GET', `/taskmanagers/${encodeURIComponent(taskManagerId)}/metrics${metricQuery(names)}`);
  }

  jobManagerMetrics(names: readonly string[] = []): Promise<Metric[]> {
    return this.request('GET', `/jobmanager/metrics${metricQuery(names)}`);
  }

  private async request<T>(method: string, route: string, body?: unknown, timeoutMs = this.timeoutMs): Promise<T> {
    const url = `${this.baseUrl}/v1${route}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        signal: AbortSignal.timeout(timeoutMs),
        ...(body instanceof FormData
          ? { body }
          : body !== undefined
            ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
            : {}),
      });
    } catch (error) {
      throw new FlinkRestError(`Flink REST ${method} ${route} failed: ${(error as Error).message}`, 0, [], { cause: error });
    }
    const text = await response.text();
    if (!response.ok) {
      let errors: string[] = [];
      try {
        errors = (JSON.parse(text) as { errors?: string[] }).errors ?? [];
      } catch {
        errors = [text];
      }
      throw new FlinkRestError(
        `Flink REST ${method} ${route} answered ${response.status}: ${firstLines(errors.join('\n'), 6)}`,
        response.status,
        errors,
      );
    }
    return (text.length > 0 ? JSON.parse(text) : {}) as T;
  }
}

/** Intervals from this one on (a year) mean "no periodic checkpoints" (Flink uses Long.MAX_VALUE). */
const CHECKPOINTING_DISABLED_FROM_MS = 365 * 24 * 3_600_000;

function metricQuery(names: readonly string[]): string {
  return names.length > 0 ? `?get=${names.map(encodeURIComponent).join(',')}` : '';
}

function firstLines(text: string, count: number): string {
  return text.split('\n').slice(0, count).join('\n');
}
