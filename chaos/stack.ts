import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { playgroundDirs, repoRoot, type PlaygroundDirs } from '../local/paths';
import { portArgs, reserveStackPorts } from '../local/ports';
import { readStackRecord, type StackRecord, type StreamsKind } from '../local/stack-state';
import { keepCache, seedCache } from '../bench/stack';

/** A step of the chaos run could not be done (the message says which and why). */
export class ChaosStepError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ChaosStepError';
  }
}

export interface CliRun {
  readonly code: number | null;
  readonly output: string;
  readonly timedOut: boolean;
}

/**
 * Runs `playground ARGS --home HOME` as a user would (a new Node process through bin/playground.js);
 * interrupted (SIGINT) after `timeoutMs`. Each output line goes to `onLine`.
 */
export function playground(args: readonly string[], timeoutMs: number, onLine: (line: string) => void = () => {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'playground.js'), ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let partial = '';
    let timedOut = false;
    const take = (chunk: Buffer): void => {
      output += chunk.toString();
      partial += chunk.toString();
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGINT');
      setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (partial) onLine(partial);
      resolve({ code, output, timedOut });
    });
  });
}

/** The chaos run's own stack: a temporary home, free ports, `playground up --detach`. */
export interface ChaosStack {
  readonly home: string;
  readonly dirs: PlaygroundDirs;
  /** The stack record as `up` left it (re-read it for current pids). */
  readonly record: StackRecord;
  /** `playground down`; the home is removed unless `keep`. Safe to call more than once. */
  down(keep: boolean): Promise<void>;
}

export interface StartOptions {
  readonly streams: StreamsKind;
  readonly eventsPerWindow?: number;
  readonly log: (line: string) => void;
  /** Called with the stack's `down` as soon as there is something to take down. */
  readonly register: (down: (keep: boolean) => Promise<void>) => void;
  /** @default 15 minutes */
  readonly upTimeoutMs?: number;
}

export async function startChaosStack(options: StartOptions): Promise<ChaosStack> {
  const home = mkdtempSync(path.join(tmpdir(), `playground-chaos-${options.streams}-`));
  const dirs = playgroundDirs(home);
  seedCache(dirs);
  let downed: Promise<void> | undefined;
  const down = (keep: boolean): Promise<void> =>
    (downed ??= (async () => {
      const result = await playground(['down', '--home', home], 240_000, (line) => options.log(`  down: ${line}`)).catch((error: unknown) => {
        options.log(`  down failed: ${String(error)}`);
        return undefined;
      });
      keepCache(dirs);
      if (keep || result?.code !== 0) options.log(`kept the chaos stack's home: ${home} (logs in ${dirs.logs})`);
      else rmSync(home, { recursive: true, force: true });
    })());
  options.register(down);
  const args = [
    'up', '--detach', '--home', home, '--streams', options.streams,
    ...(options.eventsPerWindow ? ['--events-per-window', String(options.eventsPerWindow)] : []),
    ...portArgs(options.streams, await reserveStackPorts()),
  ];
  const up = await playground(args, options.upTimeoutMs ?? 15 * 60_000, (line) => options.log(`  up: ${line}`));
  const record = readStackRecord(dirs);
  if (up.code !== 0 || !record) {
    throw new ChaosStepError(
      `playground up (${options.streams}) failed${up.timedOut ? ' (timed out)' : ''} with exit code ${up.code}:\n${up.output.trim().split('\n').slice(-12).join('\n')}`,
    );
  }
  return { home, dirs, record, down };
}
