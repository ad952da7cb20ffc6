import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClusterEngine } from '../../local/control-plane/flink-engine';
import type { FlinkCluster } from '../../local/flink/cluster';
import { FlinkRestClient, SAVEPOINT_POLL_MS, type JobDetails, type TaskManagerInfo } from '../../local/flink/rest';
import { awaitNewTaskManager } from '../../local/supervisor-api';

// the waits sleep with node:timers/promises (through local/poll.ts); here a sleep moves the fake clock
vi.mock('node:timers/promises', () => ({
  setTimeout: async (ms: number) => {
    vi.setSystemTime(Date.now() + ms);
  },
}));

const JID = 'f968b86eedd5efa99eb1310d73e197ea';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.parse('2026-11-22T21:30:00Z'));
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the waits on the local Flink cluster', () => {
  it('gives up on a cancelled job that does not end after 120 s, naming its last state', async () => {
    const rest = {
      job: vi.fn(async () => ({ jid: JID, state: 'CANCELLING', vertices: [] }) as unknown as JobDetails),
      cancelJob: vi.fn(async () => undefined),
    };
    const engine = new ClusterEngine({ cluster: { rest } as unknown as FlinkCluster, jarPath: '/nope.jar', dataDir: '/tmp/data' });
    const started = Date.now();

    await expect(engine.cancel(JID)).rejects.toThrow(`Flink job ${JID} did not end within 120 s (CANCELLING)`);
    expect(rest.cancelJob).toHaveBeenCalledOnce();
    expect(Date.now() - started).toBe(120_000);
  });

  it('answers a savepoint still in progress after the timeout as FAILED rather than throwing', async () => {
    const rest = new FlinkRestClient('http://127.0.0.1:1');
    const status = vi.spyOn(rest, 'savepointStatus').mockResolvedValue(undefined);

    await expect(rest.awaitSavepoint(JID, 'trigger-1', 3_000)).resolves.toEqual({ status: 'FAILED', failure: 'savepoint did not complete within 3 s' });
    expect(status).toHaveBeenCalledTimes(3_000 / SAVEPOINT_POLL_MS + 1); // one look at once, then one per interval
  });

  it('resolves with the first TaskManager not known before, and names the logs when none comes', async () => {
    const listed: TaskManagerInfo[][] = [[{ id: 'taskmanager-1' } as TaskManagerInfo], [{ id: 'taskmanager-1' }, { id: 'taskmanager-2' }] as TaskManagerInfo[]];
    const rest = { taskManagers: vi.fn(async () => listed.shift() ?? []) } as unknown as FlinkRestClient;

    await expect(awaitNewTaskManager(rest, new Set(['taskmanager-1']), 10_000)).resolves.toMatchObject({ id: 'taskmanager-2' });
    await expect(awaitNewTaskManager(rest, new Set(), 5_000)).rejects.toThrow(
      "no new TaskManager registered within 5 s; see the supervisor's log and the TaskManager logs",
    );
  });
});
