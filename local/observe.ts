import { readFileSync } from 'node:fs';
import { createDocumentClient } from '../lambdas/shared/clients';
import { queryAuditWindows, type AuditedWindow, type AuditSummary } from '../lambdas/shared/audit-query';
import { FlinkRestClient } from './flink/rest';
import { readFlinkClusterRecord } from './flink/cluster';
import {
  degradedQualifier,
  gatherHealthInput,
  JOB_EXPECTED,
  judgeHealth,
  RateWindow,
  readLocalApplication,
  readThroughputCounters,
  type JobHealth,
} from './health';
import type { PlaygroundDirs } from './paths';
import { LOCAL_CREDENTIALS } from './names';
import type { StackRecord } from './stack-state';

/** What the live view of `playground up` shows, read from Flink's REST API and the audit tables. */
export interface StackView {
  readonly job: { readonly state: string; readonly id?: string; readonly restarts?: number; readonly uptimeMs?: number };
  readonly taskManagers: number;
  readonly slots: { readonly total: number; readonly available: number };
  /**
   * Input and output rates over the view's last samples (counter deltas, see local/health.ts);
   * none, with `reason`, while they would not describe the present.
   */
  readonly ratesPerSecond: { readonly in?: number; readonly out?: number; readonly spanMs?: number; readonly reason?: string };
  readonly health: JobHealth;
  readonly lastCheckpoint?: { readonly id: number; readonly ageMs: number; readonly durationMs: number; readonly sizeBytes?: number };
  readonly audit?: AuditSummary;
  /** Resident memory of every process of the stack, in bytes. */
  readonly memoryBytes: number;
  readonly webUi: string;
}

/** How far back the live views audit: a long-running stack's view stays one bounded read a refresh. */
const VIEW_AUDIT_RANGE_MS = 60 * 60_000;

/** Where the live views' audit range starts: where `playground audit` starts, at most an hour back. */
export function viewAuditFrom(record: Pick<StackRecord, 'startedAt'>, nowMs = Date.now()): number {
  return Math.max(Date.parse(record.startedAt) - 60_000, nowMs - VIEW_AUDIT_RANGE_MS);
}

/** The audit of the windows starting in [fromMs, toMs); by default every window since the stack started. */
export async function auditStack(record: StackRecord, range: { fromMs?: number; toMs?: number } = {}): Promise<AuditSummary> {
  return (await auditStackWindows(record, range)).summary;
}

/** As auditStack, with every window of the range and what arrived for each page (the web view's grid). */
export async function auditStackWindows(
  record: StackRecord,
  range: { fromMs?: number; toMs?: number; nowMs?: number } = {},
): Promise<{ readonly summary: AuditSummary; readonly windows: readonly AuditedWindow[] }> {
  const doc = createDocumentClient({ endpoint: record.endpoints.dynamodb, region: record.region, credentials: LOCAL_CREDENTIALS });
  try {
    return await queryAuditWindows(doc, {
      ledgerTableName: record.tables.ledger,
      auditTableName: record.tables.audit,
      fromMs: range.fromMs ?? Date.parse(record.startedAt) - 60_000,
      toMs: range.toMs ?? Date.now() + 60_000,
      ...(range.nowMs !== undefined ? { nowMs: range.nowMs } : {}),
    });
  } finally {
    doc.destroy();
  }
}

/** Resident set size of a process in bytes (0 when it is gone). */
function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Every pid of the stack: the supervisor, its processes and the Flink cluster's. */
function stackPids(dirs: PlaygroundDirs, record: StackRecord): number[] {
  const flink = readFlinkClusterRecord(dirs);
  return [
    record.pid,
    ...record.processes.map((p) => p.pid),
    ...(flink ? [flink.jobManager.pid, ...flink.taskManagers.map((tm) => tm.pid)] : []),
  ];
}

/** The rate windows of the live views in this process, one per stack (by its Flink REST URL). */
const rateWindows = new Map<string, RateWindow>();

/**
 * Reads the state of the whole stack once. Parts that do not answer are left out, not fatal. Rates
 * come from the counters' change since the previous calls for the same stack (`rates`, by default
 * one window per stack kept in this module), so a view that refreshes keeps its samples. With
 * `audit: false` the audit tables are not read (the web view reads them on its own).
 */
