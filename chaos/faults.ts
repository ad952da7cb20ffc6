import { setTimeout as sleep } from 'node:timers/promises';
import { writeControlRecord } from '../cli/commands/fail';
import { resolveTarget, type PlayTarget } from '../cli/target';
import { appendStackEvent } from '../local/events';
import { readFlinkClusterRecordFile } from '../local/flink/cluster';
import type { PlaygroundDirs } from '../local/paths';
import { isAlive } from '../local/process';
import { readStaleStackRecord } from '../local/stack-state';
import { hostileRecord, writeHostileRecords } from './hostile';
import type { FaultKind, PlannedFault } from './schedule';
import { playground } from './stack';

/** What the run did for one planned fault. */
export interface InjectedFault {
  readonly index: number;
  readonly kind: FaultKind;
  /** When the injection began and ended (ISO). */
  readonly at: string;
  readonly endedAt: string;
  /** Seconds since the faults began. */
  readonly elapsedSeconds: number;
  /** The process hit (`taskmanager-2`, `jobmanager`, `generator`, …). */
  readonly process?: string;
  readonly pid?: number;
  readonly detail: string;
  /** False when the injection itself failed (a play exited non-zero, a write failed); `error` says why. */
  readonly ok: boolean;
  readonly error?: string;
  /** Set when the fault was not injected (no target, the application not RUNNING). */
  readonly skipped?: string;
  /** Seconds from the start of the injection until the job ran again (restarted, for the faults that restart it); null if not seen. */
  recoveredAfterSeconds?: number | null;
  /** Kills: seconds until a new process replaced the killed one; null if not seen. */
  replacedAfterSeconds?: number | null;
}

/** What an injection tells the run beyond its record: how to tell the killed process was replaced. */
export interface Injection {
  readonly process?: string;
  readonly pid?: number;
  readonly detail: string;
  readonly error?: string;
  readonly skipped?: string;
  /** For kills: true once another live process has taken the killed one's place. */
  readonly replaced?: () => boolean;
}

export interface FaultContext {
  readonly dirs: PlaygroundDirs;
  readonly home: string;
  readonly log: (line: string) => void;
  /** Pids stopped with SIGSTOP and not yet continued (the run continues them on any exit). */
  readonly paused: Set<number>;
  readonly signal: AbortSignal;
  /** @default 8 minutes */
  readonly playTimeoutMs?: number;
}

/** Faults whose injection makes the job restart (or start anew); the others leave it running. */
export const RESTARTS_JOB: ReadonlySet<FaultKind> = new Set(['kill-tm', 'pause-tm', 'kill-jm', 'control', 'stop', 'restore', 'scale']);

/** Faults that are plays through the CLI: they need the application RUNNING. */
export const PLAYS: ReadonlySet<FaultKind> = new Set(['stop', 'snapshot', 'restore', 'scale']);

function liveTaskManagers(dirs: PlaygroundDirs): { id: string; pid: number }[] {
  return (readFlinkClusterRecordFile(dirs)?.taskManagers ?? []).filter((tm) => isAlive(tm.pid)).map((tm) => ({ id: tm.id, pid: tm.pid }));
}

function stackProcess(dirs: PlaygroundDirs, name: string): { name: string; pid: number } | undefined {
  const found = readStaleStackRecord(dirs)?.processes.find((p) => p.name === name);
  return found && isAlive(found.pid) ? { name: found.name, pid: found.pid } : undefined;
}

function fault(ctx: FaultContext, message: string, process?: string, pid?: number): void {
  appendStackEvent(ctx.dirs, { kind: 'fault', ...(process ? { process } : {}), ...(pid ? { pid } : {}), message: `chaos: ${message}` });
}

function kill(ctx: FaultContext, name: string, pid: number, replaced: () => boolean): Injection {
  process.kill(pid, 'SIGKILL');
  fault(ctx, `SIGKILL ${name} (pid ${pid})`, name, pid);
  return { process: name, pid, detail: `SIGKILL ${name} (pid ${pid})`, replaced };
}

async function play(ctx: FaultContext, args: readonly string[]): Promise<string | undefined> {
  const result = await playground([...args, '--home', ctx.home], ctx.playTimeoutMs ?? 8 * 60_000, (line) => ctx.log(`    ${args[0]}: ${line}`));
  if (result.code === 0) return undefined;
  const last = result.output.trim().split('\n').slice(-2).join(' / ');
  return `playground ${args.join(' ')} ${result.timedOut ? 'timed out' : `exited ${result.code}`}: ${last}`;
}

function target(ctx: FaultContext): PlayTarget {
  return resolveTarget({ target: 'local', home: ctx.home });
}

