import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ApplicationRecord } from './control-plane/model';
import { applicationsDir } from './control-plane/store';
import { readStackEvents, type StackEvent, type StackEventKind } from './events';
import {
  FlinkRestError,
  terminalJobStates,
  type CheckpointStats,
  type ExceptionHistory,
  type ExceptionHistoryEntry,
  type FlinkRestClient,
  type JobDetails,
  type JobOverview,
  type TaskManagerInfo,
  countTasks,
  type TaskCounts,
} from './flink/rest';
import type { PlaygroundDirs } from './paths';

/**
 * The health of the application's Flink job, judged from what Flink's REST API says and from the
 * stack's event log (local/events.ts) — so that `status`, `metrics` and the live view of `up` never
 * call a job healthy whose tasks have nowhere to run, or that restarts in a loop.
 */

/** A restart loop: at least this many failures (each followed by a restart) within the last minute. */
const RESTART_LOOP_THRESHOLD = 3;
const RESTART_WINDOW_MS = 60_000;
/** Checkpointing is stalled when none completed for this many checkpoint intervals. */
const CHECKPOINT_STALL_INTERVALS = 3;
/** Supervisor events (a process exited, was restarted) are news for this long. */
const RECENT_EVENT_MS = 60_000;
/** A TaskManager whose last heartbeat is older than this is frozen or dying (heartbeat.interval is 2 s locally). */
const HEARTBEAT_SILENCE_MS = 6_000;

export type HealthProblemKind =
  | 'flink-unreachable'
  | 'no-taskmanager'
  | 'taskmanager-silent'
  | 'no-job'
  | 'job-not-running'
  | 'tasks-not-running'
  | 'restart-loop'
  | 'checkpoints-stalled'
  | 'process-event';

export interface HealthProblem {
  readonly kind: HealthProblemKind;
  /** A few words, for a qualifier such as `RUNNING (degraded: no TaskManager)`. */
  readonly summary: string;
  /** One line: what is wrong and where to look (a log file, a Web UI page or a command). */
  readonly message: string;
}

/** What the judgement is made from: what Flink's REST API and the event log said, read once. */
export interface HealthInput {
  readonly nowMs: number;
  /** The Flink Web UI (the REST API's base URL). */
  readonly webUi: string;
  /** The stack's logs folder. */
  readonly logsDir: string;
  /** True when the application should have a job running (its status is RUNNING). */
  readonly expectJob: boolean;
  /** Set when the Flink REST API did not answer; nothing else of Flink is known then. */
  readonly flinkError?: string;
  readonly taskManagers: readonly Pick<TaskManagerInfo, 'id' | 'timeSinceLastHeartbeat'>[];
  /** The application's job (the one not yet ended), if any. */
  readonly job?: Pick<JobDetails, 'jid' | 'name' | 'state' | 'start-time' | 'vertices' | 'timestamps'>;
  /** The job's checkpoint interval; null when checkpointing is off, undefined when unknown. */
  readonly checkpointIntervalMs?: number | null;
  readonly checkpoints?: { readonly latest: Pick<CheckpointStats['latest'], 'completed' | 'failed'> };
  readonly exceptions?: ExceptionHistory;
  /** Flink's numRestarts of the job. */
  readonly restartsTotal?: number;
  /** The stack's events since it started, oldest first. */
  readonly events: readonly StackEvent[];
}

/** The verdict: `healthy` exactly when `problems` is empty. JSON-ready (`status --json`'s `health`). */
export interface JobHealth {
  readonly healthy: boolean;
  readonly problems: readonly HealthProblem[];
  readonly checkedAt: string;
  readonly taskManagers: number;
  readonly job: { readonly id: string; readonly name: string; readonly state: string; readonly tasks: TaskCounts } | null;
  /** Failures (each followed by a restart) in the last minute, from the exception history. */
  readonly restartsLastMinute: number;
  /** Flink's numRestarts since the job was submitted. */
  readonly restartsTotal: number | null;
  readonly latestException: { readonly at: string; readonly message: string } | null;
  readonly checkpoints: {
    readonly intervalMs: number | null;
    readonly lastCompletedId: number | null;
    readonly lastCompletedAgeMs: number | null;
  } | null;
  /** The last few supervisor events (newest last), for the live view. */
  readonly recentEvents: readonly StackEvent[];
  /** Whether per-second rates describe the present (see `ratesGate`), and why not. */
  readonly rates: { readonly current: boolean; readonly reason?: string };
}

