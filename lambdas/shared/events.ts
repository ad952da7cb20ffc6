import { MalformedRecordError } from './errors';
import { isPage, type Page } from './pages';
import { isWindowBoundary, WINDOW_MS } from './windows';

/** A click: `{"timestamp":"2026-11-22T21:30:00.015Z","page":"/help"}`. */
export interface ClickEvent {
  readonly timestamp: string;
  readonly page: Page;
}

/** One window's count for one page, as the job writes it. */
export interface ClickEventStatistics {
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly page: Page;
  readonly count: number;
}

const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Parses an ISO-8601 UTC timestamp with milliseconds (`…T21:30:00.015Z`) to epoch ms, or undefined. */
export function parseIsoMillis(value: unknown): number | undefined {
  if (typeof value !== 'string' || !ISO_UTC_MS.test(value)) return undefined;
  const ms = Date.parse(value);
  // Round-tripping rejects dates that Date.parse rolls over, such as 2026-02-30.
  if (Number.isNaN(ms) || new Date(ms).toISOString() !== value) return undefined;
  return ms;
}

function parseObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MalformedRecordError(`${what} is not JSON: ${JSON.stringify(text.slice(0, 200))}`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MalformedRecordError(`${what} is not a JSON object: ${JSON.stringify(text.slice(0, 200))}`);
  }
  return value as Record<string, unknown>;
}

function requireTimestamp(obj: Record<string, unknown>, field: string, what: string): number {
  const ms = parseIsoMillis(obj[field]);
  if (ms === undefined) {
    throw new MalformedRecordError(
      `${what}.${field} must be ISO-8601 UTC with milliseconds (e.g. 2026-11-22T21:30:00.015Z), got ${JSON.stringify(obj[field])}`,
    );
  }
  return ms;
}

function requirePage(obj: Record<string, unknown>, what: string): Page {
  if (!isPage(obj.page)) throw new MalformedRecordError(`${what}.page is not a known page: ${JSON.stringify(obj.page)}`);
  return obj.page;
}

export function serializeClickEvent(event: ClickEvent): string {
  return JSON.stringify({ timestamp: event.timestamp, page: event.page });
}

/** @throws MalformedRecordError */
export function parseClickEvent(text: string): ClickEvent {
  const obj = parseObject(text, 'ClickEvent');
  requireTimestamp(obj, 'timestamp', 'ClickEvent');
  return { timestamp: obj.timestamp as string, page: requirePage(obj, 'ClickEvent') };
}

export function serializeClickEventStatistics(stats: ClickEventStatistics): string {
  return JSON.stringify({ windowStart: stats.windowStart, windowEnd: stats.windowEnd, page: stats.page, count: stats.count });
}

/**
 * Parses and validates a ClickEventStatistics record: timestamps in the contract format, a 15 s
 * window on a window boundary, a known page, a positive integer count.
 * @throws MalformedRecordError
 */
export function parseClickEventStatistics(text: string): ClickEventStatistics {
  const what = 'ClickEventStatistics';
  const obj = parseObject(text, what);
  const start = requireTimestamp(obj, 'windowStart', what);
  const end = requireTimestamp(obj, 'windowEnd', what);
  if (!isWindowBoundary(start) || end - start !== WINDOW_MS) {
    throw new MalformedRecordError(
      `${what} window [${String(obj.windowStart)}, ${String(obj.windowEnd)}) is not a 15 s window on a window boundary`,
    );
  }
  const page = requirePage(obj, what);
  const count = obj.count;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1) {
    throw new MalformedRecordError(`${what}.count must be a positive integer, got ${JSON.stringify(count)}`);
  }
  return { windowStart: obj.windowStart as string, windowEnd: obj.windowEnd as string, page, count };
}
