import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { toStoredWindow, WINDOW_READ_CONCURRENCY, type StoredWindow } from './audit';
import { mapConcurrently, queryAll } from './dynamodb-reads';
import { AuditRangeError } from './errors';
import { getLedgerEntries } from './ledger';
import { PAGES } from './pages';
import { MALFORMED_PARTITION_KEY, UNLEDGERED_PARTITION_KEY } from './tables';
import { judgeWindow, percentile, type Verdict } from './verdicts';
import { countWindowStarts, toIso, WINDOW_MS, windowStartsIn } from './windows';

/** The longest range `queryAudit` reads: 7 days (what TTL keeps) = 40,320 windows. */
export const MAX_AUDIT_QUERY_WINDOWS = (7 * 24 * 3600 * 1000) / WINDOW_MS;

export interface AuditQuery {
  readonly ledgerTableName: string;
  readonly auditTableName: string;
  /** Windows starting at or after this instant (epoch ms) … */
  readonly fromMs: number;
  /** … and before this one. */
  readonly toMs: number;
  /** @default Date.now() */
  readonly nowMs?: number;
  /** @default 120 */
  readonly gracePeriodSeconds?: number;
  /** Strongly consistent reads (twice the read units). @default false */
  readonly consistentRead?: boolean;
}

export interface NonExactWindow {
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly verdict: 'wrong' | 'missing' | 'incomplete';
  readonly reason: string;
  /** The ledger's eventsPerWindow; null for a window the ledger has no record of. */
  readonly expected: number | null;
  /** First-arrival count per page; null where no result arrived. */
  readonly counts: Readonly<Record<string, number | null>>;
}

export interface AuditSummary {
  /**
   * Windows by verdict. `incomplete`: the generator stopped mid-window (it never marked the window
   * sent), so its counts cannot be checked; reported, but not a fault of the job.
   */
  readonly windows: {
    readonly exact: number;
    readonly wrong: number;
    readonly missing: number;
    readonly incomplete: number;
    readonly pending: number;
  };
  /** Repeats of a result with the same count (expected with an at-least-once sink). */
  readonly duplicates: number;
  /** End-to-end latency (first arrival − windowEnd) over the results in range; null without results. */
  readonly latencyMs: { readonly p50: number | null; readonly p99: number | null };
  /** Events the generator sent (ledger windows marked sent × 6 pages × eventsPerWindow). */
  readonly events: { readonly generated: number };
  /** Malformed output records that arrived in the range. */
  readonly malformed: number;
  /** Wrong, missing and incomplete windows, oldest first. */
  readonly nonExact: readonly NonExactWindow[];
}

/** One page of one window as the audit table has it: its first arrival, or null before one. */
export interface AuditedResult {
  readonly count: number;
  /** When the first result arrived (ISO-8601) and how long after the window's end. */
  readonly arrivedAt: string;
  readonly latencyMs: number;
  readonly duplicates: number;
}

/** One window with its verdict and what arrived for each page (the live view's grid). */
export interface AuditedWindow {
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly verdict: Verdict;
  readonly reason: string;
  /** The ledger's eventsPerWindow; null for a window the ledger has no record of. */
  readonly expected: number | null;
  /** Every page, in PAGES order. */
  readonly results: Readonly<Record<string, AuditedResult | null>>;
}

/** An instant of an audit range as a reader knows it: ISO-8601, or as given when it is no time. */
function instant(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? toIso(ms) : String(ms);
}

/** The partition-key Query of an index partition (`#malformed`, `#unledgered`) over sort keys in [from, to). */
function queryIndex(doc: DynamoDBDocumentClient, query: AuditQuery, partition: string): Promise<Record<string, unknown>[]> {
  return queryAll(doc, {
    TableName: query.auditTableName,
    KeyConditionExpression: 'windowStart = :p AND page BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':p': partition, ':from': toIso(query.fromMs), ':to': toIso(query.toMs - 1) },
    ConsistentRead: query.consistentRead ?? false,
  });
}

/**
 * Summarises the audit of the windows starting in `[fromMs, toMs)` (at most 7 days). A window's
 * verdict is the stored one; windows without one are judged now (pending, or missing or incomplete
 * after the grace period).
 *
 * No Scan: the window starts in the range are enumerated (windows are deterministic), their ledger
 * entries read with BatchGetItem (100 keys per request), and the audit partition of each window the
 * ledger has, or that the `#unledgered` index lists (results for a window the ledger never
 * generated), is read with one Query; malformed counters with one Query of `#malformed`. Reads are
 * eventually consistent by default: this is a report, refreshed every 2 s by the live view, and a
 * result written in the last second may show up at the next refresh. For a one-hour range with the
 * generator running: 240 keys × 0.5 + 240 Queries × 0.5 ≈ 240 RRU.
 */
