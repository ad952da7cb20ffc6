import { describe, expect, it } from 'vitest';
import { JUDGE_PAGES, judgeRun, parseResult, type LedgerRow } from '../../chaos/judge';

const W1 = '2026-11-22T21:30:00.000Z';
const W2 = '2026-11-22T21:30:15.000Z';
const W3 = '2026-11-22T21:30:30.000Z';
const range = { fromMs: Date.parse('2026-11-22T21:29:00.000Z'), toMs: Date.parse('2026-11-22T21:35:00.000Z') };

function result(windowStart: string, page: string, count: number): string {
  const windowEnd = new Date(Date.parse(windowStart) + 15_000).toISOString();
  return JSON.stringify({ windowStart, windowEnd, page, count });
}

function all(windowStart: string, count: number): string[] {
  return JUDGE_PAGES.map((p) => result(windowStart, p, count));
}

const sent = (windowStart: string, eventsPerWindow = 1000): LedgerRow => ({ windowStart, status: 'sent', eventsPerWindow });
const claimed = (windowStart: string, eventsPerWindow = 1000): LedgerRow => ({ windowStart, status: 'claimed', eventsPerWindow });

describe('the independent judge', () => {
  it('calls a window with all six pages at the ledger count exact, whatever the ledger status', () => {
    const summary = judgeRun([...all(W1, 1000), ...all(W2, 100)], [sent(W1), claimed(W2, 100)], range);

    expect(summary.windows).toEqual({ exact: 2, wrong: 0, missing: 0, incomplete: 0 });
    expect(summary.judgements.map((j) => j.verdict)).toEqual(['exact', 'exact']);
  });

  it('counts repeats with the same count as duplicates, not faults', () => {
    const summary = judgeRun([...all(W1, 1000), result(W1, '/help', 1000), result(W1, '/shop', 1000), result(W1, '/help', 1000)], [sent(W1)], range);

    expect(summary.windows.exact).toBe(1);
    expect(summary.duplicates).toBe(3);
    expect(summary.judgements[0].counts['/help']).toEqual([1000, 1000, 1000]);
  });

  it('calls a sent window with any other count, or a conflicting repeat, wrong', () => {
    const summary = judgeRun(
      [...all(W1, 1000).slice(1), result(W1, JUDGE_PAGES[0], 999), ...all(W2, 1000), result(W2, '/news', 1001)],
      [sent(W1), sent(W2)],
      range,
    );

    expect(summary.windows).toEqual({ exact: 0, wrong: 2, missing: 0, incomplete: 0 });
    expect(summary.judgements[0].reason).toBe('/help counted 999, expected 1000');
    expect(summary.judgements[1].reason).toBe('/news has conflicting counts 1000, 1001');
  });

  it('calls results for a window the ledger has no entry for wrong', () => {
    const summary = judgeRun(all(W3, 1000), [sent(W1)], range);

    expect(summary.judgements.map((j) => [j.windowStart, j.verdict, j.expected])).toEqual([
      [W1, 'missing', 1000],
      [W3, 'wrong', null],
    ]);
  });

  it('calls a sent window with an absent page missing, naming the pages', () => {
    const summary = judgeRun(all(W1, 1000).slice(0, 4), [sent(W1)], range);

    expect(summary.windows.missing).toBe(1);
    expect(summary.judgements[0].reason).toBe('sent, but no result for /about, /news');
  });

  it('calls a claimed window without exact results incomplete, but a count above the ledger one wrong', () => {
    const summary = judgeRun([...all(W1, 412), ...all(W2, 1000).slice(0, 2), ...all(W3, 1000).slice(1), result(W3, '/help', 1200)], [claimed(W1), claimed(W2), claimed(W3)], range);

    expect(summary.judgements.map((j) => j.verdict)).toEqual(['incomplete', 'incomplete', 'wrong']);
    expect(summary.judgements[0].reason).toContain('claimed');
  });

  it('counts malformed records and leaves windows outside the range alone', () => {
    const outside = '2026-11-22T22:00:00.000Z';
    const records = [
      'not json',
      '[]',
      JSON.stringify({ windowStart: W1, windowEnd: W2, page: '/admin', count: 1 }),
      JSON.stringify({ windowStart: '2026-11-22T21:30:01.000Z', windowEnd: '2026-11-22T21:30:16.000Z', page: '/help', count: 1 }),
      JSON.stringify({ windowStart: W1, windowEnd: W3, page: '/help', count: 1 }),
      JSON.stringify({ windowStart: W1, windowEnd: W2, page: '/help', count: 0 }),
      ...all(outside, 1000),
    ];

    const summary = judgeRun(records, [sent(outside)], range);

    expect(summary.malformed).toBe(6);
    expect(summary.outOfRange).toBe(6);
    expect(summary.judgements).toEqual([]);
  });

  it('parses exactly the result contract', () => {
    expect(parseResult(result(W1, '/jobs', 7))).toEqual({ windowStart: W1, page: '/jobs', count: 7 });
    expect(parseResult(JSON.stringify({ windowStart: '2026-02-30T00:00:00.000Z', windowEnd: '2026-02-30T00:00:15.000Z', page: '/jobs', count: 7 }))).toBeUndefined();
    expect(parseResult(JSON.stringify({ windowStart: W1, windowEnd: W2, page: '/jobs', count: 1.5 }))).toBeUndefined();
  });
});
