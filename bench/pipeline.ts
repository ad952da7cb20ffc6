import { setTimeout as sleep } from 'node:timers/promises';
import { WINDOW_READ_CONCURRENCY } from '../lambdas/shared/audit';
import { createDocumentClient, type ClientOptions } from '../lambdas/shared/clients';
import { mapConcurrently, queryAll } from '../lambdas/shared/dynamodb-reads';
import { VERDICT_SORT_KEY } from '../lambdas/shared/tables';
import { toIso, WINDOW_MS, windowOf, windowStartsIn } from '../lambdas/shared/windows';
import { awaitNewTaskManager, SupervisorClient } from '../local/supervisor-api';
import { FlinkRestClient } from '../local/flink/rest';
import { auditStack } from '../local/observe';
import type { PlaygroundDirs } from '../local/paths';
import { LOCAL_CREDENTIALS } from '../local/names';
import type { StackRecord } from '../local/stack-state';
import { BenchStepError } from './stack';
import type { LatencyFigures, RecoveryFigures } from './types';
import { pollFor } from './wait';

const PAGES = 6;

/** A result the auditor recorded: when it arrived and how late after its window's end. */
export interface Arrival {
  readonly windowStart: string;
  readonly page: string;
  readonly arrivedAtMs: number;
  readonly latencyMs: number;
}

/** Where the auditor's results are read: a DynamoDB endpoint (local or AWS) and the audit table. */
export interface AuditSource {
  readonly client: ClientOptions;
  readonly auditTable: string;
}

/** The local stack's DynamoDB Local and audit table. */
function localAuditSource(record: StackRecord): AuditSource {
  return { client: { endpoint: record.endpoints.dynamodb, region: record.region, credentials: LOCAL_CREDENTIALS }, auditTable: record.tables.audit };
}

/**
 * Every result recorded for the windows starting in `[fromMs, toMs)`: one Query per window (window
 * starts are deterministic), as the audit query does — no Scan, so it costs the same on AWS.
 */
async function arrivalsSince(source: AuditSource, fromMs: number, toMs: number = Date.now() + WINDOW_MS): Promise<Arrival[]> {
  const doc = createDocumentClient(source.client);
  try {
    const perWindow = await mapConcurrently(windowStartsIn(fromMs, toMs), WINDOW_READ_CONCURRENCY, (start) =>
      queryAll(doc, {
        TableName: source.auditTable,
        KeyConditionExpression: 'windowStart = :w',
        ExpressionAttributeValues: { ':w': toIso(start) },
        ConsistentRead: true,
      }),
    );
    const arrivals: Arrival[] = [];
    for (const item of perWindow.flat()) {
      if (item.page === VERDICT_SORT_KEY || typeof item.arrivedAt !== 'string' || typeof item.latencyMs !== 'number') continue;
      arrivals.push({ windowStart: String(item.windowStart), page: String(item.page), arrivedAtMs: Date.parse(item.arrivedAt), latencyMs: item.latencyMs });
    }
    return arrivals;
  } finally {
    doc.destroy();
  }
}

/** Windows with all six results, each with the arrival of its last result and its worst latency. */
export function completeWindows(arrivals: readonly Arrival[]): { windowStart: string; lastArrivalMs: number; maxLatencyMs: number }[] {
  const byWindow = new Map<string, Arrival[]>();
  for (const a of arrivals) byWindow.set(a.windowStart, [...(byWindow.get(a.windowStart) ?? []), a]);
  return [...byWindow.entries()]
    .filter(([, results]) => new Set(results.map((r) => r.page)).size >= PAGES)
    .map(([windowStart, results]) => ({
      windowStart,
      lastArrivalMs: Math.max(...results.map((r) => r.arrivedAtMs)),
      maxLatencyMs: Math.max(...results.map((r) => r.latencyMs)),
    }))
    .sort((a, b) => a.windowStart.localeCompare(b.windowStart));
}

/**
 * Latency over a steady period: the windows starting in the `seconds` after the next window
 * boundary (the first, partial window after a change is left out), once all of them are audited.
 */
export async function steadyLatency(record: StackRecord, seconds: number, log: (line: string) => void): Promise<LatencyFigures> {
  const fromMs = windowOf(Date.now()).start + WINDOW_MS;
  const count = Math.max(1, Math.round((seconds * 1000) / WINDOW_MS));
  const toMs = fromMs + count * WINDOW_MS;
  log(`steady period: ${count} windows from ${toIso(fromMs)} (done about ${Math.round((toMs - Date.now()) / 1000)} s from now)`);
  await sleep(Math.max(0, toMs - Date.now()));
  // Results come a second or two after a window's end: wait for every window's six, for at most 30 s.
  const complete = async (): Promise<number> =>
    completeWindows(await arrivalsSince(localAuditSource(record), fromMs, toMs)).filter((w) => Date.parse(w.windowStart) < toMs).length;
  await pollFor(async () => ((await complete()) >= count ? true : undefined), { timeoutMs: 30_000, intervalMs: 1_000 });
  const summary = await auditStack(record, { fromMs, toMs });
  return {
    fromWindow: toIso(fromMs),
    toWindow: toIso(toMs),
    eventsPerWindow: record.options.eventsPerWindow,
    windows: summary.windows,
    p50Ms: summary.latencyMs.p50,
    p99Ms: summary.latencyMs.p99,
  };
}

