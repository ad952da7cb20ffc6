import { describe, expect, it } from 'vitest';
import type { StackEvent } from '../../local/events';
import { countTasks, type ExceptionHistoryEntry, type JobVertex } from '../../local/flink/rest';
import {
  degradedQualifier,
  exceptionLine,
  judgeHealth,
  RateWindow,
  ratesGate,
  type HealthInput,
  type HealthProblemKind,
  type ThroughputSample,
} from '../../local/health';

const NOW = Date.parse('2026-11-22T21:30:00.000Z');
const WEB = 'http://localhost:8081';
const LOGS = '/tmp/pg/logs';
const JID = '6185768abf5a023d1c49c59bb0f408a8';

function vertex(name: string, parallelism: number, tasks: Record<string, number>): JobVertex {
  const states = Object.keys(tasks).filter((s) => (tasks[s] ?? 0) > 0);
  return { id: `v-${name}`, name, parallelism, status: states.length === 1 ? (states[0] as string) : 'RUNNING', tasks };
}

const runningVertices = [vertex('Source', 1, { RUNNING: 1 }), vertex('Counter -> Sink', 2, { RUNNING: 2 })];

/** A healthy input: a RUNNING job with every task RUNNING, a fresh TaskManager, a checkpoint 4 s ago. */
function input(overrides: Partial<HealthInput> = {}): HealthInput {
  return {
    nowMs: NOW,
    webUi: WEB,
    logsDir: LOGS,
    expectJob: true,
    taskManagers: [{ id: 'taskmanager-1', timeSinceLastHeartbeat: NOW - 1_500 }],
    job: {
      jid: JID,
      name: 'Click Event Count',
      state: 'RUNNING',
      'start-time': NOW - 600_000,
      vertices: runningVertices,
      timestamps: { RUNNING: NOW - 590_000 },
    },
    checkpointIntervalMs: 10_000,
    checkpoints: {
      latest: {
        completed: { id: 91, status: 'COMPLETED', is_savepoint: false, trigger_timestamp: NOW - 4_100, latest_ack_timestamp: NOW - 4_000, end_to_end_duration: 100 },
        failed: null,
      },
    },
    exceptions: { entries: [], truncated: false },
    restartsTotal: 0,
    events: [],
    ...overrides,
  };
}

function failure(ageMs: number, root = 'InjectedFailureException: boom'): ExceptionHistoryEntry {
  return {
    exceptionName: 'java.io.IOException',
    stacktrace: `java.io.IOException: Failed to deserialize consumer record due to\n\tat a.b(C.java:1)\nCaused by: x.Y: Could not forward element\n\tat d.e(F.java:2)\nCaused by: ${root}\n\tat g.h(I.java:3)`,
    timestamp: NOW - ageMs,
  };
}

function event(kind: StackEvent['kind'], process: string, ageMs: number, message = `${process} ${kind}`): StackEvent {
  return { at: new Date(NOW - ageMs).toISOString(), kind, process, message };
}

function kinds(health: ReturnType<typeof judgeHealth>): HealthProblemKind[] {
  return health.problems.map((p) => p.kind);
}

