import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDocumentClient } from '../lambdas/shared/clients';
import { queryAudit, type AuditSummary } from '../lambdas/shared/audit-query';
import { describeApplication, msfClient } from '../cli/msf';
import { resolveTarget } from '../cli/target';
import { readStackEvents } from '../local/events';
import { FlinkRestClient } from '../local/flink/rest';
import { LOCAL_CREDENTIALS } from '../local/names';
import type { StackRecord } from '../local/stack-state';
import type { ChaosOptions } from './args';
import { inject, PLAYS, RESTARTS_JOB, type FaultContext, type InjectedFault } from './faults';
import { judgeRun, type JudgeSummary } from './judge';
import { readLedger, readOutput } from './read';
import { compareJudges, renderReport, verdictOf, type AuditorJudgement, type AuditorVerdict, type ChaosReport } from './report';
import { DEFAULT_GAP_MS, planFaults, type FaultKind, type PlannedFault } from './schedule';
import { ChaosStepError, startChaosStack, type ChaosStack } from './stack';

const WINDOW_MS = 15_000;
const MINUTE = 60_000;
/** Windows ending up to this long after the last fault are judged too (its recovery shows in them). */
const SETTLE_MARGIN_MS = 45_000;
/** The auditor's grace period on the local stack (GRACE_PERIOD_SECONDS default) before missing / incomplete. */
const LOCAL_GRACE_MS = 120_000;

export interface RunDeps {
  /** Progress lines (the caller stamps them with the elapsed time). */
  readonly log: (line: string) => void;
  /** Called with the stack's `down` as soon as there is a stack to take down. */
  readonly register: (down: (keep: boolean) => Promise<void>) => void;
  /** Pids stopped with SIGSTOP that the caller must continue if the run is interrupted. */
  readonly paused: Set<number>;
  readonly signal: AbortSignal;
}

/** Judged windows: from before the stack started to the windows ending by `lastFaultEnd + margin`. */
export function judgedRange(stackStartedMs: number, lastFaultEndMs: number, marginMs = SETTLE_MARGIN_MS): { fromMs: number; toMs: number; horizonMs: number } {
  const horizonMs = Math.ceil((lastFaultEndMs + marginMs) / WINDOW_MS) * WINDOW_MS;
  return { fromMs: Math.floor((stackStartedMs - MINUTE) / WINDOW_MS) * WINDOW_MS, toMs: horizonMs - WINDOW_MS + 1, horizonMs };
}

interface JobState {
  readonly jid?: string;
  readonly state: string;
  readonly healthy: boolean;
  /**
   * When the job last restored from a checkpoint (0: never). Read from the checkpoint statistics,
   * which the JobManager answers live (numRestarts comes through the metric fetcher, up to 10 s late).
   */
  readonly restoredAt: number;
}

async function jobState(rest: FlinkRestClient): Promise<JobState> {
  try {
    const jobs = await rest.jobs();
    const job = jobs.find((j) => j.state === 'RUNNING') ?? jobs.find((j) => !['FAILED', 'CANCELED', 'FINISHED'].includes(j.state));
    if (!job) return { state: 'NONE', healthy: false, restoredAt: 0 };
    const [details, checkpoints] = await Promise.all([rest.job(job.jid), rest.checkpoints(job.jid).catch(() => undefined)]);
    const restoredAt = checkpoints?.latest.restored?.restore_timestamp ?? 0;
    const healthy = details.state === 'RUNNING' && details.vertices.every((v) => v.status === 'RUNNING');
    return { jid: job.jid, state: healthy ? 'RUNNING' : `${details.state} (${details.vertices.map((v) => v.status).join('/')})`, healthy, restoredAt };
  } catch (error) {
    return { state: `unreachable (${(error as Error).message.split('\n')[0]})`, healthy: false, restoredAt: 0 };
  }
}

