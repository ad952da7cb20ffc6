import { StartApplicationCommand, type ApplicationRestoreType, type KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { UsageError, type Io } from '../io';
import { intIn } from '../options';
import {
  describeApplication,
  listSnapshots,
  msfClient,
  PlayError,
  requireSnapshot,
  resolveTarget,
  runPlay,
  seconds,
  targetFlags,
  waitForStatus,
  withTargetOptions,
  type PlayTarget,
  type WaitOptions,
} from '../target';
import type { RegisterCommand } from './index';

/** `latest`, `none`, or a snapshot's name. */
export type RestoreChoice = string;

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

function restoreConfiguration(restore: RestoreChoice): { ApplicationRestoreType: ApplicationRestoreType; SnapshotName?: string } {
  if (restore === 'latest') return { ApplicationRestoreType: 'RESTORE_FROM_LATEST_SNAPSHOT' };
  if (restore === 'none') return { ApplicationRestoreType: 'SKIP_RESTORE_FROM_SNAPSHOT' };
  return { ApplicationRestoreType: 'RESTORE_FROM_CUSTOM_SNAPSHOT', SnapshotName: restore };
}

/** Starts a READY application from the chosen snapshot and waits until it is RUNNING; returns the wait. */
export async function startApplication(
  client: KinesisAnalyticsV2Client,
  target: PlayTarget,
  restore: RestoreChoice,
  io: Io,
  wait: WaitOptions = {},
): Promise<{ elapsedMs: number; from: string }> {
  const app = target.applicationName;
  let from = 'no snapshot';
  if (restore === 'latest') {
    const latest = (await listSnapshots(client, app)).find((s) => s.SnapshotStatus === 'READY');
    from = latest ? `the latest snapshot, ${latest.SnapshotName}` : 'no snapshot (there is none yet)';
  } else if (restore !== 'none') {
    await requireSnapshot(client, app, restore);
    from = `snapshot ${restore}`;
  }
  io.out(`starting ${app} from ${from}…`);
  await client.send(
    new StartApplicationCommand({ ApplicationName: app, RunConfiguration: { ApplicationRestoreConfiguration: restoreConfiguration(restore) } }),
  );
  const { elapsedMs } = await waitForStatus(client, app, 'RUNNING', io, { ...wait, settledOther: ['READY'] });
  return { elapsedMs, from };
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
    const result = await startApplication(client, target, options.restore, io, options.wait);
    io.out(`${target.applicationName} is RUNNING, started from ${result.from}, in ${seconds(result.elapsedMs)}`);
    return 0;
  });
}

export const registerStart: RegisterCommand = (program, io, setExit) => {
  withTargetOptions(program.command('start'))
    .description('Start the application (from the latest snapshot by default), wait until RUNNING')
    .option('--restore <snapshot>', 'latest, none, or a snapshot name', parseRestore, 'latest')
    .option('--timeout <seconds>', 'how long to wait for RUNNING', intIn(1, 86_400), 600)
    .action(async (flags: Record<string, unknown>) => {
      const target = resolveTarget(targetFlags(flags));
      setExit(await start({ target, restore: flags.restore as string, wait: { timeoutMs: (flags.timeout as number) * 1000 } }, io));
    });
};
