import type { KinesisStreamEvent, MSKEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweep, type AuditDeps } from '../../lambdas/shared/audit';
import { queryAudit } from '../../lambdas/shared/audit-query';
import { createAuditorHandler, createSweepHandler } from '../../lambdas/shared/auditor';
import { PAGES } from '../../lambdas/shared/pages';
import { AUDIT_TABLE, LEDGER_TABLE, VERDICT_SORT_KEY } from '../../lambdas/shared/tables';
import { FakeDynamoDb } from './support/fake-dynamodb';
import { fakeContext, FakeClock, MetricRecorder } from './support/recorders';

const W = '2026-11-22T21:30:15.000Z';
const W_END = '2026-11-22T21:30:30.000Z';
const W_END_MS = Date.parse(W_END);

function stats(page: string, count: number, windowStart = W, windowEnd = W_END): string {
  return JSON.stringify({ windowStart, windowEnd, page, count });
}

function kinesisEvent(payloads: readonly string[]): KinesisStreamEvent {
  return {
    Records: payloads.map((payload, i) => ({
      eventSource: 'aws:kinesis',
      eventID: `shardId-000000000000:${i}`,
      eventName: 'aws:kinesis:record',
      eventVersion: '1.0',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/auditor',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/output',
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'k',
        sequenceNumber: String(1000 + i),
        approximateArrivalTimestamp: 0,
        data: Buffer.from(payload).toString('base64'),
      },
    })),
  };
}

function mskEvent(payloads: readonly string[]): MSKEvent {
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/playground/abc',
    bootstrapServers: 'b-1:9098',
    records: {
      'output-0': payloads.map((payload, i) => ({
        topic: 'output',
        partition: 0,
        offset: i,
        timestamp: 0,
        timestampType: 'CREATE_TIME',
        key: '',
        value: Buffer.from(payload).toString('base64'),
        headers: [],
      })),
    },
  } as MSKEvent;
}

