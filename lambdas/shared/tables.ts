/**
 * The generator's and the auditor's DynamoDB tables, as data: the CDK app and the local stack both
 * create the tables from these definitions (`AttributeType.STRING === 'S'` in aws-cdk-lib).
 */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S';
}

export interface TableSchema {
  /** A stable identifier (CDK construct id, local table name prefix). */
  readonly id: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly billingMode: 'PAY_PER_REQUEST';
  /** Epoch-seconds attribute for DynamoDB TTL: items expire a week after their window. */
  readonly timeToLiveAttribute: string;
}

/**
 * Ledger: one item per generated window, written by the generator.
 * Key `windowStart` (ISO-8601 UTC ms). Attributes: `windowEnd` (S), `status` (`claimed` | `sent`),
 * `eventsPerWindow` (N, per page), `pages` (N, 6), `claimedAt` / `sentAt` (S, ISO), `claimedBy` (S,
 * invocation id), `stream` (`kinesis` | `kafka`), `expiresAt` (N, TTL).
 */
export const LEDGER_TABLE: TableSchema = {
  id: 'Ledger',
  partitionKey: { name: 'windowStart', type: 'S' },
  billingMode: 'PAY_PER_REQUEST',
  timeToLiveAttribute: 'expiresAt',
};

/**
 * Audit: written by the auditor and the sweep. Key `windowStart` + `page`.
 * - result items, `page` = one of the six pages: `windowEnd`, `count` (first arrival), `arrivedAt`
 *   (S, ISO), `latencyMs` (N, arrival − windowEnd), `duplicates` (N), `conflicts` (N),
 *   `conflictCounts` (L of N);
 * - one verdict item per window, `page` = `#window`: `verdict` (`exact` | `wrong` | `missing` | `incomplete`),
 *   `reason` (S), `decidedAt` (S), `windowEnd`, `expected` (N);
 * - malformed-record counters, `windowStart` = `#malformed`, `page` = arrival minute (ISO):
 *   `count` (N), `lastError` (S);
 * - an index of windows with results but no ledger entry, `windowStart` = `#unledgered`, `page` =
 *   the window's start (ISO): `windowEnd` (S). Written with the first wrong verdict of such a window,
 *   so `queryAudit` finds them with one Query instead of a Scan.
 */
export const AUDIT_TABLE: TableSchema = {
  id: 'Audit',
  partitionKey: { name: 'windowStart', type: 'S' },
  sortKey: { name: 'page', type: 'S' },
  billingMode: 'PAY_PER_REQUEST',
  timeToLiveAttribute: 'expiresAt',
};

/** Sort key of the verdict item of a window in the audit table. */
export const VERDICT_SORT_KEY = '#window';
/** Partition key under which malformed-record counters are kept in the audit table. */
export const MALFORMED_PARTITION_KEY = '#malformed';
/** Partition key of the index of windows that have results but no ledger entry. */
export const UNLEDGERED_PARTITION_KEY = '#unledgered';
/** How long items live (TTL) after their window. */
export const RETENTION_SECONDS = 7 * 24 * 3600;

/** The CreateTable input for a schema (structurally a `CreateTableCommandInput`). */
export function createTableInput(
  schema: TableSchema,
  tableName: string,
): {
  TableName: string;
  BillingMode: 'PAY_PER_REQUEST';
  AttributeDefinitions: { AttributeName: string; AttributeType: 'S' }[];
  KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
} {
  const keys = [schema.partitionKey, ...(schema.sortKey ? [schema.sortKey] : [])];
  return {
    TableName: tableName,
    BillingMode: schema.billingMode,
    AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
    KeySchema: [
      { AttributeName: schema.partitionKey.name, KeyType: 'HASH' },
      ...(schema.sortKey ? [{ AttributeName: schema.sortKey.name, KeyType: 'RANGE' as const }] : []),
    ],
  };
}
