import { DescribeApplicationCommand, KinesisAnalyticsV2Client, ListApplicationSnapshotsCommand, StopApplicationCommand } from '@aws-sdk/client-kinesis-analytics-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { metrics } from '../../cli/commands/metrics';
import { status } from '../../cli/commands/status';
import { stop } from '../../cli/commands/stop';
import type { PlayTarget } from '../../cli/target';
import { applicationsDir } from '../../local/control-plane/store';
import { playgroundDirs, type PlaygroundDirs } from '../../local/paths';
import type { StackRecord } from '../../local/stack-state';
import { APP, awsTarget, detail, fakeClock, recordingIo, snap } from './support';

const msf = mockClient(KinesisAnalyticsV2Client);
const meta = { $metadata: {} };
const JID = '6185768abf5a023d1c49c59bb0f408a8';
const SOURCE = 'cbc357ccb763df2852fee8c4fc7d55f2';
const SINK = '90bea66de1c231edf33913ecd54406c1';

/** What the stub Flink REST API answers: a job RUNNING whose TaskManager died (tasks CREATED), or a healthy one. */
let flinkState: 'degraded' | 'healthy' = 'degraded';

function flinkAnswer(route: string): unknown {
  const now = Date.now();
  const degraded = flinkState === 'degraded';
  const tasks = (n: number) => (degraded ? { CREATED: n, RUNNING: 0 } : { CREATED: 0, RUNNING: n });
  if (route === '/v1/taskmanagers') return { taskmanagers: degraded ? [] : [{ id: 'taskmanager-1', timeSinceLastHeartbeat: now - 1_000, slotsNumber: 1, freeSlots: 0 }] };
  if (route === '/v1/overview') return { taskmanagers: degraded ? 0 : 1, 'slots-total': degraded ? 0 : 1, 'slots-available': 0, 'jobs-running': 1, 'flink-version': '2.2.0' };
  if (route === '/v1/jobs/overview') return { jobs: [{ jid: JID, name: 'Click Event Count', state: 'RUNNING', 'start-time': now - 600_000, 'end-time': -1, duration: 600_000 }] };
  if (route === `/v1/jobs/${JID}`) {
    return {
      jid: JID,
      name: 'Click Event Count',
      state: 'RUNNING',
      'start-time': now - 600_000,
      'end-time': -1,
      timestamps: { RUNNING: now - 500_000 },
      vertices: [
        { id: SOURCE, name: 'Source: ClickEvent Source', parallelism: 1, status: degraded ? 'CREATED' : 'RUNNING', tasks: tasks(1) },
        { id: SINK, name: 'ClickEvent Counter -> Sink', parallelism: 2, status: degraded ? 'CREATED' : 'RUNNING', tasks: tasks(2) },
      ],
    };
  }
  if (route === `/v1/jobs/${JID}/checkpoints/config`) return { mode: 'exactly_once', interval: 10_000, min_pause: 1_000 };
  if (route === `/v1/jobs/${JID}/checkpoints`) {
    const ack = degraded ? now - 306_000 : now - 3_000;
    return {
      counts: { restored: 1, total: 91, in_progress: 0, completed: 91, failed: 0 },
      latest: { completed: { id: 91, status: 'COMPLETED', is_savepoint: false, trigger_timestamp: ack - 40, latest_ack_timestamp: ack, end_to_end_duration: 40, checkpointed_size: 37_427 }, savepoint: null, failed: null, restored: null },
      history: [],
    };
  }
  if (route.startsWith(`/v1/jobs/${JID}/exceptions`)) return { exceptionHistory: { entries: [], truncated: false } };
  if (route.startsWith(`/v1/jobs/${JID}/metrics`)) {
    const names = new URL(`http://x${route}`).searchParams.get('get')?.split(',') ?? [];
    const values: Record<string, string> = { numRestarts: '1', uptime: '211241', downtime: '0', lastCheckpointSize: '37427' };
    return names.filter((n) => n in values).map((id) => ({ id, value: values[id] }));
  }
  if (route === `/v1/jobs/${JID}/vertices/${SINK}/metrics`) return [{ id: '0.ClickEventStatistics_Sink__Writer.numRecordsInPerSecond' }, { id: '0.ClickEvent_Counter.numLateRecordsDropped' }];
  // the metric store keeps the dead TaskManager's last meters: 400/s in, 0.4/s out
  if (route === `/v1/jobs/${JID}/vertices/${SOURCE}/metrics`) return [{ id: '0.numRecordsOutPerSecond' }, { id: '0.Source__ClickEvent_Source.numRecordsOutPerSecond' }];
  // the source task's own rate is what its chain sends on (the pre-aggregator's partial counts); the source operator's is the clicks read
  if (route.startsWith(`/v1/jobs/${JID}/vertices/${SOURCE}/subtasks/metrics`)) {
    const names = new URL(`http://x${route}`).searchParams.get('get')?.split(',') ?? [];
    const values: Record<string, number> = { numRecordsOutPerSecond: 30, 'Source__ClickEvent_Source.numRecordsOutPerSecond': 400 };
    return names.filter((n) => n in values).map((id) => ({ id, sum: values[id] }));
  }
  if (route.startsWith(`/v1/jobs/${JID}/vertices/${SINK}/subtasks/metrics`)) {
    return [
      { id: 'ClickEventStatistics_Sink__Writer.numRecordsInPerSecond', sum: 0.4 },
      { id: 'ClickEvent_Counter.numLateRecordsDropped', sum: 0 },
    ];
  }
  if (route.startsWith('/v1/taskmanagers/')) return [];
  return undefined;
}

