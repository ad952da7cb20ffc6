import { existsSync, lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { readFlinkClusterRecordFile } from '../../local/flink/cluster';
import { playgroundDirs, resolveHome, type PlaygroundDirs } from '../../local/paths';
import { isAlive, stopPid } from '../../local/process';
import { readStaleStackRecord, removeStackRecord } from '../../local/stack-state';
import type { Io } from '../io';
import { defineOptions } from '../options';
import { formatBytes } from './logs';
import { HOME_HELP } from '../target';
import type { RegisterCommand } from './register';

export interface DownOptions {
  /** @default .playground under the repository */
  readonly home?: string;
  /**
   * After stopping, remove the stack's data/, state/ and logs/ (as `docker-compose down -v` removes
   * the volumes), keeping cache/. @default false
   */
  readonly clean?: boolean;
}

/** What `down --clean` removes, and what each folder holds. */
const CLEANED = [
  { key: 'data', holds: 'Kafka topics, DynamoDB Local tables, checkpoints and savepoints' },
  { key: 'state', holds: "the stack record, the control plane's applications, the event log" },
  { key: 'logs', holds: "the processes' logs" },
] as const;

/** The folders a playground home holds (PlaygroundDirs without `home`). */
const HOME_FOLDERS: ReadonlySet<string> = new Set(['cache', 'logs', 'data', 'state']);

/** Bytes under `target` (files and symbolic links themselves; links are not followed). */
function sizeOf(target: string): number {
  const stats = lstatSync(target, { throwIfNoEntry: false });
  if (!stats) return 0;
  if (!stats.isDirectory()) return stats.size;
  return readdirSync(target).reduce((sum, entry) => sum + sizeOf(path.join(target, entry)), 0);
}

/**
 * Why `dirs.home` must not be cleaned, or undefined when it looks like a playground home: it has
 * state/ or data/ (or, already cleaned, only cache/), and nothing but the playground's folders, so
 * that a `--home` pointing at some other folder (one with a data/ of its own) is never emptied.
 */
function notAHome(dirs: PlaygroundDirs): string | undefined {
  if (!existsSync(dirs.home)) return `${dirs.home} does not exist`;
  const entries = readdirSync(dirs.home);
  const foreign = entries.filter((entry) => !HOME_FOLDERS.has(entry));
  if (foreign.length > 0) return `${dirs.home} holds ${foreign.map((e) => `'${e}'`).join(', ')}, which no playground writes`;
  if (!entries.includes('state') && !entries.includes('data') && !entries.includes('cache')) return `${dirs.home} has no state/ or data/ folder`;
  return undefined;
}

/** Removes data/, state/ and logs/ of a stopped stack and says what went, with each folder's size. */
function clean(dirs: PlaygroundDirs, io: Io): void {
  const removed: string[] = [];
  for (const { key, holds } of CLEANED) {
    const dir = dirs[key];
    if (!existsSync(dir)) continue;
    const size = sizeOf(dir);
    rmSync(dir, { recursive: true, force: true });
    removed.push(`  ${`${key}/`.padEnd(7)} ${formatBytes(size).padStart(10)}  (${holds})`);
  }
  if (removed.length === 0) {
    io.out(`nothing to clean in ${dirs.home}: no data/, state/ or logs/ folder`);
  } else {
    io.out(`removed from ${dirs.home}:`);
    removed.forEach((line) => io.out(line));
  }
  if (existsSync(dirs.cache)) io.out(`kept cache/ (${formatBytes(sizeOf(dirs.cache))}: the resolved classpaths, so the next up starts without Maven)`);
}

/**
 * `playground down`: stops the local stack's supervisor, which stops everything it started; any
 * process a crashed supervisor left behind is stopped from the recorded pids. With `clean`, then
 * removes the stack's data, state and logs (keeping the cache); a folder that does not look like a
 * playground home is refused before anything is stopped (exit 2). Returns the exit code.
 * @public the command's own entry point, like the other commands' (`status`, `stop`, ...)
 */
export async function down(options: DownOptions, io: Io): Promise<number> {
  const dirs = playgroundDirs(resolveHome(options.home));
  if (options.clean) {
    const refusal = notAHome(dirs);
    if (refusal) {
      io.err(`error: not cleaning: ${refusal}, so it does not look like a playground home (nothing was stopped or removed)`);
      return 2;
    }
  }
  await stop(dirs, io);
  if (options.clean) clean(dirs, io);
  return 0;
}

/** Stops the supervisor, then whatever it left behind (stopPid waits until each one is gone). */
async function stop(dirs: PlaygroundDirs, io: Io): Promise<void> {
  const pidFile = path.join(dirs.state, 'supervisor.pid');
  const supervisor = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined;
  const record = readStaleStackRecord(dirs);
  const flink = readFlinkClusterRecordFile(dirs);
  const leftovers = [
    ...(record?.processes ?? []).map((p) => ({ name: p.name, pid: p.pid })),
    ...(flink ? [{ name: 'jobmanager', pid: flink.jobManager.pid }, ...flink.taskManagers.map((tm) => ({ name: tm.id, pid: tm.pid }))] : []),
  ];
  if ((!supervisor || !isAlive(supervisor)) && !leftovers.some((p) => isAlive(p.pid))) {
    io.out(`no local playground is running in ${dirs.home}`);
    rmSync(pidFile, { force: true });
    removeStackRecord(dirs);
    return;
  }
  if (supervisor && isAlive(supervisor)) {
    io.out(`stopping the local playground (supervisor pid ${supervisor})…`);
    await stopPid(supervisor, 120_000);
  }
  for (const process of leftovers) {
    if (isAlive(process.pid)) {
      io.out(`stopping ${process.name} (pid ${process.pid}) left behind`);
      await stopPid(process.pid, 15_000);
    }
  }
  rmSync(pidFile, { force: true });
  removeStackRecord(dirs);
  io.out('stopped; nothing of the playground is left running');
}

const downFlags = defineOptions((o) => ({
  home: o.optionalText('--home <dir>', HOME_HELP),
  clean: o.flag('--clean', "then remove the stack's data/ (topics, tables, checkpoints, savepoints), state/ and logs/, keeping cache/"),
}));

export const registerDown: RegisterCommand = (program, io, setExit) => {
  const command = downFlags
    .add(program.command('down'))
    .description('Stop the local playground and every process it started (--clean: and remove its data, state and logs)')
    .action(async () => setExit(await down(downFlags.read(command), io)));
};
