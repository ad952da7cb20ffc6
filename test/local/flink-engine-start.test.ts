import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClusterEngine } from '../../local/control-plane/flink-engine';
import type { ApplicationRecord } from '../../local/control-plane/model';
import type { FlinkCluster } from '../../local/flink/cluster';
import type { JobDetails } from '../../local/flink/rest';
import { jobDetails } from './flink-job-fixture';

const JID = '7bf02b3d96df67cbdbea705d467a4021';

function job(state: JobDetails['state'], running: boolean): JobDetails {
  return jobDetails(JID, state, [running ? { RUNNING: 1 } : { CREATED: 1 }]);
}

const app = {
  name: 'click-count',
  propertyGroups: [],
  parallelism: { parallelism: 1, parallelismPerKPU: 1 },
  checkpoint: { checkpointingEnabled: false },
} as unknown as ApplicationRecord;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'engine-start-'));
  writeFileSync(path.join(dir, 'job.jar'), 'jar');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A cluster whose job runs once `tasksRun` is set, and a record of the REST calls in order. */
function cluster() {
  const calls: string[] = [];
  const state = { tasksRun: false, cancelled: false };
  const rest = {
    uploadJar: vi.fn(async () => {
      calls.push('upload');
      return 'jar-1';
    }),
    runJar: vi.fn(async () => {
      calls.push('run');
      return JID;
    }),
    job: vi.fn(async () => (state.cancelled ? job('CANCELED', false) : job('RUNNING', state.tasksRun))),
    cancelJob: vi.fn(async () => {
      calls.push('cancel');
      state.cancelled = true;
    }),
  };
  const engine = new ClusterEngine({
    cluster: { rest } as unknown as FlinkCluster,
    jarPath: path.join(dir, 'job.jar'),
    dataDir: dir,
    startTimeoutMs: 5_000,
  });
  return { engine, rest, calls, state };
}

describe('ClusterEngine.startJob while the cluster is being sized', () => {
  it('submits the job while the new TaskManagers boot, and waits for its tasks once they are registered', async () => {
    const { engine, calls, state } = cluster();
    let registered = (): void => undefined;
    const sized = new Promise<void>((resolve) => {
      registered = () => {
        calls.push('registered');
        resolve();
      };
    });

    const started = engine.startJob(app, { allowNonRestoredState: false }, sized);
    await vi.waitFor(() => expect(calls).toEqual(['upload', 'run']));
    registered();
    state.tasksRun = true;

    await expect(started).resolves.toBe(JID);
    expect(calls).toEqual(['upload', 'run', 'registered']);
  });

  it('cancels the submitted job when the resize fails, and says why the resize failed', async () => {
    const { engine, rest, calls } = cluster();
    let fail = (_error: Error): void => undefined;
    const sized = new Promise<void>((_resolve, reject) => {
      fail = reject;
    });

    const started = engine.startJob(app, { allowNonRestoredState: false }, sized);
    await vi.waitFor(() => expect(rest.runJar).toHaveBeenCalled());
    fail(new Error('taskmanager-2 did not register within 120 s'));

    await expect(started).rejects.toThrow('taskmanager-2 did not register within 120 s');
    expect(calls).toEqual(['upload', 'run', 'cancel']);
  });
});
