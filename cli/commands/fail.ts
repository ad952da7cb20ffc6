import { randomUUID } from 'node:crypto';
import { createStreamWriter } from '../../lambdas/shared/writers';
import type { FlinkRestClient } from '../../local/flink/rest';
import { awaitNewTaskManager, SupervisorClient } from '../../local/supervisor-api';
import { UsageError, type Io } from '../io';
import { intIn } from '../options';
import {
  allTasksRunning,
  currentJob,
  localFlink,
  PlayError,
  realClock,
  resolveTarget,
  runPlay,
  seconds,
  targetFlags,
  WaitTimeoutError,
  withTargetOptions,
  type Clock,
  type PlayTarget,
} from '../target';
import type { RegisterCommand } from './index';

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

export function controlRecord(clock: Pick<Clock, 'now'> = realClock): ControlRecord {
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
  let last = '';
  for (;;) {
    const [restarts, running] = await Promise.all([
      numRestarts(rest, jobId).catch(() => before),
      allTasksRunning(rest, jobId).catch(() => false),
    ]);
    const job = await rest.job(jobId).catch(() => undefined);
    const line = `job ${job?.state ?? '?'}, restarts ${restarts}, tasks ${job ? job.vertices.map((v) => v.status).join('/') : '?'}`;
    if (line !== last) {
      io.out(`[${seconds(clock.now() - started).padStart(7)}] ${line}`);
      last = line;
    }
    if (restarts > before && running) return restarts;
    if (clock.now() - started > timeoutMs) {
      throw new WaitTimeoutError(`the job did not recover within ${seconds(timeoutMs)} (${line}); look at the JobManager log in the playground's logs folder`);
    }
    await clock.sleep(1_000);
  }
}

async function restoredCheckpoint(rest: FlinkRestClient, jobId: string): Promise<string> {
  const stats = await rest.checkpoints(jobId).catch(() => undefined);
  const restored = stats?.latest.restored;
  return restored ? `checkpoint ${restored.id}` : 'no checkpoint (none was complete)';
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
  if (options.killTaskManager && !target.local) {
    throw new UsageError('--kill-taskmanager works on the local playground only (MSF manages its TaskManagers); on AWS run: playground fail');
  }
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
      io.out(`[${seconds(0).padStart(7)}] killed ${victim.id} (pid ${victim.pid}, SIGKILL); the supervisor starts a new TaskManager in ${options.downForSeconds} s`);
      const restartAt = started + Math.max(0, replaceAt - Date.now());
      while (clock.now() < restartAt) {
        const state = (await rest.job(job.jid).catch(() => undefined))?.state ?? '?';
        io.out(`[${seconds(clock.now() - started).padStart(7)}] job ${state}; ${Math.ceil((restartAt - clock.now()) / 1000)} s until the new TaskManager`);
        await clock.sleep(Math.min(5_000, restartAt - clock.now()));
      }
      const replacement = await awaitNewTaskManager(rest, known, Math.max(60_000, timeoutMs - (clock.now() - started))).catch((error: unknown) => {
        throw new PlayError(`the replacement TaskManager did not come: ${(error as Error).message}`, { cause: error });
      });
      io.out(`[${seconds(clock.now() - started).padStart(7)}] ${replacement.id} registered (${replacement.slotsNumber} slot(s)); the job recovers from its last checkpoint`);
    } else {
      const { record, where } = await writeControlRecord(target, clock);
      io.out(`wrote control record ${record.id} (issuedAt ${record.issuedAt}) to ${where}; the job fails once and recovers from its last checkpoint`);
      if (!rest || !job) {
        io.out(`watch the restart with: playground metrics fullRestarts uptime --app ${target.applicationName}`);
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

export const registerFail: RegisterCommand = (program, io, setExit) => {
  withTargetOptions(program.command('fail'))
    .description("Inject a failure: write the job's fault-injection record, or (locally) kill a TaskManager")
    .option('--kill-taskmanager', 'locally: SIGKILL a TaskManager and start a new one after --down-for seconds', false)
    .option('--down-for <seconds>', 'seconds until the replacement TaskManager starts', intIn(0, 3_600), 10)
    .option('--no-wait', 'do not wait for the job to recover')
    .option('--timeout <seconds>', 'how long to wait for the recovery', intIn(1, 86_400), 300)
    .action(async (flags: Record<string, unknown>) => {
      const target = resolveTarget(targetFlags(flags));
      setExit(
        await fail(
          {
            target,
            killTaskManager: Boolean(flags.killTaskmanager),
            downForSeconds: flags.downFor as number,
            wait: flags.wait !== false,
            timeoutMs: (flags.timeout as number) * 1000,
          },
          io,
        ),
      );
    });
};
