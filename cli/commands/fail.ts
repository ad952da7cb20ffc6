import { randomUUID } from 'node:crypto';
import { createStreamWriter } from '../../lambdas/shared/writers';
import { appendStackEvent } from '../../local/events';
import type { FlinkRestClient } from '../../local/flink/rest';
import { awaitNewTaskManager, SupervisorClient } from '../../local/supervisor-api';
import { poll, realClock, type Clock } from '../../local/poll';
import { PlayError, runPlay, UsageError, WaitTimeoutError } from '../errors';
import { allTasksRunning, currentJob, localFlink } from '../flink';
import type { Io } from '../io';
import { reporter, seconds, stamped } from '../msf';
import { defineOptions } from '../options';
import { announceTarget } from '../announce';
import { resolveTarget, targetOptions, type PlayTarget } from '../target';
import type { RegisterCommand } from './register';

export interface FailOptions {
  readonly target: PlayTarget;
  /** Locally: SIGKILL a TaskManager instead of writing the control record. */
  readonly killTaskManager: boolean;
  /** Seconds until a replacement TaskManager starts. @default 10 */
  readonly downForSeconds: number;
  /** Wait for the job to recover (locally). @default true */
  readonly wait?: boolean;
  /** @default 300000 */
  readonly timeoutMs?: number;
  readonly clock?: Clock;
}

/** The job's fault-injection record (job/README.md, "Control record"). */
export interface ControlRecord {
  readonly control: 'fail';
  readonly id: string;
  readonly issuedAt: string;
}

function controlRecord(clock: Pick<Clock, 'now'> = realClock): ControlRecord {
  return { control: 'fail', id: randomUUID(), issuedAt: new Date(clock.now()).toISOString() };
}

/** Writes the control record to the target's input stream; the job fails once when it reads it. */
export async function writeControlRecord(target: PlayTarget, clock: Pick<Clock, 'now'> = realClock): Promise<{ record: ControlRecord; where: string }> {
  if (!target.input) {
    throw new PlayError('no input stream known to write the control record to: deploy with --outputs-file cdk-outputs.json (InputStreamName or BootstrapBrokers)');
  }
  const record = controlRecord(clock);
  const writer = createStreamWriter(target.input, target.kinesis ?? {});
  try {
    await writer.write([{ partitionKey: `control-${record.id}`, data: JSON.stringify(record) }]);
  } finally {
    await writer.close();
  }
  return { record, where: target.input.kind === 'kafka' ? `topic ${target.input.topic}` : `stream ${target.input.streamName}` };
}

async function numRestarts(rest: FlinkRestClient, jobId: string): Promise<number> {
  const metrics = await rest.jobMetrics(jobId, ['numRestarts']);
  return Number(metrics.find((m) => m.id === 'numRestarts')?.value ?? 0);
}

/** Waits until the job restarted (more restarts than `before`) and all its tasks run again. */
async function awaitRecovery(rest: FlinkRestClient, jobId: string, before: number, io: Io, clock: Clock, timeoutMs: number, started: number): Promise<number> {
  const report = reporter((line) => io.out(line));
  const offset = clock.now() - started;
  let line = '';
  // Flink's numRestarts is the sign of a restart; tasks seen not running and then all running
  // again are one as well (a stack without checkpoints has been seen to keep numRestarts at 0)
  let sawTasksDown = false;
  const { value } = await poll<number>(
    async () => {
      const [restarts, running] = await Promise.all([
        numRestarts(rest, jobId).catch(() => before),
        allTasksRunning(rest, jobId).catch(() => false),
      ]);
      const job = await rest.job(jobId).catch(() => undefined);
      line = `job ${job?.state ?? '?'}, restarts ${restarts}, tasks ${job ? job.vertices.map((v) => v.status).join('/') : '?'}`;
      if (!running) sawTasksDown = true;
      return (restarts > before || sawTasksDown) && running ? { done: true, value: restarts } : { done: false, state: line };
    },
    {
      timeoutMs: Math.max(0, timeoutMs - offset),
      intervalMs: 1_000,
      clock,
      onState: (state, ms) => report.onState(state, offset + ms),
      timeout: (state) => new WaitTimeoutError(`the job did not recover within ${seconds(timeoutMs)} (${state}); look at the JobManager log in the playground's logs folder`),
    },
  );
  report.last(line, clock.now() - started);
  return value;
}

/** Prints the job's state every 5 s until `untilMs` (the replacement TaskManager's start). */
async function countDown(rest: FlinkRestClient, jobId: string, io: Io, clock: Clock, started: number, untilMs: number): Promise<void> {
  if (clock.now() >= untilMs) return;
  await poll<true>(
    async () => {
      const state = (await rest.job(jobId).catch(() => undefined))?.state ?? '?';
      if (clock.now() >= untilMs) return { done: true, value: true };
      io.out(stamped(clock.now() - started, `job ${state}; ${Math.ceil((untilMs - clock.now()) / 1000)} s until the new TaskManager`));
      return { done: false, state: `${state}@${clock.now()}` };
    },
    // A little past the end, so the look at the end comes before the timeout.
    { timeoutMs: untilMs - clock.now() + 250, intervalMs: 5_000, clock, timeout: () => new WaitTimeoutError('the count-down to the new TaskManager passed its end') },
  );
}

