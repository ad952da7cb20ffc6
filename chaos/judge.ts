/**
 * The chaos run's own judge, independent of the auditor: it shares no code with
 * lambdas/shared/audit*, verdicts or audit-query. From every record of the output stream (read
 * from the beginning) and the generator's ledger it decides each window of the judged range:
 * - exact: all 6 pages, each with the ledger's eventsPerWindow, and no conflicting repeat;
 * - wrong: results for a window the ledger has no entry for, a page with conflicting counts, a
 *   count above eventsPerWindow, or — for a window the generator marked sent — any other count;
 * - incomplete: the ledger says `claimed` (the generator stopped mid-window), results not all exact;
 * - missing: the ledger says `sent` and a page has no result.
 * Repeats with the same count are duplicates (an at-least-once sink may write them): counted, no fault.
 */

export const JUDGE_PAGES = ['/help', '/index', '/shop', '/jobs', '/about', '/news'] as const;
const WINDOW_MS = 15_000;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export type OwnVerdict = 'exact' | 'wrong' | 'missing' | 'incomplete';

/** What the judge needs of a ledger item. */
export interface LedgerRow {
  readonly windowStart: string;
  readonly status: string;
  readonly eventsPerWindow: number;
}

export interface WindowJudgement {
  readonly windowStart: string;
  readonly verdict: OwnVerdict;
  readonly reason: string;
  /** The ledger's eventsPerWindow; null for a window the ledger has no entry for. */
  readonly expected: number | null;
  /** Every count that arrived, per page (repeats included), in arrival order. */
  readonly counts: Readonly<Record<string, readonly number[]>>;
  /** Records that repeat an earlier one of the same page with the same count. */
  readonly duplicates: number;
}

export interface JudgeSummary {
  readonly windows: Readonly<Record<OwnVerdict, number>>;
  readonly duplicates: number;
  /** Output records that are not a well-formed result (any window). */
  readonly malformed: number;
  /** Well-formed results of windows outside the judged range. */
  readonly outOfRange: number;
  /** Every judged window, oldest first. */
  readonly judgements: readonly WindowJudgement[];
}

interface Result {
  readonly windowStart: string;
  readonly page: string;
  readonly count: number;
}

function isoMs(value: unknown): number | undefined {
  if (typeof value !== 'string' || !ISO_MS.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) || new Date(ms).toISOString() !== value ? undefined : ms;
}

/** A result record of the job, or undefined when the text is not one. */
export function parseResult(text: string): Result | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { windowStart, windowEnd, page, count } = value as Record<string, unknown>;
  const start = isoMs(windowStart);
  const end = isoMs(windowEnd);
  if (start === undefined || end === undefined || start % WINDOW_MS !== 0 || end - start !== WINDOW_MS) return undefined;
  if (typeof page !== 'string' || !(JUDGE_PAGES as readonly string[]).includes(page)) return undefined;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1) return undefined;
  return { windowStart: windowStart as string, page, count };
}

/** Judges the windows starting in [fromMs, toMs) from the output records and the ledger. */
export function judgeRun(records: readonly string[], ledger: readonly LedgerRow[], range: { readonly fromMs: number; readonly toMs: number }): JudgeSummary {
  const inRange = (windowStart: string): boolean => {
    const ms = Date.parse(windowStart);
    return ms >= range.fromMs && ms < range.toMs;
  };
  let malformed = 0;
  let outOfRange = 0;
  const byWindow = new Map<string, Map<string, number[]>>();
  for (const text of records) {
    const result = parseResult(text);
    if (!result) {
      malformed++;
      continue;
    }
    if (!inRange(result.windowStart)) {
      outOfRange++;
      continue;
    }
    const pages = byWindow.get(result.windowStart) ?? new Map<string, number[]>();
    byWindow.set(result.windowStart, pages);
    pages.set(result.page, [...(pages.get(result.page) ?? []), result.count]);
  }
  const entries = new Map(ledger.filter((e) => inRange(e.windowStart)).map((e) => [e.windowStart, e]));
  const starts = [...new Set([...entries.keys(), ...byWindow.keys()])].sort();
  const windows: Record<OwnVerdict, number> = { exact: 0, wrong: 0, missing: 0, incomplete: 0 };
  let duplicates = 0;
  const judgements = starts.map((windowStart) => {
    const judgement = judgeOne(windowStart, entries.get(windowStart), byWindow.get(windowStart) ?? new Map());
    windows[judgement.verdict]++;
    duplicates += judgement.duplicates;
    return judgement;
  });
  return { windows, duplicates, malformed, outOfRange, judgements };
}

function judgeOne(windowStart: string, entry: LedgerRow | undefined, pages: ReadonlyMap<string, readonly number[]>): WindowJudgement {
  const counts = Object.fromEntries(JUDGE_PAGES.filter((p) => pages.has(p)).map((p) => [p, pages.get(p) ?? []]));
  let duplicates = 0;
  for (const list of pages.values()) duplicates += list.length - new Set(list).size;
  const base = { windowStart, counts, duplicates, expected: entry?.eventsPerWindow ?? null };
  if (!entry) return { ...base, verdict: 'wrong', reason: 'results for a window the ledger has no entry for' };
  const expected = entry.eventsPerWindow;
  const sent = entry.status === 'sent';
  const faults: string[] = [];
  let allExact = true;
  for (const page of JUDGE_PAGES) {
    const list = pages.get(page);
    if (!list) {
      allExact = false;
      continue;
    }
    const distinct = [...new Set(list)];
    if (distinct.length > 1) faults.push(`${page} has conflicting counts ${distinct.join(', ')}`);
    else if (distinct[0] > expected || (sent && distinct[0] !== expected)) faults.push(`${page} counted ${distinct[0]}, expected ${expected}`);
    else if (distinct[0] !== expected) allExact = false;
  }
  if (faults.length > 0) return { ...base, verdict: 'wrong', reason: faults.join('; ') };
  if (allExact) return { ...base, verdict: 'exact', reason: `6 pages of ${expected}` };
  const absent = JUDGE_PAGES.filter((p) => !pages.has(p));
  if (!sent) {
    return { ...base, verdict: 'incomplete', reason: `the ledger still says ${entry.status}: the generator stopped mid-window, counts not checked` };
  }
  return { ...base, verdict: 'missing', reason: `sent, but no result for ${absent.join(', ')}` };
}
