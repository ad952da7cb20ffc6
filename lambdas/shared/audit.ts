import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditorConfig } from './config';
import { mapConcurrently, queryAll } from './dynamodb-reads';
import { parseClickEventStatistics, type ClickEventStatistics } from './events';
import { MalformedRecordError } from './errors';
import { getLedgerEntries, getLedgerEntry, isConditionalCheckFailed, type LedgerEntry } from './ledger';
import { MetricUnit, silentLog, type Log, type MetricSink } from './observability';
import { MALFORMED_PARTITION_KEY, RETENTION_SECONDS, UNLEDGERED_PARTITION_KEY, VERDICT_SORT_KEY } from './tables';
import { judgeWindow, mayReplace, type Judgement, type ResultItem, type Verdict, type VerdictItem } from './verdicts';
import { toIso, WINDOW_MS, windowStartsIn } from './windows';

export interface AuditDeps {
  readonly doc: DynamoDBDocumentClient;
  readonly config: AuditorConfig;
  readonly metrics: MetricSink;
  /** Epoch milliseconds. @default Date.now */
  readonly clock?: () => number;
  readonly log?: Log;
}

export type ArrivalKind = 'first' | 'duplicate' | 'conflict';

const VERDICT_METRIC: Record<VerdictItem['verdict'], string> = {
  exact: 'WindowsExact',
  wrong: 'WindowsWrong',
  missing: 'WindowsMissing',
  incomplete: 'WindowsIncomplete',
};

function now(deps: AuditDeps): number {
  return (deps.clock ?? Date.now)();
}

function expiresAt(windowEnd: string): number {
  return Math.floor(Date.parse(windowEnd) / 1000) + RETENTION_SECONDS;
}

/**
 * Records one result idempotently: the first arrival of (windowStart, page) is stored with its
 * arrival time; a repeat with the same count increments `duplicates`; a repeat with another count
 * increments `conflicts` and keeps the count.
 */
