import type { Io } from '../io';
import { intIn } from '../options';
import { msfClient, requireSnapshot, resolveTarget, runPlay, seconds, targetFlags, withTargetOptions, type PlayTarget, type WaitOptions } from '../target';
import type { RegisterCommand } from './index';
import { parseRestore, startApplication } from './start';
import { stopApplication } from './stop';

export interface RestoreOptions {
  readonly target: PlayTarget;
  readonly snapshot: string;
  readonly wait?: WaitOptions;
}

/** `playground restore SNAPSHOT`: stop if running (with a snapshot), then start from SNAPSHOT. */
export async function restore(options: RestoreOptions, io: Io): Promise<number> {
  const { target, snapshot } = options;
  const client = msfClient(target);
  return runPlay(io, target, async () => {
    // Fail on an unknown snapshot before stopping anything.
    await requireSnapshot(client, target.applicationName, snapshot);
    const stopped = await stopApplication(client, target, false, io, options.wait);
    if (!stopped.alreadyStopped) io.out(`stopped in ${seconds(stopped.elapsedMs)}${stopped.snapshot ? ` (snapshot ${stopped.snapshot})` : ''}`);
    const started = await startApplication(client, target, snapshot, io, options.wait);
    io.out(`${target.applicationName} is RUNNING, restored from snapshot ${snapshot}, in ${seconds(stopped.elapsedMs + started.elapsedMs)} (start ${seconds(started.elapsedMs)})`);
    return 0;
  });
}

export const registerRestore: RegisterCommand = (program, io, setExit) => {
  withTargetOptions(program.command('restore'))
    .description('Stop the application if it runs, then start it from SNAPSHOT')
    .argument('<snapshot>', 'the snapshot name (see: playground snapshot list)', (value: string) => {
      const parsed = parseRestore(value);
      return parsed;
    })
    .option('--timeout <seconds>', 'how long to wait for each transition', intIn(1, 86_400), 600)
    .action(async (snapshot: string, flags: Record<string, unknown>) => {
      const target = resolveTarget(targetFlags(flags));
      setExit(await restore({ target, snapshot, wait: { timeoutMs: (flags.timeout as number) * 1000 } }, io));
    });
};