export async function queryAudit(doc: DynamoDBDocumentClient, query: AuditQuery): Promise<AuditSummary> {
  return (await queryAuditWindows(doc, query)).summary;
}

/** As queryAudit, with every window of the range too (oldest first), each with its verdict and results per page. */
export async function queryAuditWindows(
  doc: DynamoDBDocumentClient,
  query: AuditQuery,
): Promise<{ readonly summary: AuditSummary; readonly windows: readonly AuditedWindow[] }> {
  if (!(Number.isFinite(query.fromMs) && Number.isFinite(query.toMs) && query.fromMs < query.toMs)) {
    throw new AuditRangeError(`an audit range must end after it starts; got ${instant(query.fromMs)} to ${instant(query.toMs)}`);
  }
  const count = countWindowStarts(query.fromMs, query.toMs);
  if (count > MAX_AUDIT_QUERY_WINDOWS) {
    throw new AuditRangeError(
      `${toIso(query.fromMs)} to ${toIso(query.toMs)} spans ${count} windows; at most ${MAX_AUDIT_QUERY_WINDOWS} (7 days, what the tables keep) can be audited at once`,
    );
  }
  const nowMs = query.nowMs ?? Date.now();
  const graceMs = (query.gracePeriodSeconds ?? 120) * 1000;
  const consistentRead = query.consistentRead ?? false;
  const starts = windowStartsIn(query.fromMs, query.toMs).map(toIso);
  const [ledger, unledgered, malformedItems] = await Promise.all([
    getLedgerEntries(doc, query.ledgerTableName, starts, { consistentRead }),
    queryIndex(doc, query, UNLEDGERED_PARTITION_KEY),
    queryIndex(doc, query, MALFORMED_PARTITION_KEY),
  ]);

  const all = [...new Set([...ledger.keys(), ...unledgered.map((i) => String(i.page))])].sort();
  const stored = new Map<string, StoredWindow>();
  await mapConcurrently(all, WINDOW_READ_CONCURRENCY, async (windowStart) => {
    const items = await queryAll(doc, {
      TableName: query.auditTableName,
      KeyConditionExpression: 'windowStart = :w',
      ExpressionAttributeValues: { ':w': windowStart },
      ConsistentRead: consistentRead,
    });
    stored.set(windowStart, toStoredWindow(items));
  });

  const windows = { exact: 0, wrong: 0, missing: 0, incomplete: 0, pending: 0 };
  const nonExact: NonExactWindow[] = [];
  const audited: AuditedWindow[] = [];
  let duplicates = 0;
  const latencies: number[] = [];
  let generated = 0;
  for (const entry of ledger.values()) if (entry.status === 'sent') generated += entry.eventsPerWindow * entry.pages;

  for (const windowStart of all) {
    const { results: windowResults, verdict: storedVerdict } = stored.get(windowStart) ?? { results: [], verdict: undefined };
    for (const r of windowResults) {
      duplicates += r.duplicates ?? 0;
      latencies.push(r.latencyMs);
    }
    const windowEndMs = Date.parse(windowStart) + WINDOW_MS;
    const judged = storedVerdict
      ? { verdict: storedVerdict.verdict as Verdict, reason: storedVerdict.reason }
      : judgeWindow({ ledger: ledger.get(windowStart), results: windowResults, windowEndMs, nowMs, graceMs, allowMissing: true });
    windows[judged.verdict]++;
    const results: Record<string, AuditedResult | null> = {};
    for (const page of PAGES) {
      const r = windowResults.find((result) => result.page === page);
      results[page] = r ? { count: r.count, arrivedAt: r.arrivedAt, latencyMs: r.latencyMs, duplicates: r.duplicates ?? 0 } : null;
    }
    const expected = ledger.get(windowStart)?.eventsPerWindow ?? null;
    audited.push({ windowStart, windowEnd: toIso(windowEndMs), verdict: judged.verdict, reason: judged.reason, expected, results });
    if (judged.verdict === 'wrong' || judged.verdict === 'missing' || judged.verdict === 'incomplete') {
      const counts: Record<string, number | null> = {};
      for (const page of PAGES) counts[page] = results[page]?.count ?? null;
      nonExact.push({ windowStart, windowEnd: toIso(windowEndMs), verdict: judged.verdict, reason: judged.reason, expected, counts });
    }
  }
  const malformed = malformedItems.reduce((sum, item) => sum + Number(item.count ?? 0), 0);
  const summary: AuditSummary = {
    windows,
    duplicates,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
    events: { generated },
    malformed,
    nonExact,
  };
  return { summary, windows: audited };
}
