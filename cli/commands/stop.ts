import { StopApplicationCommand, type KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import type { Io } from '../io';
import { intIn } from '../options';
import {
  describeApplication,
  listSnapshots,
  msfClient,
  PlayError,
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

export interface StopOptions {
  readonly target: PlayTarget;
  /** Stop without a snapshot (MSF's Force). */
  readonly force: boolean;
  readonly wait?: WaitOptions;
}

/** The outcome of a stop: how long it took and the snapshot it left (none when forced or disabled). */
export interface StopResult {
  readonly elapsedMs: number;
  readonly snapshot?: string;
  readonly alreadyStopped: boolean;
}

/** States a normal stop applies to (MSF: RUNNING; AUTOSCALING is a running application too). */
const STOPPABLE = new Set(['RUNNING', 'AUTOSCALING']);
const FORCE_STOPPABLE = new Set(['RUNNING', 'AUTOSCALING', 'STARTING', 'UPDATING', 'STOPPING']);

/** Stops the application (with a snapshot unless forced) and waits until it is READY. */
export async function stopApplication(client: KinesisAnalyticsV2Client, target: PlayTarget, force: boolean, io: Io, wait: WaitOptions = {}): Promise<StopResult> {
  const app = target.applicationName;
  const detail = await describeApplication(client, app);
  const state = detail.ApplicationStatus ?? 'UNKNOWN';
  if (state === 'READY') return { elapsedMs: 0, alreadyStopped: true };
  if (!(force ? FORCE_STOPPABLE : STOPPABLE).has(state)) {
    throw new PlayError(
      state === 'STARTING' || state === 'UPDATING' || state === 'STOPPING'
        ? `${app} is ${state}; wait until it is RUNNING (playground status), or stop it at once without a snapshot: playground stop --force`
        : `${app} is ${state} and cannot be stopped now; check 'playground status'`,
    );
  }
  const before = new Set((await listSnapshots(client, app)).map((s) => s.SnapshotName));
  io.out(`stopping ${app} ${force ? 'at once, without a snapshot (--force)' : 'with a snapshot'}…`);
  await client.send(new StopApplicationCommand({ ApplicationName: app, Force: force }));
  const { elapsedMs } = await waitForStatus(client, app, 'READY', io, wait);
  const snapshot = force ? undefined : (await listSnapshots(client, app)).find((s) => !before.has(s.SnapshotName) && s.SnapshotStatus === 'READY')?.SnapshotName;
  return { elapsedMs, snapshot, alreadyStopped: false };
}

/** `playground stop [--force]`: stop with a snapshot (none when forced), wait until READY. */
export async function stop(options: StopOptions, io: Io): Promise<number> {
  const { target } = options;
  const client = msfClient(target);
  return runPlay(io, target, async () => {
    const result = await stopApplication(client, target, options.force, io, options.wait);
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

export const registerStop: RegisterCommand = (program, io, setExit) => {
  withTargetOptions(program.command('stop'))
    .description('Stop the application with a snapshot (a savepoint), wait until READY')
    .option('--force', 'stop at once, without a snapshot', false)
    .option('--timeout <seconds>', 'how long to wait for READY', intIn(1, 86_400), 600)
    .action(async (flags: Record<string, unknown>) => {
      const target = resolveTarget(targetFlags(flags));
      setExit(await stop({ target, force: Boolean(flags.force), wait: { timeoutMs: (flags.timeout as number) * 1000 } }, io));
    });
};