async function recordResult(stats: ClickEventStatistics, deps: AuditDeps): Promise<ArrivalKind> {
  const table = deps.config.auditTableName;
  const arrivedMs = now(deps);
  const key = { windowStart: stats.windowStart, page: stats.page };
  const latencyMs = arrivedMs - Date.parse(stats.windowEnd);
  try {
    await deps.doc.send(
      new PutCommand({
        TableName: table,
        Item: {
          ...key,
          windowEnd: stats.windowEnd,
          count: stats.count,
          arrivedAt: toIso(arrivedMs),
          latencyMs,
          duplicates: 0,
          conflicts: 0,
          expiresAt: expiresAt(stats.windowEnd),
        },
        ConditionExpression: 'attribute_not_exists(page)',
      }),
    );
    deps.metrics.addMetric('EndToEndLatency', MetricUnit.Milliseconds, latencyMs);
    return 'first';
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
  const existing = await deps.doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
  const first = existing.Item as ResultItem | undefined;
  if (first?.count === stats.count) {
    await deps.doc.send(
      new UpdateCommand({ TableName: table, Key: key, UpdateExpression: 'ADD duplicates :one', ExpressionAttributeValues: { ':one': 1 } }),
    );
    deps.metrics.addMetric('Duplicates', MetricUnit.Count, 1);
    return 'duplicate';
  }
  await deps.doc.send(
    new UpdateCommand({
      TableName: table,
      Key: key,
      UpdateExpression: 'ADD conflicts :one SET conflictCounts = list_append(if_not_exists(conflictCounts, :none), :c)',
      ExpressionAttributeValues: { ':one': 1, ':none': [], ':c': [stats.count] },
    }),
  );
  deps.metrics.addMetric('Conflicts', MetricUnit.Count, 1);
  (deps.log ?? silentLog).error('conflicting result', { ...key, count: stats.count, firstCount: first?.count });
  return 'conflict';
}

/** What the audit table holds about one window. */
export interface StoredWindow {
  readonly results: ResultItem[];
  readonly verdict: VerdictItem | undefined;
}

/** Splits the items of one window's partition into its results and its verdict. */
export function toStoredWindow(items: readonly Record<string, unknown>[]): StoredWindow {
  return {
    results: items.filter((i) => i.page !== VERDICT_SORT_KEY) as unknown as ResultItem[],
    verdict: items.find((i) => i.page === VERDICT_SORT_KEY) as VerdictItem | undefined,
  };
}

/**
 * Everything stored about one window: one Query of its partition (6 results + the verdict item,
 * ≈1.3 KB, so one read unit strongly consistent, half eventually consistent).
 */
async function readWindow(
  windowStart: string,
  deps: Pick<AuditDeps, 'doc' | 'config'>,
  consistentRead = true,
): Promise<StoredWindow> {
  const items = await queryAll(deps.doc, {
    TableName: deps.config.auditTableName,
    KeyConditionExpression: 'windowStart = :w',
    ExpressionAttributeValues: { ':w': windowStart },
    ConsistentRead: consistentRead,
  });
  return toStoredWindow(items);
}

/**
 * Judges a window from the ledger and the audit table and stores the verdict when it is new or
 * may replace the stored one (conditional on the stored verdict, so concurrent judges agree);
 * each stored verdict counts once in WindowsExact / WindowsWrong / WindowsMissing /
 * WindowsIncomplete.
 */
async function evaluateWindow(
  windowStart: string,
  deps: AuditDeps,
  allowMissing: boolean,
): Promise<Judgement & { stored: boolean }> {
  const [ledger, stored] = await Promise.all([
    getLedgerEntry(deps.doc, deps.config.ledgerTableName, windowStart),
    readWindow(windowStart, deps),
  ]);
  return decideWindow(windowStart, ledger, stored, deps, allowMissing);
}

/** Judges a window from what was read about it and stores the verdict if it may replace the stored one. */
async function decideWindow(
  windowStart: string,
  ledger: LedgerEntry | undefined,
  { results, verdict: current }: StoredWindow,
  deps: AuditDeps,
  allowMissing: boolean,
): Promise<Judgement & { stored: boolean }> {
  const windowEndMs = Date.parse(windowStart) + WINDOW_MS;
  const nowMs = now(deps);
  const judgement = judgeWindow({
    ledger,
    results,
    windowEndMs,
    nowMs,
    graceMs: deps.config.gracePeriodSeconds * 1000,
    allowMissing,
  });
  if (!mayReplace(current?.verdict, judgement.verdict)) return { ...judgement, stored: false };
  const verdict = judgement.verdict as VerdictItem['verdict'];
  const expires = Math.floor(windowEndMs / 1000) + RETENTION_SECONDS;
  if (!ledger && !current) {
    // Indexed before the verdict (an idempotent put), so queryAudit finds the window without a Scan
    // even if the verdict write below fails.
    await deps.doc.send(
      new PutCommand({
        TableName: deps.config.auditTableName,
        Item: { windowStart: UNLEDGERED_PARTITION_KEY, page: windowStart, windowEnd: toIso(windowEndMs), expiresAt: expires },
      }),
    );
  }
  try {
    await deps.doc.send(
      new PutCommand({
        TableName: deps.config.auditTableName,
        Item: {
          windowStart,
          page: VERDICT_SORT_KEY,
          verdict,
          reason: judgement.reason,
          decidedAt: toIso(nowMs),
          windowEnd: toIso(windowEndMs),
          expected: ledger?.eventsPerWindow,
          expiresAt: expires,
        },
        ConditionExpression: current ? 'verdict = :prev' : 'attribute_not_exists(page)',
        ExpressionAttributeValues: current ? { ':prev': current.verdict } : undefined,
      }),
    );
  } catch (error) {
    if (isConditionalCheckFailed(error)) return { ...judgement, stored: false };
    throw error;
  }
  deps.metrics.addMetric(VERDICT_METRIC[verdict], MetricUnit.Count, 1);
  const log = deps.log ?? silentLog;
  if (verdict === 'exact') log.info('window exact', { windowStart });
  else log.warn(`window ${verdict}`, { windowStart, reason: judgement.reason });
  return { ...judgement, stored: true };
}

/** Counts a malformed output record (per arrival minute) and logs it; it is never retried. */
async function recordMalformed(error: MalformedRecordError, deps: AuditDeps): Promise<void> {
  const minute = toIso(Math.floor(now(deps) / 60_000) * 60_000);
  deps.metrics.addMetric('MalformedRecords', MetricUnit.Count, 1);
  (deps.log ?? silentLog).warn('malformed output record', { error: error.message });
  await deps.doc.send(
    new UpdateCommand({
      TableName: deps.config.auditTableName,
      Key: { windowStart: MALFORMED_PARTITION_KEY, page: minute },
      UpdateExpression: 'ADD #c :one SET lastError = :e, expiresAt = :x',
      ExpressionAttributeNames: { '#c': 'count' },
      ExpressionAttributeValues: { ':one': 1, ':e': error.message.slice(0, 1000), ':x': Math.floor(now(deps) / 1000) + RETENTION_SECONDS },
    }),
  );
}

/**
 * Audits one output record (the text of a ClickEventStatistics): records it and re-judges its
 * window. Malformed records are counted, not thrown; other errors (DynamoDB) propagate so the
 * record is retried.
 */
export async function auditRecord(text: string, deps: AuditDeps): Promise<ArrivalKind | 'malformed'> {
  let stats: ClickEventStatistics;
  try {
    stats = parseClickEventStatistics(text);
  } catch (error) {
    if (error instanceof MalformedRecordError) {
      await recordMalformed(error, deps);
      return 'malformed';
    }
    throw error;
  }
  const kind = await recordResult(stats, deps);
  if (kind !== 'duplicate') await evaluateWindow(stats.windowStart, deps, false);
  return kind;
}

export interface SweepResult {
  /** Ledger windows in the look-back without a final (exact or wrong) verdict, judged by this sweep. */
  readonly checked: number;
  readonly verdicts: Readonly<Record<Verdict, number>>;
}

/**
 * How far back, before `now − grace`, the sweep looks: 15 minutes = 60 windows. The sweep runs every
 * minute (each invocation retried twice by EventBridge), and a window needs one successful sweep
 * after its grace period to be decided, so 15 minutes rides out a quarter of an hour of failed
 * sweeps. Older windows are not re-examined: an earlier sweep decided them, and any that no sweep
 * reached are still reported missing by `queryAudit`, which judges windows without a verdict itself
 * (only the WindowsMissing metric misses them).
 */
export const DEFAULT_SWEEP_LOOKBACK_MS = 15 * 60_000;

/** Window partitions the sweep and the query read at the same time. */
export const WINDOW_READ_CONCURRENCY = 8;

/**
 * The scheduled sweep: every ledger window whose end is at least the grace period ago (and at most
 * `lookbackMs` before that) without a final verdict is judged; those without complete results
 * become missing (or incomplete when the generator never marked them sent), and missing or
 * incomplete ones whose results completed since become exact or wrong.
 *
 * No Scan: windows are deterministic (every 15 s), so the sweep enumerates the window starts in the
 * look-back, reads their ledger entries with BatchGetItem and Queries the audit partition of each
 * window the ledger has. Both reads are eventually consistent: the ledger entry of a window past its
 * grace period no longer changes, and a verdict is only written conditionally on the verdict that
 * was read, so a stale read can at worst store `missing` for a window whose last result landed in
 * the last second — which the auditor, or the next sweep (missing windows are re-examined), turns
 * exact.
 *
 * Read units per sweep (default look-back, generator running, items < 4 KB so 0.5 RRU each,
 * eventually consistent): 60 ledger keys × 0.5 + 60 window Queries × 0.5 = 60 RRU; 30 RRU with the
 * generator stopped (no ledger entries, no Queries). The former strongly consistent Scan of both
 * tables read all 7 days kept by TTL — 40,320 windows × (280 B ledger + 6 × 170 B results + 220 B
 * verdict) ≈ 61 MB ≈ 15,000 RRU — at every sweep, whatever the load.
 */
export async function sweep(deps: AuditDeps, lookbackMs = DEFAULT_SWEEP_LOOKBACK_MS): Promise<SweepResult> {
  const nowMs = now(deps);
  const cutoffEnd = nowMs - deps.config.gracePeriodSeconds * 1000;
  // Windows with cutoffEnd − lookbackMs < end ≤ cutoffEnd.
  const starts = windowStartsIn(cutoffEnd - lookbackMs - WINDOW_MS + 1, cutoffEnd - WINDOW_MS + 1).map(toIso);
  const ledger = await getLedgerEntries(deps.doc, deps.config.ledgerTableName, starts);
  const verdicts: Record<Verdict, number> = { exact: 0, wrong: 0, missing: 0, incomplete: 0, pending: 0 };
  let checked = 0;
  await mapConcurrently(
    starts.filter((s) => ledger.has(s)),
    WINDOW_READ_CONCURRENCY,
    async (windowStart) => {
      const stored = await readWindow(windowStart, deps, false);
      if (stored.verdict?.verdict === 'exact' || stored.verdict?.verdict === 'wrong') return;
      checked++;
      const { verdict } = await decideWindow(windowStart, ledger.get(windowStart), stored, deps, true);
      verdicts[verdict]++;
    },
  );
  return { checked, verdicts };
}
