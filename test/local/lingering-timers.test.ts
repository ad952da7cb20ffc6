import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stopSupervisor } from '../../cli/commands/up';
import { startProcess } from '../../local/process';

// A process that ends at SIGTERM, as the supervisor and the stack's services do.
const ENDS_AT_SIGTERM = "process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000);";

/** Timers that keep this process alive (an unref'd timer is not listed). */
function liveTimers(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('stopping a process leaves no timer behind', () => {
  // Before: `up --duration` and Ctrl-C on `up` printed "stopped" and then hung for 120 s, on the
  // timer of the supervisor's stop timeout.
  it("up's stop of its supervisor: once the supervisor exited, nothing keeps the CLI alive", async () => {
    const child = spawn(process.execPath, ['-e', ENDS_AT_SIGTERM], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('spawn', resolve));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const lines: string[] = [];
    const before = liveTimers();

    const code = await stopSupervisor(child.pid as number, exited, { out: (l) => lines.push(l), err: (l) => lines.push(l), interactive: false }, 0);

    expect(code).toBe(0);
    expect(lines).toEqual(['stopped; nothing of the playground is left running']);
    expect(liveTimers()).toBeLessThanOrEqual(before);
  });

  it("a stack process's graceful stop: once it ended, its grace timer does not keep the supervisor alive", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lingering-'));
    dirs.push(dir);
    const running = await startProcess({ name: 'sleeper', command: process.execPath, args: ['-e', ENDS_AT_SIGTERM], logFile: path.join(dir, 'sleeper.log') });
    const before = liveTimers();

    await running.stop(60_000);

    expect(running.hasExited()).toBe(true);
    expect(liveTimers()).toBeLessThanOrEqual(before);
  });
});
