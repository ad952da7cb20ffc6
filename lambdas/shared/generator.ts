import type { Context } from 'aws-lambda';
import type { RateMode, StreamTarget } from './config';
import { serializeClickEvent } from './events';
import type { Ledger } from './ledger';
import { silentLog, MetricUnit, type Log, type MetricSink } from './observability';
import { PAGES, type Page } from './pages';
import { realSleep, type Sleep, type StreamRecord, type StreamWriter } from './stream-writer';
import { parseIsoMillis } from './events';
import { toIso, upcomingWindows, WINDOW_MS, type Window } from './windows';

/** One event of a window, before serialization. */
export interface PlannedEvent {
  /** Milliseconds after the window start, in [0, 15000). */
  readonly offsetMs: number;
  readonly page: Page;
  /** Index of the event among its page's events in the window. */
  readonly index: number;
}

/**
 * The events of one window: exactly `eventsPerWindow` per page, spread evenly over the window
 * (pages staggered so they interleave), ordered by time.
 */
export function planWindow(eventsPerWindow: number): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  PAGES.forEach((page, p) => {
    const stagger = (p + 0.5) / PAGES.length;
    for (let index = 0; index < eventsPerWindow; index++) {
      events.push({ offsetMs: Math.floor(((index + stagger) * WINDOW_MS) / eventsPerWindow), page, index });
    }
  });
  return events.sort((a, b) => a.offsetMs - b.offsetMs);
}

/** The stream record of a planned event. Keys vary per event so that load spreads over all shards. */
export function toStreamRecord(window: Window, event: PlannedEvent): StreamRecord {
  return {
    partitionKey: `${event.page}-${event.index}`,
    data: serializeClickEvent({ timestamp: toIso(window.start + event.offsetMs), page: event.page }),
  };
}

export interface GenerateOptions {
  /** Events per page per window. */
  readonly eventsPerWindow: number;
  readonly windowsPerInvocation: number;
  readonly rateMode: RateMode;
  /** Recorded in the ledger (`kinesis` / `kafka`). */
  readonly stream: string;
  /** Who claims the windows (the Lambda request id). */
  readonly invocationId: string;
  /**
   * The instant the invocation stands for; windows start at the first boundary strictly after it.
   * The handler passes EventBridge's scheduled `time`, so a redelivered event covers the same
   * windows. @default clock()
   */
  readonly anchorMs?: number;
  /** Paced mode sends a window in slices of this length, each once the clock has passed it. @default PACED_SLICE_MS (KINESIS_PACED_SLICE_MS for `kinesis`) */
  readonly sliceMs?: number;
}

/**
 * The paced generator's slice: each slice's clicks leave once the clock has passed the slice's end,
 * so a click leaves at most this long after its timestamp. A window's results wait for the next
 * window's clicks stamped past the 200 ms out-of-orderness; those leave at window end + 200 ms +
 * one slice: 1 s slices put 1 s of the end-to-end latency here, 100 ms slices 0.1 s
 * (docs/benchmarks.md, the latency budget), at 10 writes a second. Kinesis keeps 1 s slices: each
 * PutRecords is a call of its own, and kinesis-mock (the local Kinesis) slows down under ten a
 * second on a busy machine until the generator falls behind its windows.
 */
export const PACED_SLICE_MS = 100;
/** The slice for a Kinesis stream (see {@link PACED_SLICE_MS}). */
export const KINESIS_PACED_SLICE_MS = 1_000;

export interface GeneratorRuntime {
  readonly ledger: Ledger;
  readonly writer: StreamWriter;
  /** Epoch milliseconds. @default Date.now */
  readonly clock?: () => number;
  readonly sleep?: Sleep;
  readonly log?: Log;
}

export type WindowOutcome = 'sent' | 'already-claimed' | 'already-ended';

export interface GenerateResult {
  readonly windows: readonly { readonly windowStart: string; readonly outcome: WindowOutcome; readonly events: number }[];
  readonly eventsSent: number;
}

