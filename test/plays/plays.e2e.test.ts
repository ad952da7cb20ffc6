import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpReport } from '../../cli/commands/up';
import { WINDOW_MS } from '../../lambdas/shared/windows';
import { applicationsDir, ApplicationStore } from '../../local/control-plane';
import { FlinkRestClient } from '../../local/flink/rest';
import { auditStack } from '../../local/observe';
import { playgroundDirs } from '../../local/paths';
import { freePort } from '../../local/process';
import { readStackRecord, type StackRecord } from '../../local/stack-state';
import { runCli, type CliResult } from '../support/cli';
import { TestHomes } from '../support/homes';

/**
 * The plays of the original Operations Playground, each one `playground` command on ONE local stack
 * (Kafka), each followed by the auditor's verdict: no window wrong, none missing, over the whole run.
 */
const homes = new TestHomes();
const home = homes.create('playground-plays-');
const dirs = playgroundDirs(home);
const minute = 60_000;
const durations: Record<string, number> = {};
let record: StackRecord;
let rest: FlinkRestClient;

async function play(args: readonly string[], timeoutMs = 5 * minute): Promise<CliResult & { ms: number }> {
  const started = Date.now();
  const result = await runCli([...args, '--home', home], { timeoutMs });
  const ms = Date.now() - started;
  expect(result.code, `playground ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return { ...result, ms };
}

async function runningJob(): Promise<{ jid: string; parallelism: number }> {
  const job = (await rest.jobs()).find((j) => j.state === 'RUNNING');
  if (!job) throw new Error('no RUNNING job');
  const details = await rest.job(job.jid);
  return { jid: job.jid, parallelism: Math.max(...details.vertices.map((v) => v.parallelism)) };
}

async function restarts(jid: string): Promise<number> {
  return Number((await rest.jobMetrics(jid, ['numRestarts'])).find((m) => m.id === 'numRestarts')?.value ?? 0);
}

function windowStart(ms: number): number {
  return Math.floor(ms / WINDOW_MS) * WINDOW_MS;
}

/** Polls the audit until the window starting at `start` has a verdict; returns when (epoch ms). */
async function awaitWindowAudited(start: number, timeoutMs = 4 * minute): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const summary = await auditStack(record, { fromMs: start, toMs: start + 1 }).catch((error: unknown) => {
      if (error instanceof TypeError) throw error; // a code error, not a stack still starting
      lastError = error;
      return undefined;
    });
    if (summary && summary.windows.pending === 0 && summary.windows.exact + summary.windows.wrong + summary.windows.missing > 0) return Date.now();
    if (Date.now() > deadline) {
      // Whether the generator sent the window (events) and which results arrived (latency) tells the generator from the job.
      const seen = summary ? `windows ${JSON.stringify(summary.windows)}, events generated ${summary.events.generated}, latency ${JSON.stringify(summary.latencyMs)}` : 'no summary';
      throw new Error(`window ${new Date(start).toISOString()} was not audited within ${timeoutMs} ms (${seen}; last error: ${String(lastError)})`, { cause: lastError });
    }
    await sleep(1_000);
  }
}

/** After a play: waits until a window that starts after it is audited, then checks the run so far. */
async function settleAndAudit(label: string): Promise<UpReport> {
  const later = windowStart(Date.now()) + WINDOW_MS;
  await awaitWindowAudited(later);
  const upTo = await auditStack(record, { toMs: later + 1 });
  expect(upTo.windows.pending, `${label}: windows up to ${new Date(later).toISOString()} still pending`).toBe(0);
  const result = await runCli(['audit', '--json', '--home', home]);
  const report = JSON.parse(result.stdout) as UpReport;
  expect(report.windows.wrong, `${label}: wrong windows ${JSON.stringify(report.nonExact, null, 1)}`).toBe(0);
  expect(report.windows.missing, `${label}: missing windows ${JSON.stringify(report.nonExact, null, 1)}`).toBe(0);
  expect(result.code).toBe(0);
  return report;
}

function snapshotLocation(name: string): string | undefined {
  const app = new ApplicationStore(applicationsDir(dirs)).get(record.applicationName);
  return app?.snapshots.find((s) => s.name === name)?.location;
}

function normalize(location: string | undefined): string {
  return (location ?? '').replace(/^file:(\/\/)?/, '').replace(/\/+$/, '');
}

async function restoredFrom(jid: string): Promise<string> {
  return normalize((await rest.checkpoints(jid)).latest.restored?.external_path);
}

beforeAll(() => homes.guard(startStack), 12 * minute);

async function startStack(): Promise<void> {
  const ports = { flink: await freePort(), kafka: await freePort(), dynamodb: await freePort(), controlPlane: await freePort() };
  const started = Date.now();
  // prettier-ignore
  const up = await runCli(
    ['up', '--detach', '--home', home, '--flink-port', String(ports.flink), '--kafka-port', String(ports.kafka),
      '--dynamodb-port', String(ports.dynamodb), '--control-plane-port', String(ports.controlPlane)],
    { timeoutMs: 10 * minute },
  );
  expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
  durations.up = Date.now() - started;
  const found = readStackRecord(dirs);
  if (!found) throw new Error('no stack record after up');
  record = found;
  rest = new FlinkRestClient(record.endpoints.flinkRestUrl, 10_000);
  // the pipeline produces before the plays begin
  await awaitWindowAudited(windowStart(Date.now()) + WINDOW_MS);
}

afterAll(async () => {
  // Whatever happened, leave no process behind.
  await runCli(['down', '--home', home], { timeoutMs: 3 * minute });
  homes.release();
  const lines = Object.entries(durations).map(([name, ms]) => `  ${name.padEnd(36)} ${(ms / 1000).toFixed(1)} s`);
  console.log(`play durations (local stack, Kafka, ${os.cpus().length} cores):\n${lines.join('\n')}`);
}, 4 * minute);

describe('the plays on the local stack', () => {
  it('status lists the application RUNNING and its Flink job, like flink list', async () => {
    const result = await play(['status', '--json']);
    const view = JSON.parse(result.stdout) as { status: string; kpus: number; flinkJobs: { state: string }[] };
    expect(view.status).toBe('RUNNING');
    expect(view.kpus).toBe(1);
    expect(view.flinkJobs.filter((j) => j.state === 'RUNNING')).toHaveLength(1);
  });

  it('fail --kill-taskmanager: the job recovers from its last checkpoint on a new TaskManager and catches up', async () => {
    const { jid } = await runningJob();
    const before = await restarts(jid);
    const killedAt = Date.now();

    const result = await play(['fail', '--kill-taskmanager', '--down-for', '10']);

    expect(result.stdout).toMatch(/killed taskmanager-\d+/);
    expect(result.stdout).toMatch(/recovered in/);
    expect((await rest.taskManagers()).length).toBe(1);
    expect((await runningJob()).jid).toBe(jid);
    expect(await restarts(jid)).toBeGreaterThan(before);
    expect((await rest.checkpoints(jid)).latest.restored).not.toBeNull();
    durations['fail --kill-taskmanager (command)'] = result.ms;
    durations['kill → output resuming'] = (await awaitWindowAudited(windowStart(killedAt))) - killedAt;
    // the first window generated wholly after the recovery is audited only once the backlog is consumed
    durations['kill → backlog caught up'] = (await awaitWindowAudited(windowStart(Date.now()) + WINDOW_MS)) - killedAt;
    await settleAndAudit('fail --kill-taskmanager');
  }, 8 * minute);

  it('fail: the control record restarts the job exactly once, with no restart loop', async () => {
    const { jid } = await runningJob();
    const before = await restarts(jid);

    const result = await play(['fail']);

    expect(result.stdout).toMatch(/wrote control record/);
    expect(await restarts(jid)).toBe(before + 1);
    durations['fail (control record → recovered)'] = result.ms;
    await settleAndAudit('fail');
    expect(await restarts(jid)).toBe(before + 1);
  }, 8 * minute);

  it('a generator stalled for 20 s (a busy machine, a laptop asleep) catches up in window order: no window wrong', async () => {
    const generator = record.processes.find((p) => p.name === 'generator');
    if (!generator) throw new Error('no generator process in the stack record');
    // Stalled across a schedule tick: on resume, the window in flight and the one that came due both
    // have past slices to send. Sent side by side they reached the job out of order and the
    // watermark dropped the older window's last clicks as late.
    process.kill(generator.pid, 'SIGSTOP');
    try {
      await sleep(20_000);
    } finally {
      process.kill(generator.pid, 'SIGCONT');
    }
    await settleAndAudit('generator stall');
  }, 8 * minute);

  it('stop, wait, start --restore latest: the job resumes from the stop snapshot', async () => {
    const stop = await play(['stop']);
    const snapshot = /snapshot (\S+) \(start/.exec(stop.stdout)?.[1];
    expect(snapshot, stop.stdout).toBeDefined();
    expect(JSON.parse((await play(['status', '--json'])).stdout).status).toBe('READY');
    expect((await rest.jobs()).filter((j) => j.state === 'RUNNING')).toHaveLength(0);
    durations.stop = stop.ms;
    // stay down into the next window, so the restarted job has a backlog
    await sleep(windowStart(Date.now()) + WINDOW_MS - Date.now());

    const start = await play(['start', '--restore', 'latest']);

    durations['start --restore latest'] = start.ms;
    const { jid } = await runningJob();
    expect(await restoredFrom(jid)).toBe(normalize(snapshotLocation(snapshot as string)));
    await settleAndAudit('stop/start');
  }, 8 * minute);

  it('scale 3 --per-kpu 2 runs on 2 TaskManagers, and scale 1 --per-kpu 1 on one', async () => {
    const up = await play(['scale', '3', '--per-kpu', '2'], 10 * minute);
    durations['scale 1 → 3 (2 TaskManagers)'] = up.ms;
    expect((await rest.taskManagers()).length).toBe(2);
    expect((await runningJob()).parallelism).toBe(3);
    await awaitWindowAudited(windowStart(Date.now()) + WINDOW_MS);

    const down = await play(['scale', '1', '--per-kpu', '1'], 10 * minute);
    durations['scale 3 → 1 (1 TaskManager)'] = down.ms;
    expect((await rest.taskManagers()).length).toBe(1);
    expect((await runningJob()).parallelism).toBe(1);
    await settleAndAudit('scale 1');
  }, 12 * minute);

  it('snapshot create NAME, then restore NAME starts the job from that snapshot', async () => {
    const created = await play(['snapshot', 'create', 'plays-snapshot']);
    durations['snapshot create'] = created.ms;
    const list = JSON.parse((await play(['snapshot', 'list', '--json'])).stdout) as { name: string; status: string }[];
    expect(list).toContainEqual(expect.objectContaining({ name: 'plays-snapshot', status: 'READY' }));

    const restored = await play(['restore', 'plays-snapshot']);

    durations['restore (stop + start from snapshot)'] = restored.ms;
    const { jid } = await runningJob();
    expect(await restoredFrom(jid)).toBe(normalize(snapshotLocation('plays-snapshot')));
    const report = await settleAndAudit('snapshot/restore');
    console.log(`final audit: ${JSON.stringify({ windows: report.windows, duplicates: report.duplicates, latencyMs: report.latencyMs })}`);
    expect(report.windows.exact).toBeGreaterThan(10);
  }, 8 * minute);

  it('metrics reports MSF names from the Flink REST API', async () => {
    const result = await play(['metrics', '--json', 'uptime', 'fullRestarts', 'lastCheckpointSize', 'KPUs']);
    const { metrics } = JSON.parse(result.stdout) as { metrics: Record<string, number | null> };
    expect(metrics.uptime).toBeGreaterThan(0);
    expect(metrics.KPUs).toBe(1);
    expect(metrics.lastCheckpointSize).toBeGreaterThan(0);
  });
});