export async function observeStack(dirs: PlaygroundDirs, record: StackRecord, rates?: RateWindow, options: { readonly audit?: boolean } = {}): Promise<StackView> {
  const rest = new FlinkRestClient(record.endpoints.flinkRestUrl, 5_000);
  const window = rates ?? rateWindows.get(record.endpoints.flinkRestUrl) ?? new RateWindow();
  if (!rates) rateWindows.set(record.endpoints.flinkRestUrl, window);
  const app = readLocalApplication(dirs, record.applicationName);
  const [overview, input, audit] = await Promise.all([
    rest.overview().catch(() => undefined),
    gatherHealthInput(rest, {
      dirs,
      expectJob: app ? JOB_EXPECTED.has(app.status) : false,
      ...(app?.jobId ? { jobId: app.jobId } : {}),
      sinceMs: Date.parse(record.startedAt),
    }),
    options.audit === false ? undefined : auditStack(record, { fromMs: viewAuditFrom(record) }).catch(() => undefined),
  ]);
  const health = judgeHealth(input);
  const job = input.job;
  const sample = input.jobDetails && health.rates.current ? await readThroughputCounters(rest, input.jobDetails) : undefined;
  const measured = window.update(sample, health.rates.reason);
  const completed = input.checkpoints?.latest.completed;
  const lastCheckpoint: StackView['lastCheckpoint'] = completed
    ? {
        id: completed.id,
        ageMs: Date.now() - completed.latest_ack_timestamp,
        durationMs: completed.end_to_end_duration,
        sizeBytes: completed.checkpointed_size ?? completed.state_size,
      }
    : undefined;
  const runningSince = job?.timestamps?.RUNNING;
  return {
    job: job
      ? {
          state: job.state,
          id: job.jid,
          ...(input.restartsTotal !== undefined ? { restarts: input.restartsTotal } : {}),
          ...(job.state === 'RUNNING' && runningSince ? { uptimeMs: Date.now() - runningSince } : {}),
        }
      : { state: 'NONE' },
    taskManagers: input.taskManagers.length,
    slots: { total: overview?.['slots-total'] ?? 0, available: overview?.['slots-available'] ?? 0 },
    ratesPerSecond: measured,
    health,
    lastCheckpoint,
    audit,
    memoryBytes: stackPids(dirs, record).reduce((sum, pid) => sum + rssBytes(pid), 0),
    webUi: record.endpoints.flinkRestUrl,
  };
}

function rate(value: number | undefined): string {
  if (value === undefined) return '–';
  return `${value < 10 ? value.toFixed(1) : value.toFixed(0)}/s`;
}

function ago(iso: string, nowMs: number): string {
  return `${Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000))} s ago`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The health lines of the view: `health  OK`, or DEGRADED and one line per problem. */
export function renderHealth(health: JobHealth): string[] {
  if (health.healthy) return ['  health       OK'];
  return [
    `  health       DEGRADED (${health.problems.length} problem${health.problems.length === 1 ? '' : 's'})`,
    ...health.problems.map((p) => `               - ${p.message}`),
  ];
}

/**
 * The live view as lines of text. Lines 1–6 (job, TaskManagers, rates, checkpoint, windows,
 * latency) are what `up` prints every 15 s when not on a terminal; the job line says DEGRADED
 * there too. The health lines, the stack's last events, memory and the Web UI follow.
 */
export function renderView(view: StackView, record: StackRecord, elapsedMs: number, nowMs = Date.now()): string[] {
  const audit = view.audit;
  const { health } = view;
  const checkpoint = view.lastCheckpoint
    ? `#${view.lastCheckpoint.id}, ${Math.round(view.lastCheckpoint.ageMs / 1000)} s ago, took ${view.lastCheckpoint.durationMs} ms`
    : 'none yet';
  const restarts =
    view.job.state === 'NONE'
      ? ''
      : // numRestarts comes from the metric store (up to 10 s old): never show fewer in all than in the last minute
        `, restarts ${health.restartsLastMinute} in the last minute${view.job.restarts !== undefined ? ` (${Math.max(view.job.restarts, health.restartsLastMinute)} in all)` : ''}`;
  const rates = view.ratesPerSecond;
  const rateLine =
    rates.in === undefined && rates.out === undefined
      ? `in –   out – (${rates.reason ?? 'not measured'})`
      : `in ${rate(rates.in)}   out ${rate(rates.out)}${rates.spanMs ? ` (last ${Math.round(rates.spanMs / 1000)} s)` : ''}`;
  const events = [...health.recentEvents].reverse().map((e) => `${ago(e.at, nowMs)}: ${clip(e.message, 90)}`);
  return [
    `Managed Flink Playground — local (${record.options.streams}), up ${Math.round(elapsedMs / 1000)} s`,
    `  job          ${view.job.state}${health.healthy ? '' : ` (${degradedQualifier(health)})`}${restarts}   application ${record.applicationName}`,
    `  TaskManagers ${view.taskManagers} (${view.slots.total} slots, ${view.slots.available} free)`,
    `  rates        ${rateLine}`,
    `  checkpoint   ${checkpoint}`,
    audit
      ? `  windows${elapsedMs > VIEW_AUDIT_RANGE_MS ? ' (1 h)' : '      '} exact ${audit.windows.exact}   wrong ${audit.windows.wrong}   missing ${audit.windows.missing}   incomplete ${audit.windows.incomplete}   pending ${audit.windows.pending}   duplicates ${audit.duplicates}`
      : '  windows      (audit table not reachable)',
    `  latency      ${audit?.latencyMs.p50 == null ? '–' : `p50 ${audit.latencyMs.p50} ms   p99 ${audit.latencyMs.p99} ms`} (window end → result audited)`,
    ...renderHealth(health),
    `  events       ${events.length ? events.join('; ') : 'none since the stack started'}`,
    `  memory       ${(view.memoryBytes / 2 ** 30).toFixed(2)} GiB across the stack's processes`,
    `  Web UI       ${view.webUi}   logs ${record.logsDir}`,
  ];
}
