import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import type { UpReport } from '../../cli/commands/up';
import { WINDOW_MS } from '../../lambdas/shared/windows';
import { FlinkRestClient } from '../../local/flink/rest';
import { auditStack } from '../../local/observe';
import { playgroundDirs, type PlaygroundDirs } from '../../local/paths';
import { portArgs, reserveStackPorts } from '../../local/ports';
import { readStackRecord, type StackRecord, type StreamsKind } from '../../local/stack-state';
import { runCli, type CliResult } from './cli';

const minute = 60_000;

export function windowStart(ms: number): number {
  return Math.floor(ms / WINDOW_MS) * WINDOW_MS;
}

/**
 * One local stack of an end-to-end file, started as a user would (`playground up --detach` in a
 * throw-away home on free ports), with the waits the files share: a window audited, the run so far
 * audited with no window wrong or missing.
 */
export class E2EStack {
  readonly dirs: PlaygroundDirs;
  private found?: StackRecord;
  private client?: FlinkRestClient;

  constructor(readonly home: string) {
    this.dirs = playgroundDirs(home);
  }

  /** The stack record as it is now (pids change when the supervisor replaces a process). */
  get record(): StackRecord {
    const record = readStackRecord(this.dirs) ?? this.found;
    if (!record) throw new Error('the stack has not started');
    return record;
  }

  get rest(): FlinkRestClient {
    this.client ??= new FlinkRestClient(this.record.endpoints.flinkRestUrl, 10_000);
    return this.client;
  }

  /** `up --detach` with free ports; resolves once the first window after it is audited. Returns how long `up` took (ms). */
  async start(streams: StreamsKind = 'kafka', extra: readonly string[] = []): Promise<number> {
    const ports = portArgs(streams, await reserveStackPorts());
    const started = Date.now();
    const up = await runCli(['up', '--detach', '--home', this.home, '--streams', streams, ...ports, ...extra], { timeoutMs: 10 * minute });
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
    const upMs = Date.now() - started;
    this.found = readStackRecord(this.dirs);
    if (!this.found) throw new Error('no stack record after up');
    await this.awaitWindowAudited(windowStart(Date.now()) + WINDOW_MS);
    return upMs;
  }

  /** `playground ARGS --home HOME`, which must exit 0. */
  async play(args: readonly string[], timeoutMs = 5 * minute): Promise<CliResult & { ms: number }> {
    const started = Date.now();
    const result = await runCli([...args, '--home', this.home], { timeoutMs });
    const ms = Date.now() - started;
    expect(result.code, `playground ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
    return { ...result, ms };
  }

  /** Polls the audit until the window starting at `start` has a verdict; returns when (epoch ms). */
  async awaitWindowAudited(start: number, timeoutMs = 4 * minute): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      const summary = await auditStack(this.record, { fromMs: start, toMs: start + 1 }).catch((error: unknown) => {
        if (error instanceof TypeError) throw error; // a code error, not a stack still starting
        lastError = error;
        return undefined;
      });
      if (summary && summary.windows.pending === 0 && summary.windows.exact + summary.windows.wrong + summary.windows.missing + summary.windows.incomplete > 0) {
        return Date.now();
      }
      if (Date.now() > deadline) {
        // Whether the generator sent the window (events) and which results arrived (latency) tells the generator from the job.
        const seen = summary ? `windows ${JSON.stringify(summary.windows)}, events generated ${summary.events.generated}, latency ${JSON.stringify(summary.latencyMs)}` : 'no summary';
        throw new Error(`window ${new Date(start).toISOString()} was not audited within ${timeoutMs} ms (${seen}; last error: ${String(lastError)})`, { cause: lastError });
      }
      await sleep(1_000);
    }
  }

  /**
   * After a play or a fault: waits until a window that starts after it is audited, then checks the
   * run so far with `playground audit --json`: no window wrong, none missing, none pending.
   */
  async settleAndAudit(label: string, timeoutMs?: number): Promise<UpReport> {
    const later = windowStart(Date.now()) + WINDOW_MS;
    await this.awaitWindowAudited(later, timeoutMs);
    const upTo = await auditStack(this.record, { toMs: later + 1 });
    expect(upTo.windows.pending, `${label}: windows up to ${new Date(later).toISOString()} still pending`).toBe(0);
    const result = await runCli(['audit', '--json', '--home', this.home]);
    const report = JSON.parse(result.stdout) as UpReport;
    expect(report.windows.wrong, `${label}: wrong windows ${JSON.stringify(report.nonExact, null, 1)}`).toBe(0);
    expect(report.windows.missing, `${label}: missing windows ${JSON.stringify(report.nonExact, null, 1)}`).toBe(0);
    expect(result.code).toBe(0);
    return report;
  }

  /** The RUNNING job and its parallelism. */
  async runningJob(): Promise<{ jid: string; parallelism: number }> {
    const job = (await this.rest.jobs()).find((j) => j.state === 'RUNNING');
    if (!job) throw new Error('no RUNNING job');
    const details = await this.rest.job(job.jid);
    return { jid: job.jid, parallelism: Math.max(...details.vertices.map((v) => v.parallelism)) };
  }

  async restarts(jid: string): Promise<number> {
    return Number((await this.rest.jobMetrics(jid, ['numRestarts'])).find((m) => m.id === 'numRestarts')?.value ?? 0);
  }

  /** `playground down`: whatever happened, leave no process behind. */
  async down(): Promise<void> {
    await runCli(['down', '--home', this.home], { timeoutMs: 3 * minute });
  }
}
