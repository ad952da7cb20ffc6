import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { playgroundDirs, repoRoot, type PlaygroundDirs } from '../local/paths';
import { readStackRecord, type StackRecord, type StreamsKind } from '../local/stack-state';
import { portArgs, reserveStackPorts } from '../local/ports';

/** A local stack the benchmark started in a temporary home, with free ports. */
export interface BenchStack {
  readonly dirs: PlaygroundDirs;
  readonly record: StackRecord;
  /** `playground up --detach` until it returned. */
  readonly upSeconds: number;
  /** Its TaskManagers had a class-data archive from the start (seeded from the checkout's `.playground`). */
  readonly classArchive: boolean;
  /** `playground down`, then the temporary home is removed (kept, with its logs, with `keepLogs`). Safe to call twice. */
  down(keepLogs?: boolean): Promise<void>;
}

/** A step of the benchmark failed (the message says which and why). */
export class BenchStepError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BenchStepError';
  }
}

/** Runs `playground ARGS` (bin/playground.js) and resolves with its exit code and output. */
function playground(
  args: readonly string[],
  onLine: (line: string) => void = () => {},
  timeoutMs = 600_000,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'playground.js'), ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let partial = '';
    const take = (chunk: Buffer): void => {
      output += chunk.toString();
      partial += chunk.toString();
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (partial) onLine(partial);
      resolve({ code, output });
    });
  });
}

/**
 * Seeds the temporary home with the classpaths already resolved for the repository's own
 * `.playground` (keyed by pom content, so a changed pom is still resolved afresh) and its
 * TaskManager class archive: a clean clone resolves them once, later runs skip Maven.
 */
export function seedCache(dirs: PlaygroundDirs): { readonly classArchive: boolean } {
  copyCacheFiles(playgroundDirs().cache, dirs.cache, true);
  const cds = path.join(dirs.cache, 'cds');
  return { classArchive: existsSync(cds) && readdirSync(cds).some((f) => f.endsWith('.jsa')) };
}

/** Copies newly resolved classpaths (and TaskManager class archives) back, so the next run (and `npm start`) need not run Maven. */
export function keepCache(dirs: PlaygroundDirs): void {
  copyCacheFiles(dirs.cache, playgroundDirs().cache, false);
}

/**
 * What a home's cache shares with another: the resolved classpaths and the TaskManagers' class-data
 * archives (`cds/*.jsa`, local/flink/cds.ts), both named after what they were made from.
 */
function copyCacheFiles(from: string, to: string, overwrite: boolean): void {
  const shareable = [
    { dir: '', pattern: /^classpath-.*\.txt$/, replace: overwrite },
    // same name, same content (and the JVM writes them read-only): never replaced
    { dir: 'cds', pattern: /^taskmanager-[0-9a-f]+\.jsa$/, replace: false },
  ];
  for (const { dir, pattern, replace } of shareable) {
    const source = path.join(from, dir);
    if (!existsSync(source)) continue;
    const files = readdirSync(source).filter((f) => pattern.test(f));
    if (files.length > 0) mkdirSync(path.join(to, dir), { recursive: true });
    for (const file of files) {
      const target = path.join(to, dir, file);
      if (replace || !existsSync(target)) copyFileSync(path.join(source, file), target);
    }
  }
}

/** Starts the whole local stack with `playground up --detach` in a temporary home on free ports. */
export async function startBenchStack(
  streams: StreamsKind,
  eventsPerWindow: number,
  log: (line: string) => void,
  register: (stack: { down(): Promise<void> }) => void,
): Promise<BenchStack> {
  const home = mkdtempSync(path.join(tmpdir(), `playground-bench-${streams}-`));
  const dirs = playgroundDirs(home);
  const { classArchive } = seedCache(dirs);
  log(`  TaskManager class archive (local/flink/cds.ts): ${classArchive ? 'seeded from the checkout' : 'none yet; the first TaskManager that exits writes it'}`);
  let downed: Promise<void> | undefined;
  const down = (keepLogs = false): Promise<void> =>
    (downed ??= (async () => {
      await playground(['down', '--home', home], (line) => log(`  down: ${line}`), 180_000).catch(() => undefined);
      keepCache(dirs);
      if (keepLogs) log(`  a step failed: logs and state kept in ${home}`);
      else rmSync(home, { recursive: true, force: true });
    })());
  register({ down });
  const ports = await reserveStackPorts();
  const args = ['up', '--detach', '--home', home, '--streams', streams, '--events-per-window', String(eventsPerWindow), ...portArgs(streams, ports)];
  const started = performance.now();
  const { code, output } = await playground(args, (line) => log(`  up: ${line}`));
  const upSeconds = (performance.now() - started) / 1000;
  const record = readStackRecord(dirs);
  if (code !== 0 || !record) {
    await down();
    throw new BenchStepError(`playground up (${streams}) failed with exit code ${code}:\n${output.trim().split('\n').slice(-12).join('\n')}`);
  }
  return { dirs, record, upSeconds, classArchive, down };
}