async function restoredCheckpoint(rest: FlinkRestClient, jobId: string): Promise<string> {
  const stats = await rest.checkpoints(jobId).catch(() => undefined);
  const restored = stats?.latest.restored;
  return restored ? `checkpoint ${restored.id}` : 'no checkpoint (none was complete)';
}

/** `--kill-taskmanager` needs the local stack's supervisor. @throws UsageError */
function checkKillTaskManager(options: Pick<FailOptions, 'killTaskManager' | 'target'>): void {
  if (options.killTaskManager && !options.target.local) {
    throw new UsageError('--kill-taskmanager works on the local playground only (MSF manages its TaskManagers); on AWS run: playground fail');
  }
}

/**
 * `playground fail [--kill-taskmanager] [--down-for S]`: inject a failure. By default (and on AWS)
 * writes the job's control record to the input stream, so the job throws once and recovers from its
 * last checkpoint; locally `--kill-taskmanager` SIGKILLs a TaskManager and starts a new one after S s.
 */
export async function fail(options: FailOptions, io: Io): Promise<number> {
  const { target } = options;
  const clock = options.clock ?? realClock;
  const timeoutMs = options.timeoutMs ?? 300_000;
  checkKillTaskManager(options);
  return runPlay(io, target, async () => {
    const rest = target.local ? localFlink(target) : undefined;
    const job = rest ? await currentJob(rest) : undefined;
    if (rest && !job) throw new PlayError("no job runs on the local Flink cluster; start the application with 'playground start'");
    const before = rest && job ? await numRestarts(rest, job.jid).catch(() => 0) : 0;
    const started = clock.now();

    if (options.killTaskManager && target.local && rest && job) {
      // The stack's supervisor owns its processes: it kills the TaskManager and starts the
      // replacement (with the stack's own environment); this command only asks and watches.
      const known = new Set((await rest.taskManagers()).map((tm) => tm.id));
      const supervisor = new SupervisorClient(target.local.record.endpoints.supervisor);
      const { victim, replaceAt } = await supervisor.killTaskManager({ replaceAfterMs: options.downForSeconds * 1000 }).catch((error: unknown) => {
        throw new PlayError(`could not kill a TaskManager: ${(error as Error).message}`, { cause: error });
      });
      known.add(victim.id);
      io.out(stamped(0, `killed ${victim.id} (pid ${victim.pid}, SIGKILL); the supervisor starts a new TaskManager in ${options.downForSeconds} s`));
      await countDown(rest, job.jid, io, clock, started, started + Math.max(0, replaceAt - Date.now()));
      const replacement = await awaitNewTaskManager(rest, known, Math.max(60_000, timeoutMs - (clock.now() - started))).catch((error: unknown) => {
        throw new PlayError(`the replacement TaskManager did not come: ${(error as Error).message}`, { cause: error });
      });
      io.out(stamped(clock.now() - started, `${replacement.id} registered (${replacement.slotsNumber} slot(s)); the job restarts from its last checkpoint (without state when checkpointing is off)`));
    } else {
      const { record, where } = await writeControlRecord(target, clock);
      if (target.local) appendStackEvent(target.local.dirs, { kind: 'fault', message: `fail: control record ${record.id} written to ${where}` });
      io.out(`wrote control record ${record.id} (issuedAt ${record.issuedAt}) to ${where}; the job fails once and restarts from its last checkpoint (without state when checkpointing is off)`);
      if (!rest || !job) {
        io.out(`watch the restart with: playground metrics numRestarts runningTime restartingTime --app ${target.applicationName}`);
        return 0;
      }
    }
    if (options.wait === false) return 0;
    const restarts = await awaitRecovery(rest, job.jid, before, io, clock, timeoutMs, started);
    io.out(
      `recovered in ${seconds(clock.now() - started)}: job ${job.jid} RUNNING again from ${await restoredCheckpoint(rest, job.jid)}; restarts ${before} → ${restarts}`,
    );
    return 0;
  });
}

const failFlags = defineOptions((o) => ({
  target: targetOptions(o),
  killTaskManager: o.flag('--kill-taskmanager', 'locally: SIGKILL a TaskManager and start a new one after --down-for seconds'),
  downForSeconds: o.int('--down-for <seconds>', 'seconds until the replacement TaskManager starts', { min: 0, max: 3_600 }, 10),
  wait: o.negatedFlag('--no-wait', 'do not wait for the job to recover'),
  timeoutSeconds: o.int('--timeout <seconds>', 'how long to wait for the recovery', { min: 1, max: 86_400 }, 300),
}));

export const registerFail: RegisterCommand = (program, io, setExit) => {
  const command = failFlags
    .add(program.command('fail'))
    .description("Inject a failure: write the job's fault-injection record, or (locally) kill a TaskManager")
    .action(async () => {
      const { target: targetFlags, timeoutSeconds, ...flags } = failFlags.read(command);
      const target = resolveTarget(targetFlags, 'change');
      // A wrong flag is reported before the account is looked up.
      checkKillTaskManager({ ...flags, target });
      await announceTarget(target, 'change', io);
      setExit(await fail({ ...flags, target, timeoutMs: timeoutSeconds * 1000 }, io));
    });
};