describe('judgeHealth', () => {
  it('calls a RUNNING job with every task running, a live TaskManager and fresh checkpoints healthy', () => {
    const health = judgeHealth(input());

    expect(health.healthy).toBe(true);
    expect(health.problems).toEqual([]);
    expect(health.job).toEqual({ id: JID, name: 'Click Event Count', state: 'RUNNING', tasks: { total: 3, running: 3, notRunning: {} } });
    expect(health.rates).toEqual({ current: true });
    expect(health.checkpoints).toEqual({ intervalMs: 10_000, lastCompletedId: 91, lastCompletedAgeMs: 4_000 });
  });

  it('names a missing TaskManager and the tasks left CREATED, and closes the rates (the user-reported fault)', () => {
    const health = judgeHealth(
      input({
        taskManagers: [],
        job: { ...input().job!, vertices: [vertex('Source', 1, { CREATED: 1 }), vertex('Counter -> Sink', 2, { CREATED: 2 })] },
      }),
    );

    expect(health.healthy).toBe(false);
    expect(kinds(health)).toEqual(['no-taskmanager', 'tasks-not-running']);
    expect(health.problems[0]?.message).toMatch(/^no TaskManager is registered .*see \/tmp\/pg\/logs\/taskmanager-\*\.log/);
    expect(health.problems[1]?.message).toContain('the job is RUNNING but 3 of 3 tasks are not running (CREATED 3), waiting for task slots');
    expect(health.problems[1]?.message).toContain(`${WEB}/#/job/running/${JID}/overview`);
    expect(health.rates).toEqual({ current: false, reason: 'no TaskManager is registered' });
    expect(degradedQualifier(health)).toBe('degraded: no TaskManager, 3 of 3 tasks CREATED');
  });

  it('counts the tasks that are not running by state', () => {
    const health = judgeHealth(input({ job: { ...input().job!, vertices: [vertex('Source', 1, { RUNNING: 1 }), vertex('Sink', 2, { DEPLOYING: 1, INITIALIZING: 1 })] } }));

    expect(kinds(health)).toEqual(['tasks-not-running']);
    expect(health.problems[0]?.message).toContain('2 of 3 tasks are not running (DEPLOYING 1, INITIALIZING 1);');
    expect(health.rates.reason).toBe('2 of 3 tasks are not running');
  });

  it('says when the job is not RUNNING, for how long, and where its exceptions are', () => {
    const health = judgeHealth(input({ job: { ...input().job!, state: 'RESTARTING', timestamps: { RUNNING: NOW - 60_000, RESTARTING: NOW - 12_000 } } }));

    expect(kinds(health)).toEqual(['job-not-running']);
    expect(health.problems[0]?.message).toBe(
      `the Flink job is RESTARTING (for 12 s) and processes nothing; see ${WEB}/#/job/running/${JID}/exceptions and ${LOGS}/jobmanager.log`,
    );
    expect(health.problems[0]?.summary).toBe('job RESTARTING');
    expect(health.rates).toEqual({ current: false, reason: 'the job is RESTARTING' });
  });

  it('reports a missing job only when the application should run one', () => {
    expect(kinds(judgeHealth(input({ job: undefined })))).toEqual(['no-job']);
    const idle = judgeHealth(input({ job: undefined, expectJob: false, taskManagers: [] }));
    expect(idle.healthy).toBe(true);
    expect(idle.rates).toEqual({ current: false, reason: 'no job runs' });
  });

  it('flags a TaskManager whose heartbeats stopped (frozen process)', () => {
    const health = judgeHealth(input({ taskManagers: [{ id: 'taskmanager-2', timeSinceLastHeartbeat: NOW - 8_000 }] }));

    expect(kinds(health)).toEqual(['taskmanager-silent']);
    expect(health.problems[0]?.message).toContain('taskmanager-2 has sent no heartbeat for 8 s');
    expect(health.problems[0]?.message).toContain(`${LOGS}/taskmanager-2.log`);
    expect(health.rates.current).toBe(false);
  });

  it('flags checkpointing stalled for more than 3 intervals, counted from the last checkpoint or the last RUNNING', () => {
    const stale = (ackAgoMs: number, runningAgoMs = 590_000): HealthInput =>
      input({
        job: { ...input().job!, timestamps: { RUNNING: NOW - runningAgoMs } },
        checkpoints: {
          latest: {
            completed: { id: 91, status: 'COMPLETED', is_savepoint: false, trigger_timestamp: NOW - ackAgoMs - 50, latest_ack_timestamp: NOW - ackAgoMs, end_to_end_duration: 50 },
            failed: null,
          },
        },
      });

    const health = judgeHealth(stale(306_000));
    expect(kinds(health)).toEqual(['checkpoints-stalled']);
    expect(health.problems[0]?.message).toBe(
      `no checkpoint completed for 306 s (more than 3 × the 10 s interval; last #91 306 s ago); see ${WEB}/#/job/running/${JID}/checkpoints`,
    );
    expect(judgeHealth(stale(29_000)).healthy).toBe(true);
    // the job became RUNNING again 20 s ago: it has had no chance to checkpoint yet
    expect(judgeHealth(stale(306_000, 20_000)).healthy).toBe(true);
    // checkpointing off: no checkpoint is expected
    expect(judgeHealth({ ...stale(306_000), checkpointIntervalMs: null }).healthy).toBe(true);
  });

  it('detects a restart loop: at least 3 failures in the last minute, with the count and the latest exception', () => {
    const loop = judgeHealth(input({ exceptions: { entries: [failure(5_000, 'InjectedFailureException: third'), failure(25_000), failure(50_000)], truncated: false }, restartsTotal: 38 }));

    expect(kinds(loop)).toEqual(['restart-loop']);
    expect(loop.restartsLastMinute).toBe(3);
    expect(loop.problems[0]?.message).toBe(
      `restart loop: the job failed 3 times in the last minute (38 restarts in all); latest: java.io.IOException: Failed to deserialize consumer record due to (root cause: InjectedFailureException: third); see ${WEB}/#/job/running/${JID}/exceptions`,
    );
    expect(loop.latestException).toEqual({ at: new Date(NOW - 5_000).toISOString(), message: expect.stringContaining('root cause: InjectedFailureException: third') });

    const two = judgeHealth(input({ exceptions: { entries: [failure(5_000), failure(25_000), failure(61_000)], truncated: false } }));
    expect(two.healthy).toBe(true);
    expect(two.restartsLastMinute).toBe(2);
  });

  it('marks the restart count as a lower bound when Flink truncated the history', () => {
    const entries = Array.from({ length: 16 }, (_, i) => failure(1_000 + i * 3_000));
    const health = judgeHealth(input({ exceptions: { entries, truncated: true } }));

    expect(health.problems[0]?.message).toContain('failed 16+ times in the last minute');
  });

  it('reports a lost process whatever its age, and one that exited in the last minute and is not running again', () => {
    const health = judgeHealth(
      input({
        events: [
          event('exited', 'auditor', 120_000),
          event('restarted', 'auditor', 110_000),
          event('lost', 'kinesis-mock', 600_000, 'kinesis-mock is not restarted: its streams were in memory'),
          event('exited', 'generator', 14_000, 'generator (pid 1243) ended by itself (SIGKILL)'),
          event('killed', 'taskmanager-3', 5_000),
        ],
      }),
    );

    expect(kinds(health)).toEqual(['process-event', 'process-event']);
    expect(health.problems.map((p) => p.message)).toEqual([
      `600 s ago: kinesis-mock is not restarted: its streams were in memory; see ${LOGS}/kinesis-mock.log`,
      `14 s ago: generator (pid 1243) ended by itself (SIGKILL); see ${LOGS}/generator.log`,
    ]);
    expect(health.recentEvents.map((e) => e.kind)).toEqual(['lost', 'exited', 'killed']);
  });

  it('calls a job healthy again as soon as the processes that died run again', () => {
    const health = judgeHealth(
      input({
        events: [
          event('exited', 'generator', 20_000),
          event('restarted', 'generator', 19_000),
          // a TaskManager's replacement has a name of its own: Flink's TaskManager count decides
          event('exited', 'taskmanager-1', 12_000),
          event('restarted', 'taskmanager-2', 5_000),
        ],
      }),
    );

    expect(health.healthy).toBe(true);
    expect(health.recentEvents.map((e) => e.kind)).toEqual(['restarted', 'exited', 'restarted']);
  });

  it('drops a lost process once it was restarted, and restarts older than a minute', () => {
    const health = judgeHealth(input({ events: [event('lost', 'generator', 300_000), event('restarted', 'generator', 90_000)] }));

    expect(health.healthy).toBe(true);
  });

  it('says where to look when Flink does not answer', () => {
    const health = judgeHealth(input({ flinkError: 'Flink REST GET /taskmanagers failed: fetch failed', taskManagers: [], job: undefined }));

    expect(kinds(health)).toEqual(['flink-unreachable']);
    expect(health.problems[0]?.message).toBe(`the Flink REST API at ${WEB} does not answer (Flink REST GET /taskmanagers failed: fetch failed); see ${LOGS}/jobmanager.log`);
    expect(ratesGate(input({ flinkError: 'x' }))).toBe('the Flink REST API does not answer');
  });

  it('qualifies the application line with the first problems', () => {
    const health = judgeHealth(input({ taskManagers: [], job: { ...input().job!, state: 'RESTARTING' }, events: [event('exited', 'auditor', 3_000)] }));

    expect(degradedQualifier(health)).toBe('degraded: no TaskManager, job RESTARTING, +1 more');
  });
});

