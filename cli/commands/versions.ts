import { playTarget } from '../announce';
import { runPlay } from '../errors';
import type { Io } from '../io';
import { msfClient, recordedFailures, seconds, type WaitOptions } from '../msf';
import { listVersions, rollbackApplication } from '../msf-versions';
import { defineOptions } from '../options';
import { targetOptions, type PlayTarget } from '../target';
import type { RegisterCommand } from './register';

export interface VersionsOptions {
  readonly target: PlayTarget;
  /** @default false */
  readonly json?: boolean;
}

/** `playground versions [--json]`: every version of the application, newest first, with what each changed. */
export async function versions(options: VersionsOptions, io: Io): Promise<number> {
  const { target } = options;
  const client = msfClient(target);
  return runPlay(io, target, async () => {
    const list = await listVersions(client, target.applicationName);
    if (options.json) {
      io.out(JSON.stringify(list, null, 2));
      return 0;
    }
    io.out(`${target.applicationName}: ${list.length} version(s), newest first`);
    io.out(`  ${'VERSION'.padEnd(7)}  ${'STATUS'.padEnd(14)}  ${'CREATED'.padEnd(20)}  CHANGES`);
    for (const v of list) {
      const created = v.createdAt ? `${v.createdAt.slice(0, 19).replace('T', ' ')}` : '?';
      io.out(`  ${String(v.version).padEnd(7)}  ${v.status.padEnd(14)}  ${created.padEnd(20)}  ${v.changes.join('; ')}`);
    }
    return 0;
  });
}

export interface RollbackOptions {
  readonly target: PlayTarget;
  readonly wait?: WaitOptions;
}

/** `playground rollback`: RollbackApplication of the current version; waits until it runs again. */
export async function rollback(options: RollbackOptions, io: Io): Promise<number> {
  const { target } = options;
  const app = target.applicationName;
  const client = msfClient(target);
  return runPlay(io, target, async () => {
    const result = await rollbackApplication(client, app, { ...options.wait, progress: (line) => io.out(line), lastFailure: recordedFailures(target) });
    io.out(
      `${app} is ${result.status} at version ${result.version}${result.rolledBackTo !== undefined ? `, the configuration and code of version ${result.rolledBackTo}` : ''} (rolled back from version ${result.from}), in ${seconds(result.elapsedMs)}`,
    );
    return 0;
  });
}

const versionsFlags = defineOptions((o) => ({
  target: targetOptions(o),
  json: o.flag('--json', 'print the versions as JSON'),
}));

const rollbackFlags = defineOptions((o) => ({
  target: targetOptions(o),
  timeoutSeconds: o.int('--timeout <seconds>', 'how long to wait for RUNNING', { min: 1, max: 86_400 }, 900),
}));

export const registerVersions: RegisterCommand = (program, io, setExit) => {
  const command = versionsFlags
    .add(program.command('versions'))
    .description("List the application's versions (ListApplicationVersions, DescribeApplicationVersion) and what each changed")
    .action(async () => {
      const flags = versionsFlags.read(command);
      setExit(await versions({ target: await playTarget(flags.target, 'read', io, { json: flags.json }), json: flags.json }, io));
    });
};

export const registerRollback: RegisterCommand = (program, io, setExit) => {
  const command = rollbackFlags
    .add(program.command('rollback'))
    .description('Roll back to the version before the current one (RollbackApplication), from the latest snapshot; wait until RUNNING')
    .action(async () => {
      const flags = rollbackFlags.read(command);
      setExit(await rollback({ target: await playTarget(flags.target, 'change', io), wait: { timeoutMs: flags.timeoutSeconds * 1000 } }, io));
    });
};
