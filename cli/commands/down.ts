import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { readFlinkClusterRecordFile } from '../../local/flink/cluster';
import { playgroundDirs, resolveHome } from '../../local/paths';
import { isAlive, stopPid } from '../../local/process';
import { readStaleStackRecord, removeStackRecord } from '../../local/stack-state';
import type { Io } from '../io';
import { defineOptions } from '../options';
import type { RegisterCommand } from './register';

export interface DownOptions {
  /** @default .playground under the repository */
  readonly home?: string;
}

/**
 * `playground down`: stops the local stack's supervisor, which stops everything it started; any
 * process a crashed supervisor left behind is stopped from the recorded pids. Returns the exit code.
 * @public the command's own entry point, like the other commands' (`status`, `stop`, ...)
 */
export async function down(options: DownOptions, io: Io): Promise<number> {
  const dirs = playgroundDirs(resolveHome(options.home));
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
    return 0;
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
  return 0;
}

const downFlags = defineOptions((o) => ({
  home: o.optionalText('--home <dir>', "the stack's checkout or home directory (default: .playground of the checkout the current directory is in)"),
}));

export const registerDown: RegisterCommand = (program, io, setExit) => {
  const command = downFlags
    .add(program.command('down'))
    .description('Stop the local playground and every process it started')
    .action(async () => setExit(await down(downFlags.read(command), io)));
};
