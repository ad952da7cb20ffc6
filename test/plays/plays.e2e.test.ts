import { existsSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpReport } from '../../cli/commands/up';
import { WINDOW_MS } from '../../lambdas/shared/windows';
import { applicationsDir, ApplicationStore } from '../../local/control-plane/store';
import type { FlinkRestClient } from '../../local/flink/rest';
import type { StackRecord } from '../../local/stack-state';
import { runCli } from '../support/cli';
import { TestHomes } from '../support/homes';
import { E2EStack, windowStart } from '../support/local-stack';

/**
 * The plays of the original Operations Playground, each one `playground` command on ONE local stack
 * (Kafka), each followed by the auditor's verdict: no window wrong, none missing, over the whole run.
 */
const homes = new TestHomes();
const stack = new E2EStack(homes.create('playground-plays-'));
const minute = 60_000;
const durations: Record<string, number> = {};
let record: StackRecord;
let rest: FlinkRestClient;

const play = (args: readonly string[], timeoutMs?: number): ReturnType<E2EStack['play']> => stack.play(args, timeoutMs);
const runningJob = (): ReturnType<E2EStack['runningJob']> => stack.runningJob();
const restarts = (jid: string): Promise<number> => stack.restarts(jid);
const awaitWindowAudited = (start: number): Promise<number> => stack.awaitWindowAudited(start);
const settleAndAudit = (label: string): Promise<UpReport> => stack.settleAndAudit(label);

function snapshotLocation(name: string): string | undefined {
  const app = new ApplicationStore(applicationsDir(stack.dirs)).get(record.applicationName);
  return app?.snapshots.find((s) => s.name === name)?.location;
}

function normalize(location: string | undefined): string {
  return (location ?? '').replace(/^file:(\/\/)?/, '').replace(/\/+$/, '');
}

async function restoredFrom(jid: string): Promise<string> {
  return normalize((await rest.checkpoints(jid)).latest.restored?.external_path);
}

beforeAll(() =>
  homes.guard(async () => {
    durations.up = await stack.start();
    record = stack.record;
    rest = stack.rest;
  }), 12 * minute);

afterAll(async () => {
  await stack.down();
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
    const generator = stack.record.processes.find((p) => p.name === 'generator');
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
    const { jid } = await runningJob();

    const result = await play(['metrics', '--json', 'runningTime', 'numRestarts', 'lastCheckpointSize', 'KPUs']);

    const { metrics } = JSON.parse(result.stdout) as { metrics: Record<string, number | null> };
    expect(Object.keys(metrics).sort()).toEqual(['KPUs', 'lastCheckpointSize', 'numRestarts', 'runningTime']);
    expect(metrics.runningTime).toBeGreaterThan(0);
    expect(metrics.KPUs).toBe(1);
    expect(metrics.lastCheckpointSize).toBeGreaterThan(0);
    // MSF's numRestarts is Flink's numRestarts of the running job: a count, not null
    expect(metrics.numRestarts).toSatisfy((value: unknown) => Number.isInteger(value) && (value as number) >= 0);
    expect(metrics.numRestarts).toBe(await restarts(jid));
  });

  it('output prints the results of the last minute, as a console consumer on the output topic, and marks complete windows exact', async () => {
    const result = await play(['output', '--since', '1m']);

    expect(result.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z {2}\/\w+ {2}\d+$/m);
    expect(result.stdout).toMatch(/^window \S+ exact \(6 pages × \d+\)$/m);
    expect(result.stdout).not.toMatch(/WRONG/);
    durations['output --since 1m'] = result.ms;
  });

  it('output --follow prints the results as they arrive and marks the next window exact; Ctrl-C ends it cleanly', async () => {
    const started = Date.now();
    const result = await runCli(['output', '--follow', '--home', stack.home], { interruptWhen: /^window \S+ exact \(6 pages × \d+\)$/m, timeoutMs: 2 * minute });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z {2}\/\w+ {2}\d+$/m);
    expect(result.stdout).not.toMatch(/WRONG/);
    durations['output --follow (to a marked window)'] = Date.now() - started;
  }, 3 * minute);

  it('logs jobmanager prints the end of the JobManager log, as docker-compose logs jobmanager', async () => {
    const result = await play(['logs', 'jobmanager', '--lines', '20']);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(5);
    expect(result.stdout).toMatch(/org\.apache\.flink\.runtime\./);
  });

  it('down --clean stops the stack and removes its data; the next up starts empty', async () => {
    const cleaned = await play(['down', '--clean'], 4 * minute);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(cleaned.stdout).toMatch(/^stopped; nothing of the playground is left running$/m);
    expect(cleaned.stdout).toMatch(/^removed from /m);
    for (const dir of [stack.dirs.data, stack.dirs.state, stack.dirs.logs]) expect(existsSync(dir), dir).toBe(false);

    const restartedAt = Date.now();
    await stack.start();
    const result = await play(['output', '--from-beginning', '--json']);
    const lines = result.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { type: string; windowStart?: string });
    expect(lines.filter((line) => line.type === 'malformed')).toEqual([]);
    const starts = lines.filter((line) => line.type === 'record').map((line) => Date.parse(line.windowStart ?? ''));
    expect(starts.length, 'the new stack has results').toBeGreaterThan(0);
    // nothing from before the clean: every window of the output topic is one the new stack generated
    expect(Math.min(...starts)).toBeGreaterThanOrEqual(windowStart(restartedAt));
  }, 12 * minute);
});

