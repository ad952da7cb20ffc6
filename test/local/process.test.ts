import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../local/paths';
import { isAlive, signalGroup, startProcess } from '../../local/process';

const dir = mkdtempSync(path.join(os.tmpdir(), 'playground-process-'));
const leftovers: number[] = [];

afterAll(() => {
  for (const pid of leftovers) signalGroup(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('startProcess with unref', () => {
  it('lets a short-lived Node process exit while the child runs on in its own process group', async () => {
    const processModule = JSON.stringify(path.join(repoRoot, 'local', 'process.ts'));
    const script = [
      `import { startProcess } from ${processModule};`,
      `const child = await startProcess({ name: 'sleeper', command: 'sleep', args: ['60'], logFile: ${JSON.stringify(path.join(dir, 'a.log'))}, unref: true });`,
      'process.stdout.write(String(child.pid));',
    ].join('\n');

    // No process.exit in the script: it ends only if the child does not hold it.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, timeout: 20_000 });

    const pid = Number(stdout);
    leftovers.push(pid);
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid)).toBe(true);
  });

  it('stops an unref\'d child and resolves once it has ended', async () => {
    const child = await startProcess({ name: 'sleeper', command: 'sleep', args: ['60'], logFile: path.join(dir, 'b.log'), unref: true });
    leftovers.push(child.pid);

    await child.stop(5_000);

    expect(isAlive(child.pid)).toBe(false);
  });
});
