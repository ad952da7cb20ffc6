import { BatchGetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { MSKEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SWEEP_LOOKBACK_MS, sweep, type AuditDeps } from '../../lambdas/shared/audit';
import { MAX_AUDIT_QUERY_WINDOWS, queryAudit, type AuditQuery } from '../../lambdas/shared/audit-query';
import { createAuditorHandler, createSweepHandler } from '../../lambdas/shared/auditor';
import { audit } from '../../cli/commands/audit';
import type { Io } from '../../cli/io';
import type { PlayTarget } from '../../cli/target';
import { batchGetAll } from '../../lambdas/shared/dynamodb-reads';
import { AuditRangeError, BatchGetError } from '../../lambdas/shared/errors';
import { PAGES } from '../../lambdas/shared/pages';
import { AUDIT_TABLE, LEDGER_TABLE, VERDICT_SORT_KEY } from '../../lambdas/shared/tables';
import { toIso, WINDOW_MS } from '../../lambdas/shared/windows';
import { FakeDynamoDb } from './support/fake-dynamodb';
import { fakeContext, FakeClock, kinesisEvent, MetricRecorder } from './support/recorders';

const W = '2026-11-22T21:30:15.000Z';
const W_END = '2026-11-22T21:30:30.000Z';
const W_END_MS = Date.parse(W_END);

function stats(page: string, count: number, windowStart = W, windowEnd = W_END): string {
  return JSON.stringify({ windowStart, windowEnd, page, count });
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

  it('sweeps a window the generator never marked sent to incomplete after the grace period, not missing', async () => {
    // Prepare: the generator was killed mid-window: the ledger still says claimed, about 40 % was counted.
    ddb.seed('ledger', { windowStart: W, windowEnd: W_END, status: 'claimed', eventsPerWindow: 1000, pages: 6, claimedBy: 'gen' });
    await createAuditorHandler(deps)(kinesisEvent(PAGES.map((p) => stats(p, 403))), fakeContext());
    const sweepHandler = createSweepHandler(deps);
    const afterArrival = verdict();

    // Act
    clock.nowMs = W_END_MS + 119_000;
    const early = await sweepHandler({}, fakeContext());
    clock.nowMs = W_END_MS + 121_000;
    const late = await sweepHandler({}, fakeContext());

    // Assess
    expect(afterArrival).toBeUndefined();
    expect(early.checked).toBe(0);
    expect(late.verdicts).toEqual({ exact: 0, wrong: 0, missing: 0, incomplete: 1, pending: 0 });
    expect(verdict()).toMatchObject({ verdict: 'incomplete', expected: 1000 });
    expect(String(verdict()?.reason)).toMatch(/never marked the window sent.*\/help=403/);
    expect(metrics.total('WindowsIncomplete')).toBe(1);
    expect(metrics.total('WindowsWrong') + metrics.total('WindowsMissing')).toBe(0);
  });

  it('turns an incomplete window exact when its results complete, and re-examines it in the next sweep', async () => {
    ddb.seed('ledger', { windowStart: W, windowEnd: W_END, status: 'claimed', eventsPerWindow: 1000, pages: 6, claimedBy: 'gen' });
    clock.nowMs = W_END_MS + 121_000;
    await sweep(deps);
    expect(verdict()).toMatchObject({ verdict: 'incomplete' });

    await createAuditorHandler(deps)(kinesisEvent(PAGES.map((p) => stats(p, 1000))), fakeContext());

    expect(verdict()).toMatchObject({ verdict: 'exact' });
    expect(metrics.total('WindowsIncomplete')).toBe(1);
    expect(metrics.total('WindowsExact')).toBe(1);
  });

  it('summarises a time range for playground audit', async () => {
    // Prepare: W exact (with one duplicate), W2 wrong, W3 missing, W4 pending.
    const w2 = '2026-11-22T21:30:30.000Z';
    const w3 = '2026-11-22T21:30:45.000Z';
    const w4 = '2026-11-22T21:36:00.000Z';
    const w5 = '2026-11-22T21:31:00.000Z';
    for (const windowStart of [w2, w3, w4]) {
      ddb.seed('ledger', { windowStart, status: 'sent', eventsPerWindow: 1000, pages: 6, claimedBy: 'gen' });
    }
    // W5 incomplete: the generator stopped mid-window (still claimed), part of it counted.
    ddb.seed('ledger', { windowStart: w5, status: 'claimed', eventsPerWindow: 1000, pages: 6, claimedBy: 'gen' });
    const handler = createAuditorHandler(deps);
    const end = (start: string) => new Date(Date.parse(start) + 15_000).toISOString();
    await handler(
      kinesisEvent([
        ...PAGES.map((p) => stats(p, 1000)),
        stats('/help', 1000),
        stats('/help', 999, w2, end(w2)),
        stats('/help', 1000, w3, end(w3)),
        stats('/help', 250, w5, end(w5)),
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

    expect(summary.windows).toEqual({ exact: 1, wrong: 1, missing: 1, incomplete: 1, pending: 1 });
    expect(summary.duplicates).toBe(1);
    expect(summary.events.generated).toBe(4 * 6 * 1000);
    expect(summary.latencyMs.p50).toBe(1_500);
    expect(summary.malformed).toBe(1);
    expect(summary.nonExact.map((w) => [w.windowStart, w.verdict])).toEqual([
      [w2, 'wrong'],
      [w3, 'missing'],
      [w5, 'incomplete'],
    ]);
    expect(summary.nonExact[1].counts).toMatchObject({ '/help': 1000, '/news': null });
    expect(summary.nonExact[2]).toMatchObject({ expected: 1000, counts: { '/help': 250, '/news': null } });
    expect(ddb.mock.commandCalls(ScanCommand)).toHaveLength(0);
  });

  describe('playground audit', () => {
    const target: PlayTarget = {
      kind: 'aws',
      applicationName: 'click-count',
      msf: { region: 'us-east-1' },
      dynamodb: { region: 'us-east-1' },
      cloudwatch: { region: 'us-east-1' },
      tables: { ledger: 'ledger', audit: 'audit' },
    };
    const run = async (json: boolean): Promise<{ code: number; lines: string[] }> => {
      const lines: string[] = [];
      const io: Io = { out: (line) => lines.push(line), err: (line) => lines.push(line), interactive: false };
      const code = await audit({ target, json, sinceMs: 3_600_000, clock: { now: () => W_END_MS + 200_000 } }, io);
      return { code, lines };
    };

    it('reports an incomplete window, says it was not checked, and exits 0', async () => {
      ddb.seed('ledger', { windowStart: W, windowEnd: W_END, status: 'claimed', eventsPerWindow: 1000, pages: 6, claimedBy: 'gen' });
      await createAuditorHandler(deps)(kinesisEvent(PAGES.map((p) => stats(p, 700))), fakeContext());

      const text = await run(false);
      const json = await run(true);

      expect(text.code).toBe(0);
      expect(text.lines.join('\n')).toMatch(/exact 0 {3}wrong 0 {3}missing 0 {3}incomplete 1 {3}pending 0/);
      expect(text.lines.join('\n')).toContain('incomplete  1 (the generator stopped mid-window; not checked; not a failure)');
      expect(text.lines.join('\n')).toMatch(new RegExp(`incomplete +${W}.*never marked the window sent`));
      expect(text.lines.at(-1)).toBe('  verdict     no window wrong or missing; 1 incomplete (the generator stopped mid-window; not checked)');
      expect(json.code).toBe(0);
      expect(JSON.parse(json.lines.join('\n'))).toMatchObject({ windows: { incomplete: 1, missing: 0 }, nonExact: [{ windowStart: W, verdict: 'incomplete' }] });
    });

    it('still exits 1 for a missing window beside an incomplete one', async () => {
      const claimed = toIso(W_END_MS);
      ddb.seed('ledger', { windowStart: claimed, status: 'claimed', eventsPerWindow: 1000, pages: 6, claimedBy: 'gen' });

      const { code, lines } = await run(false);

      expect(code).toBe(1);
      expect(lines.join('\n')).toMatch(/missing 1 {3}incomplete 1/);
      expect(lines.join('\n')).not.toContain('verdict     ');
    });
  });

  it('rejects an empty or inverted time range', async () => {
    const query = { ledgerTableName: 'ledger', auditTableName: 'audit', fromMs: W_END_MS, toMs: W_END_MS };
    await expect(queryAudit(ddb.client(), query)).rejects.toThrow(RangeError);
  });

  describe('reads without Scans', () => {
    const tables = { ledgerTableName: 'ledger', auditTableName: 'audit' };
    const sent = (windowStart: string) => ({ windowStart, status: 'sent', eventsPerWindow: 1000, pages: 6, claimedBy: 'gen' });
    const batchGetKeyCounts = () =>
      ddb.mock.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.ledger?.Keys?.length);
    const windowQueries = () =>
      ddb.mock
        .commandCalls(QueryCommand)
        .map((c) => c.args[0].input.ExpressionAttributeValues?.[':w'] as string | undefined)
        .filter((w) => w !== undefined);

    it('sweeps by BatchGet of the look-back windows and one Query per ledger window, never a Scan', async () => {
      // Prepare: W (incomplete) and the window 5 minutes before it are in the ledger.
      const earlier = toIso(Date.parse(W) - 300_000);
      ddb.seed('ledger', sent(earlier));
      await createAuditorHandler(deps)(kinesisEvent(PAGES.slice(0, 4).map((p) => stats(p, 1000))), fakeContext());
      ddb.mock.resetHistory();
      clock.nowMs = W_END_MS + 121_000;

      // Act
      const result = await sweep(deps);

      // Assess: 60 windows (15 min) in one eventually consistent BatchGet, a Query for each of the 2 ledger windows.
      expect(ddb.mock.commandCalls(ScanCommand)).toHaveLength(0);
      expect(DEFAULT_SWEEP_LOOKBACK_MS / WINDOW_MS).toBe(60);
      expect(batchGetKeyCounts()).toEqual([60]);
      const request = ddb.mock.commandCalls(BatchGetCommand)[0].args[0].input.RequestItems?.ledger;
      expect(request?.ConsistentRead).toBe(false);
      expect(request?.Keys?.at(-1)).toEqual({ windowStart: W });
      expect(request?.Keys?.[0]).toEqual({ windowStart: toIso(W_END_MS - DEFAULT_SWEEP_LOOKBACK_MS) });
      expect(windowQueries().sort()).toEqual([earlier, W]);
      expect(ddb.mock.commandCalls(QueryCommand).every((c) => c.args[0].input.ConsistentRead === false)).toBe(true);
      expect(result).toEqual({ checked: 2, verdicts: { exact: 0, wrong: 0, missing: 2, incomplete: 0, pending: 0 } });
    });

    it('leaves windows older than the look-back to the query, and examines them with a longer look-back', async () => {
      clock.nowMs = W_END_MS + 120_000 + DEFAULT_SWEEP_LOOKBACK_MS;

      const outside = await sweep(deps);
      const summary = await queryAudit(ddb.client(), { ...tables, fromMs: Date.parse(W), toMs: W_END_MS, nowMs: clock.nowMs });
      const inside = await sweep(deps, DEFAULT_SWEEP_LOOKBACK_MS + WINDOW_MS);

      expect(outside.checked).toBe(0);
      expect(summary.windows.missing).toBe(1);
      expect(inside.verdicts.missing).toBe(1);
      expect(verdict()).toMatchObject({ verdict: 'missing' });
    });

    it('re-examines a missing window and turns it exact once its results are stored', async () => {
      clock.nowMs = W_END_MS + 121_000;
      await sweep(deps);
      expect(verdict()).toMatchObject({ verdict: 'missing' });
      for (const page of PAGES) {
        ddb.seed('audit', { windowStart: W, page, windowEnd: W_END, count: 1000, arrivedAt: W_END, latencyMs: 0, duplicates: 0, conflicts: 0 });
      }

      const again = await sweep(deps);

      expect(again).toEqual({ checked: 1, verdicts: { exact: 1, wrong: 0, missing: 0, incomplete: 0, pending: 0 } });
      expect(verdict()).toMatchObject({ verdict: 'exact' });
    });

    it('queries a range with BatchGets of at most 100 keys and one Query per window the ledger has', async () => {
      // Prepare: one hour (240 windows) of which W is in the ledger; W exact.
      await createAuditorHandler(deps)(kinesisEvent(PAGES.map((p) => stats(p, 1000))), fakeContext());
      ddb.mock.resetHistory();
      const fromMs = Date.parse('2026-11-22T21:00:00.000Z');

      const summary = await queryAudit(ddb.client(), { ...tables, fromMs, toMs: fromMs + 3_600_000, nowMs: W_END_MS + 10_000 });

      expect(ddb.mock.commandCalls(ScanCommand)).toHaveLength(0);
      expect(batchGetKeyCounts()).toEqual([100, 100, 40]);
      const keys = ddb.mock.commandCalls(BatchGetCommand).flatMap((c) => c.args[0].input.RequestItems?.ledger?.Keys ?? []);
      expect(new Set(keys.map((k) => k.windowStart)).size).toBe(240);
      expect(windowQueries()).toEqual([W]);
      const indexQueries = ddb.mock.commandCalls(QueryCommand).map((c) => c.args[0].input.ExpressionAttributeValues?.[':p']);
      expect(indexQueries.filter(Boolean).sort()).toEqual(['#malformed', '#unledgered']);
      expect(summary.windows).toEqual({ exact: 1, wrong: 0, missing: 0, incomplete: 0, pending: 0 });
      expect(summary.latencyMs).toEqual({ p50: 1_500, p99: 1_500 });
    });

    it('requests unprocessed keys again until every ledger entry is read', async () => {
      const w2 = toIso(W_END_MS);
      ddb.seed('ledger', sent(w2));
      let throttled = 2;
      ddb.unprocessedKeys = (keys) => (throttled-- > 0 ? Math.ceil(keys.length / 2) : 0);

      const summary = await queryAudit(ddb.client(), { ...tables, fromMs: Date.parse(W), toMs: W_END_MS + WINDOW_MS, nowMs: W_END_MS });

      expect(batchGetKeyCounts()).toEqual([2, 1, 1]);
      const retried = ddb.mock.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.ledger?.Keys);
      expect(retried.slice(1)).toEqual([[{ windowStart: w2 }], [{ windowStart: w2 }]]);
      expect(summary.windows.pending).toBe(2);
      expect(summary.events.generated).toBe(2 * 6 * 1000);
    });

    it('gives up with a BatchGetError when keys stay unprocessed, after backing off exponentially', async () => {
      ddb.unprocessedKeys = () => 1;
      const delays: number[] = [];
      const random = Math.random;
      Math.random = () => 1;
      try {
        const read = batchGetAll(ddb.client(), 'ledger', [{ windowStart: W }], {
          maxAttempts: 4,
          baseDelayMs: 10,
          sleep: async (ms) => {
            delays.push(ms);
          },
        });
        await expect(read).rejects.toThrow(BatchGetError);
      } finally {
        Math.random = random;
      }
      expect(delays).toEqual([10, 20, 40]);
      expect(ddb.mock.commandCalls(BatchGetCommand)).toHaveLength(4);
    });

    it('reports results for a window the ledger never generated as wrong, found through the #unledgered index', async () => {
      const other = '2026-11-22T21:45:00.000Z';
      await createAuditorHandler(deps)(kinesisEvent([stats('/jobs', 1000, other, '2026-11-22T21:45:15.000Z')]), fakeContext());

      const summary = await queryAudit(ddb.client(), {
        ...tables,
        fromMs: Date.parse('2026-11-22T21:40:00.000Z'),
        toMs: Date.parse('2026-11-22T21:50:00.000Z'),
        nowMs: Date.parse('2026-11-22T21:50:00.000Z'),
      });

      expect(summary.windows).toEqual({ exact: 0, wrong: 1, missing: 0, incomplete: 0, pending: 0 });
      expect(summary.nonExact).toEqual([expect.objectContaining({ windowStart: other, verdict: 'wrong', expected: null })]);
      expect(summary.nonExact[0].counts['/jobs']).toBe(1000);
      expect(ddb.mock.commandCalls(ScanCommand)).toHaveLength(0);
    });

    it('accepts a range of 7 days and rejects a longer one before reading anything', async () => {
      const fromMs = Date.parse('2026-11-16T00:00:00.000Z');
      const week: AuditQuery = { ...tables, fromMs, toMs: fromMs + MAX_AUDIT_QUERY_WINDOWS * WINDOW_MS, nowMs: W_END_MS };

      const summary = await queryAudit(ddb.client(), week);
      const calls = ddb.mock.commandCalls(BatchGetCommand).length;
      const tooLong = queryAudit(ddb.client(), { ...week, toMs: week.toMs + 1 });

      expect(MAX_AUDIT_QUERY_WINDOWS).toBe(40_320);
      expect(summary.windows.pending).toBe(1);
      expect(calls).toBe(404);
      await expect(tooLong).rejects.toThrow(AuditRangeError);
      await expect(tooLong).rejects.toThrow(/40321 windows; at most 40320 \(7 days/);
      expect(ddb.mock.commandCalls(BatchGetCommand)).toHaveLength(calls);
    });
  });
});
