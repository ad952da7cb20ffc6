import { PlayError, runPlay, UsageError } from '../errors';
import type { Io } from '../io';
import { describeApplication, msfClient, recordedFailures, seconds, startApplication, type RestoreChoice, type WaitOptions } from '../msf';
import { defineOptions } from '../options';
import { playTarget } from '../announce';
import { targetOptions, type PlayTarget } from '../target';
import type { RegisterCommand } from './register';

export type { RestoreChoice };

export interface StartOptions {
  readonly target: PlayTarget;
  /** @default 'latest' */
  readonly restore: RestoreChoice;
  readonly wait?: WaitOptions;
}

const SNAPSHOT_NAME = /^[a-zA-Z0-9_.-]{1,256}$/;

/** Checks a `--restore` value before any call. @throws UsageError */
export function parseRestore(value: string): RestoreChoice {
  if (value === 'latest' || value === 'none' || SNAPSHOT_NAME.test(value)) return value;
  throw new UsageError(`--restore takes latest, none or a snapshot name (letters, digits, _ . -), got '${value}'`);
}

/** `playground start [--restore latest|none|SNAPSHOT]`: start, wait until RUNNING. */
export async function start(options: StartOptions, io: Io): Promise<number> {
  const { target } = options;
  const client = msfClient(target);
  return runPlay(io, target, async () => {
    const detail = await describeApplication(client, target.applicationName);
    const state = detail.ApplicationStatus ?? 'UNKNOWN';
    if (state === 'RUNNING' || state === 'AUTOSCALING') {
      throw new PlayError(`${target.applicationName} is already RUNNING; to start it from a snapshot use: playground restore SNAPSHOT`);
    }
    if (state !== 'READY') {
      throw new PlayError(`${target.applicationName} is ${state}; it can start only from READY — wait for the current operation (playground status)`);
    }
    const result = await startApplication(client, target.applicationName, {
      ...options.wait,
      restore: options.restore,
      progress: (line) => io.out(line),
      lastFailure: recordedFailures(target),
    });
    io.out(`${target.applicationName} is RUNNING, started from ${result.from}, in ${seconds(result.elapsedMs)}`);
    return 0;
  });
}

const startFlags = defineOptions((o) => ({
  target: targetOptions(o),
  restore: o.text('--restore <snapshot>', 'latest, none, or a snapshot name', 'latest'),
  timeoutSeconds: o.int('--timeout <seconds>', 'how long to wait for RUNNING', { min: 1, max: 86_400 }, 600),
}));

export const registerStart: RegisterCommand = (program, io, setExit) => {
  const command = startFlags
    .add(program.command('start'))
    .description('Start the application (from the latest snapshot by default), wait until RUNNING')
    .action(async () => {
      const flags = startFlags.read(command);
      const restore = parseRestore(flags.restore);
      setExit(await start({ target: await playTarget(flags.target, 'change', io), restore, wait: { timeoutMs: flags.timeoutSeconds * 1000 } }, io));
    });
};