const SUPERVISOR_EVENTS: ReadonlySet<StackEventKind> = new Set(['exited', 'restarted', 'lost']);
const SHOWN_EVENTS: ReadonlySet<StackEventKind> = new Set(['exited', 'restarted', 'lost', 'killed', 'job-restored']);

function describeStates(states: Readonly<Record<string, number>>): string {
  return Object.entries(states)
    .sort((a, b) => b[1] - a[1])
    .map(([state, count]) => `${state} ${count}`)
    .join(', ');
}

function secondsAgo(ms: number): string {
  return `${Math.max(0, Math.round(ms / 1000))} s`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** An exception of the history as one line: its first line, and its root cause when that differs. */
export function exceptionLine(entry: Pick<ExceptionHistoryEntry, 'exceptionName' | 'stacktrace'>): string {
  const lines = (entry.stacktrace || entry.exceptionName).split('\n').map((l) => l.trim());
  const first = lines[0] || entry.exceptionName;
  const root = lines.filter((l) => l.startsWith('Caused by: ')).at(-1)?.slice('Caused by: '.length);
  return root && root !== first ? `${clip(first, 120)} (root cause: ${clip(root, 160)})` : clip(first, 200);
}

/** The job's page of the Web UI (`tab`: overview, exceptions, checkpoints). */
function jobPage(webUi: string, job: { readonly jid: string; readonly state: string }, tab: string): string {
  const section = terminalJobStates.has(job.state as JobDetails['state']) ? 'completed' : 'running';
  return `${webUi}/#/job/${section}/${job.jid}/${tab}`;
}

/**
 * Why per-second rates would not describe the present, or undefined when they do. The rate rule:
 * a rate is shown only while the job is RUNNING with every task RUNNING on registered TaskManagers
 * that answer heartbeats — otherwise Flink's metric store still holds the last values of tasks that
 * no longer run (a dead TaskManager's meters stay in it), and "–" is shown with this reason.
 */
export function ratesGate(input: HealthInput): string | undefined {
  if (input.flinkError) return 'the Flink REST API does not answer';
  if (!input.job) return 'no job runs';
  if (input.taskManagers.length === 0) return 'no TaskManager is registered';
  const silent = input.taskManagers.find((tm) => input.nowMs - tm.timeSinceLastHeartbeat > HEARTBEAT_SILENCE_MS);
  if (silent) return `${silent.id} sends no heartbeats`;
  if (input.job.state !== 'RUNNING') return `the job is ${input.job.state}`;
  const tasks = countTasks(input.job.vertices);
  if (tasks.running < tasks.total) return `${tasks.total - tasks.running} of ${tasks.total} tasks are not running`;
  return undefined;
}

/** Judges the job's health: pure, from what was read once. */
export function judgeHealth(input: HealthInput): JobHealth {
  const { nowMs, webUi, logsDir, job } = input;
  const problems: HealthProblem[] = [];
  const add = (kind: HealthProblemKind, summary: string, message: string): void => {
    problems.push({ kind, summary, message });
  };
  const tasks = job ? countTasks(job.vertices) : undefined;

  if (input.flinkError) {
    add('flink-unreachable', 'Flink REST not answering', `the Flink REST API at ${webUi} does not answer (${clip(input.flinkError, 120)}); see ${logsDir}/jobmanager.log`);
  } else {
    if (input.taskManagers.length === 0 && (job || input.expectJob)) {
      add('no-taskmanager', 'no TaskManager', `no TaskManager is registered with the JobManager, so no task can run; see ${logsDir}/taskmanager-*.log and ${logsDir}/supervisor.log`);
    }
    for (const tm of input.taskManagers) {
      const silentMs = nowMs - tm.timeSinceLastHeartbeat;
      if (silentMs > HEARTBEAT_SILENCE_MS) {
        add('taskmanager-silent', `${tm.id} silent`, `${tm.id} has sent no heartbeat for ${secondsAgo(silentMs)} (frozen or dying; Flink drops it after heartbeat.timeout); see ${logsDir}/${tm.id}.log`);
      }
    }
    if (!job) {
      if (input.expectJob) {
        add('no-job', 'no Flink job', `the application should be running, but the Flink cluster runs no job of it; see ${webUi}/#/job/completed and ${logsDir}/supervisor.log`);
      }
    } else if (job.state !== 'RUNNING') {
      const since = job.timestamps?.[job.state];
      add(
        'job-not-running',
        `job ${job.state}`,
        `the Flink job is ${job.state}${since ? ` (for ${secondsAgo(nowMs - since)})` : ''} and processes nothing; see ${jobPage(webUi, job, 'exceptions')} and ${logsDir}/jobmanager.log`,
      );
    } else if (tasks && tasks.running < tasks.total) {
      const waiting = 'CREATED' in tasks.notRunning || 'SCHEDULED' in tasks.notRunning;
      add(
        'tasks-not-running',
        `${tasks.total - tasks.running} of ${tasks.total} tasks ${Object.keys(tasks.notRunning).join('/')}`,
        `the job is RUNNING but ${tasks.total - tasks.running} of ${tasks.total} tasks are not running (${describeStates(tasks.notRunning)})${waiting ? ', waiting for task slots' : ''}; see ${jobPage(webUi, job, 'overview')} and ${webUi}/#/task-manager`,
      );
    }
  }

  const entries = input.exceptions?.entries ?? [];
  const inWindow = entries.filter((e) => e.timestamp >= nowMs - RESTART_WINDOW_MS);
  const restartsLastMinute = inWindow.length;
  const capped = input.exceptions?.truncated === true && inWindow.length === entries.length;
  const latest = entries[0];
  if (job && restartsLastMinute >= RESTART_LOOP_THRESHOLD) {
    add(
      'restart-loop',
      `${restartsLastMinute}${capped ? '+' : ''} restarts in 1 min`,
      `restart loop: the job failed ${restartsLastMinute}${capped ? '+' : ''} times in the last minute${input.restartsTotal !== undefined ? ` (${Math.max(input.restartsTotal, restartsLastMinute)} restarts in all)` : ''}; latest: ${latest ? exceptionLine(latest) : '?'}; see ${jobPage(webUi, job, 'exceptions')}`,
    );
  }

  const interval = input.checkpointIntervalMs;
  const completed = input.checkpoints?.latest.completed ?? null;
  if (job && interval && !terminalJobStates.has(job.state)) {
    // counted from the last completed checkpoint, or from the moment the job last became RUNNING
    // (a job that just started or recovered has had no chance to take one yet)
    const since = Math.max(completed?.latest_ack_timestamp ?? 0, job.timestamps?.RUNNING || job['start-time']);
    const ageMs = nowMs - since;
    if (ageMs > CHECKPOINT_STALL_INTERVALS * interval) {
      const failed = input.checkpoints?.latest.failed;
      const failure = failed && failed.trigger_timestamp >= since && failed.failure_message ? `; latest failure: ${clip(failed.failure_message.split('\n')[0] ?? '', 160)}` : '';
      add(
        'checkpoints-stalled',
        `no checkpoint for ${secondsAgo(ageMs)}`,
        `no checkpoint completed for ${secondsAgo(ageMs)} (more than ${CHECKPOINT_STALL_INTERVALS} × the ${interval / 1000} s interval; ${completed ? `last #${completed.id} ${secondsAgo(nowMs - completed.latest_ack_timestamp)} ago` : 'none yet'}${failure}); see ${jobPage(webUi, job, 'checkpoints')}`,
      );
    }
  }

  // Supervisor events: a process lost for good, and one that exited in the last minute and is not
  // running again yet. A process restarted since is running (the job's own checks above say whether
  // it processes); a TaskManager's replacement has a name of its own, so Flink's TaskManager count
  // and the tasks' states, not its exit, tell whether one is missing.
  const latestByProcess = new Map<string, StackEvent>();
  for (const event of input.events) {
    if (SUPERVISOR_EVENTS.has(event.kind)) latestByProcess.set(event.process ?? '?', event);
  }
  for (const [name, event] of latestByProcess) {
    const ageMs = nowMs - Date.parse(event.at);
    const pending = event.kind === 'exited' && ageMs <= RECENT_EVENT_MS && !name.startsWith('taskmanager-');
    if (event.kind !== 'lost' && !pending) continue;
    add('process-event', `${name} ${event.kind === 'lost' ? 'lost' : 'exited'} ${secondsAgo(ageMs)} ago`, `${secondsAgo(ageMs)} ago: ${event.message}; see ${logsDir}/${name}.log`);
  }

  const gate = ratesGate(input);
  return {
    healthy: problems.length === 0,
    problems,
    checkedAt: new Date(nowMs).toISOString(),
    taskManagers: input.taskManagers.length,
    job: job && tasks ? { id: job.jid, name: job.name, state: job.state, tasks } : null,
    restartsLastMinute,
    restartsTotal: input.restartsTotal ?? null,
    latestException: latest ? { at: new Date(latest.timestamp).toISOString(), message: exceptionLine(latest) } : null,
    checkpoints: job
      ? { intervalMs: interval ?? null, lastCompletedId: completed?.id ?? null, lastCompletedAgeMs: completed ? nowMs - completed.latest_ack_timestamp : null }
      : null,
    recentEvents: input.events.filter((e) => SHOWN_EVENTS.has(e.kind)).slice(-3),
    rates: gate ? { current: false, reason: gate } : { current: true },
  };
}

/** A few words for the application line: `degraded: no TaskManager, 2 of 2 tasks CREATED`. */
export function degradedQualifier(health: JobHealth, max = 2): string {
  const summaries = health.problems.map((p) => p.summary);
  return `degraded: ${summaries.slice(0, max).join(', ')}${summaries.length > max ? `, +${summaries.length - max} more` : ''}`;
}

export interface GatherHealthOptions {
  /** The stack's folders: its event log and logs. */
  readonly dirs: PlaygroundDirs;
  /** The Web UI named in messages. @default the REST client's base URL */
  readonly webUi?: string;
  /** The application should have a job running (it is RUNNING). @default false */
  readonly expectJob?: boolean;
  /** The application's job, when known; otherwise the job that has not ended. */
  readonly jobId?: string;
  /** Events before this instant are not the running stack's. @default an hour ago */
  readonly sinceMs?: number;
  readonly now?: () => number;
}

/** The job to judge: the given one, else the one not yet ended, else (when a job is expected) the newest. */
function pickJob(jobs: readonly JobOverview[], jobId: string | undefined, expectJob: boolean): JobOverview | undefined {
  const given = jobId ? jobs.find((j) => j.jid === jobId) : undefined;
  if (given) return given;
  const live = jobs.filter((j) => !terminalJobStates.has(j.state)).sort((a, b) => b['start-time'] - a['start-time']);
  if (live[0]) return live[0];
  return expectJob ? [...jobs].sort((a, b) => b['start-time'] - a['start-time'])[0] : undefined;
}

/** Reads what the judgement needs from Flink's REST API and the event log (parts that fail are left out). */
export async function gatherHealthInput(rest: FlinkRestClient, options: GatherHealthOptions): Promise<HealthInput & { readonly jobDetails?: JobDetails }> {
  const now = options.now ?? Date.now;
  const base = {
    webUi: options.webUi ?? rest.baseUrl,
    logsDir: options.dirs.logs,
    expectJob: options.expectJob ?? false,
    events: readStackEvents(options.dirs, options.sinceMs ?? now() - 3_600_000),
  };
  let taskManagers: TaskManagerInfo[];
  let jobs: JobOverview[];
  try {
    [taskManagers, jobs] = await Promise.all([rest.taskManagers(), rest.jobs()]);
  } catch (error) {
    const message = error instanceof FlinkRestError ? error.message : String(error);
    return { ...base, nowMs: now(), flinkError: message, taskManagers: [] };
  }
  const picked = pickJob(jobs, options.jobId, base.expectJob);
  if (!picked) return { ...base, nowMs: now(), taskManagers };
  const jid = picked.jid;
  const [details, checkpointIntervalMs, checkpoints, exceptions, metrics] = await Promise.all([
    rest.job(jid).catch(() => undefined),
    rest.checkpointIntervalMs(jid).catch(() => undefined),
    rest.checkpoints(jid).catch(() => undefined),
    rest.exceptionHistory(jid).catch(() => undefined),
    rest.jobMetrics(jid, ['numRestarts']).catch(() => []),
  ]);
  const restarts = Number(metrics.find((m) => m.id === 'numRestarts')?.value);
  const job = details ?? { jid, name: picked.name, state: picked.state, 'start-time': picked['start-time'], vertices: [] };
  return {
    ...base,
    nowMs: now(),
    taskManagers,
    job,
    ...(details ? { jobDetails: details } : {}),
    ...(checkpointIntervalMs !== undefined ? { checkpointIntervalMs } : {}),
    ...(checkpoints ? { checkpoints } : {}),
    ...(exceptions ? { exceptions } : {}),
    ...(Number.isFinite(restarts) ? { restartsTotal: restarts } : {}),
  };
}

/** The local control plane's record of an application (its status, job and last failure), read from its state file. */
export function readLocalApplication(dirs: PlaygroundDirs, name: string): ApplicationRecord | undefined {
  const file = path.join(applicationsDir(dirs), `${name}.json`);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ApplicationRecord;
  } catch {
    return undefined;
  }
}

