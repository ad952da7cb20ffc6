import { setTimeout as sleep } from 'node:timers/promises';

/** Time as a wait sees it; tests pass a fake one. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => sleep(ms) };

/** One look at what a wait waits for: done with a value, or not yet, in a state it can name. */
export type PollResult<T> = { readonly done: true; readonly value: T } | { readonly done: false; readonly state: string };

export interface PollOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly clock?: Clock;
  /** Called when the state changes, and every `reportEveryMs` while it stays (progress on long waits). */
  readonly onState?: (state: string, elapsedMs: number) => void;
  /** @default 30000 */
  readonly reportEveryMs?: number;
  /** The error to throw once `timeoutMs` has passed without `done`, given the last state seen. */
  readonly timeout: (lastState: string, elapsedMs: number) => Error;
}

/**
 * The one polling loop: calls `check` every `intervalMs` until it is done, reporting state changes,
 * and throws `options.timeout(...)` once `timeoutMs` has passed. `check` throws to fail fast (a state
 * that cannot lead to done). The first look happens at once; the last one no later than the timeout.
 */
export async function poll<T>(
  check: (elapsedMs: number) => Promise<PollResult<T>>,
  options: PollOptions,
): Promise<{ readonly value: T; readonly elapsedMs: number }> {
  const clock = options.clock ?? realClock;
  const reportEveryMs = options.reportEveryMs ?? 30_000;
  const started = clock.now();
  let last: string | undefined;
  let reportedAt = started;
  for (;;) {
    const result = await check(clock.now() - started);
    const elapsedMs = clock.now() - started;
    if (result.done) return { value: result.value, elapsedMs };
    if (result.state !== last || clock.now() - reportedAt >= reportEveryMs) {
      options.onState?.(result.state, elapsedMs);
      last = result.state;
      reportedAt = clock.now();
    }
    if (elapsedMs >= options.timeoutMs) throw options.timeout(result.state, elapsedMs);
    await clock.sleep(Math.min(options.intervalMs, Math.max(0, options.timeoutMs - elapsedMs)));
  }
}

/** A fake clock for tests: `sleep` advances time at once. */
export function fakeClock(start = 0): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}
