import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProcessStartError } from './errors';

/** How to start one process of the local stack and tell when it is ready. */
export interface ProcessSpec {
  /** A short name used in logs and messages, e.g. `jobmanager`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** @default the parent's environment (as spawn does) */
  readonly env?: NodeJS.ProcessEnv;
  /** Variables set on top of `env` (or of the parent's environment). */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** Folders put first on the process's `LD_LIBRARY_PATH` (native libraries it loads by name). */
  readonly libraryDirs?: readonly string[];
  readonly cwd?: string;
  /** stdout and stderr are appended here. */
  readonly logFile: string;
  /** Resolves true once the process serves; polled until `readyTimeoutMs`. */
  readonly ready?: () => Promise<boolean>;
  /** @default 120000 */
  readonly readyTimeoutMs?: number;
}

/** The environment `spec` runs in: `env` (or the parent's), `extraEnv` on top, `libraryDirs` first on the library path. */
export function processEnv(spec: Pick<ProcessSpec, 'env' | 'extraEnv' | 'libraryDirs'>): NodeJS.ProcessEnv | undefined {
  if (!spec.extraEnv && !spec.libraryDirs?.length) return spec.env;
  const env: NodeJS.ProcessEnv = { ...(spec.env ?? process.env), ...spec.extraEnv };
  if (spec.libraryDirs?.length) env.LD_LIBRARY_PATH = [...spec.libraryDirs, ...(env.LD_LIBRARY_PATH ? [env.LD_LIBRARY_PATH] : [])].join(path.delimiter);
  return env;
}

/** How a process ended: its exit code, or the signal that ended it. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A started process: its pid, its exit, and how to stop it. */
export interface RunningProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Settles with the exit code (or null when killed by a signal) once the process ends. */
  readonly exited: Promise<number | null>;
  /** Settles with the exit code and signal once the process ends. */
  readonly ended: Promise<ProcessExit>;
  /** True once the process has ended. */
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has ended. */
  stop(graceMs?: number): Promise<void>;
  /** Sends a signal to the whole process group (the process and anything it started). */
  signal(sig: NodeJS.Signals): void;
}

/**
 * Starts a process in its own process group (so it can outlive a detached CLI and be stopped with
 * everything it started), logging to `spec.logFile`, and waits until `spec.ready` says it serves.
 * If the process exits or does not become ready in time, it is stopped and the error carries the
 * tail of its log.
 */
export async function startProcess(spec: ProcessSpec): Promise<RunningProcess> {
  mkdirSync(path.dirname(spec.logFile), { recursive: true });
  const fd = openSync(spec.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: processEnv(spec),
      stdio: ['ignore', fd, fd],
      detached: true,
    });
  } finally {
    closeSync(fd);
  }
  const spawned = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid as number));
    child.once('error', (error) =>
      reject(new ProcessStartError(spec.name, `could not be started (${error.message})`, spec.logFile, '')),
    );
  });
  let hasExited = false;
  const ended = new Promise<ProcessExit>((resolve) =>
    child.once('exit', (code, signal) => {
      hasExited = true;
      resolve({ code, signal });
    }),
  );
  const exited = ended.then((exit) => exit.code);
  const running: RunningProcess = {
    name: spec.name,
    pid: spawned,
    logFile: spec.logFile,
    exited,
    ended,
    hasExited: () => hasExited,
    signal: (sig) => signalGroup(spawned, sig),
    stop: async (graceMs = 15_000) => {
      if (hasExited) return;
      signalGroup(spawned, 'SIGTERM');
      // unref'd: a process that ended in time leaves no timer keeping this one alive
      const stopped = await Promise.race([ended.then(() => true), sleep(graceMs, false, { ref: false })]);
      if (!stopped) {
        signalGroup(spawned, 'SIGKILL');
        await ended;
      }
    },
  };
  if (spec.ready) {
    const timeoutMs = spec.readyTimeoutMs ?? 120_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (hasExited) {
        const code = await exited;
        throw new ProcessStartError(spec.name, `exited during start-up (code ${code})`, spec.logFile, logTail(spec.logFile));
      }
      if (await spec.ready().catch(() => false)) break;
      if (Date.now() > deadline) {
        await running.stop(2_000);
        throw new ProcessStartError(
          spec.name,
          `did not become ready within ${Math.round(timeoutMs / 1000)} s`,
          spec.logFile,
          logTail(spec.logFile),
        );
      }
      await sleep(250);
    }
  }
  return running;
}

/** Sends a signal to a process group; a group that is already gone is not an error. */
export function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stops a process group started by another CLI process: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopPid(pid: number, graceMs = 15_000): Promise<void> {
  if (!isAlive(pid)) return;
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    signalGroup(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
  }
}

/** The last `lines` lines of a log file ('' when it does not exist). */
export function logTail(file: string, lines = 30): string {
  try {
    const size = statSync(file).size;
    const text = readFileSync(file, 'utf8').slice(Math.max(0, size - 64_000));
    return text.split('\n').slice(-lines - 1).join('\n').trimEnd();
  } catch {
    return '';
  }
}

/** Resolves true when something accepts TCP connections on host:port. */
export function tcpOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Resolves true when GET url answers with a 2xx status. */
export async function httpOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