/** Application states in which MSF runs the job: a job is expected then. */
export const JOB_EXPECTED: ReadonlySet<string> = new Set(['RUNNING', 'AUTOSCALING']);

/** Reads and judges the job's health once. */
export async function readHealth(rest: FlinkRestClient, options: GatherHealthOptions): Promise<JobHealth> {
  return judgeHealth(await gatherHealthInput(rest, options));
}

// ---------------------------------------------------------------------------------------------
// Rates. Flink's REST metric store keeps a dead TaskManager's last metric values, its
// numRecords…PerSecond meters are 60 s averages, and the JobManager refreshes the store at most
// every metrics.fetcher.update-interval (10 s by default), not at each read. The rule:
//   1. a rate is shown only while `ratesGate` passes (job and every task RUNNING, TaskManagers
//      registered and answering); otherwise "–" and the gate's reason;
//   2. the live view (which samples every 2 s) measures rates itself, from counter deltas: the
//      source vertex's numRecordsOut and the sink writer's numRecordsIn, summed over subtasks,
//      over its last ≤ 30 s of samples of the same job. A sample is dated when its counters first
//      changed (that is when the metric store refreshed), so a 10 s refresh is not read as a burst;
//   3. one-shot commands (`status`, `metrics`) show Flink's meters, which the gate guarantees come
//      from tasks that run now.
// ---------------------------------------------------------------------------------------------

