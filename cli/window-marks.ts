/**
 * Watching the job's results window by window: the counts of each window as its pages arrive, and
 * once all six are in, its mark against the ledger — exact, wrong (with the counts), or a window the
 * ledger has no record of. Pure functions and one small tally; the reading and the ledger's reads
 * are the command's (cli/commands/output.ts).
 */
import type { ClickEventStatistics } from '../lambdas/shared/events';
import type { LedgerEntry } from '../lambdas/shared/ledger';
import { PAGES, type Page } from '../lambdas/shared/pages';

export type Counts = Readonly<Partial<Record<Page, number>>>;

export type MarkVerdict = 'exact' | 'wrong' | 'unfinished' | 'not-in-ledger' | 'incomplete';

/** A window's mark: complete ones are judged, `incomplete` ones (pages missing when the read ended) are not. */
export interface WindowMark {
  readonly windowStart: string;
  readonly verdict: MarkVerdict;
  /** First-arrival count per page. */
  readonly counts: Counts;
  /** The ledger's eventsPerWindow; null when the ledger has no entry (or was not asked). */
  readonly expected: number | null;
  /** Pages with no result yet (`incomplete` only). */
  readonly missingPages: readonly Page[];
}

/** What is known of one window's expected counts: the ledger entry, or that there is none. */
export type LedgerLookup = Pick<LedgerEntry, 'eventsPerWindow' | 'status'> | undefined;

/**
 * The mark of a window whose six pages have all arrived: exact when every page counts the ledger's
 * eventsPerWindow; wrong otherwise — unless the generator never finished the window (ledger status
 * `claimed`), when fewer clicks are expected and the counts cannot be checked (`unfinished`, as the
 * audit's `incomplete`).
 */
export function markWindow(windowStart: string, counts: Counts, ledger: LedgerLookup): WindowMark {
  const missingPages = PAGES.filter((page) => counts[page] === undefined);
  if (missingPages.length > 0) return { windowStart, verdict: 'incomplete', counts, expected: ledger?.eventsPerWindow ?? null, missingPages };
  if (!ledger) return { windowStart, verdict: 'not-in-ledger', counts, expected: null, missingPages };
  const expected = ledger.eventsPerWindow;
  const exact = PAGES.every((page) => counts[page] === expected);
  const verdict: MarkVerdict = exact ? 'exact' : ledger.status === 'sent' ? 'wrong' : 'unfinished';
  return { windowStart, verdict, counts, expected, missingPages };
}

function countsText(counts: Counts): string {
  return PAGES.map((page) => `${page}=${counts[page] ?? '–'}`).join(' ');
}

/** The line of a mark, e.g. `window 2026-12-01T23:57:15.000Z exact (6 pages × 1000)`. */
export function renderMark(mark: WindowMark): string {
  const head = `window ${mark.windowStart}`;
  switch (mark.verdict) {
    case 'exact':
      return `${head} exact (${PAGES.length} pages × ${mark.expected ?? '?'})`;
    case 'wrong':
      return `${head} WRONG: counts ${countsText(mark.counts)}; expected ${mark.expected ?? '?'} per page`;
    case 'unfinished':
      return `${head} unfinished: the generator did not finish the window (counts ${countsText(mark.counts)}; at most ${mark.expected ?? '?'} per page)`;
    case 'not-in-ledger':
      return `${head} not in the ledger: counts ${countsText(mark.counts)}`;
    case 'incomplete':
      return `${head} incomplete: ${PAGES.length - mark.missingPages.length} of ${PAGES.length} pages when the read ended (no ${mark.missingPages.join(', ')})`;
  }
}

/** The line of one result, e.g. `2026-12-01T23:57:15.000Z  /help  1000`. */
export function renderStatistics(stats: ClickEventStatistics): string {
  return `${stats.windowStart}  ${stats.page}  ${stats.count}`;
}

/**
 * The windows seen so far, by start. `add` returns the window's counts at the moment its sixth page
 * arrives (once per window); a page that arrives again (an at-least-once sink) keeps its first count.
 */
export class WindowTally {
  private readonly windows = new Map<string, Partial<Record<Page, number>>>();
  private readonly complete = new Set<string>();

  add(stats: ClickEventStatistics): Counts | undefined {
    if (this.complete.has(stats.windowStart)) return undefined;
    const counts = this.windows.get(stats.windowStart) ?? {};
    this.windows.set(stats.windowStart, counts);
    if (counts[stats.page] !== undefined) return undefined;
    counts[stats.page] = stats.count;
    if (PAGES.some((page) => counts[page] === undefined)) return undefined;
    this.complete.add(stats.windowStart);
    this.windows.delete(stats.windowStart);
    return counts;
  }

  /** The windows still missing pages, oldest first. */
  pending(): { readonly windowStart: string; readonly counts: Counts }[] {
    return [...this.windows].sort(([a], [b]) => a.localeCompare(b)).map(([windowStart, counts]) => ({ windowStart, counts }));
  }
}