async function applicationStatus(home: string): Promise<string> {
  try {
    const target = resolveTarget({ target: 'local', home });
    const client = msfClient(target);
    try {
      return (await describeApplication(client, target.applicationName)).ApplicationStatus ?? 'UNKNOWN';
    } finally {
      client.destroy();
    }
  } catch (error) {
    return `unknown (${(error as Error).message.split('\n')[0]})`;
  }
}

/** What the run watches of the last fault: the job running again, the killed process replaced. */
interface Watch {
  readonly fault: InjectedFault;
  /** Set once the job was seen not running (or not reachable) after the fault. */
  disrupted?: boolean;
  readonly before: JobState;
  /** When the injection began (recovery is counted from here) and ended (replacement from here). */
  readonly atMs: number;
  readonly endedAtMs: number;
  readonly replaced?: () => boolean;
}

class Auditor {
  private readonly doc;

  constructor(private readonly record: StackRecord) {
    this.doc = createDocumentClient({ endpoint: record.endpoints.dynamodb, region: record.region, credentials: LOCAL_CREDENTIALS });
  }

  summary(fromMs: number, toMs: number): Promise<AuditSummary> {
    return queryAudit(this.doc, {
      ledgerTableName: this.record.tables.ledger,
      auditTableName: this.record.tables.audit,
      fromMs,
      toMs,
      consistentRead: true,
    });
  }

  close(): void {
    this.doc.destroy();
  }
}

function describe(windows: AuditSummary['windows']): string {
  return `exact ${windows.exact}, wrong ${windows.wrong}, missing ${windows.missing}, incomplete ${windows.incomplete}, pending ${windows.pending}`;
}

/**
 * The chaos run: its own stack, a baseline (the first exact window), the seeded faults for
 * `options.minutes`, settling, the two judges, the report (written to `options.reportFile`).
 * Resolves with the report and the stack (still up: the caller takes it down).
 */
