import type { AuditedWindow, AuditSummary } from '../../lambdas/shared/audit-query';
import { PAGES } from '../../lambdas/shared/pages';
import type { Verdict } from '../../lambdas/shared/verdicts';
import { readStackEvents, type StackEvent } from '../events';
import { readLocalApplication } from '../health';
import { auditStackWindows, observeStack, viewAuditFrom, type StackView } from '../observe';
import type { PlaygroundDirs } from '../paths';
import type { StackRecord } from '../stack-state';

/**
 * The web view's JSON API: what the auditor (the audit tables, read as `playground audit` reads
 * them), the stack's event log and the job's health (as `status` judges it) already know, shaped
 * for the page. Every answer is computed when asked; nothing is kept here.
 */

/** A cell of the grid: one page of one window. */
export interface GridCell {
  readonly page: string;
  /** The window's verdict as it applies to this page (see cellVerdict). */
  readonly verdict: Verdict;
  readonly count: number | null;
  readonly latencyMs: number | null;
  readonly arrivedAt: string | null;
  readonly duplicates: number;
}

/** A column of the grid: one 15 s window with the auditor's verdict. */
export interface GridWindow {
  readonly windowStart: string;
  readonly windowEnd: string;
  /** The auditor's verdict of the whole window, the one `playground audit` counts. */
  readonly verdict: Verdict;
  readonly reason: string;
  readonly expected: number | null;
  /** The slowest page's latency (window end → result audited); null before any result. */
  readonly latencyMs: number | null;
  readonly cells: readonly GridCell[];
}

/** `GET /api/windows`. */
export interface WindowsAnswer {
  readonly now: string;
  /** Windows starting in [from, to): as `playground audit` reads them (since the stack started, at most the last hour). */
  readonly from: string;
  readonly to: string;
  readonly pages: readonly string[];
  /** The same counts as `playground audit --json`'s `windows`. */
  readonly summary: AuditSummary['windows'];
  readonly duplicates: number;
  readonly latencyMs: AuditSummary['latencyMs'];
  /** Oldest first. */
  readonly windows: readonly GridWindow[];
}

/** `GET /api/events`: the stack's event log, oldest first. */
export interface EventsAnswer {
  readonly events: readonly StackEvent[];
}

/** `GET /api/job`. */
export interface JobAnswer {
  readonly application: string;
  /** The application's status in the control plane (RUNNING, READY, …). */
  readonly status: string;
  readonly streams: string;
  readonly job: StackView['job'];
  readonly taskManagers: number;
  readonly slots: StackView['slots'];
  readonly ratesPerSecond: StackView['ratesPerSecond'];
  readonly lastCheckpoint: StackView['lastCheckpoint'] | null;
  readonly health: { readonly healthy: boolean; readonly problems: readonly string[] };
  readonly links: { readonly webUi: string; readonly job?: string; readonly checkpoints?: string; readonly exceptions?: string; readonly taskManagers: string };
  /** Whether the page shows the play buttons (`up --view-actions`). */
  readonly actions: boolean;
}

/**
 * A page's verdict in its window. An exact, pending or incomplete window is that for every page;
 * in a wrong or missing window each page says what is wrong with it: no result (missing), a count
 * other than the ledger's (wrong), or nothing (exact).
 */
export function cellVerdict(window: Pick<AuditedWindow, 'verdict' | 'expected'>, count: number | null): Verdict {
  if (window.verdict !== 'wrong' && window.verdict !== 'missing') return window.verdict;
  if (count === null) return 'missing';
  return window.expected !== null && count === window.expected ? 'exact' : 'wrong';
}

/** One audited window as a column of the grid. */
function gridWindow(window: AuditedWindow): GridWindow {
  const cells = PAGES.map((page): GridCell => {
    const result = window.results[page] ?? null;
    return {
      page,
      verdict: cellVerdict(window, result?.count ?? null),
      count: result?.count ?? null,
      latencyMs: result?.latencyMs ?? null,
      arrivedAt: result?.arrivedAt ?? null,
      duplicates: result?.duplicates ?? 0,
    };
  });
  const latencies = cells.flatMap((c) => (c.latencyMs === null ? [] : [c.latencyMs]));
  return {
    windowStart: window.windowStart,
    windowEnd: window.windowEnd,
    verdict: window.verdict,
    reason: window.reason,
    expected: window.expected,
    latencyMs: latencies.length > 0 ? Math.max(...latencies) : null,
    cells,
  };
}

/** The grid's answer from an audit of [fromMs, toMs). */
function windowsAnswer(
  audit: { readonly summary: AuditSummary; readonly windows: readonly AuditedWindow[] },
  range: { readonly fromMs: number; readonly toMs: number; readonly nowMs: number },
): WindowsAnswer {
  return {
    now: new Date(range.nowMs).toISOString(),
    from: new Date(range.fromMs).toISOString(),
    to: new Date(range.toMs).toISOString(),
    pages: PAGES,
    summary: audit.summary.windows,
    duplicates: audit.summary.duplicates,
    latencyMs: audit.summary.latencyMs,
    windows: audit.windows.map(gridWindow),
  };
}

/** Reads the audit tables of the stack as `playground audit` does (the same range end: an hour ahead). */
export async function readWindows(record: StackRecord, nowMs = Date.now()): Promise<WindowsAnswer> {
  const range = { fromMs: viewAuditFrom(record, nowMs), toMs: nowMs + 3_600_000, nowMs };
  return windowsAnswer(await auditStackWindows(record, range), range);
}

/** The stack's events since it started. */
export function readEvents(dirs: PlaygroundDirs, record: Pick<StackRecord, 'startedAt'>): EventsAnswer {
  return { events: readStackEvents(dirs, Date.parse(record.startedAt) - 60_000) };
}

/** The job panel's answer from what the live view of `up` reads (local/observe.ts). */
function jobAnswer(view: StackView, record: StackRecord, status: string, actions: boolean): JobAnswer {
  const webUi = record.endpoints.flinkRestUrl;
  const jobPage = (tab: string): string | undefined => (view.job.id ? `${webUi}/#/job/running/${view.job.id}/${tab}` : undefined);
  const links = {
    webUi,
    ...(view.job.id ? { job: jobPage('overview'), checkpoints: jobPage('checkpoints'), exceptions: jobPage('exceptions') } : {}),
    taskManagers: `${webUi}/#/task-manager`,
  };
  return {
    application: record.applicationName,
    status,
    streams: record.options.streams,
    job: view.job,
    taskManagers: view.taskManagers,
    slots: view.slots,
    ratesPerSecond: view.ratesPerSecond,
    lastCheckpoint: view.lastCheckpoint ?? null,
    health: { healthy: view.health.healthy, problems: view.health.problems.map((p) => p.message) },
    links: links as JobAnswer['links'],
    actions,
  };
}

export async function readJob(dirs: PlaygroundDirs, record: StackRecord, actions: boolean): Promise<JobAnswer> {
  const view = await observeStack(dirs, record, undefined, { audit: false });
  const status = readLocalApplication(dirs, record.applicationName)?.status ?? 'UNKNOWN';
  return jobAnswer(view, record, status, actions);
}
