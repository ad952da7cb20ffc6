import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readStackEvents } from '../../local/events';
import { playgroundDirs, type PlaygroundDirs } from '../../local/paths';
import { isAlive, startProcess, type RunningProcess } from '../../local/process';
import type { FlinkCluster } from '../../local/flink/cluster';
import { ProcessSupervisor, RestartBackoff } from '../../local/supervisor';
import { startSupervisorApi, SupervisorClient } from '../../local/supervisor-api';

describe('the process supervisor', () => {
  let dirs: PlaygroundDirs;
  let supervisor: ProcessSupervisor;
  let changes: number;

  beforeEach(() => {
    dirs = playgroundDirs(mkdtempSync(path.join(os.tmpdir(), 'playground-supervisor-')));
    changes = 0;
    supervisor = new ProcessSupervisor(dirs, () => (changes += 1));
  });

  afterEach(async () => {
    supervisor.freeze();
    for (const p of supervisor.processes()) await supervisor.stop(p.name);
    rmSync(dirs.home, { recursive: true, force: true });
  });

  const sleeper = (name: string) => (): Promise<RunningProcess> =>
    startProcess({ name, command: 'sleep', args: ['60'], logFile: path.join(dirs.logs, `${name}.log`) });

  it('replaces a process killed from outside, logs both events and reports the new pid', async () => {
    const first = await supervisor.start({ name: 'worker', policy: { kind: 'restart', delayMs: 100 }, start: sleeper('worker') });

    process.kill(first.pid, 'SIGKILL');

    await expect.poll(() => supervisor.processes()[0].restarts, { timeout: 10_000 }).toBe(1);
    const now = supervisor.processes()[0];
    expect(now.pid).not.toBe(first.pid);
    expect(isAlive(now.pid)).toBe(true);
    expect(changes).toBe(1);
    const events = readStackEvents(dirs);
    expect(events.map((e) => e.kind)).toEqual(['exited', 'restarted']);
    expect(events[0].message).toMatch(/SIGKILL/);
    expect(events[1].pid).toBe(now.pid);
  });

  it('does not replace a process whose data a new one would have lost, and says why', async () => {
    const first = await supervisor.start({ name: 'in-memory', policy: { kind: 'lost', reason: 'its data was in memory' }, start: sleeper('in-memory') });

    process.kill(first.pid, 'SIGKILL');

    await expect.poll(() => supervisor.processes()[0].lost, { timeout: 10_000 }).toBe('its data was in memory');
    expect(supervisor.processes()[0].alive).toBe(false);
    expect(readStackEvents(dirs).map((e) => e.kind)).toEqual(['exited', 'lost']);
  });

  it('does not restart a process it stopped itself', async () => {
    const first = await supervisor.start({ name: 'worker', policy: { kind: 'restart', delayMs: 10 }, start: sleeper('worker') });

    await supervisor.stop('worker');
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(isAlive(first.pid)).toBe(false);
    expect(supervisor.processes()[0].restarts).toBe(0);
    expect(readStackEvents(dirs)).toEqual([]);
  });
});

describe('the restart backoff', () => {
  it('doubles the delay while a process keeps dying within a minute of its start, up to a minute', () => {
    const backoff = new RestartBackoff(1_000);
    const now = 1_000_000;

    const delays = Array.from({ length: 8 }, () => backoff.next(now - 5_000, now));

    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
  });

  it('goes back to the base delay after a process ran for more than a minute', () => {
    const backoff = new RestartBackoff(2_000);
    const now = 1_000_000;
    backoff.next(now - 1_000, now);
    backoff.next(now - 1_000, now);

    expect(backoff.next(now - 120_000, now)).toBe(2_000);
  });
});

describe("the supervisor's API", () => {
  it('kills a TaskManager through the cluster and refuses bad requests with a message', async () => {
    const dirs = playgroundDirs(mkdtempSync(path.join(os.tmpdir(), 'playground-supervisor-api-')));
    const kills: { id?: string; replaceAfterMs: number }[] = [];
    const victim = { id: 'taskmanager-1', pid: 4242, slots: 1, logFile: 'tm.log', startedAt: '2026-12-01T00:00:00.000Z', alive: true };
    const cluster = {
      jobManagerPid: 4141,
      jobManagerRestarts: 1,
      jobManagerLogFile: 'jm.log',
      jobManagerStartedAt: '2026-12-01T00:00:00.000Z',
      taskManagers: () => [victim],
      killTaskManager: async (options: { id?: string; replaceAfterMs: number }) => {
        kills.push(options);
        return { victim, replaceAt: 1_000 };
      },
    } as unknown as FlinkCluster;
    const api = await startSupervisorApi(new ProcessSupervisor(dirs), cluster);
    const client = new SupervisorClient(api.endpoint);
    try {
      const killed = await client.killTaskManager({ replaceAfterMs: 5_000 });

      expect(killed.victim.id).toBe('taskmanager-1');
      expect(kills).toEqual([{ replaceAfterMs: 5_000 }]);
      expect((await client.processes()).map((p) => `${p.role}:${p.pid}:${p.restarts}`)).toEqual(['jobmanager:4141:1', 'taskmanager:4242:0']);
      await expect(client.killTaskManager({ replaceAfterMs: -1 })).rejects.toThrow(/replaceAfterMs must be a number/);
      expect(kills).toHaveLength(1);
    } finally {
      await api.close();
      rmSync(dirs.home, { recursive: true, force: true });
    }
  });

  it('says the supervisor does not answer when the stack is gone', async () => {
    await expect(new SupervisorClient('http://127.0.0.1:1').processes()).rejects.toThrow(/does not answer .*is the playground still running/);
  });
});