describe('auditor', () => {
  let ddb: FakeDynamoDb;
  let clock: FakeClock;
  let metrics: MetricRecorder;
  let deps: AuditDeps;

  beforeEach(() => {
    ddb = new FakeDynamoDb({ ledger: LEDGER_TABLE, audit: AUDIT_TABLE });
    clock = new FakeClock(W_END_MS + 1_500);
    metrics = new MetricRecorder();
    deps = {
      doc: ddb.client(),
      config: { auditTableName: 'audit', ledgerTableName: 'ledger', gracePeriodSeconds: 120 },
      metrics,
      clock: clock.now,
    };
    ddb.seed('ledger', {
      windowStart: W,
      windowEnd: W_END,
      status: 'sent',
      eventsPerWindow: 1000,
      pages: 6,
      claimedAt: W,
      claimedBy: 'gen',
      stream: 'kinesis',
    });
  });
  afterEach(() => ddb.restore());

  function verdict(windowStart = W): Record<string, unknown> | undefined {
    return ddb.items('audit').find((i) => i.windowStart === windowStart && i.page === VERDICT_SORT_KEY);
  }

  it('calls a window exact when all six pages arrive with the ledger count', async () => {
    const handler = createAuditorHandler(deps);

    const response = await handler(kinesisEvent(PAGES.map((p) => stats(p, 1000))), fakeContext());

    expect(response).toEqual({ batchItemFailures: [] });
    expect(verdict()).toMatchObject({ verdict: 'exact', expected: 1000 });
    expect(metrics.total('WindowsExact')).toBe(1);
    expect(metrics.values('EndToEndLatency')).toEqual(Array(6).fill(1_500));
    expect(metrics.published).toBe(1);
  });

  it('leaves a window pending until all pages arrive', async () => {
    await createAuditorHandler(deps)(kinesisEvent(PAGES.slice(0, 5).map((p) => stats(p, 1000))), fakeContext());
    expect(verdict()).toBeUndefined();
    expect(metrics.total('WindowsExact')).toBe(0);
  });

  it('counts a repeat with the same count as a duplicate and keeps the window exact', async () => {
    const handler = createAuditorHandler(deps);

    await handler(kinesisEvent([...PAGES.map((p) => stats(p, 1000)), stats('/help', 1000)]), fakeContext());

    const help = ddb.items('audit').find((i) => i.page === '/help');
    expect(help).toMatchObject({ count: 1000, duplicates: 1, conflicts: 0, arrivedAt: new Date(W_END_MS + 1_500).toISOString() });
    expect(verdict()).toMatchObject({ verdict: 'exact' });
    expect(metrics.total('Duplicates')).toBe(1);
  });

  it('calls a window wrong when a repeat brings another count (conflict)', async () => {
    const handler = createAuditorHandler(deps);

    await handler(kinesisEvent([...PAGES.map((p) => stats(p, 1000)), stats('/shop', 998)]), fakeContext());

    expect(ddb.items('audit').find((i) => i.page === '/shop')).toMatchObject({ count: 1000, conflicts: 1, conflictCounts: [998] });
    expect(verdict()).toMatchObject({ verdict: 'wrong' });
    expect(String(verdict()?.reason)).toContain('/shop: conflicting counts 1000, 998');
    expect(metrics.total('WindowsExact')).toBe(1);
    expect(metrics.total('WindowsWrong')).toBe(1);
    expect(metrics.total('Conflicts')).toBe(1);
  });

  it('calls a window wrong as soon as one count differs from the ledger', async () => {
    await createAuditorHandler(deps)(kinesisEvent([stats('/jobs', 1001)]), fakeContext());
    expect(verdict()).toMatchObject({ verdict: 'wrong', reason: '/jobs: count 1001, expected 1000' });
  });

  it('calls results for a window the ledger never generated wrong', async () => {
    const other = '2026-11-22T21:45:00.000Z';
    await createAuditorHandler(deps)(kinesisEvent([stats('/jobs', 1000, other, '2026-11-22T21:45:15.000Z')]), fakeContext());
    expect(verdict(other)).toMatchObject({ verdict: 'wrong' });
  });

  it('counts malformed records without failing or retrying them', async () => {
    const bad = [
      'not json',
      '[]',
      stats('/nope', 1000),
      JSON.stringify({ windowStart: '22-11-2026 09:30:15:000', windowEnd: W_END, page: '/help', count: 1 }),
      stats('/help', 0),
      stats('/help', 1000, '2026-11-22T21:30:16.000Z', '2026-11-22T21:30:31.000Z'),
    ];

    const response = await createAuditorHandler(deps)(kinesisEvent([...bad, stats('/help', 1000)]), fakeContext());

    expect(response).toEqual({ batchItemFailures: [] });
    expect(metrics.total('MalformedRecords')).toBe(bad.length);
    const counters = ddb.items('audit').filter((i) => i.windowStart === '#malformed');
    expect(counters.reduce((sum, i) => sum + Number(i.count), 0)).toBe(bad.length);
    expect(ddb.items('audit').find((i) => i.page === '/help')).toMatchObject({ count: 1000 });
  });

  it('reports a transient failure as a batch item failure so only that record is retried', async () => {
    ddb.failNextWriteWhen = (item) => item.page === '/index';

    const response = await createAuditorHandler(deps)(kinesisEvent(PAGES.map((p) => stats(p, 1000))), fakeContext());

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '1001' }] });
    expect(ddb.items('audit').filter((i) => PAGES.includes(i.page as never))).toHaveLength(5);
  });

  it('reads the MSK event shape', async () => {
    const response = await createAuditorHandler(deps)(mskEvent(PAGES.map((p) => stats(p, 1000))), fakeContext());
    expect(response).toBeUndefined();
    expect(verdict()).toMatchObject({ verdict: 'exact' });
  });

  it('fails an MSK batch on a transient error, and its redelivery completes the window', async () => {
    const handler = createAuditorHandler(deps);
    ddb.failNextWriteWhen = (item) => item.page === '/jobs';

    await expect(handler(mskEvent(PAGES.map((p) => stats(p, 1000))), fakeContext())).rejects.toThrow(/capacity/);
    await handler(mskEvent(PAGES.map((p) => stats(p, 1000))), fakeContext());

    expect(verdict()).toMatchObject({ verdict: 'exact' });
  });

  it('sweeps an incomplete window to missing only after the grace period', async () => {
    await createAuditorHandler(deps)(kinesisEvent(PAGES.slice(0, 4).map((p) => stats(p, 1000))), fakeContext());
    const sweepHandler = createSweepHandler(deps);

    clock.nowMs = W_END_MS + 119_000;
    const early = await sweepHandler({}, fakeContext());
    const beforeGrace = verdict();
    clock.nowMs = W_END_MS + 121_000;
    const late = await sweepHandler({}, fakeContext());

    expect(early.checked).toBe(0);
    expect(beforeGrace).toBeUndefined();
    expect(late.verdicts.missing).toBe(1);
    expect(verdict()).toMatchObject({ verdict: 'missing' });
    expect(String(verdict()?.reason)).toContain('/about, /news');
    expect(metrics.total('WindowsMissing')).toBe(1);
  });

  it('does not sweep windows that are already exact, and turns a late-completed missing window exact', async () => {
    clock.nowMs = W_END_MS + 200_000;
    await sweep(deps);
    expect(verdict()).toMatchObject({ verdict: 'missing', reason: expect.stringContaining('/help') });

    await createAuditorHandler(deps)(kinesisEvent(PAGES.map((p) => stats(p, 1000))), fakeContext());
    const again = await sweep(deps);

    expect(verdict()).toMatchObject({ verdict: 'exact' });
    expect(again.checked).toBe(0);
  });

  it('summarises a time range for playground audit', async () => {
    // Prepare: W exact (with one duplicate), W2 wrong, W3 missing, W4 pending.
    const w2 = '2026-11-22T21:30:30.000Z';
    const w3 = '2026-11-22T21:30:45.000Z';
    const w4 = '2026-11-22T21:36:00.000Z';
    for (const windowStart of [w2, w3, w4]) {
      ddb.seed('ledger', { windowStart, status: 'sent', eventsPerWindow: 1000, pages: 6, claimedBy: 'gen' });
    }
    const handler = createAuditorHandler(deps);
    const end = (start: string) => new Date(Date.parse(start) + 15_000).toISOString();
    await handler(
      kinesisEvent([
        ...PAGES.map((p) => stats(p, 1000)),
        stats('/help', 1000),
        stats('/help', 999, w2, end(w2)),
        stats('/help', 1000, w3, end(w3)),
        'garbage',
      ]),
      fakeContext(),
    );

    const summary = await queryAudit(ddb.client(), {
      ledgerTableName: 'ledger',
      auditTableName: 'audit',
      fromMs: Date.parse('2026-11-22T21:30:00.000Z'),
      toMs: Date.parse('2026-11-22T21:40:00.000Z'),
      nowMs: Date.parse('2026-11-22T21:36:00.000Z'),
      gracePeriodSeconds: 120,
    });

    expect(summary.windows).toEqual({ exact: 1, wrong: 1, missing: 1, pending: 1 });
    expect(summary.duplicates).toBe(1);
    expect(summary.events.generated).toBe(4 * 6 * 1000);
    expect(summary.latencyMs.p50).toBe(1_500);
    expect(summary.malformed).toBe(1);
    expect(summary.nonExact.map((w) => [w.windowStart, w.verdict])).toEqual([
      [w2, 'wrong'],
      [w3, 'missing'],
    ]);
    expect(summary.nonExact[1].counts).toMatchObject({ '/help': 1000, '/news': null });
  });

  it('rejects an empty or inverted time range', async () => {
    const query = { ledgerTableName: 'ledger', auditTableName: 'audit', fromMs: W_END_MS, toMs: W_END_MS };
    await expect(queryAudit(ddb.client(), query)).rejects.toThrow(RangeError);
  });
});
