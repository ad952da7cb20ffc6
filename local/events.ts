import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PlaygroundDirs } from './paths';

/**
 * What happened to the local stack, one JSON line each in `.playground/state/events.jsonl`: the
 * supervisor's restarts, the plays and the plays' and chaos runs' faults, in the order they
 * happened. The live view, the web view's timeline, `status` and the chaos report read it; nothing
 * else is kept about a restart.
 */
export type StackEventKind =
  /** A process of the stack ended without being asked to (crash, fatal error, kill from outside). */
  | 'exited'
  /** The supervisor started a replacement of a process that ended. */
  | 'restarted'
  /** A process ended and cannot be replaced without losing data (the message says why). */
  | 'lost'
  /** A play asked the supervisor to kill a process (`fail --kill-taskmanager`). */
  | 'killed'
  /** The application's job was started again from its latest checkpoint (after a JobManager restart). */
  | 'job-restored'
  /** A fault injected from outside the supervisor (the chaos run, `fail`'s control record). */
  | 'fault'
  /** A play that changed the application through the control plane (start, stop, restore, scale, snapshot, upgrade). */
  | 'play';

export interface StackEvent {
  /** ISO-8601 instant. */
  readonly at: string;
  readonly kind: StackEventKind;
  /** The process concerned, by the name its log has (`taskmanager-2`, `jobmanager`, `generator`, …). */
  readonly process?: string;
  readonly pid?: number;
  /** One line for people. */
  readonly message: string;
}

export function stackEventsFile(dirs: PlaygroundDirs): string {
  return path.join(dirs.state, 'events.jsonl');
}

/** Appends one event (one line, appended whole: safe from several processes). */
export function appendStackEvent(dirs: PlaygroundDirs, event: Omit<StackEvent, 'at'> & { readonly at?: string }): StackEvent {
  const full: StackEvent = { ...event, at: event.at ?? new Date().toISOString() };
  mkdirSync(dirs.state, { recursive: true });
  appendFileSync(stackEventsFile(dirs), `${JSON.stringify(full)}\n`);
  return full;
}

/** The events at or after `sinceMs` (all by default), oldest first; lines that do not parse are skipped. */
export function readStackEvents(dirs: PlaygroundDirs, sinceMs = 0): StackEvent[] {
  const file = stackEventsFile(dirs);
  if (!existsSync(file)) return [];
  const events: StackEvent[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const event = JSON.parse(line) as StackEvent;
      if (Date.parse(event.at) >= sinceMs) events.push(event);
    } catch {
      // a line cut short by a crash mid-write
    }
  }
  return events;
}