/** Throughput counters of a job at one instant. */
export interface ThroughputSample {
  readonly atMs: number;
  readonly jobId: string;
  /** Records out of the source vertex (into the job). */
  readonly recordsIn: number;
  /** Records into the sink writer (out of the job). */
  readonly recordsOut: number;
}

/** Per-second rates, or why there are none. */
export interface Rates {
  readonly in?: number;
  readonly out?: number;
  /** Set when there are no rates: why. */
  readonly reason?: string;
  /** The span the rates are measured over (counter deltas). */
  readonly spanMs?: number;
}

interface RatePoint {
  readonly atMs: number;
  readonly in: number;
  readonly out: number;
}

/** Rates from counter deltas over a sliding window of samples (rule 2 above). */
export class RateWindow {
  /** Samples dated when their counters first appeared, oldest first. */
  private points: RatePoint[] = [];
  /** The counters last seen (the first sample after a reset may be up to one refresh old: it only marks the start). */
  private last?: RatePoint;
  private jobId?: string;

  constructor(
    private readonly windowMs = 30_000,
    private readonly minSpanMs = 5_000,
    /** Counters unchanged for longer than one metric-store refresh mean that nothing flowed. */
    private readonly holdMs = 12_000,
  ) {}

  /** Adds a sample; `closed` is the gate's reason when rates would not describe the present. */
  update(sample: ThroughputSample | undefined, closed?: string): Rates {
    if (closed || !sample) {
      this.reset();
      return { reason: closed ?? 'the throughput counters cannot be read' };
    }
    const point: RatePoint = { atMs: sample.atMs, in: sample.recordsIn, out: sample.recordsOut };
    const last = this.last;
    if (!last || sample.jobId !== this.jobId || point.in < last.in || point.out < last.out) {
      // a new job, or restarted tasks (their counters start at 0 again)
      this.reset();
      this.jobId = sample.jobId;
      this.last = point;
      return { reason: 'measuring' };
    }
    const newest = this.points.at(-1);
    if (point.in !== last.in || point.out !== last.out) {
      this.points.push(point);
      this.last = point;
    } else if (point.atMs - (newest ?? last).atMs >= this.holdMs) {
      this.points.push(point);
    }
    while (this.points.length > 2 && (this.points[0] as RatePoint).atMs < point.atMs - this.windowMs) this.points.shift();
    const first = this.points[0];
    const end = this.points.at(-1);
    if (!first || !end || end.atMs - first.atMs < this.minSpanMs) return { reason: 'measuring' };
    const spanMs = end.atMs - first.atMs;
    return { in: ((end.in - first.in) * 1000) / spanMs, out: ((end.out - first.out) * 1000) / spanMs, spanMs };
  }