/** Injects one planned fault into the stack of `ctx`. Never throws for a fault that could not be done: it says so. */
export async function inject(planned: PlannedFault, ctx: FaultContext): Promise<Injection> {
  const { dirs } = ctx;
  switch (planned.kind) {
    case 'kill-tm':
    case 'pause-tm': {
      const tms = liveTaskManagers(dirs);
      if (tms.length === 0) return { detail: 'no live TaskManager', skipped: 'no live TaskManager to hit' };
      const victim = tms[Math.min(tms.length - 1, Math.floor(planned.pick * tms.length))];
      if (planned.kind === 'kill-tm') {
        const before = tms.length;
        return kill(ctx, victim.id, victim.pid, () => {
          const now = liveTaskManagers(dirs);
          return now.length >= before && !now.some((tm) => tm.pid === victim.pid);
        });
      }
      const pauseMs = planned.pauseMs ?? 15_000;
      process.kill(victim.pid, 'SIGSTOP');
      ctx.paused.add(victim.pid);
      fault(ctx, `SIGSTOP ${victim.id} (pid ${victim.pid}) for ${Math.round(pauseMs / 1000)} s`, victim.id, victim.pid);
      ctx.log(`  stopped ${victim.id} (pid ${victim.pid}); SIGCONT in ${Math.round(pauseMs / 1000)} s`);
      try {
        await sleep(pauseMs, undefined, { signal: ctx.signal });
      } finally {
        if (isAlive(victim.pid)) process.kill(victim.pid, 'SIGCONT');
        ctx.paused.delete(victim.pid);
      }
      fault(ctx, `SIGCONT ${victim.id} (pid ${victim.pid})`, victim.id, victim.pid);
      return { process: victim.id, pid: victim.pid, detail: `SIGSTOP ${victim.id} (pid ${victim.pid}) for ${(pauseMs / 1000).toFixed(1)} s, then SIGCONT` };
    }
    case 'kill-jm': {
      const jm = readFlinkClusterRecordFile(dirs)?.jobManager;
      if (!jm || !isAlive(jm.pid)) return { detail: 'no live JobManager', skipped: 'no live JobManager to kill' };
      return kill(ctx, 'jobmanager', jm.pid, () => {
        const now = readFlinkClusterRecordFile(dirs)?.jobManager;
        return Boolean(now && now.pid !== jm.pid && isAlive(now.pid));
      });
    }
    case 'kill-generator':
    case 'kill-auditor': {
      const name = planned.kind === 'kill-generator' ? 'generator' : 'auditor';
      const victim = stackProcess(dirs, name);
      if (!victim) return { detail: `no live ${name}`, skipped: `no live ${name} host to kill` };
      return kill(ctx, name, victim.pid, () => {
        const now = stackProcess(dirs, name);
        return Boolean(now && now.pid !== victim.pid);
      });
    }
    case 'hostile':
    case 'far-future': {
      const now = Date.now();
      const records =
        planned.kind === 'hostile'
          ? (planned.records ?? []).map((kind, i) => hostileRecord(kind, now, i))
          : Array.from({ length: planned.clicks ?? 1 }, (_, i) => hostileRecord('far-future', now, i));
      const what = summarize(records.map((r) => r.kind));
      const t = target(ctx);
      fault(ctx, `${records.length} hostile records to the input: ${what}`);
      try {
        await writeHostileRecords(t.input ?? fail('the stack has no input stream'), t.kinesis ?? {}, records);
      } catch (error) {
        return { detail: `wrote hostile records: ${what}`, error: `writing them failed: ${(error as Error).message}` };
      }
      return { detail: `wrote ${records.length} records: ${what}` };
    }
    case 'control': {
      try {
        const { record, where } = await writeControlRecord(target(ctx));
        fault(ctx, `control record ${record.id} to ${where}: the job fails once`);
        return { detail: `control record ${record.id} (issuedAt ${record.issuedAt}) to ${where}` };
      } catch (error) {
        return { detail: 'control record', error: `writing it failed: ${(error as Error).message}` };
      }
    }
    case 'stop': {
      fault(ctx, 'playground stop, then start --restore latest');
      const stopError = await play(ctx, ['stop']);
      await sleep(planned.downMs ?? 5_000, undefined, { signal: ctx.signal });
      const startError = await play(ctx, ['start', '--restore', 'latest']);
      const error = [stopError, startError].filter(Boolean).join('; ');
      return { detail: `playground stop; ${((planned.downMs ?? 5_000) / 1000).toFixed(1)} s later start --restore latest`, ...(error ? { error } : {}) };
    }
    case 'snapshot': {
      const name = planned.snapshot ?? 'chaos';
      fault(ctx, `playground snapshot create ${name}`);
      const error = await play(ctx, ['snapshot', 'create', name]);
      return { detail: `snapshot ${name}`, ...(error ? { error } : {}) };
    }
    case 'restore': {
      const name = planned.snapshot ?? 'chaos';
      fault(ctx, `playground restore ${name}`);
      const error = await play(ctx, ['restore', name]);
      return { detail: `restore ${name}`, ...(error ? { error } : {}) };
    }
    case 'scale': {
      const parallelism = planned.parallelism ?? 2;
      fault(ctx, `playground scale ${parallelism}`);
      const error = await play(ctx, ['scale', String(parallelism)]);
      return { detail: `scale ${parallelism}`, ...(error ? { error } : {}) };
    }
  }
}

function fail(message: string): never {
  throw new Error(message);
}

function summarize(kinds: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].map(([k, n]) => (n > 1 ? `${k} ×${n}` : k)).join(', ');
}
