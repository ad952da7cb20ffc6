import { runPlay } from '../errors';
import type { Io } from '../io';
import { msfClient, recordedFailures, requireSnapshot, seconds, startApplication, stopApplication, type WaitOptions } from '../msf';
import { defineOptions } from '../options';
import { playTarget } from '../announce';
import { targetOptions, type PlayTarget } from '../target';
import type { RegisterCommand } from './register';
import { parseRestore } from './start';

export interface RestoreOptions {
  readonly target: PlayTarget;
  readonly snapshot: string;
  readonly wait?: WaitOptions;
}

/** `playground restore SNAPSHOT`: stop if running (with a snapshot), then start from SNAPSHOT. */
export async function restore(options: RestoreOptions, io: Io): Promise<number> {
  const { target, snapshot } = options;
  const app = target.applicationName;
  const client = msfClient(target);
  const operation = { ...options.wait, progress: (line: string) => io.out(line), lastFailure: recordedFailures(target) };
  return runPlay(io, target, async () => {
    // Fail on an unknown snapshot before stopping anything.
    await requireSnapshot(client, app, snapshot);
    const stopped = await stopApplication(client, app, operation);
    if (!stopped.alreadyStopped) io.out(`stopped in ${seconds(stopped.elapsedMs)}${stopped.snapshot ? ` (snapshot ${stopped.snapshot})` : ''}`);
    const started = await startApplication(client, app, { ...operation, restore: snapshot });
    io.out(`${app} is RUNNING, restored from snapshot ${snapshot}, in ${seconds(stopped.elapsedMs + started.elapsedMs)} (start ${seconds(started.elapsedMs)})`);
    return 0;
  });
}

const restoreFlags = defineOptions((o) => ({
  target: targetOptions(o),
  timeoutSeconds: o.int('--timeout <seconds>', 'how long to wait for each transition', { min: 1, max: 86_400 }, 600),
}));

export const registerRestore: RegisterCommand = (program, io, setExit) => {
  const command = restoreFlags
    .add(program.command('restore'))
    .description('Stop the application if it runs, then start it from SNAPSHOT')
    .argument('<snapshot>', 'the snapshot name (see: playground snapshot list)', parseRestore)
    .action(async (snapshot: string) => {
      const flags = restoreFlags.read(command);
      setExit(await restore({ target: await playTarget(flags.target, 'change', io), snapshot, wait: { timeoutMs: flags.timeoutSeconds * 1000 } }, io));
    });
};
