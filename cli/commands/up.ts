import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureJobJar } from '../../infra/lib/job-jar';
import type { AuditSummary } from '../../lambdas/shared/audit-query';
import { MAX_EVENTS_PER_WINDOW } from '../../lambdas/shared/config';
import { WINDOW_MS } from '../../lambdas/shared/windows';
import type { SupervisorArgs, SupervisorMessage } from '../../local/daemon-protocol';
import { auditStack, observeStack, renderHealth, renderView } from '../../local/observe';
import { LOCAL_EVENTS_PER_WINDOW } from '../../local/names';
import { playgroundDirs, repoRoot, resolveHome, type PlaygroundDirs } from '../../local/paths';
import { assertPortFree, portConflict, portsBound } from '../../local/ports';
import { isAlive, logTail } from '../../local/process';
import { DEFAULT_PORTS, PORT_OPTIONS, type StackOptions, type StackPorts, type StackRecord, type StreamsKind } from '../../local/stack-state';
import { checkTools } from '../../local/tools';
import { UsageError, type Io } from '../io';
import { poll } from '../../local/poll';
import { defineOptions } from '../options';
import { describeVariant } from '../variant';
import type { RegisterCommand } from './register';

export interface UpOptions {
  readonly streams: StreamsKind;
  readonly parallelism: number;
  readonly parallelismPerKpu: number;
  /** @default 1000 for Kafka, 100 for kinesis-mock (its PutRecords rate falls as a stream fills) */
  readonly eventsPerWindow?: number;
  readonly checkpointIntervalMs: number;
  /** false: the application runs without checkpoints (`--no-checkpointing`). */
  readonly checkpointing: boolean;
  /** `--processing-time`: processing-time windows (`ClickCountJob.event-time=false`). */
  readonly processingTime: boolean;
  /** `--backpressure`: the Backpressure operator (`ClickCountJob.backpressure=true`). */
  readonly backpressure: boolean;
  readonly detach: boolean;
  /** Seconds to run once the pipeline is running; then stop after the last windows are audited. */
  readonly duration?: number;
  /** Where to write the final audit report (JSON). */
  readonly report?: string;
  readonly ports: StackPorts;
  /** Serve the web view on `ports.view` (`--no-view`: not); `viewActions`: with the play buttons. */
  readonly view: boolean;
  readonly viewActions: boolean;
  /** @default .playground under the repository */
  readonly home?: string;
}

/** The final report of a `--duration` run (`--report FILE`), the same shape as `playground audit --json`. */
export interface UpReport extends AuditSummary {
  readonly streams: StreamsKind;
  readonly durationSeconds?: number;
  readonly startedAt: string;
  readonly finishedAt: string;
}

const DEFAULT_EVENTS_PER_WINDOW: Readonly<Record<StreamsKind, number>> = LOCAL_EVENTS_PER_WINDOW;

/** How long to wait, after the generator stopped, for its last windows to be audited. */
const FINAL_AUDIT_TIMEOUT_MS = 180_000;

function supervisorPid(dirs: PlaygroundDirs): number | undefined {
  const file = path.join(dirs.state, 'supervisor.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8'));
  return pid > 0 && isAlive(pid) ? pid : undefined;
}

