import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseClickEvent } from '../../lambdas/shared/events';
import { createGeneratorHandler, generate, KINESIS_PACED_SLICE_MS, PACED_SLICE_MS, planWindow, scheduledTime } from '../../lambdas/shared/generator';
import { DynamoDbLedger, type Ledger } from '../../lambdas/shared/ledger';
import { PAGES } from '../../lambdas/shared/pages';
import type { StreamRecord, StreamWriter } from '../../lambdas/shared/stream-writer';
import { LEDGER_TABLE } from '../../lambdas/shared/tables';
import { WINDOW_MS } from '../../lambdas/shared/windows';
import { FakeDynamoDb } from './support/fake-dynamodb';
import { fakeContext, FakeClock, MetricRecorder } from './support/recorders';

const MINUTE = Date.parse('2026-11-22T21:30:00.000Z');

/** A stream that remembers every record with the clock reading at which it was written. */
class RecordingWriter implements StreamWriter {
  readonly written: { record: StreamRecord; atMs: number }[] = [];
  constructor(private readonly clock: () => number) {}
  async write(records: readonly StreamRecord[]): Promise<void> {
    for (const record of records) this.written.push({ record, atMs: this.clock() });
  }
  async close(): Promise<void> {}
}

/** An in-memory ledger with the conditional-claim semantics. */
class MemoryLedger implements Ledger {
  readonly entries = new Map<number, { claimedBy: string; sent: boolean }>();
  async claim(window: { start: number }, request: { claimedBy: string }): Promise<boolean> {
    if (this.entries.has(window.start)) return false;
    this.entries.set(window.start, { claimedBy: request.claimedBy, sent: false });
    return true;
  }
  async markSent(window: { start: number }): Promise<void> {
    this.entries.get(window.start)!.sent = true;
  }
}