let server: Server;
let flinkUrl: string;
let home: string;
let dirs: PlaygroundDirs;
let localTarget: PlayTarget;

beforeAll(async () => {
  server = createServer((req, res) => {
    const body = flinkAnswer(req.url ?? '');
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { errors: ['Not found'] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  flinkUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  home = mkdtempSync(path.join(tmpdir(), 'pg-health-'));
  dirs = playgroundDirs(home);
  const record = {
    pid: process.pid,
    startedAt: new Date(Date.now() - 3_600_000).toISOString(),
    status: 'running',
    region: 'us-east-1',
    applicationName: APP,
    endpoints: { flinkRestUrl: flinkUrl, controlPlane: 'http://127.0.0.1:9', supervisor: 'http://127.0.0.1:9', dynamodb: 'http://127.0.0.1:9' },
    logsDir: dirs.logs,
  } as unknown as StackRecord;
  localTarget = { ...awsTarget, kind: 'local', msf: { region: 'us-east-1', endpoint: 'http://127.0.0.1:9' }, local: { dirs, record } };
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(home, { recursive: true, force: true });
});

afterEach(() => {
  msf.reset();
  flinkState = 'degraded';
  rmSync(dirs.state, { recursive: true, force: true });
});

describe('status with the local health', () => {
  it('does not claim RUNNING without qualification when the TaskManager is gone, and lists each problem', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('RUNNING') });
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [] });
    const io = recordingIo();

    const code = await status({ target: localTarget, json: false }, io);

    expect(code).toBe(0); // a report, even when degraded
    expect(io.text()).toContain(`${APP} : RUNNING (degraded: no TaskManager, 3 of 3 tasks CREATED, +1 more) (version 3)`);
    const health = io.lines.indexOf('  health DEGRADED');
    expect(health).toBeGreaterThan(0);
    expect(io.lines[health + 1]).toMatch(/^ {4}- no TaskManager is registered/);
    expect(io.lines[health + 2]).toContain('3 of 3 tasks are not running (CREATED 3)');
    expect(io.lines[health + 3]).toMatch(/no checkpoint completed for 30[67] s \(more than 3 × the 10 s interval; last #91/);
  });

  it('puts the health into --json', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('RUNNING') });
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [] });
    const io = recordingIo();

    expect(await status({ target: localTarget, json: true }, io)).toBe(0);
    const view = JSON.parse(io.lines.join('\n')) as { status: string; health: { healthy: boolean; problems: { kind: string }[]; taskManagers: number; rates: unknown } };
    expect(view.status).toBe('RUNNING');
    expect(view.health.healthy).toBe(false);
    expect(view.health.problems.map((p) => p.kind)).toEqual(['no-taskmanager', 'tasks-not-running', 'checkpoints-stalled']);
    expect(view.health.taskManagers).toBe(0);
    expect(view.health.rates).toEqual({ current: false, reason: 'no TaskManager is registered' });
  });

  it('says health OK for a job whose tasks all run', async () => {
    flinkState = 'healthy';
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('RUNNING') });
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [] });
    const io = recordingIo();

    expect(await status({ target: localTarget, json: false }, io)).toBe(0);
    expect(io.text()).toContain(`${APP} : RUNNING (version 3)`);
    expect(io.lines).toContain('  health OK (job RUNNING, 3 of 3 tasks running on 1 TaskManager(s), 0 restarts in the last minute)');
  });
});