function elapsed(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(0).padStart(3)} s`;
}

/**
 * `playground up`: starts the whole playground locally and shows it live; with `--detach` returns
 * once it runs, with `--duration` stops by itself and reports the audit. Returns the exit code.
 * @public the command's own entry point, like the other commands' (`status`, `stop`, ...)
 */
export async function up(options: UpOptions, io: Io): Promise<number> {
  const dirs = playgroundDirs(resolveHome(options.home));
  const started = Date.now();
  const running = supervisorPid(dirs);
  if (running) {
    throw new UsageError(`a local stack is already running (supervisor pid ${running}); stop it first with: npx playground down`);
  }
  await checkTools();
  const conflict = portConflict(options.streams, options.ports, options.view);
  if (conflict) throw new UsageError(conflict);
  for (const { port, key } of portsBound(options.streams, options.ports, options.view)) {
    await assertPortFree(port, PORT_OPTIONS[key].purpose, PORT_OPTIONS[key].option);
  }
  ensureJobJar({ root: repoRoot }, (line) => io.out(`[${elapsed(started)}] ${line}`));

  const stackOptions: StackOptions = {
    streams: options.streams,
    parallelism: options.parallelism,
    parallelismPerKpu: options.parallelismPerKpu,
    eventsPerWindow: options.eventsPerWindow ?? DEFAULT_EVENTS_PER_WINDOW[options.streams],
    checkpointIntervalMs: options.checkpointIntervalMs,
    checkpointing: options.checkpointing,
    eventTime: !options.processingTime,
    backpressure: options.backpressure,
    ports: options.ports,
    ...(options.view ? { view: { actions: options.viewActions } } : {}),
  };
  mkdirSync(dirs.logs, { recursive: true });
  const supervisorLog = path.join(dirs.logs, 'supervisor.log');
  const fd = openSync(supervisorLog, 'w');
  const args: SupervisorArgs = { home: dirs.home, options: stackOptions };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'local', 'daemon.ts'), JSON.stringify(args)], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', fd, fd, 'ipc'],
  });
  closeSync(fd);
  const messages: SupervisorMessage[] = [];
  let wake: (() => void) | undefined;
  child.on('message', (message: SupervisorMessage) => {
    messages.push(message);
    wake?.();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => wake?.());
  const next = async (): Promise<SupervisorMessage | undefined> => {
    while (messages.length === 0) {
      if (child.exitCode !== null || child.signalCode !== null) return undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    return messages.shift();
  };

  const variant = describeVariant({
    eventTime: !options.processingTime,
    checkpointing: options.checkpointing,
    checkpointIntervalMs: options.checkpointIntervalMs,
    backpressure: options.backpressure,
  });
  io.out(`[${elapsed(started)}] starting the local playground (${stackOptions.streams}, parallelism ${stackOptions.parallelism}, ${stackOptions.eventsPerWindow} events per page per window; ${variant}); logs in ${dirs.logs}`);
  let record: StackRecord | undefined;
  while (!record) {
    const message = await next();
    if (!message) {
      io.err(`the stack's supervisor exited during start-up; last lines of ${supervisorLog}:\n${logTail(supervisorLog)}`);
      return 1;
    }
    if (message.type === 'progress') io.out(`[${elapsed(started)}] ${message.message}`);
    if (message.type === 'failed') {
      io.err(`start-up failed: ${message.message}`);
      await exited;
      return 1;
    }
    if (message.type === 'ready') record = message.record;
  }
  io.out(`[${elapsed(started)}] the playground is running: Flink Web UI ${record.endpoints.flinkRestUrl}, control plane ${record.endpoints.controlPlane}${record.endpoints.view ? `, web view ${record.endpoints.view}` : ''}`);

  if (options.detach) {
    child.disconnect();
    child.unref();
    io.out('detached; stop it with: npx playground down');
    return 0;
  }

  const runningAt = Date.now();
  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
    wake?.();
  };
  process.once('SIGINT', onSigint);
  try {
    const deadline = options.duration === undefined ? Infinity : runningAt + options.duration * 1000;
    let lastPrinted = 0;
    while (!interrupted && Date.now() < deadline && child.exitCode === null) {
      const view = await observeStack(dirs, record);
      const lines = renderView(view, record, Date.now() - runningAt);
      if (io.interactive) {
        io.out(`\x1b[2J\x1b[H${lines.join('\n')}\n\n  Ctrl-C stops everything`);
      } else if (Date.now() - lastPrinted >= 15_000) {
        lastPrinted = Date.now();
        io.out(lines.slice(1, 7).join('\n'));
        if (!view.health.healthy) io.out(renderHealth(view.health).join('\n'));
      }
      await Promise.race([sleep(Math.min(2_000, Math.max(0, deadline - Date.now()))), new Promise<void>((resolve) => (wake = resolve))]);
    }
    if (child.exitCode !== null) {
      io.err(`the stack's supervisor stopped unexpectedly; last lines of ${supervisorLog}:\n${logTail(supervisorLog)}`);
      return 1;
    }
    if (interrupted || options.duration === undefined) {
      io.out('stopping the playground…');
      return await stopSupervisor(child.pid as number, exited, io, 0);
    }

    // The windows closed by now are the run's; the generator goes on meanwhile, so that event time
    // (the watermark) passes the end of the last of them and the job emits it.
    const closedBefore = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS;
    io.out(`[${elapsed(started)}] ${options.duration} s are up: auditing the windows that closed by ${new Date(closedBefore).toISOString()}`);
    const summary = await awaitFinalAudit(record, closedBefore - WINDOW_MS, io, started);
    const report: UpReport = {
      ...summary,
      streams: record.options.streams,
      durationSeconds: options.duration,
      startedAt: new Date(started).toISOString(),
      finishedAt: new Date().toISOString(),
    };
    if (options.report) writeFileSync(options.report, `${JSON.stringify(report, null, 2)}\n`);
    io.out(
      `audit: ${summary.windows.exact} exact, ${summary.windows.wrong} wrong, ${summary.windows.missing} missing, ${summary.windows.incomplete} incomplete, ${summary.windows.pending} pending windows; ${summary.duplicates} duplicates; latency p50 ${summary.latencyMs.p50 ?? '–'} ms, p99 ${summary.latencyMs.p99 ?? '–'} ms; ${summary.events.generated} events generated`,
    );
    for (const window of summary.nonExact) io.out(`  ${window.verdict.padEnd(7)} ${window.windowStart}  ${window.reason}`);
    const verified = summary.windows.exact > 0 && summary.windows.wrong === 0 && summary.windows.missing === 0 && summary.windows.pending === 0;
    if (!verified) io.err('the run was not verified exact: see the windows above');
    return await stopSupervisor(child.pid as number, exited, io, verified ? 0 : 1);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

/** Waits until every window starting before `lastStart` (inclusive) has a verdict, or the timeout passes. */
async function awaitFinalAudit(record: StackRecord, lastStart: number, io: Io, started: number): Promise<AuditSummary> {
  let summary: AuditSummary | undefined;
  const { value } = await poll<AuditSummary>(
    async () => {
      summary = await auditStack(record, { toMs: lastStart + 1 });
      return summary.windows.pending > 0 ? { done: false, state: `${summary.windows.pending}` } : { done: true, value: summary };
    },
    {
      timeoutMs: FINAL_AUDIT_TIMEOUT_MS,
      intervalMs: 5_000,
      reportEveryMs: 0,
      onState: (pending) => io.out(`[${elapsed(started)}] waiting for the last ${pending} window(s) to be audited…`),
      timeout: () => new FinalAuditTimeout(),
    },
  ).catch((error: unknown) => {
    // Out of time: the report says which windows are still pending.
    if (error instanceof FinalAuditTimeout && summary) return { value: summary };
    throw error;
  });
  return value;
}

class FinalAuditTimeout extends Error {
  constructor() {
    super('the last windows were not all audited in time');
    this.name = 'FinalAuditTimeout';
  }
}

/** SIGTERMs the supervisor and waits (at most 120 s) until it has stopped the stack and exited. */
export async function stopSupervisor(pid: number, exited: Promise<number | null>, io: Io, code: number): Promise<number> {
  process.kill(pid, 'SIGTERM');
  // unref'd: once the supervisor has exited, the 120 s timer must not keep this process alive
  const stopped = await Promise.race([exited.then(() => true), sleep(120_000, false, { ref: false })]);
  if (!stopped) {
    io.err(`the supervisor (pid ${pid}) did not stop within 120 s; run: npx playground down`);
    return 1;
  }
  io.out('stopped; nothing of the playground is left running');
  return code;
}

const upFlags = defineOptions((o) => ({
  streams: o.word<StreamsKind>('--streams <kind>', 'kafka or kinesis (kinesis-mock)', ['kafka', 'kinesis'], 'kafka'),
  parallelism: o.int('--parallelism <n>', 'the job parallelism', { min: 1, max: 64 }, 1),
  parallelismPerKpu: o.int('--parallelism-per-kpu <n>', 'slots per TaskManager (one TaskManager per KPU)', { min: 1, max: 8 }, 1),
  eventsPerWindow: o.optionalInt('--events-per-window <n>', `events per page per 15 s window (default ${LOCAL_EVENTS_PER_WINDOW.kafka}; ${LOCAL_EVENTS_PER_WINDOW.kinesis} with kinesis)`, { min: 1, max: MAX_EVENTS_PER_WINDOW }),
  checkpointIntervalMs: o.int('--checkpoint-interval <ms>', 'checkpoint interval of the application', { min: 1_000, max: 3_600_000 }, 10_000),
  checkpointing: o.negatedFlag('--no-checkpointing', 'run the job without checkpoints: a failure then loses the open windows (the audit shows wrong or missing windows)'),
  processingTime: o.flag('--processing-time', 'count in processing-time windows (ClickCountJob.event-time=false): counts are no longer exact'),
  backpressure: o.flag('--backpressure', 'add the Backpressure operator (ClickCountJob.backpressure=true): 10 ms per record during even minutes'),
  detach: o.flag('--detach', 'return once the playground is running'),
  duration: o.optionalInt('--duration <seconds>', 'run this long once the pipeline is running, then stop and report the audit', { min: 1, max: 86_400 }),
  report: o.optionalText('--report <file>', 'write the final audit report as JSON (with --duration)'),
  home: o.optionalText('--home <dir>', 'where the stack keeps its logs, data and state: a checkout (its .playground) or any directory (default: .playground of the checkout the current directory is in)'),
  ports: {
    flink: o.int('--flink-port <port>', PORT_OPTIONS.flink.purpose, { min: 1024, max: 65535 }, DEFAULT_PORTS.flink),
    kafka: o.int('--kafka-port <port>', PORT_OPTIONS.kafka.purpose, { min: 1024, max: 65534 }, DEFAULT_PORTS.kafka),
    kinesis: o.int('--kinesis-port <port>', PORT_OPTIONS.kinesis.purpose, { min: 1025, max: 65535 }, DEFAULT_PORTS.kinesis),
    dynamodb: o.int('--dynamodb-port <port>', PORT_OPTIONS.dynamodb.purpose, { min: 1024, max: 65535 }, DEFAULT_PORTS.dynamodb),
    controlPlane: o.int('--control-plane-port <port>', PORT_OPTIONS.controlPlane.purpose, { min: 1024, max: 65535 }, DEFAULT_PORTS.controlPlane),
    view: o.int('--view-port <port>', PORT_OPTIONS.view.purpose, { min: 1024, max: 65535 }, DEFAULT_PORTS.view),
  },
  view: o.negatedFlag('--no-view', 'do not serve the web view'),
  viewActions: o.flag('--view-actions', 'show buttons for the plays in the web view (it is read-only without)'),
}));

export const registerUp: RegisterCommand = (program, io, setExit) => {
  const command = upFlags
    .add(program.command('up'))
    .description('Start the whole playground locally: Flink, Kafka (or kinesis-mock), DynamoDB Local, control plane, generator and auditor')
    .action(async () => {
      const flags = upFlags.read(command);
      if (flags.report && flags.duration === undefined) throw new UsageError('--report needs --duration (the report is written when the run ends)');
      if (flags.detach && flags.duration !== undefined) throw new UsageError('--detach and --duration cannot be combined');
      if (flags.viewActions && !flags.view) throw new UsageError('--view-actions needs the web view; leave out --no-view');
      setExit(await up(flags, io));
    });
};
