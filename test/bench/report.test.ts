import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareResults, formatComparison, formatJson, formatSummary, newestResultFile, resultPaths } from '../../bench/report';
import type { BenchResult } from '../../bench/types';
import { backlogWindows, parseConsumerPerformance, rateFromWindows } from '../../bench/throughput';
import { completeWindows } from '../../bench/pipeline';

function result(overrides: Partial<BenchResult> = {}): BenchResult {
  return {
    schemaVersion: 1,
    mode: 'quick',
    date: '2026-11-22',
    startedAt: '2026-11-22T21:00:00.000Z',
    finishedAt: '2026-11-22T21:04:30.000Z',
    durationSeconds: 270,
    gitCommit: '0123456789abcdef0123',
    machine: { cpus: 2, cpuModel: 'Test CPU', memoryBytes: 24 * 2 ** 30, platform: 'linux 6.1', node: '20.19.0', loadAverage: { start: 1.5, end: 2.25 } },
    kafka: {
      streams: 'kafka',
      eventsPerWindow: 1000,
      upSeconds: 41.25,
      latency: {
        fromWindow: '2026-11-22T21:01:00.000Z',
        toWindow: '2026-11-22T21:02:30.000Z',
        eventsPerWindow: 1000,
        windows: { exact: 6, wrong: 0, missing: 0, pending: 0 },
        p50Ms: 812,
        p99Ms: 1460,
      },
      durations: { snapshotSeconds: 2.04, stopSeconds: 3.5, startFromSnapshotSeconds: 11.25, scale1to3Seconds: 19.96 },
      throughput: {
        backlogEvents: 300_000,
        partitions: 2,
        parallelism: 1,
        job: { eventsPerSecond: 25_000, events: 288_000, seconds: 11.52, startSeconds: 9.5, sourceRecordsOut: 300_000 },
        broker: { tool: 'kafka-tools ConsumerPerformance', eventsPerSecond: 250_000, events: 300_000, seconds: 1.2, mbPerSecond: 16.2 },
        ratio: 0.1,
      },
      recovery: {
        taskManager: 'taskmanager-1',
        parallelism: 1,
        replacementAfterSeconds: 10,
        jobRunningAfterSeconds: 18.4,
        outputResumedAfterSeconds: 21,
        caughtUpAfterSeconds: 38.7,
        caughtUpThresholdMs: 3460,
      },
    },
    kinesis: { skipped: 'not in a --quick run (it would not fit in 5 minutes)' },
    generator: {
      kafka: { stream: 'kafka (backlog)', events: 300_000, windows: 50, eventsPerWindow: 1000, seconds: 6, eventsPerSecond: 50_000 },
      kinesisMock: { stream: 'kinesis-mock', events: 6000, windows: 2, eventsPerWindow: 500, seconds: 3, eventsPerSecond: 2000 },
    },
    bundles: [{ handler: 'generator', sdkExternalBytes: 10_240, allBundledBytes: 512_000 }],
    errors: [],
    ...overrides,
  };
}

describe('resultPaths', () => {
  it('names a full run by its date and a quick run apart from it', () => {
    expect(resultPaths('/r', '2026-11-22', 'full')).toEqual({ json: path.join('/r', '2026-11-22.json'), markdown: path.join('/r', '2026-11-22.md') });
    expect(resultPaths('/r', '2026-11-22', 'quick')).toEqual({
      json: path.join('/r', '2026-11-22-quick.json'),
      markdown: path.join('/r', '2026-11-22-quick.md'),
    });
  });

  it('names a --only run by its parts, apart from full and quick runs', () => {
    expect(resultPaths('/r', '2026-11-22', 'full', ['throughput'])).toEqual({
      json: path.join('/r', '2026-11-22-only-throughput.json'),
      markdown: path.join('/r', '2026-11-22-only-throughput.md'),
    });
    expect(resultPaths('/r', '2026-11-22', 'quick', ['latency', 'recovery']).json).toBe(path.join('/r', '2026-11-22-quick-only-latency-recovery.json'));
  });

  it('rejects anything but a calendar date', () => {
    expect(resultPaths('/r', '2026-11-22', 'full', undefined, '1725').json).toBe(path.join('/r', '2026-11-22T1725.json'));
    expect(resultPaths('/r', '2026-11-22', 'quick', ['latency'], '0905').json).toBe(path.join('/r', '2026-11-22T0905-quick-only-latency.json'));
    expect(() => resultPaths('/r', '2026-11-22', 'full', undefined, '2460')).toThrow(RangeError);
    expect(() => resultPaths('/r', '22-11-2026', 'full')).toThrow(RangeError);
    expect(() => resultPaths('/r', '2026-13-45', 'full')).toThrow(RangeError);
  });
});