/** The arrival of the first result after `sinceMs` (a failure), if one arrived yet. */
export async function firstArrivalAfter(source: AuditSource, sinceMs: number): Promise<number | undefined> {
  const later = (await arrivalsSince(source, windowOf(sinceMs).start - WINDOW_MS)).filter((a) => a.arrivedAtMs > sinceMs);
  return later.length > 0 ? Math.min(...later.map((a) => a.arrivedAtMs)) : undefined;
}

/** Waits until a whole window that ended after `sinceMs` arrived with every result under `thresholdMs`. */
export async function waitCaughtUp(source: AuditSource, sinceMs: number, thresholdMs: number, timeoutMs: number): Promise<number | undefined> {
  return pollFor(
    async () => {
      const windows = completeWindows(await arrivalsSince(source, windowOf(sinceMs).start));
      return windows.find((w) => Date.parse(w.windowStart) + WINDOW_MS > sinceMs && w.maxLatencyMs <= thresholdMs)?.lastArrivalMs;
    },
    { timeoutMs, intervalMs: 1_000 },
  );
}

/** Sleeps until the middle of a window: the previous window's results are out, the next ones not yet due. */
export async function untilMidWindow(): Promise<void> {
  let at = windowOf(Date.now()).start + WINDOW_MS / 2;
  if (at < Date.now() + 500) at += WINDOW_MS;
  await sleep(Math.max(0, at - Date.now()));
}

async function jobUp(rest: FlinkRestClient, jobId: string): Promise<boolean> {
  const job = await rest.job(jobId).catch(() => undefined);
  return job?.state === 'RUNNING' && job.vertices.every((v) => v.status === 'RUNNING');
}

/**
 * Kills a TaskManager (SIGKILL) mid-window, starts a replacement `downForSeconds` later as the
 * `fail --kill-taskmanager` play does, and times the job's return, the first new result at the
 * auditor, and the first whole window back under `thresholdMs`.
 */
export async function recovery(
  record: StackRecord,
  dirs: PlaygroundDirs,
  options: { readonly downForSeconds: number; readonly thresholdMs: number; readonly timeoutMs: number; readonly log: (line: string) => void },
): Promise<RecoveryFigures> {
  const { log } = options;
  const source = localAuditSource(record);
  const rest = new FlinkRestClient(record.endpoints.flinkRestUrl, 10_000);
  const job = (await rest.jobs()).find((j) => j.state === 'RUNNING');
  if (!job) throw new BenchStepError('no RUNNING job to fail');
  const supervisor = new SupervisorClient(record.endpoints.supervisor);
  const known = new Set((await rest.taskManagers()).map((tm) => tm.id));
  const parallelism = (await rest.job(job.jid)).vertices[0]?.parallelism ?? 1;

  await untilMidWindow();
  const { victim } = await supervisor.killTaskManager({ replaceAfterMs: options.downForSeconds * 1000 });
  known.add(victim.id);
  const killedMs = Date.now();
  log(`killed ${victim.id} (pid ${victim.pid}, SIGKILL); replacement in ${options.downForSeconds} s`);

  let jobRunningMs: number | undefined;
  let wentDown = false;
  const replacement = (async () => {
    const tm = await awaitNewTaskManager(rest, known, options.timeoutMs);
    log(`  replacement ${tm.id} registered ${((Date.now() - killedMs) / 1000).toFixed(1)} s after the kill`);
  })();
  let outputMs: number | undefined;
  const deadline = killedMs + options.timeoutMs;
  await pollFor(
    async () => {
      const up = await jobUp(rest, job.jid);
      if (!up) wentDown = true;
      else if (wentDown && jobRunningMs === undefined) {
        jobRunningMs = Date.now();
        log(`  job RUNNING again ${((jobRunningMs - killedMs) / 1000).toFixed(1)} s after the kill`);
      }
      if (outputMs === undefined) {
        outputMs = await firstArrivalAfter(source, killedMs);
        if (outputMs !== undefined) log(`  output resumed ${((outputMs - killedMs) / 1000).toFixed(1)} s after the kill`);
      }
      return jobRunningMs !== undefined && outputMs !== undefined ? true : undefined;
    },
    { timeoutMs: Math.max(0, deadline - Date.now()), intervalMs: 500 },
  );
  await replacement;
  const caughtUpMs = await waitCaughtUp(source, killedMs, options.thresholdMs, Math.max(0, deadline - Date.now()));
  if (caughtUpMs) log(`  caught up ${((caughtUpMs - killedMs) / 1000).toFixed(1)} s after the kill`);
  const after = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : (ms - killedMs) / 1000);
  return {
    taskManager: victim.id,
    parallelism,
    replacementAfterSeconds: options.downForSeconds,
    jobRunningAfterSeconds: after(jobRunningMs),
    outputResumedAfterSeconds: after(outputMs),
    caughtUpAfterSeconds: after(caughtUpMs),
    caughtUpThresholdMs: options.thresholdMs,
  };
}
