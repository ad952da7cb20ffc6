/**
 * The Managed Flink (kinesisanalyticsv2) operations the plays, the bench and the chaos runs share:
 * reads, the waits for a status or a snapshot (all on local/poll.ts), and start, stop, scale and
 * snapshot, each an SDK call followed by its wait. They take a client and an application name, so
 * they work alike against AWS and the local control plane.
 */
import {
  CreateApplicationSnapshotCommand,
  DescribeApplicationCommand,
  DescribeApplicationSnapshotCommand,
  KinesisAnalyticsV2Client,
  ListApplicationSnapshotsCommand,
  StartApplicationCommand,
  StopApplicationCommand,
  UpdateApplicationCommand,
  type ApplicationDetail,
  type ApplicationRestoreType,
  type ParallelismConfigurationDescription,
  type SnapshotDetails,
} from '@aws-sdk/client-kinesis-analytics-v2';
import type { ClientOptions } from '../lambdas/shared/clients';
import { readLocalApplication } from '../local/health';
import { poll, realClock, type Clock, type PollResult } from '../local/poll';
import { PlayError, WaitTimeoutError } from './errors';
import type { PlayTarget } from './target';

/** How an operation waits: the timeout, the poll interval and the clock. */
export interface WaitOptions {
  /** @default 600000 */
  readonly timeoutMs?: number;
  /** @default 2000 (1000 for a snapshot) */
  readonly intervalMs?: number;
  readonly clock?: Clock;
}

/** Why the application's last operation failed, as its control plane recorded it (wall-clock `at`). */
export interface RecordedFailure {
  readonly at: number;
  readonly message: string;
}

export interface OperationOptions extends WaitOptions {
  /** Where the progress lines go (`[   2.0 s] app STATUS`); nowhere when left out. */
  readonly progress?: (line: string) => void;
  /**
   * The application's last recorded failure. The local control plane keeps one (DescribeApplication
   * does not carry it); MSF does not, so leave it out on AWS.
   */
  readonly lastFailure?: () => RecordedFailure | undefined;
}

const DEFAULT_TIMEOUT_MS = 600_000;

export function msfClient(target: Pick<PlayTarget, 'msf'>): KinesisAnalyticsV2Client {
  const options: ClientOptions = target.msf;
  return new KinesisAnalyticsV2Client({ ...options, maxAttempts: 3 });
}