export async function runChaos(options: ChaosOptions, deps: RunDeps): Promise<{ report: ChaosReport; stack: ChaosStack }> {
  const { log, signal } = deps;
  const startedMs = Date.now();
  const plan = planFaults({ seed: options.seed, kinds: options.kinds, count: Math.ceil((options.minutes * MINUTE) / DEFAULT_GAP_MS.min) + 4 });
  log(
    `chaos run: seed ${options.seed}${options.seedGiven ? '' : ` (drawn; repeat with --seed ${options.seed})`}, ${options.streams}, ` +
      `${options.minutes} min of faults from ${options.kinds.join(', ')}`,
  );
  log('starting its own stack: playground up --detach in a temporary home, on free ports');
  const stack = await startChaosStack({ streams: options.streams, log, register: deps.register });
  const record = stack.record;
  log(`stack up in ${stack.home} (Flink ${record.endpoints.flinkRestUrl}, ${options.streams} ${record.endpoints.kafka ?? record.endpoints.kinesis})`);
  const rest = new FlinkRestClient(record.endpoints.flinkRestUrl, 10_000);
  const auditor = new Auditor(record);
  const faults: InjectedFault[] = [];
  const base = {
    schemaVersion: 1 as const,
    seed: options.seed,
    streams: options.streams,
    minutes: options.minutes,
    kinds: options.kinds,
    command: `npm run chaos -- --minutes ${options.minutes} --seed ${options.seed} --streams ${options.streams} --faults ${options.kinds.join(',')}`,
    startedAt: new Date(startedMs).toISOString(),
    home: stack.home,
    logsDir: stack.dirs.logs,
    faults,
  };
  try {
    const stackStartedMs = Date.parse(record.startedAt);
    await awaitFirstExact(auditor, stackStartedMs, log, signal);

    const ctx: FaultContext = { dirs: stack.dirs, home: stack.home, log, paused: deps.paused, signal };
    const faultsFromMs = Date.now();
    const deadline = faultsFromMs + options.minutes * MINUTE;
    log(`injecting faults for ${options.minutes} min (until ${new Date(deadline).toISOString()})`);
    let watch: Watch | undefined;
    const snapshots = new Set<string>();
    let scaledUp = false;
    for (const planned of plan) {
      if (Date.now() + planned.gapMs > deadline) break;
      await watchFor(planned.gapMs, watch, rest, log, signal);
      finish(watch);
      const skip = await precondition(planned, { snapshots, scaledUp }, stack.home, rest, log, signal);
      const before = await jobState(rest);
      const atMs = Date.now();
      log(`fault ${planned.index} (${planned.kind})${skip ? `: skipped, ${skip}` : ''}`);
      const injection = skip
        ? { detail: planned.kind, skipped: skip }
        : await inject(planned, ctx).catch((error: unknown) => {
            if (signal.aborted) throw error;
            return { detail: planned.kind, error: (error as Error).message } as Awaited<ReturnType<typeof inject>>;
          });
      const endedAtMs = Date.now();
      const fault: InjectedFault = {
        index: planned.index,
        kind: planned.kind,
        at: new Date(atMs).toISOString(),
        endedAt: new Date(endedAtMs).toISOString(),
        elapsedSeconds: Math.round((atMs - faultsFromMs) / 100) / 10,
        ...(injection.process ? { process: injection.process } : {}),
        ...(injection.pid ? { pid: injection.pid } : {}),
        detail: injection.detail,
        ok: !injection.error && !injection.skipped,
        ...(injection.error ? { error: injection.error } : {}),
        ...(injection.skipped ? { skipped: injection.skipped } : {}),
      };
      faults.push(fault);
      if (!injection.skipped) {
        log(`  ${injection.detail}${injection.error ? ` — FAILED: ${injection.error}` : ''}`);
        if (planned.kind === 'snapshot' && !injection.error && planned.snapshot) snapshots.add(planned.snapshot);
        if (planned.kind === 'scale' && !injection.error) scaledUp = (planned.parallelism ?? 1) > 1;
        watch = { fault, before, atMs, endedAtMs, replaced: injection.replaced };
      } else {
        watch = undefined;
      }
    }
    const injected = faults.filter((f) => !f.skipped);
    log(`done injecting: ${injected.length} faults (${faults.length - injected.length} skipped); watching the last one recover`);
    await watchFor(3 * MINUTE, watch, rest, log, signal, true);
    finish(watch);

    const lastEndMs = injected.length > 0 ? Date.parse(injected[injected.length - 1].endedAt) : faultsFromMs;
    const range = judgedRange(stackStartedMs, lastEndMs);
    await settle(auditor, range, log, signal);

    log('judging: the auditor (queryAudit) and the independent judge (the output stream and the ledger)');
    const summary = await auditor.summary(range.fromMs, range.toMs);
    const [output, ledger] = await Promise.all([readOutput(record), readLedger(record)]);
    const own = judgeRun(output.records, ledger, range);
    const auditorJudgement = await auditorVerdicts(auditor, summary, own);
    const agreement = compareJudges(auditorJudgement.verdicts, own.judgements);
    const failures = verdictOf(auditorJudgement, own);
    const report: ChaosReport = {
      ...base,
      finishedAt: new Date().toISOString(),
      durationSeconds: Math.round((Date.now() - startedMs) / 1000),
      faultsByKind: countBy(injected.map((f) => f.kind)),
      stackEvents: countBy(readStackEvents(stack.dirs, startedMs).map((e) => e.kind)),
      range: { from: new Date(range.fromMs).toISOString(), to: new Date(range.horizonMs).toISOString() },
      auditor: auditorJudgement,
      independent: {
        windows: own.windows,
        duplicates: own.duplicates,
        malformed: own.malformed,
        outOfRange: own.outOfRange,
        nonExact: own.judgements.filter((j) => j.verdict !== 'exact'),
        ...(output.note ? { readNote: output.note } : {}),
      },
      agreement,
      passed: failures.length === 0,
      failures,
    };
    writeReport(options.reportFile, report);
    return { report, stack };
  } catch (error) {
    if (signal.aborted) throw error;
    const failures = [`the run stopped: ${(error as Error).message}`];
    const report: ChaosReport = {
      ...base,
      finishedAt: new Date().toISOString(),
      durationSeconds: Math.round((Date.now() - startedMs) / 1000),
      faultsByKind: countBy(faults.filter((f) => !f.skipped).map((f) => f.kind)),
      stackEvents: countBy(readStackEvents(stack.dirs, startedMs).map((e) => e.kind)),
      passed: false,
      failures,
    };
    writeReport(options.reportFile, report);
    return { report, stack };
  } finally {
    auditor.close();
  }
}