describe('formatJson', () => {
  it('writes the whole result as indented JSON that reads back the same', () => {
    const text = formatJson(result());
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "machine": {\n    "cpus": 2,');
    expect(JSON.parse(text)).toEqual(result());
  });
});

describe('formatSummary', () => {
  it('states the machine, the run length and every measured figure', () => {
    const summary = formatSummary(result());
    expect(summary).toContain('# Benchmark 2026-11-22 (quick)');
    expect(summary).toContain('2 cores (Test CPU), 24.0 GiB, linux 6.1, Node.js 20.19.0; load average 1.50 at the start, 2.25 at the end. Run took 4.5 min');
    expect(summary).toContain('commit 0123456789ab.');
    expect(summary).toContain('| job (source → 15 s window → sink), parallelism 1, 2 partitions | 25,000 | 288,000 | 11.5 |');
    expect(summary).toContain('| broker alone to one consumer (kafka-tools ConsumerPerformance) | 250,000 | 300,000 | 1.2 |');
    expect(summary).toContain('Job / broker ratio: **0.10** over a backlog of 300,000 events (the source read 300,000)');
    expect(summary).toContain('| Kafka, 1000 events/page/window | 812 ms | 1,460 ms | 6 exact, 0 wrong, 0 missing, 0 pending');
    expect(summary).toContain('Kinesis variant: skipped (not in a --quick run (it would not fit in 5 minutes)).');
    expect(summary).toContain('| snapshot (CreateApplicationSnapshot → READY) | 2.0 s |');
    expect(summary).toContain('| scale 1 → 3 (UpdateApplication → RUNNING, 3 TaskManagers) | 20.0 s |');
    expect(summary).toContain('| caught up (a whole window under 3,460 ms latency) | 38.7 s |');
    expect(summary).toContain('| kafka (backlog) | 50,000 | 300,000 |');
    expect(summary).toContain('| generator | 10.0 KiB | 500.0 KiB |');
    expect(summary).not.toContain('## Errors');
  });

  it('shows missing figures as dashes and lists the failed steps', () => {
    const base = result();
    const summary = formatSummary(
      result({
        kafka: { streams: 'kafka', eventsPerWindow: 1000, durations: { snapshotSeconds: 2 } },
        kinesis: { streams: 'kinesis', eventsPerWindow: 100, latency: { ...(base.kafka.latency as NonNullable<typeof base.kafka.latency>), eventsPerWindow: 100, p50Ms: null, p99Ms: null } },
        errors: ['stop: application click-count did not reach READY within 300 s (it is STOPPING)'],
      }),
    );
    expect(summary).toContain('## Throughput (catch-up run, Kafka)\n\nnot measured (see errors)');
    expect(summary).toContain('| Kafka, 1000 events/page/window | – | – | – |');
    expect(summary).toContain('| kinesis-mock, 100 events/page/window | – | – |');
    expect(summary).toContain('| stop (StopApplication → READY, with snapshot) | – |');
    expect(summary).toContain('## Errors\n\n- stop: application click-count did not reach READY within 300 s (it is STOPPING)');
  });
});

describe('comparison with the newest committed run', () => {
  it('takes the newest run of the same mode, never a --only or AWS run', () => {
    const names = ['2026-11-23.json', '2026-11-23.md', '2026-11-25-quick.json', '2026-11-24.json', '2026-11-26-only-throughput.json', '2026-11-27-aws.json'];
    expect(newestResultFile(names.map((n) => `bench/results/${n}`), 'full')).toBe('2026-11-24.json');
    expect(newestResultFile(names, 'quick')).toBe('2026-11-25-quick.json');
    expect(newestResultFile(['2026-11-23.md'], 'full')).toBeUndefined();
    // a second run of a day carries its start time and is the newer one
    expect(newestResultFile(['2026-11-24.json', '2026-11-24T1725.json', '2026-11-23T2359.json'], 'full')).toBe('2026-11-24T1725.json');
    expect(newestResultFile(['2026-11-24-quick.json', '2026-11-24T0930-quick.json'], 'quick')).toBe('2026-11-24T0930-quick.json');
  });

  it('puts each figure measured now beside the earlier one with now / before', () => {
    const before = result();
    const now = result({
      kafka: {
        ...before.kafka,
        latency: { ...(before.kafka.latency as NonNullable<typeof before.kafka.latency>), p99Ms: 730 },
        throughput: { ...(before.kafka.throughput as NonNullable<typeof before.kafka.throughput>), ratio: 0.35, job: { ...(before.kafka.throughput as NonNullable<typeof before.kafka.throughput>).job, eventsPerSecond: 87_500 } },
        recovery: undefined,
        durations: { ...before.kafka.durations, scale1to3Seconds: 21.5 },
      },
    });
    const rows = compareResults(before, now);

    expect(rows.find((r) => r.figure === 'job / broker ratio')).toEqual({ figure: 'job / broker ratio', unit: 'ratio', better: 'higher', before: 0.1, now: 0.35, ratio: 3.4999999999999996 });
    expect(rows.some((r) => r.figure.startsWith('TaskManager killed'))).toBe(false);
    const table = formatComparison('bench/results/2026-11-22-quick.json', rows);
    expect(table).toContain('## Against bench/results/2026-11-22-quick.json\n\n| figure | before | now | now / before |');
    expect(table).toContain('| catch-up throughput of the job | 25,000 | 87,500 | 3.50 better |');
    expect(table).toContain('| job / broker ratio | 0.10 | 0.35 | 3.50 better |');
    expect(table).toContain('| latency p99, Kafka | 1,460 ms | 730 ms | 0.50 better |');
    expect(table).toContain('| scale 1 → 3 | 20.0 s | 21.5 s | 1.08 |');
    expect(table).toContain('| latency p50, Kafka | 812 ms | 812 ms | 1.00 |');
  });

  it('shows the second catch-up run at parallelism 2 in the summary and beside the earlier one', () => {
    const before = result();
    const t = before.kafka.throughput as NonNullable<typeof before.kafka.throughput>;
    const now = result({
      kafka: { ...before.kafka, throughput: { ...t, parallel: { parallelism: 2, job: { ...t.job, eventsPerSecond: 40_000, seconds: 7.2, startSeconds: 12.5 }, ratio: 0.16 } } },
    });

    const summary = formatSummary(now);
    expect(summary).toContain('| the same job, parallelism 2 | 40,000 | 288,000 | 7.2 |');
    expect(summary).toContain('At parallelism 2: ratio **0.16**, RUNNING after 12.5 s.');
    const table = formatComparison('x', compareResults(before, now));
    expect(table).toContain('| catch-up throughput, parallelism 2 | – | 40,000 | – |');
    expect(table).toContain('| job / broker ratio, parallelism 2 | – | 0.16 | – |');
    expect(formatSummary(before)).not.toContain('parallelism 2');
    expect(formatSummary(before)).not.toContain('class-data archive');
    expect(formatSummary(result({ kafka: { ...before.kafka, classArchive: true } }))).toContain('TaskManager JVMs mapped a class-data archive (seeded from the checkout).');
  });

  it('marks a figure that got worse, and shows a dash where the earlier run did not measure it', () => {
    const before = result({ generator: {} });
    const now = result({ kafka: { ...result().kafka, durations: { stopSeconds: 7 } } });
    const table = formatComparison('x', compareResults(before, now));

    expect(table).toContain('| stop with snapshot | 3.5 s | 7.0 s | 2.00 worse |');
    expect(table).toContain('| generator burst into Kafka | – | 50,000 | – |');
    expect(table).not.toContain('| snapshot |');
  });
});

describe('catch-up arithmetic', () => {
  it('sizes the backlog in whole windows of 6 pages × 1000 events', () => {
    expect(backlogWindows(300_000)).toBe(50);
    expect(backlogWindows(300_001)).toBe(51);
    expect(backlogWindows(6_000)).toBe(3);
  });

  it('computes the job rate from the first to the last window out', () => {
    const completions = new Map([
      [0, 10_000],
      [1, 10_200],
      [4, 11_000],
    ]);
    expect(rateFromWindows(completions, 6_000)).toEqual({ events: 24_000, seconds: 1, eventsPerSecond: 24_000 });
    expect(rateFromWindows(new Map([[0, 1]]), 6_000)).toBeUndefined();
  });

  it('reads the rate out of ConsumerPerformance output', () => {
    const output = [
      'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
      '2026-11-22 21:00:00:000, 2026-11-22 21:00:04:000, 18.6, 4.65, 300000, 75000.0, 3000, 1000, 18.6, 300000.0',
    ].join('\n');
    expect(parseConsumerPerformance(output)).toMatchObject({ 'data.consumed.in.nMsg': 300_000, 'fetch.time.ms': 1000, 'fetch.nMsg.sec': 300_000 });
    expect(() => parseConsumerPerformance('WARN nothing consumed')).toThrow(/no ConsumerPerformance figures/);
  });

  it('counts a window complete only with all six pages', () => {
    const pages = ['/help', '/index', '/shop', '/jobs', '/about', '/news'];
    const arrivals = [
      ...pages.map((page, i) => ({ windowStart: 'A', page, arrivedAtMs: 100 + i, latencyMs: 500 + i })),
      ...pages.slice(0, 5).map((page) => ({ windowStart: 'B', page, arrivedAtMs: 200, latencyMs: 400 })),
    ];
    expect(completeWindows(arrivals)).toEqual([{ windowStart: 'A', lastArrivalMs: 105, maxLatencyMs: 505 }]);
  });
});