/** The local control plane's record of the application's last failure; undefined on AWS. */
export function recordedFailures(target: Pick<PlayTarget, 'applicationName' | 'local'>): OperationOptions['lastFailure'] {
  const local = target.local;
  if (!local) return undefined;
  return () => readLocalApplication(local.dirs, target.applicationName)?.lastFailure;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A progress line stamped with the time since its wait began: `[   2.0 s] text`. */
export function stamped(elapsedMs: number, text: string): string {
  return `[${seconds(elapsedMs).padStart(7)}] ${text}`;
}

export async function describeApplication(client: KinesisAnalyticsV2Client, name: string): Promise<ApplicationDetail> {
  const out = await client.send(new DescribeApplicationCommand({ ApplicationName: name }));
  if (!out.ApplicationDetail) throw new PlayError(`DescribeApplication returned no detail for '${name}'`);
  return out.ApplicationDetail;
}

/** The application's parallelism settings, as DescribeApplication reports them. */
export function parallelismOf(detail: ApplicationDetail): ParallelismConfigurationDescription | undefined {
  return detail.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription?.ParallelismConfigurationDescription;
}

/** Every snapshot of the application, newest first. */
export async function listSnapshots(client: KinesisAnalyticsV2Client, name: string): Promise<SnapshotDetails[]> {
  const snapshots: SnapshotDetails[] = [];
  let token: string | undefined;
  do {
    const out = await client.send(new ListApplicationSnapshotsCommand({ ApplicationName: name, Limit: 50, NextToken: token }));
    snapshots.push(...(out.SnapshotSummaries ?? []));
    token = out.NextToken;
  } while (token);
  return snapshots.sort((a, b) => (b.SnapshotCreationTimestamp?.getTime() ?? 0) - (a.SnapshotCreationTimestamp?.getTime() ?? 0));
}

/** The snapshot, or a PlayError naming the snapshots there are. */
export async function requireSnapshot(client: KinesisAnalyticsV2Client, app: string, name: string): Promise<SnapshotDetails> {
  const snapshots = await listSnapshots(client, app);
  const found = snapshots.find((s) => s.SnapshotName === name);
  if (!found) {
    const names = snapshots.slice(0, 5).map((s) => s.SnapshotName);
    throw new PlayError(
      `no snapshot '${name}' of ${app}${names.length ? ` (newest: ${names.join(', ')})` : ' (it has none)'}; list them with: playground snapshot list`,
    );
  }
  if (found.SnapshotStatus !== 'READY') throw new PlayError(`snapshot '${name}' is ${found.SnapshotStatus}, not READY; wait for it or pick another (playground snapshot list)`);
  return found;
}

/** How a wait prints its states: `onState` for poll, `last` for the state it ends in. */
export interface StateReporter {
  onState(state: string, elapsedMs: number): void;
  /** Prints the state the wait ended in (done, or failed fast) unless it was the last one printed. */
  last(state: string, elapsedMs: number): void;
}

/** Prints each state a wait sees (poll's `onState` repeats one every 30 s) as a stamped progress line. */
export function reporter(progress: OperationOptions['progress'], label: (state: string) => string = (state) => state): StateReporter {
  let printed: string | undefined;
  const print = (state: string, ms: number): void => {
    printed = state;
    progress?.(stamped(ms, label(state)));
  };
  return {
    onState: print,
    last: (state, ms) => {
      if (state !== printed) print(state, ms);
    },
  };
}

/** The first line of a recorded failure at or after `since` (1 s of clock skew allowed). */
function failureSince(options: OperationOptions, since: number): string | undefined {
  const failure = options.lastFailure?.();
  return failure && failure.at >= since - 1_000 ? (failure.message.split('\n')[0] ?? failure.message) : undefined;
}

export interface StatusWaitOptions extends OperationOptions {
  /** Refines "done" beyond the status (e.g. a new version). */
  readonly accept?: (detail: ApplicationDetail) => boolean;
  /** Statuses the application cannot leave by itself: seen after the first interval, the wait fails at once. */
  readonly settledOther?: readonly string[];
  /** Why the application settled elsewhere, for the error. */
  readonly why?: () => string | undefined;
}

/**
 * Polls DescribeApplication until the status is `wanted`, printing each status change with the
 * elapsed time (and a line every 30 s while it stays). Fails fast when the application settles in a
 * status it cannot leave by itself.
 */
export async function waitForStatus(
  client: KinesisAnalyticsV2Client,
  app: string,
  wanted: string,
  options: StatusWaitOptions = {},
): Promise<{ detail: ApplicationDetail; elapsedMs: number }> {
  const intervalMs = options.intervalMs ?? 2_000;
  const report = reporter(options.progress, (status) => `${app} ${status}`);
  let status = 'UNKNOWN';
  const { value, elapsedMs } = await poll<ApplicationDetail>(
    async (sinceMs) => {
      const detail = await describeApplication(client, app);
      status = detail.ApplicationStatus ?? 'UNKNOWN';
      if (status === wanted && (options.accept?.(detail) ?? true)) return { done: true, value: detail };
      if (options.settledOther?.includes(status) && sinceMs > intervalMs) {
        report.last(status, sinceMs);
        const why = options.why?.();
        throw new PlayError(`${app} went to ${status} instead of ${wanted}${why ? ` (${why})` : ''}; see why with 'playground status' and the application's logs`);
      }
      return { done: false, state: status };
    },
    {
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      intervalMs,
      clock: options.clock,
      onState: report.onState,
      timeout: (state, ms) =>
        new WaitTimeoutError(`${app} is still ${state} after ${seconds(ms)} (waiting for ${wanted}); check 'playground status', or wait longer with --timeout`),
    },
  );
  report.last(status, elapsedMs);
  return { detail: value, elapsedMs };
}

/** Polls DescribeApplicationSnapshot until the snapshot is READY; fails at once when it FAILED. */
async function waitForSnapshot(
  client: KinesisAnalyticsV2Client,
  app: string,
  name: string,
  options: OperationOptions = {},
): Promise<{ snapshot: SnapshotDetails; elapsedMs: number }> {
  const report = reporter(options.progress, (status) => `snapshot ${name} ${status}`);
  const { value, elapsedMs } = await poll<SnapshotDetails>(
    async (sinceMs): Promise<PollResult<SnapshotDetails>> => {
      const out = await client.send(new DescribeApplicationSnapshotCommand({ ApplicationName: app, SnapshotName: name }));
      const status = out.SnapshotDetails?.SnapshotStatus ?? 'UNKNOWN';
      if (status === 'READY' && out.SnapshotDetails) return { done: true, value: out.SnapshotDetails };
      if (status === 'FAILED') {
        report.last(status, sinceMs);
        throw new PlayError(`snapshot ${name} FAILED; see the application's logs, then try again`);
      }
      return { done: false, state: status };
    },
    {
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      intervalMs: options.intervalMs ?? 1_000,
      clock: options.clock,
      onState: report.onState,
      timeout: (state, ms) =>
        new WaitTimeoutError(`snapshot ${name} is still ${state} after ${seconds(ms)}; check 'playground snapshot list', or wait longer with --timeout`),
    },
  );
  report.last('READY', elapsedMs);
  return { snapshot: value, elapsedMs };
}

/** CreateApplicationSnapshot, then the wait until it is READY; `elapsedMs` counts from the request. */
export async function createSnapshot(
  client: KinesisAnalyticsV2Client,
  app: string,
  name: string,
  options: OperationOptions = {},
): Promise<{ snapshot: SnapshotDetails; elapsedMs: number }> {
  const clock = options.clock ?? realClock;
  const requestedAt = clock.now();
  await client.send(new CreateApplicationSnapshotCommand({ ApplicationName: app, SnapshotName: name }));
  const { snapshot } = await waitForSnapshot(client, app, name, options);
  return { snapshot, elapsedMs: clock.now() - requestedAt };
}

/** `latest`, `none`, or a snapshot's name. */
export type RestoreChoice = string;

/** The ApplicationRestoreConfiguration of a `--restore` choice. */
export function restoreConfiguration(restore: RestoreChoice): { ApplicationRestoreType: ApplicationRestoreType; SnapshotName?: string } {
  if (restore === 'latest') return { ApplicationRestoreType: 'RESTORE_FROM_LATEST_SNAPSHOT' };
  if (restore === 'none') return { ApplicationRestoreType: 'SKIP_RESTORE_FROM_SNAPSHOT' };
  return { ApplicationRestoreType: 'RESTORE_FROM_CUSTOM_SNAPSHOT', SnapshotName: restore };
}

/**
 * Starts a READY application from the chosen snapshot and waits until it is RUNNING; a fall back to
 * READY fails at once. `elapsedMs` counts from the request; `from` says what it started from.
 */
export async function startApplication(
  client: KinesisAnalyticsV2Client,
  app: string,
  options: OperationOptions & { readonly restore: RestoreChoice },
): Promise<{ elapsedMs: number; from: string }> {
  const { restore } = options;
  const clock = options.clock ?? realClock;
  let from = 'no snapshot';
  if (restore === 'latest') {
    const latest = (await listSnapshots(client, app)).find((s) => s.SnapshotStatus === 'READY');
    from = latest ? `the latest snapshot, ${latest.SnapshotName}` : 'no snapshot (there is none yet)';
  } else if (restore !== 'none') {
    await requireSnapshot(client, app, restore);
    from = `snapshot ${restore}`;
  }
  options.progress?.(`starting ${app} from ${from}…`);
  const requestedAt = clock.now();
  await client.send(
    new StartApplicationCommand({ ApplicationName: app, RunConfiguration: { ApplicationRestoreConfiguration: restoreConfiguration(restore) } }),
  );
  await waitForStatus(client, app, 'RUNNING', { ...options, settledOther: ['READY'], why: () => failureSince(options, requestedAt) });
  return { elapsedMs: clock.now() - requestedAt, from };
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
/** States of an application that is still being stopped. */
const STOPPING = new Set(['STOPPING', 'FORCE_STOPPING']);

/** Stops the application (with a snapshot unless forced) and waits until it is READY. */
export async function stopApplication(
  client: KinesisAnalyticsV2Client,
  app: string,
  options: OperationOptions & { readonly force?: boolean } = {},
): Promise<StopResult> {
  const force = options.force ?? false;
  const clock = options.clock ?? realClock;
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
  options.progress?.(`stopping ${app} ${force ? 'at once, without a snapshot (--force)' : 'with a snapshot'}…`);
  const requestedAt = clock.now();
  await client.send(new StopApplicationCommand({ ApplicationName: app, Force: force }));
  await waitForStopped(client, app, options, { before, requestedAt });
  const elapsedMs = clock.now() - requestedAt;
  const snapshot = force ? undefined : (await listSnapshots(client, app)).find((s) => !before.has(s.SnapshotName) && s.SnapshotStatus === 'READY')?.SnapshotName;
  return { elapsedMs, snapshot, alreadyStopped: false };
}

interface StopRequest {
  readonly before: ReadonlySet<string | undefined>;
  readonly requestedAt: number;
}

/**
 * Waits until the application is READY. A stop whose snapshot fails leaves the application RUNNING
 * (MSF does so, and so does the local control plane): that is reported at once, with the reason when
 * the control plane recorded one, instead of waiting for the timeout.
 */
async function waitForStopped(client: KinesisAnalyticsV2Client, app: string, options: OperationOptions, stop: StopRequest): Promise<void> {
  const report = reporter(options.progress, (status) => `${app} ${status}`);
  let seenStopping = false;
  const { elapsedMs } = await poll<true>(
    async (sinceMs) => {
      const status = (await describeApplication(client, app)).ApplicationStatus ?? 'UNKNOWN';
      if (status === 'READY') return { done: true, value: true };
      if (STOPPING.has(status)) seenStopping = true;
      else if (status === 'RUNNING' || status === 'AUTOSCALING') {
        const failure = await stopFailure(client, app, options, stop, seenStopping);
        if (failure !== undefined) {
          report.last(status, sinceMs);
          throw new PlayError(failure);
        }
      }
      return { done: false, state: status };
    },
    {
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      intervalMs: options.intervalMs ?? 2_000,
      clock: options.clock,
      onState: report.onState,
      timeout: (state, ms) =>
        new WaitTimeoutError(`${app} is still ${state} after ${seconds(ms)} (waiting for READY); check 'playground status', or wait longer with --timeout`),
    },
  );
  report.last('READY', elapsedMs);
}

/**
 * Why a stop failed, when the application is RUNNING again after it: the control plane's recorded
 * failure, or the snapshot the stop left FAILED. Undefined while there is no sign the stop failed
 * (the application may not have moved to STOPPING yet).
 */
async function stopFailure(
  client: KinesisAnalyticsV2Client,
  app: string,
  options: OperationOptions,
  stop: StopRequest,
  seenStopping: boolean,
): Promise<string | undefined> {
  const force = 'stop it without a snapshot with: playground stop --force';
  if (options.lastFailure) {
    const failure = failureSince(options, stop.requestedAt);
    if (failure !== undefined) {
      const reason = failure.replace(/^StopApplication's snapshot failed: /, '');
      const clipped = reason.length > 400 ? `${reason.slice(0, 399)}…` : reason;
      return `${app} could not take its snapshot and is RUNNING again: ${clipped}${/--force/.test(clipped) ? '' : `; ${force}`}`;
    }
    if (!seenStopping) return undefined;
  }
  const failedSnapshot = (await listSnapshots(client, app)).find((s) => !stop.before.has(s.SnapshotName) && s.SnapshotStatus === 'FAILED');
  if (!seenStopping && !failedSnapshot) return undefined;
  return `${app} went back to RUNNING: its snapshot${failedSnapshot ? ` ${failedSnapshot.SnapshotName}` : ''} failed, so it was not stopped; see why with 'playground status' and the application's logs, or ${force}`;
}

/** The parallelism an UpdateApplication asks for. */
export interface ParallelismChange {
  readonly parallelism: number;
  /** @default unchanged */
  readonly perKpu?: number;
  /** @default unchanged */
  readonly autoScaling?: boolean;
}

export interface ParallelismResult {
  /** False when the application already ran so: nothing was asked. */
  readonly changed: boolean;
  /** RUNNING when it ran before the update, else READY. */
  readonly status: 'RUNNING' | 'READY';
  readonly detail: ApplicationDetail;
  readonly perKpu: number;
  readonly kpus: number;
  readonly elapsedMs: number;
}

/** KPUs a parallelism needs at `perKpu` parallel tasks per KPU. */
export function kpusFor(parallelism: number, perKpu: number): number {
  return Math.ceil(parallelism / perKpu);
}

/**
 * UpdateApplication of the parallelism with the current ConditionalToken (or version), then the wait
 * until the new version is RUNNING (READY when it was not running). Fails when the new version runs
 * at the former parallelism: the update's restart failed and MSF (and the local control plane) rolled
 * it back. `current` saves a DescribeApplication when the caller has just read it.
 */
export async function updateParallelism(
  client: KinesisAnalyticsV2Client,
  app: string,
  change: ParallelismChange,
  options: OperationOptions & { readonly current?: ApplicationDetail } = {},
): Promise<ParallelismResult> {
  const clock = options.clock ?? realClock;
  const detail = options.current ?? (await describeApplication(client, app));
  const state = detail.ApplicationStatus ?? 'UNKNOWN';
  const current = parallelismOf(detail);
  const perKpu = change.perKpu ?? current?.ParallelismPerKPU ?? 1;
  const autoScaling = change.autoScaling ?? current?.AutoScalingEnabled ?? false;
  const kpus = kpusFor(change.parallelism, perKpu);
  if (state !== 'RUNNING' && state !== 'READY') {
    throw new PlayError(`${app} is ${state}; it can be scaled when RUNNING or READY — wait for the current operation (playground status)`);
  }
  if (
    current?.ConfigurationType === 'CUSTOM' &&
    current.Parallelism === change.parallelism &&
    current.ParallelismPerKPU === perKpu &&
    current.AutoScalingEnabled === autoScaling
  ) {
    return { changed: false, status: state, detail, perKpu, kpus, elapsedMs: 0 };
  }
  const version = detail.ApplicationVersionId ?? 0;
  options.progress?.(
    `scaling ${app} to parallelism ${change.parallelism}, ${perKpu} per KPU → ${kpus} KPU(s), autoscaling ${autoScaling ? 'on' : 'off'} (from ${current?.CurrentParallelism ?? current?.Parallelism ?? '?'}, version ${version})…`,
  );
  const requestedAt = clock.now();
  const wallRequestedAt = Date.now();
  await client.send(
    new UpdateApplicationCommand({
      ApplicationName: app,
      ...(detail.ConditionalToken ? { ConditionalToken: detail.ConditionalToken } : { CurrentApplicationVersionId: version }),
      ApplicationConfigurationUpdate: {
        FlinkApplicationConfigurationUpdate: {
          ParallelismConfigurationUpdate: {
            ConfigurationTypeUpdate: 'CUSTOM',
            ParallelismUpdate: change.parallelism,
            ParallelismPerKPUUpdate: perKpu,
            AutoScalingEnabledUpdate: autoScaling,
          },
        },
      },
    }),
  );
  const { detail: after } = await waitForStatus(client, app, state, { ...options, accept: (d) => (d.ApplicationVersionId ?? 0) > version });
  const running = parallelismOf(after)?.CurrentParallelism;
  if (state === 'RUNNING' && running !== undefined && running !== change.parallelism) {
    const failure = options.lastFailure?.();
    const why = failure && failure.at >= wallRequestedAt ? failure.message : undefined;
    throw new PlayError(
      `${app} is RUNNING again at parallelism ${running}, not ${change.parallelism}: the update did not take${why ? `: ${why}` : ''}; see 'playground status'`,
    );
  }
  return { changed: true, status: state, detail: after, perKpu, kpus, elapsedMs: clock.now() - requestedAt };
}