function countBy<K extends string>(keys: readonly K[]): Partial<Record<K, number>> {
  const counts: Partial<Record<K, number>> = {};
  for (const k of keys) counts[k] = (counts[k] ?? 0) + 1;
  return counts;
}

function writeReport(file: string, report: ChaosReport): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}

/** The pipeline works before any fault: waits for the first exact window (or fails the run early). */
async function awaitFirstExact(auditor: Auditor, stackStartedMs: number, log: (line: string) => void, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + 6 * MINUTE;
  log('waiting for the first exact window before the first fault');
  let last = '';
  for (;;) {
    const summary = await auditor.summary(stackStartedMs - MINUTE, Date.now() + MINUTE).catch((error: unknown) => {
      last = `audit not readable: ${(error as Error).message}`;
      return undefined;
    });
    if (summary) last = describe(summary.windows);
    if (summary && summary.windows.exact > 0) {
      log(`baseline: ${last}`);
      return;
    }
    if (Date.now() > deadline) throw new ChaosStepError(`the stack produced no exact window within 6 minutes of starting (${last}): nothing to inject faults into`);
    await sleep(3_000, undefined, { signal });
  }
}

/** The play faults need the application RUNNING and the job's tasks running; kills need no wait. */
async function precondition(
  planned: PlannedFault,
  state: { snapshots: ReadonlySet<string>; scaledUp: boolean },
  home: string,
  rest: FlinkRestClient,
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<string | undefined> {
  if (planned.kind === 'restore' && (!planned.snapshot || !state.snapshots.has(planned.snapshot))) return `snapshot ${planned.snapshot ?? '?'} was not created`;
  if (planned.kind === 'scale' && (planned.parallelism ?? 1) === 1 && !state.scaledUp) return 'the scale up before it failed';
  if (!PLAYS.has(planned.kind)) return undefined;
  const deadline = Date.now() + 3 * MINUTE;
  let waited = false;
  for (;;) {
    const [job, app] = await Promise.all([jobState(rest), applicationStatus(home)]);
    if (job.healthy && app === 'RUNNING') return undefined;
    if (!waited) log(`  waiting for the application to run before ${planned.kind} (application ${app}, job ${job.state})`);
    waited = true;
    if (Date.now() > deadline) return `the application did not run within 3 min (application ${app}, job ${job.state})`;
    await sleep(2_000, undefined, { signal });
  }
}

/** Leaves what was not seen while watching a fault as not seen (null). */
function finish(watch: Watch | undefined): void {
  if (!watch) return;
  if (watch.fault.recoveredAfterSeconds === undefined) watch.fault.recoveredAfterSeconds = null;
  if (watch.replaced && watch.fault.replacedAfterSeconds === undefined) watch.fault.replacedAfterSeconds = null;
}

/**
 * Waits `ms`, watching the last fault: when the job runs again (restarted, for the faults that
 * restart it) and when a killed process is replaced. With `untilRecovered`, returns as soon as both were seen.
 */
async function watchFor(ms: number, watch: Watch | undefined, rest: FlinkRestClient, log: (line: string) => void, signal: AbortSignal, untilRecovered = false): Promise<void> {
  const end = Date.now() + ms;
  let lastState = '';
  while (Date.now() < end) {
    if (watch) {
      const { fault } = watch;
      const job = await jobState(rest);
      if (job.state !== lastState) {
        if (lastState !== '' || !job.healthy) log(`  job ${job.state}`);
        lastState = job.state;
      }
      if (!job.healthy) watch.disrupted = true;
      const restarted =
        !RESTARTS_JOB.has(fault.kind as FaultKind) || watch.disrupted || job.jid !== watch.before.jid || job.restoredAt > watch.before.restoredAt;
      if (fault.recoveredAfterSeconds === undefined && job.healthy && restarted) {
        fault.recoveredAfterSeconds = Math.round((Date.now() - watch.atMs) / 100) / 10;
        if (RESTARTS_JOB.has(fault.kind as FaultKind)) log(`  job running again ${fault.recoveredAfterSeconds} s after the fault began`);
      }
      if (watch.replaced && fault.replacedAfterSeconds === undefined && watch.replaced()) {
        fault.replacedAfterSeconds = Math.round((Date.now() - watch.endedAtMs) / 100) / 10;
        log(`  ${fault.process} replaced ${fault.replacedAfterSeconds} s after the kill`);
      }
      const done = fault.recoveredAfterSeconds !== undefined && (!watch.replaced || fault.replacedAfterSeconds !== undefined);
      if (untilRecovered && done) return;
    }
    await sleep(Math.max(0, Math.min(2_000, end - Date.now())), undefined, { signal });
  }
}

/**
 * Settling: waits until every window of the range is judged by the auditor (none pending). A
 * window the generator did not finish, or one without results, is decided only after the
 * auditor's grace period, so this can take that long after the range's last window.
 */
async function settle(auditor: Auditor, range: { fromMs: number; toMs: number; horizonMs: number }, log: (line: string) => void, signal: AbortSignal): Promise<void> {
  log(`settling: waiting until the auditor has judged every window ending by ${new Date(range.horizonMs).toISOString()}`);
  const wait = range.horizonMs + 5_000 - Date.now();
  if (wait > 0) await sleep(wait, undefined, { signal });
  const deadline = Math.max(Date.now(), range.horizonMs + LOCAL_GRACE_MS) + 4 * MINUTE;
  let lastLog = 0;
  for (;;) {
    const summary = await auditor.summary(range.fromMs, range.toMs).catch(() => undefined);
    if (summary && summary.windows.pending === 0) {
      log(`settled: ${describe(summary.windows)}`);
      return;
    }
    if (Date.now() - lastLog >= 15_000) {
      log(`  auditor: ${summary ? describe(summary.windows) : 'not readable'}`);
      lastLog = Date.now();
    }
    if (Date.now() > deadline) {
      log(`  still pending after ${Math.round((Date.now() - range.horizonMs) / 1000)} s: judging anyway`);
      return;
    }
    await sleep(3_000, undefined, { signal });
  }
}

/**
 * The auditor's verdict per window: the non-exact ones from the summary; the other windows the
 * independent judge knows are exact — or, while the summary has pending windows, asked one by one.
 */
async function auditorVerdicts(auditor: Auditor, summary: AuditSummary, own: JudgeSummary): Promise<AuditorJudgement> {
  const verdicts: Record<string, AuditorVerdict> = {};
  for (const w of summary.nonExact) verdicts[w.windowStart] = w.verdict;
  for (const { windowStart } of own.judgements) {
    if (verdicts[windowStart]) continue;
    if (summary.windows.pending === 0) {
      verdicts[windowStart] = 'exact';
      continue;
    }
    const ms = Date.parse(windowStart);
    const one = await auditor.summary(ms, ms + 1);
    verdicts[windowStart] = one.windows.exact > 0 ? 'exact' : one.windows.pending > 0 ? 'pending' : ((one.nonExact[0]?.verdict as AuditorVerdict | undefined) ?? 'pending');
  }
  return {
    windows: summary.windows,
    duplicates: summary.duplicates,
    malformed: summary.malformed,
    verdicts,
    nonExact: summary.nonExact.map((w) => ({ windowStart: w.windowStart, verdict: w.verdict, reason: w.reason })),
  };
}

export { renderReport };