  private reset(): void {
    this.points = [];
    this.last = undefined;
    this.jobId = undefined;
  }
}

/** Operator metric ids found per vertex (operator metrics use `_` for spaces and colons). */
const operatorMetricIds = new Map<string, string>();

/**
 * The id (without its subtask prefix) of the vertex's operator metric matching `pattern`, e.g.
 * `Source__ClickEvent_Source.numRecordsOut` or `ClickEventStatistics_Sink__Writer.numRecordsIn`,
 * cached per vertex; undefined until the operator's tasks run.
 */
export async function operatorMetricId(rest: FlinkRestClient, jobId: string, vertexId: string, pattern: RegExp): Promise<string | undefined> {
  const key = `${jobId}/${vertexId}/${pattern.source}`;
  if (!operatorMetricIds.has(key)) {
    const ids = (await rest.vertexMetrics(jobId, vertexId)).map((m) => m.id.replace(/^\d+\./, ''));
    const found = ids.find((id) => pattern.test(id));
    // operator metrics appear once the tasks run: remember only a found id
    if (!found) return undefined;
    operatorMetricIds.set(key, found);
  }
  return operatorMetricIds.get(key);
}

/**
 * The source operator's own metric `name` (`numRecordsOut`, `numRecordsOutPerSecond`): the records it
 * read. The source vertex's task-level metric counts what its chain sends on, which since the
 * pre-aggregator is a few partial counts per watermark, not the clicks.
 */