describe('exceptionLine and countTasks', () => {
  it('shows the first line and the root cause of a failure', () => {
    expect(exceptionLine(failure(0))).toBe('java.io.IOException: Failed to deserialize consumer record due to (root cause: InjectedFailureException: boom)');
    expect(exceptionLine({ exceptionName: 'java.lang.RuntimeException', stacktrace: 'java.lang.RuntimeException: once\n\tat x' })).toBe('java.lang.RuntimeException: once');
  });

  it('counts tasks by state, from the status when Flink gives no task counts', () => {
    expect(countTasks([vertex('a', 2, { RUNNING: 1, CREATED: 1 }), { id: 'b', name: 'b', parallelism: 3, status: 'SCHEDULED' }])).toEqual({
      total: 5,
      running: 1,
      notRunning: { CREATED: 1, SCHEDULED: 3 },
    });
  });
});

describe('RateWindow (the live view rate rule)', () => {
  /** Counters as the JobManager's metric store shows them: refreshed every 10 s, read every 2 s. */
  function metricStore(ratePerSecond: { in: number; out: number }, refreshMs = 10_000, startMs = NOW) {
    return (atMs: number, jobId = JID): ThroughputSample => {
      const refreshedAt = startMs + Math.floor((atMs - startMs) / refreshMs) * refreshMs;
      const seconds = (refreshedAt - startMs) / 1000;
      return { atMs, jobId, recordsIn: 10_000 + seconds * ratePerSecond.in, recordsOut: 10 + seconds * ratePerSecond.out };
    };
  }

  it('measures the rates from counter deltas, dated when the counters changed, not as 10 s bursts', () => {
    const store = metricStore({ in: 400, out: 0.4 }, 10_000, NOW - 3_000);
    const window = new RateWindow();
    const results = [];
    for (let t = NOW; t <= NOW + 40_000; t += 2_000) results.push(window.update(store(t)));

    expect(results[0]).toEqual({ reason: 'measuring' });
    const last = results.at(-1)!;
    expect(last.in).toBeGreaterThan(360);
    expect(last.in).toBeLessThan(440);
    expect(last.out).toBeCloseTo(0.4, 1);
    expect(last.spanMs).toBeLessThanOrEqual(30_000);
    // never a burst: every measured rate stays within 20 % of the true 400/s
    for (const r of results.filter((x) => x.in !== undefined)) expect(Math.abs((r.in as number) - 400)).toBeLessThan(80);
  });

  it('shows no rate while the gate is closed, and starts measuring again afterwards', () => {
    const store = metricStore({ in: 400, out: 0.4 });
    const window = new RateWindow();
    for (let t = NOW; t <= NOW + 30_000; t += 2_000) window.update(store(t));

    expect(window.update(store(NOW + 32_000), 'no TaskManager is registered')).toEqual({ reason: 'no TaskManager is registered' });
    expect(window.update(store(NOW + 34_000))).toEqual({ reason: 'measuring' });
  });

  it('falls to zero when the counters stop moving (a frozen TaskManager whose last values stay in the store)', () => {
    const store = metricStore({ in: 400, out: 0.4 });
    const window = new RateWindow();
    for (let t = NOW; t <= NOW + 30_000; t += 2_000) window.update(store(t));
    const frozen = store(NOW + 30_000);
    let rates = window.update({ ...frozen, atMs: NOW + 32_000 });
    for (let t = NOW + 34_000; t <= NOW + 80_000; t += 2_000) rates = window.update({ ...frozen, atMs: t });

    expect(rates.in).toBe(0);
    expect(rates.out).toBe(0);
  });

  it('starts over for a new job or restarted tasks (counters that went back)', () => {
    const store = metricStore({ in: 400, out: 0.4 });
    const window = new RateWindow();
    for (let t = NOW; t <= NOW + 30_000; t += 2_000) window.update(store(t));

    expect(window.update(store(NOW + 32_000, 'another-job'))).toEqual({ reason: 'measuring' });
    expect(window.update({ atMs: NOW + 34_000, jobId: 'another-job', recordsIn: 5, recordsOut: 0 })).toEqual({ reason: 'measuring' });
    expect(window.update(undefined)).toEqual({ reason: 'the throughput counters cannot be read' });
  });
});
