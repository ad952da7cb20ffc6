import { StopApplicationCommand, type KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { readLocalApplication } from '../../local/health';
import type { Io } from '../io';
import { intIn } from '../options';
import {
  describeApplication,
  listSnapshots,
  msfClient,
  PlayError,
  realClock,
  resolveTarget,
  runPlay,
  seconds,
  targetFlags,
  WaitTimeoutError,
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
  const requestedAt = (wait.clock ?? realClock).now();
  await client.send(new StopApplicationCommand({ ApplicationName: app, Force: force }));
  const { elapsedMs } = await waitForStopped(client, target, io, wait, { before, requestedAt });
  const snapshot = force ? undefined : (await listSnapshots(client, app)).find((s) => !before.has(s.SnapshotName) && s.SnapshotStatus === 'READY')?.SnapshotName;
  return { elapsedMs, snapshot, alreadyStopped: false };
}

/** States of an application that is still being stopped. */
const STOPPING = new Set(['STOPPING', 'FORCE_STOPPING']);

/**
 * Polls DescribeApplication until the application is READY, printing each status change with the
 * elapsed time (and a line every 30 s while it stays). A stop whose snapshot fails leaves the
 * application RUNNING (MSF does so, and so does the local control plane): that is reported at once,
 * with the reason when the local control plane recorded one, instead of waiting for the timeout.
 */
async function waitForStopped(
  client: KinesisAnalyticsV2Client,
  target: PlayTarget,
  io: Io,
  wait: WaitOptions,
  stop: { readonly before: ReadonlySet<string | undefined>; readonly requestedAt: number },
): Promise<{ elapsedMs: number }> {
  const app = target.applicationName;
  const clock = wait.clock ?? realClock;
  const timeoutMs = wait.timeoutMs ?? 600_000;
  const intervalMs = wait.intervalMs ?? 2_000;
  const started = clock.now();
  let last: string | undefined;
  let lastPrinted = started;
  let seenStopping = false;
  for (;;) {
    const status = (await describeApplication(client, app)).ApplicationStatus ?? 'UNKNOWN';
    const elapsedMs = clock.now() - started;
    if (status !== last || clock.now() - lastPrinted >= 30_000) {
      io.out(`[${seconds(elapsedMs).padStart(7)}] ${app} ${status}`);
      last = status;
      lastPrinted = clock.now();
    }
    if (status === 'READY') return { elapsedMs };
    if (STOPPING.has(status)) seenStopping = true;
    else if (status === 'RUNNING' || status === 'AUTOSCALING') {
      const failure = await stopFailure(client, target, stop, seenStopping);
      if (failure !== undefined) throw new PlayError(failure);
    }
    if (elapsedMs >= timeoutMs) {
      throw new WaitTimeoutError(`${app} is still ${status} after ${seconds(elapsedMs)} (waiting for READY); check 'playground status', or wait longer with --timeout`);
    }
    await clock.sleep(intervalMs);
  }
}

/**
 * Why a stop failed, when the application is RUNNING again after it: the local control plane's
 * `lastFailure` (DescribeApplication does not carry it), or on AWS the snapshot the stop left FAILED.
 * Undefined while there is no sign the stop failed (the application may not have moved to STOPPING yet).
 */
async function stopFailure(
  client: KinesisAnalyticsV2Client,
  target: PlayTarget,
  stop: { readonly before: ReadonlySet<string | undefined>; readonly requestedAt: number },
  seenStopping: boolean,
): Promise<string | undefined> {
  const app = target.applicationName;
  const force = 'stop it without a snapshot with: playground stop --force';
  if (target.local) {
    const failure = readLocalApplication(target.local.dirs, app)?.lastFailure;
    if (failure && failure.at >= stop.requestedAt - 1_000) {
      const reason = (failure.message.split('\n')[0] ?? failure.message).replace(/^StopApplication's snapshot failed: /, '');
      const clipped = reason.length > 400 ? `${reason.slice(0, 399)}…` : reason;
      return `${app} could not take its snapshot and is RUNNING again: ${clipped}${/--force/.test(clipped) ? '' : `; ${force}`}`;
    }
    if (!seenStopping) return undefined;
  }
  const failedSnapshot = (await listSnapshots(client, app)).find((s) => !stop.before.has(s.SnapshotName) && s.SnapshotStatus === 'FAILED');
  if (!seenStopping && !failedSnapshot) return undefined;
  return `${app} went back to RUNNING: its snapshot${failedSnapshot ? ` ${failedSnapshot.SnapshotName}` : ''} failed, so it was not stopped; see why with 'playground status' and the application's logs, or ${force}`;
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