describe('metrics with the local health', () => {
  it('prints the problems above the values and no stale per-second rate', async () => {
    const io = recordingIo();

    expect(await metrics({ target: localTarget, names: [], json: false }, io)).toBe(0);
    const text = io.text();
    expect(io.lines[1]).toBe('  health DEGRADED');
    expect(io.lines[2]).toMatch(/^ {4}- no TaskManager is registered/);
    expect(text).toMatch(/numRecordsInPerSecond +– \(not shown: no TaskManager is registered\)/);
    expect(text).toMatch(/numRecordsOutPerSecond +– \(not shown: no TaskManager is registered\)/);
    expect(text).not.toContain('400 records/s');
    expect(text).toMatch(/numRestarts +1/);
  });

  it('shows the meters when every task runs, and the health in --json', async () => {
    flinkState = 'healthy';
    const io = recordingIo();

    expect(await metrics({ target: localTarget, names: ['numRecordsInPerSecond', 'numRecordsOutPerSecond'], json: true }, io)).toBe(0);
    const out = JSON.parse(io.lines.join('\n')) as { metrics: Record<string, number | null>; health: { healthy: boolean } };
    expect(out.metrics).toEqual({ numRecordsInPerSecond: 400, numRecordsOutPerSecond: 0.4 });
    expect(out.health.healthy).toBe(true);
  });
});

describe('stop that cannot take its snapshot', () => {
  it('fails within one poll when the application goes STOPPING → RUNNING, naming --force (AWS)', async () => {
    msf
      .on(DescribeApplicationCommand)
      .resolvesOnce({ ApplicationDetail: detail('RUNNING') })
      .resolvesOnce({ ApplicationDetail: detail('STOPPING') })
      .resolves({ ApplicationDetail: detail('RUNNING') });
    msf
      .on(ListApplicationSnapshotsCommand)
      .resolvesOnce({ SnapshotSummaries: [] })
      .resolves({ SnapshotSummaries: [snap('click-count-stop-1', '2026-11-22T21:30:00Z', 'FAILED')] });
    msf.on(StopApplicationCommand).resolves(meta);
    const io = recordingIo();
    const clock = fakeClock();

    const code = await stop({ target: awsTarget, force: false, wait: { clock, intervalMs: 2_000 } }, io);

    expect(code).toBe(1);
    expect(clock.slept).toBe(2_000);
    expect(io.lines).toContain(`[  2.0 s] ${APP} RUNNING`);
    expect(io.errors).toEqual([
      `error: ${APP} went back to RUNNING: its snapshot click-count-stop-1 failed, so it was not stopped; see why with 'playground status' and the application's logs, or stop it without a snapshot with: playground stop --force`,
    ]);
  });

  it('prints the local control plane\'s failure at once, even when STOPPING was never seen', async () => {
    const clock = fakeClock();
    mkdirSync(applicationsDir(dirs), { recursive: true });
    writeFileSync(
      path.join(applicationsDir(dirs), `${APP}.json`),
      JSON.stringify({
        name: APP,
        status: 'RUNNING',
        lastFailure: {
          at: clock.now() + 150,
          message: "StopApplication's snapshot failed: the job cannot take a snapshot: 3 of 3 tasks are not running (CREATED) and no TaskManager is registered; stop without one with: playground stop --force",
        },
      }),
    );
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: detail('RUNNING') });
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [] });
    msf.on(StopApplicationCommand).resolves(meta);
    const io = recordingIo();

    const code = await stop({ target: localTarget, force: false, wait: { clock } }, io);

    expect(code).toBe(1);
    expect(clock.slept).toBe(0);
    expect(io.errors).toEqual([
      `error: ${APP} could not take its snapshot and is RUNNING again: the job cannot take a snapshot: 3 of 3 tasks are not running (CREATED) and no TaskManager is registered; stop without one with: playground stop --force`,
    ]);
  });

  it('ignores an older failure and an application still RUNNING before it moves to STOPPING', async () => {
    const clock = fakeClock();
    mkdirSync(applicationsDir(dirs), { recursive: true });
    writeFileSync(path.join(applicationsDir(dirs), `${APP}.json`), JSON.stringify({ name: APP, status: 'RUNNING', lastFailure: { at: clock.now() - 600_000, message: 'an old failure' } }));
    msf
      .on(DescribeApplicationCommand)
      .resolvesOnce({ ApplicationDetail: detail('RUNNING') })
      .resolvesOnce({ ApplicationDetail: detail('RUNNING') })
      .resolvesOnce({ ApplicationDetail: detail('STOPPING') })
      .resolves({ ApplicationDetail: detail('READY') });
    msf
      .on(ListApplicationSnapshotsCommand)
      .resolvesOnce({ SnapshotSummaries: [] })
      .resolves({ SnapshotSummaries: [snap('click-count-stop-2', '2026-11-22T21:30:04Z')] });
    msf.on(StopApplicationCommand).resolves(meta);
    const io = recordingIo();

    const code = await stop({ target: localTarget, force: false, wait: { clock } }, io);

    expect(code).toBe(0);
    expect(io.text()).toContain('snapshot click-count-stop-2');
    expect(io.errors).toEqual([]);
  });
});
