import {
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { AuditorConfig } from './config';
import { parseClickEventStatistics, type ClickEventStatistics } from './events';
import { MalformedRecordError } from './errors';
import { getLedgerEntry, isConditionalCheckFailed, scanLedger } from './ledger';
import { MetricUnit, silentLog, type Log, type MetricSink } from './observability';
import { MALFORMED_PARTITION_KEY, RETENTION_SECONDS, VERDICT_SORT_KEY } from './tables';
import { judgeWindow, mayReplace, type Judgement, type ResultItem, type Verdict, type VerdictItem } from './verdicts';
import { toIso, WINDOW_MS } from './windows';

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
export async function recordResult(stats: ClickEventStatistics, deps: AuditDeps): Promise<ArrivalKind> {
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

/** Everything stored about one window. */
export async function readWindow(
  windowStart: string,
  deps: Pick<AuditDeps, 'doc' | 'config'>,
): Promise<{ results: ResultItem[]; verdict: VerdictItem | undefined }> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await deps.doc.send(
      new QueryCommand({
        TableName: deps.config.auditTableName,
        KeyConditionExpression: 'windowStart = :w',
        ExpressionAttributeValues: { ':w': windowStart },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return {
    results: items.filter((i) => i.page !== VERDICT_SORT_KEY) as unknown as ResultItem[],
    verdict: items.find((i) => i.page === VERDICT_SORT_KEY) as VerdictItem | undefined,
  };
}

/**
 * Judges a window from the ledger and the audit table and stores the verdict when it is new or
 * may replace the stored one (conditional on the stored verdict, so concurrent judges agree);
 * each stored verdict counts once in WindowsExact / WindowsWrong / WindowsMissing.
 */
export async function evaluateWindow(
  windowStart: string,
  deps: AuditDeps,
  allowMissing: boolean,
): Promise<Judgement & { stored: boolean }> {
  const windowEndMs = Date.parse(windowStart) + WINDOW_MS;
  const [ledger, { results, verdict: current }] = await Promise.all([
    getLedgerEntry(deps.doc, deps.config.ledgerTableName, windowStart),
    readWindow(windowStart, deps),
  ]);
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
          expiresAt: Math.floor(windowEndMs / 1000) + RETENTION_SECONDS,
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
export async function recordMalformed(error: MalformedRecordError, deps: AuditDeps): Promise<void> {
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
  readonly checked: number;
  readonly verdicts: Readonly<Record<Verdict, number>>;
}

/**
 * The scheduled sweep: every ledger window that ended more than the grace period ago (and at most
 * `lookbackMs` ago) without a final verdict is judged; incomplete ones become missing.
 */
export async function sweep(deps: AuditDeps, lookbackMs = 3_600_000): Promise<SweepResult> {
  const nowMs = now(deps);
  const cutoffEnd = nowMs - deps.config.gracePeriodSeconds * 1000;
  const fromIso = toIso(cutoffEnd - lookbackMs - WINDOW_MS);
  const toIsoExclusive = toIso(cutoffEnd - WINDOW_MS + 1);
  const ledger = await scanLedger(deps.doc, deps.config.ledgerTableName, fromIso, toIsoExclusive);
  const decided = new Set<string>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await deps.doc.send(
      new ScanCommand({
        TableName: deps.config.auditTableName,
        FilterExpression: 'page = :v AND windowStart >= :from AND windowStart < :to AND verdict IN (:exact, :wrong)',
        ExpressionAttributeValues: { ':v': VERDICT_SORT_KEY, ':from': fromIso, ':to': toIsoExclusive, ':exact': 'exact', ':wrong': 'wrong' },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of out.Items ?? []) decided.add(String(item.windowStart));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  const verdicts: Record<Verdict, number> = { exact: 0, wrong: 0, missing: 0, pending: 0 };
  let checked = 0;
  for (const entry of ledger) {
    if (decided.has(entry.windowStart)) continue;
    checked++;
    const { verdict } = await evaluateWindow(entry.windowStart, deps, true);
    verdicts[verdict]++;
  }
  return { checked, verdicts };
}