export const SOURCE_OPERATOR_METRIC = (name: string): RegExp => new RegExp(`^Source__[^.]+\\.${name}$`);

/** The job's throughput counters now (the source operator's numRecordsOut, the sink writer's numRecordsIn), or undefined. */
export async function readThroughputCounters(rest: FlinkRestClient, job: Pick<JobDetails, 'jid' | 'vertices'>, now: () => number = Date.now): Promise<ThroughputSample | undefined> {
  const source = job.vertices[0];
  const sink = job.vertices.at(-1);
  if (!source || !sink) return undefined;
  const [writerIn, sourceOut] = await Promise.all([
    operatorMetricId(rest, job.jid, sink.id, /Sink__Writer\.numRecordsIn$/).catch(() => undefined).then((id) => id ?? 'numRecordsOut'),
    operatorMetricId(rest, job.jid, source.id, SOURCE_OPERATOR_METRIC('numRecordsOut')).catch(() => undefined).then((id) => id ?? 'numRecordsOut'),
  ]);
  const [src, out] = await Promise.all([
    rest.vertexMetricSums(job.jid, source.id, [sourceOut]).catch(() => ({}) as Record<string, number>),
    rest.vertexMetricSums(job.jid, sink.id, [writerIn]).catch(() => ({}) as Record<string, number>),
  ]);
  const recordsIn = src[sourceOut];
  const recordsOut = out[writerIn];
  if (recordsIn === undefined || recordsOut === undefined) return undefined;
  return { atMs: now(), jobId: job.jid, recordsIn, recordsOut };
}
