import { QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { scanLedger, type LedgerEntry } from './ledger';
import { PAGES } from './pages';
import { MALFORMED_PARTITION_KEY, VERDICT_SORT_KEY } from './tables';
import { judgeWindow, percentile, type ResultItem, type Verdict, type VerdictItem } from './verdicts';
import { toIso, WINDOW_MS } from './windows';

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
}

export interface NonExactWindow {
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly verdict: 'wrong' | 'missing';
  readonly reason: string;
  /** The ledger's eventsPerWindow; null for a window the ledger has no record of. */
  readonly expected: number | null;
  /** First-arrival count per page; null where no result arrived. */
  readonly counts: Readonly<Record<string, number | null>>;
}

export interface AuditSummary {
  readonly windows: { readonly exact: number; readonly wrong: number; readonly missing: number; readonly pending: number };
  /** Repeats of a result with the same count (expected with an at-least-once sink). */
  readonly duplicates: number;
  /** End-to-end latency (first arrival − windowEnd) over the results in range; null without results. */
  readonly latencyMs: { readonly p50: number | null; readonly p99: number | null };
  /** Events the generator sent (ledger windows marked sent × 6 pages × eventsPerWindow). */
  readonly events: { readonly generated: number };
  /** Malformed output records that arrived in the range. */
  readonly malformed: number;
  /** Wrong and missing windows, oldest first. */
  readonly nonExact: readonly NonExactWindow[];
}

async function scanAll(
  doc: DynamoDBDocumentClient,
  input: ConstructorParameters<typeof ScanCommand>[0] | ConstructorParameters<typeof QueryCommand>[0],
  query: boolean,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const command = query
      ? new QueryCommand({ ...input, ExclusiveStartKey: startKey } as ConstructorParameters<typeof QueryCommand>[0])
      : new ScanCommand({ ...input, ExclusiveStartKey: startKey });
    const out = await doc.send(command as ScanCommand);
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * Summarises the audit of the windows starting in `[fromMs, toMs)` from the ledger and audit
 * tables (Scans with filters: fine at playground scale). A window's verdict is the stored one;
 * windows without one are judged now (pending, or missing after the grace period).
 */
export async function queryAudit(doc: DynamoDBDocumentClient, query: AuditQuery): Promise<AuditSummary> {
  if (!(Number.isFinite(query.fromMs) && Number.isFinite(query.toMs) && query.fromMs < query.toMs)) {
    throw new RangeError(`queryAudit: fromMs (${query.fromMs}) must be a time before toMs (${query.toMs})`);
  }
  const nowMs = query.nowMs ?? Date.now();
  const graceMs = (query.gracePeriodSeconds ?? 120) * 1000;
  const fromIso = toIso(query.fromMs);
  const toIsoExclusive = toIso(query.toMs);
  const [ledgerEntries, auditItems, malformedItems] = await Promise.all([
    scanLedger(doc, query.ledgerTableName, fromIso, toIsoExclusive),
    scanAll(
      doc,
      {
        TableName: query.auditTableName,
        FilterExpression: 'windowStart >= :from AND windowStart < :to',
        ExpressionAttributeValues: { ':from': fromIso, ':to': toIsoExclusive },
        ConsistentRead: true,
      },
      false,
    ),
    scanAll(
      doc,
      {
        TableName: query.auditTableName,
        KeyConditionExpression: 'windowStart = :m AND page BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':m': MALFORMED_PARTITION_KEY, ':from': fromIso, ':to': toIsoExclusive },
        ConsistentRead: true,
      },
      true,
    ),
  ]);

  const ledger = new Map<string, LedgerEntry>(ledgerEntries.map((e) => [e.windowStart, e]));
  const results = new Map<string, ResultItem[]>();
  const verdicts = new Map<string, VerdictItem>();
  for (const item of auditItems) {
    const windowStart = String(item.windowStart);
    if (item.page === VERDICT_SORT_KEY) verdicts.set(windowStart, item as unknown as VerdictItem);
    else results.set(windowStart, [...(results.get(windowStart) ?? []), item as unknown as ResultItem]);
  }

  const windows = { exact: 0, wrong: 0, missing: 0, pending: 0 };
  const nonExact: NonExactWindow[] = [];
  let duplicates = 0;
  const latencies: number[] = [];
  let generated = 0;
  for (const entry of ledgerEntries) if (entry.status === 'sent') generated += entry.eventsPerWindow * entry.pages;

  const all = [...new Set([...ledger.keys(), ...results.keys(), ...verdicts.keys()])].sort();
  for (const windowStart of all) {
    const windowResults = results.get(windowStart) ?? [];
    for (const r of windowResults) {
      duplicates += r.duplicates ?? 0;
      latencies.push(r.latencyMs);
    }
    const stored = verdicts.get(windowStart);
    const windowEndMs = Date.parse(windowStart) + WINDOW_MS;
    const judged = stored
      ? { verdict: stored.verdict as Verdict, reason: stored.reason }
      : judgeWindow({ ledger: ledger.get(windowStart), results: windowResults, windowEndMs, nowMs, graceMs, allowMissing: true });
    windows[judged.verdict]++;
    if (judged.verdict === 'wrong' || judged.verdict === 'missing') {
      const counts: Record<string, number | null> = {};
      for (const page of PAGES) counts[page] = windowResults.find((r) => r.page === page)?.count ?? null;
      nonExact.push({
        windowStart,
        windowEnd: toIso(windowEndMs),
        verdict: judged.verdict,
        reason: judged.reason,
        expected: ledger.get(windowStart)?.eventsPerWindow ?? null,
        counts,
      });
    }
  }
  const malformed = malformedItems.reduce((sum, item) => sum + Number(item.count ?? 0), 0);
  return {
    windows,
    duplicates,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
    events: { generated },
    malformed,
    nonExact,
  };
}
