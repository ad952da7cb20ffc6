import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClusterEngine } from '../../local/control-plane/flink-engine';
import type { FlinkCluster } from '../../local/flink/cluster';
import type { JobDetails, SavepointResult, TaskManagerInfo } from '../../local/flink/rest';
import { jobDetails } from './flink-job-fixture';

// the engine polls with node:timers/promises; here a sleep moves the (fake) clock instead of waiting
vi.mock('node:timers/promises', () => ({
  setTimeout: async (ms: number) => {
    vi.setSystemTime(Date.now() + ms);
  },
}));

const JID = 'f968b86eedd5efa99eb1310d73e197ea';

function job(state: JobDetails['state'], tasks: Record<string, number>[]): JobDetails {
  return jobDetails(JID, state, tasks);
}

/** A cluster whose REST answers come from the test: `jobs` in turn (the last one repeats). */
function cluster(options: { jobs: JobDetails[]; taskManagers?: number; savepoint?: (polls: number) => SavepointResult | undefined }) {
  let jobCalls = 0;
  let polls = 0;
  const rest = {
    job: vi.fn(async () => options.jobs[Math.min(jobCalls++, options.jobs.length - 1)] as JobDetails),
    taskManagers: vi.fn(async () => Array.from({ length: options.taskManagers ?? 1 }, (_, i) => ({ id: `taskmanager-${i + 1}` }) as TaskManagerInfo)),
    stopWithSavepoint: vi.fn(async () => 'trigger-1'),
    savepointStatus: vi.fn(async () => options.savepoint?.(++polls)),
  };
  const engine = new ClusterEngine({ cluster: { rest, savepointsDir: '/tmp/savepoints' } as unknown as FlinkCluster, jarPath: '/nope.jar', dataDir: '/tmp/data' });
  return { engine, rest };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.parse('2026-11-22T21:30:00Z'));
});

afterEach(() => {
  vi.useRealTimers();
});

describe('ClusterEngine.stopWithSavepoint', () => {
  it('refuses at once, without triggering, when tasks are not running, and names --force', async () => {
    const { engine, rest } = cluster({ jobs: [job('RUNNING', [{ CREATED: 1 }, { CREATED: 1, RUNNING: 1 }])], taskManagers: 0 });
    const started = Date.now();

    await expect(engine.stopWithSavepoint(JID)).rejects.toThrow(
      'the job cannot take a snapshot: 2 of 3 tasks are not running (CREATED) and no TaskManager is registered; stop without one with: playground stop --force',
    );
    expect(rest.stopWithSavepoint).not.toHaveBeenCalled();
    expect(Date.now() - started).toBe(0);
  });

  it('refuses a job that is not RUNNING', async () => {
    const { engine, rest } = cluster({ jobs: [job('RESTARTING', [{ CANCELED: 1 }])] });

    await expect(engine.stopWithSavepoint(JID)).rejects.toThrow('the job cannot take a snapshot: the job is RESTARTING; stop without one with: playground stop --force');
    expect(rest.stopWithSavepoint).not.toHaveBeenCalled();
  });

  it('gives up within seconds when the tasks stop running while the savepoint is taken', async () => {
    const running = job('RUNNING', [{ RUNNING: 1 }, { RUNNING: 1 }]);
    const stuck = job('RUNNING', [{ SCHEDULED: 1 }, { SCHEDULED: 1 }]);
    const { engine, rest } = cluster({ jobs: [running, running, stuck] });
    const started = Date.now();

    await expect(engine.stopWithSavepoint(JID)).rejects.toThrow(/^the snapshot cannot complete: 2 of 2 tasks are not running \(SCHEDULED\) \(for 12 s\); stop without one with: playground stop --force$/);
    expect(rest.stopWithSavepoint).toHaveBeenCalledOnce();
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(12_000);
    expect(elapsed).toBeLessThan(20_000);
  });

  it('waits through FINISHED tasks (the stop completing) and returns the savepoint', async () => {
    const running = job('RUNNING', [{ RUNNING: 2 }]);
    const finishing = job('RUNNING', [{ FINISHED: 1, RUNNING: 1 }]);
    const finished = job('FINISHED', [{ FINISHED: 2 }]);
    const { engine } = cluster({
      jobs: [running, running, finishing, finishing, finishing, finished],
      savepoint: (polls) => (polls >= 40 ? { status: 'COMPLETED', location: 'file:/tmp/savepoints/savepoint-1' } : undefined),
    });

    await expect(engine.stopWithSavepoint(JID)).resolves.toBe('file:/tmp/savepoints/savepoint-1');
  });

  it('reports a savepoint that Flink failed', async () => {
    const { engine } = cluster({ jobs: [job('RUNNING', [{ RUNNING: 1 }])], savepoint: () => ({ status: 'FAILED', failure: 'CheckpointException: Not all required tasks are currently running.' }) });

    await expect(engine.stopWithSavepoint(JID)).rejects.toThrow(`stop-with-savepoint of Flink job ${JID} failed: CheckpointException: Not all required tasks are currently running.`);
  });
});
