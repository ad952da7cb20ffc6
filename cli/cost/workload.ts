import { serializeClickEventStatistics } from '../../lambdas/shared/events';
import { planWindow, toStreamRecord } from '../../lambdas/shared/generator';
import { PAGES } from '../../lambdas/shared/pages';
import { WINDOW_MS } from '../../lambdas/shared/windows';

/** Results the job writes: one per page per 15 s window, whatever the load (6 × 4 = 24 a minute). */
export const RESULTS_PER_SECOND = PAGES.length / (WINDOW_MS / 1000);
/** Windows per second (the generator claims one ledger entry per window). */
export const WINDOWS_PER_SECOND = 1000 / WINDOW_MS;

/** Events per page per window at a load in events per second (the generator's `eventsPerWindow`). */
function eventsPerWindow(eventsPerSecond: number): number {
  return Math.max(1, Math.round((eventsPerSecond * (WINDOW_MS / 1000)) / PAGES.length));
}

/** Planned events sampled per window when measuring record sizes (keeps 100,000 events/s fast). */
const SAMPLE_EVENTS_PER_PAGE = 10_000;
const SAMPLE_WINDOW = { start: Date.parse('2026-11-22T21:30:00.000Z'), end: Date.parse('2026-11-22T21:30:15.000Z') };

/**
 * Average size of an input record as Kinesis counts it against the shard limit and PUT payload
 * units: the UTF-8 bytes of the data blob plus those of the partition key — measured on the
 * generator's own records (`planWindow` / `toStreamRecord`) for one window at this load (at most
 * 10,000 events per page are sampled; beyond that keys have at most one more digit), rounded up.
 */
export function measureInputRecordBytes(eventsPerSecond: number): number {
  const events = planWindow(Math.min(eventsPerWindow(eventsPerSecond), SAMPLE_EVENTS_PER_PAGE));
  let total = 0;
  for (const event of events) {
    const record = toStreamRecord(SAMPLE_WINDOW, event);
    total += Buffer.byteLength(record.data) + Buffer.byteLength(record.partitionKey);
  }
  return Math.ceil(total / events.length);
}

/** Average size of an output record (ClickEventStatistics) plus its partition key (the page, as the job's sink sets it). */
export function measureOutputRecordBytes(eventsPerSecond: number): number {
  const count = eventsPerWindow(eventsPerSecond);
  let total = 0;
  for (const page of PAGES) {
    const data = serializeClickEventStatistics({
      windowStart: new Date(SAMPLE_WINDOW.start).toISOString(),
      windowEnd: new Date(SAMPLE_WINDOW.end).toISOString(),
      page,
      count,
    });
    total += Buffer.byteLength(data) + Buffer.byteLength(page);
  }
  return Math.ceil(total / PAGES.length);
}
