import { setTimeout as sleep } from 'node:timers/promises';
import { appendStackEvent } from './events';
import type { PlaygroundDirs } from './paths';
import type { ProcessExit, RunningProcess } from './process';

/** What the supervisor does when a process ends without being asked to. */
export type RestartPolicy =
  /** Start it again after a short delay (its data outlives the process, so nothing is lost). */
  | { readonly kind: 'restart'; readonly delayMs: number }
  /** Do not: a new process would have lost what the old one held (the reason says what). */
  | { readonly kind: 'lost'; readonly reason: string };

/** One process under supervision. */
export interface SupervisedSpec {
  /** The process's name, as its log file has it. */
  readonly name: string;
  /** Starts the process (the first time and every restart) and resolves once it serves. */
  readonly start: () => Promise<RunningProcess>;
  readonly policy: RestartPolicy;
}

/** A supervised process as other processes see it (`GET /processes` of the supervisor's API). */
export interface SupervisedProcessInfo {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  readonly alive: boolean;
  /** Restarts since the stack started. */
  readonly restarts: number;
  readonly startedAt: string;
  /** Set once a process has ended and was not replaced. */
  readonly lost?: string;
}

/** How an exit reads in an event: `SIGKILL`, `code 1`. */
export function describeExit(exit: ProcessExit): string {
  return exit.signal ? exit.signal : `code ${exit.code ?? '?'}`;
}

/**
 * Delays between restarts of one process: the policy's delay after a process that ran for a while,
 * doubling (up to a minute) while it keeps ending within a minute of its start, so a process that
 * cannot start is retried without spinning.
 */
export class RestartBackoff {
  private delayMs: number;

  constructor(private readonly baseMs: number) {
    this.delayMs = baseMs;
  }

  /** The delay before the next start of a process that started at `startedAtMs`. */
  next(startedAtMs: number, nowMs = Date.now()): number {
    if (nowMs - startedAtMs > 60_000) this.delayMs = this.baseMs;
    const delay = this.delayMs;
    this.delayMs = Math.min(60_000, Math.max(1_000, this.delayMs * 2));
    return delay;
  }
}

class Supervised {
  current: RunningProcess;
  startedAtMs = Date.now();
  restarts = 0;
  lost?: string;
  stopping = false;
  private readonly backoff: RestartBackoff;

  constructor(
    readonly spec: SupervisedSpec,
    first: RunningProcess,
    private readonly dirs: PlaygroundDirs,
    private readonly onChange: () => void,
  ) {
    this.current = first;
    this.backoff = new RestartBackoff(spec.policy.kind === 'restart' ? spec.policy.delayMs : 0);
    this.watch(first);
  }

  private watch(process: RunningProcess): void {
    void process.ended.then((exit) => {
      if (this.stopping || process !== this.current) return;
      void this.replace(process, exit);
    });
  }

  private async replace(ended: RunningProcess, exit: ProcessExit): Promise<void> {
    const { name, policy } = this.spec;
    appendStackEvent(this.dirs, { kind: 'exited', process: name, pid: ended.pid, message: `${name} (pid ${ended.pid}) ended by itself (${describeExit(exit)})` });
    if (policy.kind === 'lost') {
      this.lost = policy.reason;
      appendStackEvent(this.dirs, { kind: 'lost', process: name, pid: ended.pid, message: `${name} is not restarted: ${policy.reason}` });
      this.onChange();
      return;
    }
    while (!this.stopping) {
      await sleep(this.backoff.next(this.startedAtMs));
      if (this.stopping) return;
      this.startedAtMs = Date.now();
      try {
        const next = await this.spec.start();
        if (this.stopping) {
          await next.stop();
          return;
        }
        this.current = next;
        this.restarts += 1;
        this.watch(next);
        appendStackEvent(this.dirs, {
          kind: 'restarted',
          process: name,
          pid: next.pid,
          message: `${name} restarted (pid ${next.pid}, restart ${this.restarts}) after it ended (${describeExit(exit)})`,
        });
        this.onChange();
        return;
      } catch (error) {
        appendStackEvent(this.dirs, {
          kind: 'exited',
          process: name,
          message: `${name} could not be restarted: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}; trying again`,
        });
      }
    }
  }

  info(): SupervisedProcessInfo {
    return {
      name: this.spec.name,
      pid: this.current.pid,
      logFile: this.current.logFile,
      alive: !this.current.hasExited(),
      restarts: this.restarts,
      startedAt: new Date(this.startedAtMs).toISOString(),
      ...(this.lost ? { lost: this.lost } : {}),
    };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.current.stop();
  }
}

/**
 * The one owner of the local stack's processes other than the Flink cluster's (which
 * `local/flink/cluster.ts` supervises the same way): it starts each, replaces one that ends by
 * itself according to its policy, logs every restart to the stack's event log, and stops them all,
 * newest first.
 */
export class ProcessSupervisor {
  private readonly supervised: Supervised[] = [];

  constructor(
    private readonly dirs: PlaygroundDirs,
    /** Called after a restart, so the stack record can show the new pid. */
    private readonly onChange: () => void = () => undefined,
  ) {}

  /** Starts a process and supervises it from then on. */
  async start(spec: SupervisedSpec): Promise<SupervisedProcessInfo> {
    const first = await spec.start();
    const supervised = new Supervised(spec, first, this.dirs, () => this.onChange());
    this.supervised.push(supervised);
    return supervised.info();
  }

  processes(): SupervisedProcessInfo[] {
    return this.supervised.map((s) => s.info());
  }

  /** From now on no process is restarted (the stack is going down). */
  freeze(): void {
    for (const s of this.supervised) s.stopping = true;
  }

  /** Stops one supervised process for good. */
  async stop(name: string): Promise<void> {
    await this.supervised.find((s) => s.spec.name === name)?.stop();
  }
}
