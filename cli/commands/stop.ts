import { runPlay } from '../errors';
import type { Io } from '../io';
import { msfClient, recordedFailures, seconds, stopApplication, type WaitOptions } from '../msf';
import { defineOptions } from '../options';
import { playTarget } from '../announce';
import { targetOptions, type PlayTarget } from '../target';
import type { RegisterCommand } from './register';

export interface StopOptions {
  readonly target: PlayTarget;
  /** Stop without a snapshot (MSF's Force). */
  readonly force: boolean;
  readonly wait?: WaitOptions;
}

/** `playground stop [--force]`: stop with a snapshot (none when forced), wait until READY. */
export async function stop(options: StopOptions, io: Io): Promise<number> {
  const { target } = options;
  const client = msfClient(target);
  return runPlay(io, target, async () => {
    const result = await stopApplication(client, target.applicationName, {
      ...options.wait,
      force: options.force,
      progress: (line) => io.out(line),
      lastFailure: recordedFailures(target),
    });
    if (result.alreadyStopped) {
      io.out(`${target.applicationName} is already stopped (READY); start it with: playground start`);
      return 0;
    }
    io.out(
      `stopped ${target.applicationName} in ${seconds(result.elapsedMs)}${
        result.snapshot ? `; snapshot ${result.snapshot} (start from it with: playground start --restore latest)` : options.force ? '; no snapshot taken (--force)' : '; no snapshot taken (snapshots are disabled)'
      }`,
    );
    return 0;
  });
}

const stopFlags = defineOptions((o) => ({
  target: targetOptions(o),
  force: o.flag('--force', 'stop at once, without a snapshot'),
  timeoutSeconds: o.int('--timeout <seconds>', 'how long to wait for READY', { min: 1, max: 86_400 }, 600),
}));

export const registerStop: RegisterCommand = (program, io, setExit) => {
  const command = stopFlags
    .add(program.command('stop'))
    .description('Stop the application with a snapshot (a savepoint), wait until READY')
    .action(async () => {
      const flags = stopFlags.read(command);
      setExit(await stop({ target: await playTarget(flags.target, 'change', io), force: flags.force, wait: { timeoutMs: flags.timeoutSeconds * 1000 } }, io));
    });
};
