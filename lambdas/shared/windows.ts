/** Tumbling event-time windows of 15 s, aligned to the Unix epoch (as Flink aligns them). */
export const WINDOW_MS = 15_000;

/** A window as epoch milliseconds: `[start, end)`. */
export interface Window {
  readonly start: number;
  readonly end: number;
}

/** The window that contains the instant `ms`. */
export function windowOf(ms: number): Window {
  const start = Math.floor(ms / WINDOW_MS) * WINDOW_MS;
  return { start, end: start + WINDOW_MS };
}

/** The first window boundary strictly after `ms` (a boundary instant itself is not "after"). */
export function nextWindowBoundary(ms: number): number {
  return (Math.floor(ms / WINDOW_MS) + 1) * WINDOW_MS;
}

/** `count` consecutive windows, the first starting at the window boundary strictly after `ms`. */
export function upcomingWindows(ms: number, count: number): Window[] {
  const first = nextWindowBoundary(ms);
  return Array.from({ length: count }, (_, i) => ({
    start: first + i * WINDOW_MS,
    end: first + (i + 1) * WINDOW_MS,
  }));
}

/** True when `ms` is a window boundary. */
export function isWindowBoundary(ms: number): boolean {
  return Number.isInteger(ms) && ms % WINDOW_MS === 0;
}

/** ISO-8601 UTC with milliseconds, the format of every timestamp in the data contracts. */
export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Number of window starts in `[fromMs, toMs)`. */
export function countWindowStarts(fromMs: number, toMs: number): number {
  return Math.max(0, Math.ceil(toMs / WINDOW_MS) - Math.ceil(fromMs / WINDOW_MS));
}

/** Every window start (epoch ms) in `[fromMs, toMs)`, oldest first: windows are deterministic. */
export function windowStartsIn(fromMs: number, toMs: number): number[] {
  const first = Math.ceil(fromMs / WINDOW_MS) * WINDOW_MS;
  return Array.from({ length: countWindowStarts(fromMs, toMs) }, (_, i) => first + i * WINDOW_MS);
}
