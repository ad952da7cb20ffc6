import { readFileSync } from 'node:fs';
import { createDocumentClient } from '../lambdas/shared/clients';
import { queryAudit, type AuditSummary } from '../lambdas/shared/audit-query';
import { FlinkRestClient } from './flink/rest';
import { readFlinkClusterRecord } from './flink/cluster';
import type { PlaygroundDirs } from './paths';
import { LOCAL_CREDENTIALS } from './stack';
import type { StackRecord } from './stack-state';

/** What the live view of `playground up` shows, read from Flink's REST API and the audit tables. */
export interface StackView {
  readonly job: { readonly state: string; readonly id?: string; readonly restarts?: number; readonly uptimeMs?: number };
  readonly taskManagers: number;
  readonly slots: { readonly total: number; readonly available: number };
  readonly ratesPerSecond: { readonly in?: number; readonly out?: number };
  readonly lastCheckpoint?: { readonly id: number; readonly ageMs: number; readonly durationMs: number; readonly sizeBytes?: number };
  readonly audit?: AuditSummary;
  /** Resident memory of every process of the stack, in bytes. */
  readonly memoryBytes: number;
  readonly webUi: string;
}

/** How far back the live view audits: a long-running stack's view stays one bounded read a refresh. */
export const VIEW_AUDIT_RANGE_MS = 60 * 60_000;

/** The audit of the windows starting in [fromMs, toMs); by default every window since the stack started. */
export async function auditStack(record: StackRecord, range: { fromMs?: number; toMs?: number } = {}): Promise<AuditSummary> {
  const doc = createDocumentClient({ endpoint: record.endpoints.dynamodb, region: record.region, credentials: LOCAL_CREDENTIALS });
  try {
    return await queryAudit(doc, {
      ledgerTableName: record.tables.ledger,
      auditTableName: record.tables.audit,
      fromMs: range.fromMs ?? Date.parse(record.startedAt) - 60_000,
      toMs: range.toMs ?? Date.now() + 60_000,
    });
  } finally {
    doc.destroy();
  }
}

/** Results per second out of the window operator, into the sink (operator metrics use `_` for spaces). */
const COUNTER_OUT = 'ClickEvent_Counter.numRecordsOutPerSecond';

function number(value: string | undefined): number | undefined {
  const parsed = Number(value);
  return value === undefined || Number.isNaN(parsed) ? undefined : parsed;
}

/** Resident set size of a process in bytes (0 when it is gone). */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Every pid of the stack: the supervisor, its processes and the Flink cluster's. */
export function stackPids(dirs: PlaygroundDirs, record: StackRecord): number[] {
  const flink = readFlinkClusterRecord(dirs);
  return [
    record.pid,
    ...record.processes.map((p) => p.pid),
    ...(flink ? [flink.jobManager.pid, ...flink.taskManagers.map((tm) => tm.pid)] : []),
  ];
}

/** Reads the state of the whole stack once. Parts that do not answer are left out, not fatal. */
export async function observeStack(dirs: PlaygroundDirs, record: StackRecord): Promise<StackView> {
  const rest = new FlinkRestClient(record.endpoints.flinkRestUrl, 5_000);
  const [overview, jobs, audit] = await Promise.all([
    rest.overview().catch(() => undefined),
    rest.jobs().catch(() => []),
    auditStack(record, { fromMs: Math.max(Date.parse(record.startedAt) - 60_000, Date.now() - VIEW_AUDIT_RANGE_MS) }).catch(() => undefined),
  ]);
  const job = jobs.find((j) => j.state === 'RUNNING' || j.state === 'RESTARTING' || j.state === 'INITIALIZING' || j.state === 'CREATED') ?? jobs[0];
  let ratesPerSecond: StackView['ratesPerSecond'] = {};
  let lastCheckpoint: StackView['lastCheckpoint'];
  let restarts: number | undefined;
  if (job) {
    const [details, checkpoints, jobMetrics] = await Promise.all([
      rest.job(job.jid).catch(() => undefined),
      rest.checkpoints(job.jid).catch(() => undefined),
      rest.jobMetrics(job.jid, ['numRestarts']).catch(() => []),
    ]);
    restarts = number(jobMetrics.find((m) => m.id === 'numRestarts')?.value);
    const source = details?.vertices[0];
    const sink = details?.vertices[details.vertices.length - 1];
    if (source && sink) {
      const [sourceMetrics, sinkMetrics] = await Promise.all([
        rest.vertexMetricSums(job.jid, source.id, ['numRecordsOutPerSecond']).catch(() => ({}) as Record<string, number>),
        rest.vertexMetricSums(job.jid, sink.id, [COUNTER_OUT]).catch(() => ({}) as Record<string, number>),
      ]);
      ratesPerSecond = { in: sourceMetrics.numRecordsOutPerSecond, out: sinkMetrics[COUNTER_OUT] };
    }
    const completed = checkpoints?.latest.completed;
    if (completed) {
      lastCheckpoint = {
        id: completed.id,
        ageMs: Date.now() - completed.latest_ack_timestamp,
        durationMs: completed.end_to_end_duration,
        sizeBytes: completed.checkpointed_size ?? completed.state_size,
      };
    }
  }
  return {
    job: job ? { state: job.state, id: job.jid, restarts, uptimeMs: job.state === 'RUNNING' ? job.duration : undefined } : { state: 'NONE' },
    taskManagers: overview?.taskmanagers ?? 0,
    slots: { total: overview?.['slots-total'] ?? 0, available: overview?.['slots-available'] ?? 0 },
    ratesPerSecond,
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

/** The live view as lines of text. */
export function renderView(view: StackView, record: StackRecord, elapsedMs: number): string[] {
  const audit = view.audit;
  const checkpoint = view.lastCheckpoint
    ? `#${view.lastCheckpoint.id}, ${Math.round(view.lastCheckpoint.ageMs / 1000)} s ago, took ${view.lastCheckpoint.durationMs} ms`
    : 'none yet';
  return [
    `Managed Flink Playground — local (${record.options.streams}), up ${Math.round(elapsedMs / 1000)} s`,
    `  job          ${view.job.state}${view.job.restarts ? ` (restarts: ${view.job.restarts})` : ''}   application ${record.applicationName}`,
    `  TaskManagers ${view.taskManagers} (${view.slots.total} slots, ${view.slots.available} free)`,
    `  rates        in ${rate(view.ratesPerSecond.in)}   out ${rate(view.ratesPerSecond.out)}`,
    `  checkpoint   ${checkpoint}`,
    audit
      ? `  windows${elapsedMs > VIEW_AUDIT_RANGE_MS ? ' (1 h)' : '      '} exact ${audit.windows.exact}   wrong ${audit.windows.wrong}   missing ${audit.windows.missing}   pending ${audit.windows.pending}   duplicates ${audit.duplicates}`
      : '  windows      (audit table not reachable)',
    `  latency      ${audit?.latencyMs.p50 == null ? '–' : `p50 ${audit.latencyMs.p50} ms   p99 ${audit.latencyMs.p99} ms`} (window end → result audited)`,
    `  memory       ${(view.memoryBytes / 2 ** 30).toFixed(2)} GiB across the stack's processes`,
    `  Web UI       ${view.webUi}   logs ${record.logsDir}`,
  ];
}