/**
 * Generates the next `windowsPerInvocation` windows after the anchor: for each, claims it in the
 * ledger (a window somebody already claimed is skipped, so no window is ever sent twice), sends its
 * events — paced by the clock, or in one burst — and marks it sent. A window that has already ended
 * is skipped unclaimed (its events would only be late data). This is what the generator Lambda
 * runs, and what the local runtime calls with its own clock.
 */
export async function generate(options: GenerateOptions, runtime: GeneratorRuntime): Promise<GenerateResult> {
  const clock = runtime.clock ?? Date.now;
  const sleep = runtime.sleep ?? realSleep;
  const log = runtime.log ?? silentLog;
  const sliceMs = options.sliceMs ?? (options.stream === 'kinesis' ? KINESIS_PACED_SLICE_MS : PACED_SLICE_MS);
  const plan = planWindow(options.eventsPerWindow);
  const outcomes: { windowStart: string; outcome: WindowOutcome; events: number }[] = [];
  let eventsSent = 0;

  for (const window of upcomingWindows(options.anchorMs ?? clock(), options.windowsPerInvocation)) {
    const windowStart = toIso(window.start);
    if (clock() >= window.end) {
      log.warn('window already ended; skipped', { windowStart });
      outcomes.push({ windowStart, outcome: 'already-ended', events: 0 });
      continue;
    }
    const claimed = await runtime.ledger.claim(window, {
      eventsPerWindow: options.eventsPerWindow,
      pages: PAGES.length,
      claimedBy: options.invocationId,
      claimedAtMs: clock(),
      stream: options.stream,
    });
    if (!claimed) {
      log.info('window already claimed; skipped', { windowStart });
      outcomes.push({ windowStart, outcome: 'already-claimed', events: 0 });
      continue;
    }
    if (options.rateMode === 'burst') {
      await runtime.writer.write(plan.map((e) => toStreamRecord(window, e)));
    } else {
      let next = 0;
      for (let sliceEnd = sliceMs; next < plan.length; sliceEnd += sliceMs) {
        const limit = Math.min(sliceEnd, WINDOW_MS);
        const records: StreamRecord[] = [];
        while (next < plan.length && plan[next].offsetMs < limit) records.push(toStreamRecord(window, plan[next++]));
        const wait = window.start + limit - clock();
        if (wait > 0) await sleep(wait);
        if (records.length > 0) await runtime.writer.write(records);
      }
    }
    await runtime.ledger.markSent(window, options.invocationId, clock());
    eventsSent += plan.length;
    outcomes.push({ windowStart, outcome: 'sent', events: plan.length });
    log.info('window sent', { windowStart, events: plan.length });
  }
  return { windows: outcomes, eventsSent };
}

export interface GeneratorHandlerDeps extends GeneratorRuntime {
  readonly eventsPerWindow: number;
  readonly windowsPerInvocation: number;
  readonly rateMode: RateMode;
  readonly target: StreamTarget;
  readonly metrics?: MetricSink;
}

/** The anchor of a scheduled invocation: EventBridge's `time` when the event carries one. */
export function scheduledTime(event: unknown): number | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const time = (event as { time?: unknown }).time;
  if (typeof time !== 'string') return undefined;
  return parseIsoMillis(time) ?? (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(time) ? Date.parse(time) : undefined);
}

export type GeneratorHandler = (event: unknown, context: Pick<Context, 'awsRequestId'>) => Promise<GenerateResult>;

/** Builds the generator's Lambda handler from its dependencies (tests pass clock, sleep, writer). */
export function createGeneratorHandler(deps: GeneratorHandlerDeps): GeneratorHandler {
  return async (event, context) => {
    try {
      const result = await generate(
        {
          eventsPerWindow: deps.eventsPerWindow,
          windowsPerInvocation: deps.windowsPerInvocation,
          rateMode: deps.rateMode,
          stream: deps.target.kind,
          invocationId: context.awsRequestId,
          anchorMs: scheduledTime(event),
        },
        deps,
      );
      deps.metrics?.addMetric('EventsSent', MetricUnit.Count, result.eventsSent);
      deps.metrics?.addMetric('WindowsSent', MetricUnit.Count, result.windows.filter((w) => w.outcome === 'sent').length);
      return result;
    } finally {
      deps.metrics?.publishStoredMetrics();
    }
  };
}
