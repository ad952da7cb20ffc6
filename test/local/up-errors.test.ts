import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessStartError } from '../../local/errors';
import { freePort } from '../../local/ports';
import { startProcess } from '../../local/process';
import { runCli } from '../support/cli';

const homes: string[] = [];
function tempHome(): string {
  const home = mkdtempSync(path.join(os.tmpdir(), 'playground-up-'));
  homes.push(home);
  return home;
}

afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

describe('playground up: errors before anything starts', () => {
  it('names the busy port and the option that moves it', async () => {
    // Prepare: hold the Flink port.
    const port = await freePort();
    const holder = net.createServer().listen(port, '127.0.0.1');
    await new Promise((resolve) => holder.once('listening', resolve));
    try {
      // Act
      const result = await runCli(['up', '--home', tempHome(), '--flink-port', String(port), '--detach']);
      // Assess
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`port ${port} (Flink REST API and Web UI) is already in use`);
      expect(result.stderr).toContain('--flink-port');
    } finally {
      holder.close();
    }
  });

  it('refuses a second up while a stack is running', async () => {
    const home = tempHome();
    mkdirSync(path.join(home, 'state'), { recursive: true });
    // A live pid stands for the running supervisor.
    writeFileSync(path.join(home, 'state', 'supervisor.pid'), String(process.pid));
    const result = await runCli(['up', '--home', home, '--detach']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`a local stack is already running (supervisor pid ${process.pid})`);
    expect(result.stderr).toContain('playground down');
  });

  it('says that Java is missing when it is not on the PATH', async () => {
    const result = await runCli(['up', '--home', tempHome(), '--detach'], { env: { ...process.env, PATH: '/nonexistent' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Java was not found .*JDK 17/);
  });

  it('rejects bad option values before doing anything', async () => {
    const zero = await runCli(['up', '--parallelism', '0']);
    expect(zero.code).not.toBe(0);
    expect(zero.stderr).toContain('expected a whole number from 1 to 64');
    const streams = await runCli(['up', '--streams', 'rabbitmq']);
    expect(streams.code).not.toBe(0);
    expect(streams.stderr).toContain('expected one of kafka, kinesis');
    const report = await runCli(['up', '--report', 'r.json']);
    expect(report.code).toBe(2);
    expect(report.stderr).toContain('--report needs --duration');
    const shared = await runCli(['up', '--home', tempHome(), '--flink-port', '28081', '--control-plane-port', '28081']);
    expect(shared.code).toBe(2);
    expect(shared.stderr).toContain('--flink-port and --control-plane-port both need port 28081');
    const controller = await runCli(['up', '--home', tempHome(), '--kafka-port', '29092', '--dynamodb-port', '29093']);
    expect(controller.code).toBe(2);
    expect(controller.stderr).toContain('--kafka-port and --dynamodb-port both need port 29093');
  });

  it('says there is nothing to stop when no stack runs', async () => {
    const result = await runCli(['down', '--home', tempHome()]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no local playground is running');
  });
});

describe('process supervision', () => {
  it('reports a process that dies during start-up with the tail of its log', async () => {
    const home = tempHome();
    const logFile = path.join(home, 'logs', 'dies.log');
    const start = startProcess({
      name: 'dies',
      command: process.execPath,
      args: ['-e', "console.log('listening failed: address in use'); process.exit(3)"],
      logFile,
      ready: async () => false,
      readyTimeoutMs: 30_000,
    });
    await expect(start).rejects.toBeInstanceOf(ProcessStartError);
    await expect(start).rejects.toThrow(/dies exited during start-up \(code 3\)[\s\S]*listening failed: address in use/);
  });
});
