import type { LedgerEntry } from './ledger';
import { PAGES } from './pages';

export type Verdict = 'exact' | 'wrong' | 'missing' | 'incomplete' | 'pending';

/** A result item in the audit table: the first arrival of (windowStart, page). */
export interface ResultItem {
  readonly windowStart: string;
  readonly page: string;
  readonly windowEnd: string;
  readonly count: number;
  readonly arrivedAt: string;
  readonly latencyMs: number;
  readonly duplicates?: number;
  readonly conflicts?: number;
  readonly conflictCounts?: readonly number[];
}

/** The verdict item of a window in the audit table (`page` = `#window`). */
export interface VerdictItem {
  readonly windowStart: string;
  readonly page: string;
  readonly verdict: Exclude<Verdict, 'pending'>;
  readonly reason: string;
  readonly decidedAt: string;
  readonly windowEnd: string;
  readonly expected?: number;
}

export interface Judgement {
  readonly verdict: Verdict;
  readonly reason: string;
}

export interface JudgeInput {
  readonly ledger: LedgerEntry | undefined;
  readonly results: readonly ResultItem[];
  readonly windowEndMs: number;
  readonly nowMs: number;
  readonly graceMs: number;
  /** Only the sweep (and queries) may call a window missing or incomplete; the auditor leaves it pending. */
  readonly allowMissing: boolean;
}

/**
 * The verdict on a window from what is known about it:
 * - wrong: a result for a window the ledger never generated, a conflicting repeat, a count above
 *   the ledger's eventsPerWindow, or — for a window the generator marked sent — any count other
 *   than eventsPerWindow;
 * - exact: all six pages arrived, each with the expected count (whether or not the window was
 *   marked sent);
 * - incomplete: the ledger still says `claimed` (the generator stopped mid-window: killed, timed
 *   out), the results are not all exact, and the grace period after the window's end has passed —
 *   part of its events were sent, so its counts cannot be checked;
 * - missing: a sent window without a complete result once the grace period has passed;
 * - pending: otherwise.
 */
export function judgeWindow(input: JudgeInput): Judgement {
  const { ledger, results } = input;
  if (!ledger) {
    return results.length > 0
      ? { verdict: 'wrong', reason: 'results for a window the ledger has no record of' }
      : { verdict: 'pending', reason: 'no ledger entry and no results' };
  }
  const expected = ledger.eventsPerWindow;
  const sent = ledger.status === 'sent';
  const problems: string[] = [];
  const short: string[] = [];
  for (const r of results) {
    if (r.conflicts) problems.push(`${r.page}: conflicting counts ${[r.count, ...(r.conflictCounts ?? [])].join(', ')}`);
    else if (r.count > expected || (sent && r.count !== expected)) problems.push(`${r.page}: count ${r.count}, expected ${expected}`);
    else if (r.count !== expected) short.push(`${r.page}=${r.count}`);
  }
  if (problems.length > 0) return { verdict: 'wrong', reason: problems.join('; ') };
  const arrived = new Set(results.map((r) => r.page));
  const absent = PAGES.filter((p) => !arrived.has(p));
  if (absent.length === 0 && short.length === 0) {
    return { verdict: 'exact', reason: `all ${PAGES.length} pages with count ${expected}` };
  }
  const graceOver = input.allowMissing && input.nowMs >= input.windowEndMs + input.graceMs;
  if (!sent) {
    if (graceOver) {
      const counts = PAGES.map((p) => `${p}=${results.find((r) => r.page === p)?.count ?? '–'}`).join(' ');
      return {
        verdict: 'incomplete',
        reason: `the generator never marked the window sent (it stopped mid-window), so its counts cannot be checked: ${counts} of at most ${expected}`,
      };
    }
    return { verdict: 'pending', reason: `the generator has not marked the window sent; ${absent.length > 0 ? `waiting for ${absent.join(', ')}` : `counts ${short.join(' ')}`}` };
  }
  if (graceOver) {
    return { verdict: 'missing', reason: `no result for ${absent.join(', ')} after the grace period` };
  }
  return { verdict: 'pending', reason: `waiting for ${absent.join(', ')}` };
}

/**
 * Whether a stored verdict may be replaced: a first verdict always; exact → wrong (a conflict came
 * later); missing or incomplete → exact or wrong (results completed after the grace period, or the
 * ledger was marked sent late). Wrong is final.
 */
export function mayReplace(stored: VerdictItem['verdict'] | undefined, next: Verdict): boolean {
  if (next === 'pending' || next === stored) return false;
  if (stored === undefined) return true;
  if (stored === 'exact') return next === 'wrong';
  if (stored === 'missing' || stored === 'incomplete') return next === 'exact' || next === 'wrong';
  return false;
}

/** Nearest-rank percentile of a list of numbers; null when empty. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