function countsByWindowAndPage(written: readonly { record: StreamRecord }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { record } of written) {
    const event = parseClickEvent(record.data);
    const windowStart = Math.floor(Date.parse(event.timestamp) / WINDOW_MS) * WINDOW_MS;
    const key = `${new Date(windowStart).toISOString()} ${event.page}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

describe('generator', () => {
  let ddb: FakeDynamoDb;
  beforeEach(() => {
    ddb = new FakeDynamoDb({ ledger: LEDGER_TABLE });
  });
  afterEach(() => ddb.restore());

  it('sends every window exactly once when invoked twice for the same minute', async () => {
    // Prepare: EventBridge delivers the same scheduled event twice, the second 5 s later.
    const clock = new FakeClock(MINUTE + 300);
    const writer = new RecordingWriter(clock.now);
    const metrics = new MetricRecorder();
    const handler = createGeneratorHandler({
      target: { kind: 'kinesis', streamName: 'input' },
      eventsPerWindow: 10,
      windowsPerInvocation: 4,
      rateMode: 'paced',
      ledger: new DynamoDbLedger(ddb.client(), 'ledger'),
      writer,
      clock: clock.now,
      sleep: clock.sleep,
      metrics,
    });
    const event = { 'detail-type': 'Scheduled Event', source: 'aws.events', time: '2026-11-22T21:30:00Z' };

    // Act
    const first = await handler(event, fakeContext('first'));
    clock.nowMs = MINUTE + 5_000;
    const second = await handler(event, fakeContext('second'));

    // Assess
    expect(first.windows.map((w) => w.outcome)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(second.windows.map((w) => w.outcome)).toEqual(['already-claimed', 'already-claimed', 'already-claimed', 'already-claimed']);
    expect(writer.written).toHaveLength(4 * PAGES.length * 10);
    const counts = countsByWindowAndPage(writer.written);
    expect(counts.size).toBe(4 * PAGES.length);
    expect([...counts.values()].every((c) => c === 10)).toBe(true);
    const ledger = ddb.items('ledger');
    expect(ledger.map((i) => i.windowStart).sort()).toEqual([
      '2026-11-22T21:30:15.000Z',
      '2026-11-22T21:30:30.000Z',
      '2026-11-22T21:30:45.000Z',
      '2026-11-22T21:31:00.000Z',
    ]);
    expect(ledger.every((i) => i.status === 'sent' && i.claimedBy === 'first' && i.eventsPerWindow === 10)).toBe(true);
    expect(metrics.total('EventsSent')).toBe(240);
  });

  it('tiles time without gaps or overlaps across back-to-back minutes', async () => {
    const clock = new FakeClock(MINUTE);
    const ledger = new MemoryLedger();
    const writer = new RecordingWriter(clock.now);
    const starts: string[] = [];
    for (let minute = 0; minute < 3; minute++) {
      clock.nowMs = MINUTE + minute * 60_000 + 200;
      const result = await generate(
        { eventsPerWindow: 2, windowsPerInvocation: 4, rateMode: 'burst', stream: 'kinesis', invocationId: `m${minute}`, anchorMs: MINUTE + minute * 60_000 },
        { ledger, writer, clock: clock.now, sleep: clock.sleep },
      );
      starts.push(...result.windows.map((w) => w.windowStart));
    }
    const ms = starts.map((s) => Date.parse(s));
    expect(ms).toHaveLength(12);
    ms.forEach((start, i) => expect(start).toBe(MINUTE + WINDOW_MS * (i + 1)));
  });

  it('sends exactly eventsPerWindow events per page inside each window, for any eventsPerWindow in 1..5000', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 0, max: 59_999 }),
        async (eventsPerWindow, windowsPerInvocation, offset) => {
          const clock = new FakeClock(MINUTE + offset);
          const writer = new RecordingWriter(clock.now);
          await generate(
            { eventsPerWindow, windowsPerInvocation, rateMode: 'paced', stream: 'kinesis', invocationId: 'p' },
            { ledger: new MemoryLedger(), writer, clock: clock.now, sleep: clock.sleep },
          );
          const counts = countsByWindowAndPage(writer.written);
          expect(counts.size).toBe(windowsPerInvocation * PAGES.length);
          for (const count of counts.values()) expect(count).toBe(eventsPerWindow);
          // Paced: no event leaves before its timestamp, nor more than a slice after it.
          const late = writer.written.filter(({ record, atMs }) => {
            const ts = Date.parse(parseClickEvent(record.data).timestamp);
            return atMs <= ts || atMs - ts > KINESIS_PACED_SLICE_MS;
          });
          expect(late).toEqual([]);
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);

  it('paces Kafka in 100 ms slices and Kinesis in 1 s slices: no click leaves more than a slice after its timestamp', async () => {
    for (const [stream, slice] of [['kafka', PACED_SLICE_MS], ['kinesis', KINESIS_PACED_SLICE_MS]] as const) {
      const clock = new FakeClock(MINUTE + 1);
      const writer = new RecordingWriter(clock.now);
      await generate(
        { eventsPerWindow: 200, windowsPerInvocation: 1, rateMode: 'paced', stream, invocationId: stream },
        { ledger: new MemoryLedger(), writer, clock: clock.now, sleep: clock.sleep },
      );
      const delays = writer.written.map(({ record, atMs }) => atMs - Date.parse(parseClickEvent(record.data).timestamp));
      expect(Math.min(...delays), stream).toBeGreaterThan(0);
      expect(Math.max(...delays), stream).toBeLessThanOrEqual(slice);
      expect(Math.max(...delays), stream).toBeGreaterThan(slice / 2);
    }
  });

  it('plans distinct, in-window offsets for every page', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), (n) => {
        const plan = planWindow(n);
        expect(plan).toHaveLength(n * PAGES.length);
        expect(plan.every((e) => e.offsetMs >= 0 && e.offsetMs < WINDOW_MS)).toBe(true);
        expect(new Set(plan.map((e) => `${e.page}#${e.index}`)).size).toBe(plan.length);
      }),
    );
  });

  it('spreads partition keys over many values, not just the six pages', async () => {
    const clock = new FakeClock(MINUTE);
    const writer = new RecordingWriter(clock.now);
    await generate(
      { eventsPerWindow: 100, windowsPerInvocation: 1, rateMode: 'burst', stream: 'kinesis', invocationId: 'k' },
      { ledger: new MemoryLedger(), writer, clock: clock.now, sleep: clock.sleep },
    );
    expect(new Set(writer.written.map((w) => w.record.partitionKey)).size).toBe(600);
  });

  it('skips windows that have already ended, without claiming them', async () => {
    // Prepare: the invocation for 21:30:00 runs 40 s late.
    const clock = new FakeClock(MINUTE + 40_000);
    const ledger = new MemoryLedger();
    const writer = new RecordingWriter(clock.now);

    const result = await generate(
      { eventsPerWindow: 3, windowsPerInvocation: 4, rateMode: 'paced', stream: 'kinesis', invocationId: 'late', anchorMs: MINUTE },
      { ledger, writer, clock: clock.now, sleep: clock.sleep },
    );

    expect(result.windows.map((w) => w.outcome)).toEqual(['already-ended', 'sent', 'sent', 'sent']);
    expect([...ledger.entries.keys()]).toEqual([MINUTE + 30_000, MINUTE + 45_000, MINUTE + 60_000]);
  });

  it('leaves a window claimed but not sent when the stream fails, and never sends it again', async () => {
    const clock = new FakeClock(MINUTE);
    const ledger = new DynamoDbLedger(ddb.client(), 'ledger');
    const failing: StreamWriter = {
      write: async () => {
        throw new Error('stream down');
      },
      close: async () => {},
    };
    const options = { eventsPerWindow: 5, windowsPerInvocation: 1, rateMode: 'burst' as const, stream: 'kinesis', anchorMs: MINUTE };

    await expect(generate({ ...options, invocationId: 'a' }, { ledger, writer: failing, clock: clock.now })).rejects.toThrow('stream down');
    const writer = new RecordingWriter(clock.now);
    const retry = await generate({ ...options, invocationId: 'b' }, { ledger, writer, clock: clock.now });

    expect(retry.windows[0].outcome).toBe('already-claimed');
    expect(writer.written).toHaveLength(0);
    expect(ddb.items('ledger')[0]).toMatchObject({ status: 'claimed', claimedBy: 'a' });
  });

  it('anchors on the scheduled time of an EventBridge event', () => {
    expect(scheduledTime({ time: '2026-11-22T21:30:00Z' })).toBe(MINUTE);
    expect(scheduledTime({ time: '2026-11-22T21:30:00.000Z' })).toBe(MINUTE);
    expect(scheduledTime({})).toBeUndefined();
    expect(scheduledTime(undefined)).toBeUndefined();
  });
});
